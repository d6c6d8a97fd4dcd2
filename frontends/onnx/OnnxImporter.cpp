// ONNX ModelProto -> func.func @main(tensor) -> tensor of qnn ops: values,
// attributes, the dispatch table and ONNX schema checks; every malformed
// input is diagnosed at the node that carries it.
#include "frontends/onnx/Importer.h"

#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/text_format.h>

#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <optional>

#include <csignal>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace qnnc::onnx_import {

std::string shapeStr(ArrayRef<int64_t> s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i)
    out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

//===----------------------------------------------------------------------===//
// Tensors and values
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkShape(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > kMaxDim)
      return error() << "dimension " << d << " in shape " << shapeStr(shape) << " is out of range";
    n *= d;
    if (n > kMaxElements)
      return error() << "tensor of shape " << shapeStr(shape) << " is too large";
  }
  return success();
}

FailureOr<DenseElementsAttr> Importer::decodeTensor(const onnx::TensorProto &t) {
  Ints dims(t.dims().begin(), t.dims().end());
  if (failed(checkShape(dims)))
    return failure();
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return error() << "tensor '" << t.name() << "' uses external data, which is not supported";
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  const std::string &raw = t.raw_data();
  auto sizeError = [&](int64_t got) {
    return error() << "tensor '" << t.name() << "' of shape " << shapeStr(dims) << " holds " << got
                   << " values, expected " << n;
  };
  // Values come as raw little-endian bytes of type T, or in the typed field.
  auto decode = [&](auto sample, const auto &field, auto &out) -> LogicalResult {
    using T = decltype(sample);
    if (raw.empty()) {
      if (field.size() != n)
        return sizeError(field.size());
      out.assign(field.begin(), field.end());
      return success();
    }
    if ((int64_t)raw.size() != n * (int64_t)sizeof(T))
      return sizeError(raw.size() / sizeof(T));
    out.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      T v;
      memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
      out[i] = v;
    }
    return success();
  };
  SmallVector<float> floats;
  SmallVector<int64_t> ints;
  switch (t.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (failed(decode(float(), t.float_data(), floats)))
      return failure();
    return DenseElementsAttr::get(f32(dims), ArrayRef<float>(floats));
  case onnx::TensorProto::DOUBLE: {
    SmallVector<double> doubles;
    if (failed(decode(double(), t.double_data(), doubles)))
      return failure();
    return DenseElementsAttr::get(RankedTensorType::get(dims, b.getF64Type()), ArrayRef<double>(doubles));
  }
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
    if (failed(t.data_type() == onnx::TensorProto::INT64 ? decode(int64_t(), t.int64_data(), ints)
                                                         : decode(int32_t(), t.int32_data(), ints)))
      return failure();
    if (t.data_type() == onnx::TensorProto::INT32) {
      SmallVector<int32_t> narrow(ints.begin(), ints.end());
      return DenseElementsAttr::get(RankedTensorType::get(dims, b.getI32Type()), ArrayRef<int32_t>(narrow));
    }
    return DenseElementsAttr::get(RankedTensorType::get(dims, b.getI64Type()), ArrayRef<int64_t>(ints));
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8: {
    // Quantized weights and zero points; int8/uint8 values sit in int32_data.
    bool isUnsigned = t.data_type() == onnx::TensorProto::UINT8;
    if (failed(isUnsigned ? decode(uint8_t(), t.int32_data(), ints) : decode(int8_t(), t.int32_data(), ints)))
      return failure();
    auto type = RankedTensorType::get(dims, IntegerType::get(b.getContext(), 8, isUnsigned ? IntegerType::Unsigned
                                                                                             : IntegerType::Signless));
    SmallVector<APInt> values;
    for (int64_t v : ints) {
      if (v < (isUnsigned ? 0 : -128) || v > (isUnsigned ? 255 : 127))
        return error() << "tensor '" << t.name() << "' holds " << v << ", outside its 8-bit type";
      values.push_back(APInt(8, v, /*isSigned=*/!isUnsigned));
    }
    return DenseElementsAttr::get(type, values);
  }
  default:
    return error() << "tensor '" << t.name() << "' has data type "
                   << onnx::TensorProto::DataType_Name(static_cast<onnx::TensorProto::DataType>(t.data_type()))
                   << ", which is not supported (FLOAT, DOUBLE, INT8, UINT8, INT32 and INT64 are)";
  }
}

Type Importer::graphElementType(int onnxType) {
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  default:
    return {};
  }
}

Value Importer::materialize(StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto c = constants.find(name);
  if (c == constants.end())
    return {};
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(b.getInsertionBlock());
  Value v = b.create<arith::ConstantOp>(NameLoc::get(b.getStringAttr(name), fileLoc), c->second);
  values[name] = v;
  return v;
}

FailureOr<Value> Importer::optionalInput(int i, Elements elements) {
  if (i >= node->input_size() || node->input(i).empty())
    return Value();
  Value v = materialize(node->input(i));
  if (!v)
    return error() << "input '" << node->input(i) << "' is not "
                   << uncomputed(node->input(i), "produced by any earlier node, initializer or graph input");
  Type t = typeOf(v).getElementType();
  if (elements == Elements::Float && !t.isF32())
    return error() << "input '" << node->input(i) << "' must be a float tensor";
  const bool integer = t.isUnsignedInteger(8) || t.isSignlessInteger(8) || t.isSignlessInteger(32);
  if (elements == Elements::FloatOrInteger && !t.isF32() && !integer)
    return error() << "input '" << node->input(i) << "' is a tensor of " << t
                   << "; this operator takes float32, uint8, int8 or int32";
  if (elements == Elements::Any && qnn::cElementTypeName(t).empty())
    return error() << "input '" << node->input(i) << "' is a tensor of " << t
                   << "; this operator takes float32, float64, uint8, int8, int32 or int64";
  return v;
}

FailureOr<Value> Importer::input(int i, Elements elements) {
  auto v = optionalInput(i, elements);
  if (succeeded(v) && !*v)
    return error() << "input " << i << " is required";
  return v;
}

FailureOr<DenseElementsAttr> Importer::constantInput(int i) {
  if (i < node->input_size()) {
    auto c = constants.find(node->input(i));
    if (c != constants.end())
      return c->second;
  }
  return error() << "input " << i << " must be a constant (initializer or Constant node)";
}

LogicalResult Importer::setOutput(Value v, int i) {
  if (i >= node->output_size())
    return error() << "has no output " << i;
  // Every tensor a node makes is held to the limits the inputs are (the
  // arena and every kernel's index arithmetic rely on them).
  if (auto shaped = dyn_cast<ShapedType>(v.getType()); shaped && shaped.hasStaticShape()) {
    if (failed(checkShape(shaped.getShape())))
      return failure();
    if (shaped.getNumElements() == 0 && !movesEmptyTensors())
      return error() << "output '" << node->output(i) << "' of shape " << shapeStr(shaped.getShape())
                     << " has no elements (empty tensors go only through Reshape, Flatten and Identity)";
  }
  values[node->output(i)] = v;
  return success();
}

LogicalResult Importer::checkArity(int minIn, int maxIn) {
  if (node->input_size() < minIn || node->input_size() > maxIn)
    return error() << "expects " << minIn << (minIn == maxIn ? "" : " to " + std::to_string(maxIn))
                   << " inputs, got " << node->input_size();
  if (node->output_size() < 1)
    return error() << "has no outputs";
  return success();
}

/// A node of the default domain against its ONNX schema at the model's
/// opset (libonnx's OpSchemaRegistry): input and output counts, attribute
/// names and types.
LogicalResult Importer::checkSchema() {
  schema = onnx::OpSchemaRegistry::Schema(node->op_type(), static_cast<int>(opset), "");
  if (!schema)
    return error() << "operator '" << node->op_type() << "' does not exist in ONNX opset " << opset;
  if (failed(checkArity(schema->min_input(), schema->max_input())))
    return failure();
  if (node->output_size() > schema->max_output())
    return error() << "has " << node->output_size() << " outputs, at most " << schema->max_output() << " expected";
  for (const auto &a : node->attribute()) {
    auto known = schema->attributes().find(a.name());
    if (known == schema->attributes().end())
      return error() << "attribute '" << a.name() << "' is not defined for " << node->op_type() << "-"
                     << schema->SinceVersion();
    if (a.type() != known->second.type)
      return error() << "attribute '" << a.name() << "' must be of type "
                     << onnx::AttributeProto::AttributeType_Name(known->second.type);
  }
  return success();
}

std::string Importer::uncomputed(StringRef name, StringRef otherwise) {
  const auto &nodes = model.graph().node();
  for (int index = 0; index < nodes.size(); ++index)
    for (int k = 0; k < nodes[index].output_size(); ++k)
      if (nodes[index].output(k) == name)
        return "computed: it is output " + std::to_string(k) + " of node '" +
               (nodes[index].name().empty() ? "#" + std::to_string(index) : nodes[index].name()) + "' (" +
               nodes[index].op_type() + "), which qnnc does not compute";
  return otherwise.str();
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *Importer::attr(StringRef name, onnx::AttributeProto::AttributeType type, bool &bad) {
  bad = false;
  for (const auto &a : node->attribute())
    if (a.name() == name) {
      if (a.type() != type) {
        error() << "attribute '" << name.str() << "' must be of type "
                << onnx::AttributeProto::AttributeType_Name(type);
        bad = true;
        return nullptr;
      }
      return &a;
    }
  return nullptr;
}

FailureOr<int64_t> Importer::axisAttr(int64_t rank, bool upToRank) {
  auto axis = intAttr("axis");
  if (failed(axis))
    return failure();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank || (a == rank && !upToRank))
    return error() << "axis " << *axis << " is out of range for rank " << rank;
  return a;
}

const onnx::AttributeProto *Importer::schemaDefault(StringRef name) {
  if (!schema)
    return nullptr;
  auto known = schema->attributes().find(name.str());
  if (known == schema->attributes().end() || known->second.default_value.type() == onnx::AttributeProto::UNDEFINED)
    return nullptr;
  return &known->second.default_value;
}

template <class T, class Get>
FailureOr<T> Importer::typedAttr(StringRef name, onnx::AttributeProto::AttributeType type, std::optional<T> fallback,
                                 Get get) {
  bool bad;
  auto *a = attr(name, type, bad);
  if (bad)
    return failure();
  if (a)
    return T(get(*a));
  if (fallback)
    return *fallback;
  if (const auto *d = schemaDefault(name))
    return T(get(*d));
  return error() << "attribute '" << name << "' is required";
}

FailureOr<int64_t> Importer::intAttr(StringRef name, std::optional<int64_t> fallback) {
  return typedAttr(name, onnx::AttributeProto::INT, fallback, [](const auto &a) { return a.i(); });
}

FailureOr<float> Importer::floatAttr(StringRef name, std::optional<float> fallback) {
  return typedAttr(name, onnx::AttributeProto::FLOAT, fallback, [](const auto &a) { return a.f(); });
}

FailureOr<Ints> Importer::intsAttr(StringRef name, std::optional<Ints> fallback) {
  return typedAttr(name, onnx::AttributeProto::INTS, fallback,
                   [](const auto &a) { return Ints(a.ints().begin(), a.ints().end()); });
}

FailureOr<std::string> Importer::stringAttr(StringRef name, std::optional<std::string> fallback) {
  return typedAttr(name, onnx::AttributeProto::STRING, fallback, [](const auto &a) { return a.s(); });
}

const OpHandler *Importer::lookupHandler(StringRef domain, StringRef opType) {
  static const llvm::StringMap<const OpHandler *> table = [] {
    llvm::StringMap<const OpHandler *> t;
    for (ArrayRef<OpHandler> section : {coreOps(), qonnxOps(), qdqOps()})
      for (const OpHandler &h : section)
        t[(h.domain + "/" + h.opType).str()] = &h;
    return t;
  }();
  return table.lookup((domain + "/" + opType).str());
}

/// Where a diagnostic about graph node `index` points: "node 'NAME' (Op)"
/// ("#index" for an unnamed node) in the file.
Location nodeLoc(const onnx::NodeProto &n, int index, Location fileLoc) {
  return NameLoc::get(StringAttr::get(fileLoc.getContext(), "node '" +
                                                               (n.name().empty() ? "#" + std::to_string(index)
                                                                                 : n.name()) +
                                                               "' (" + n.op_type() + ")"),
                      fileLoc);
}

LogicalResult Importer::importNode(const onnx::NodeProto &n, int index) {
  node = &n;
  schema = nullptr;
  loc = nodeLoc(n, index, fileLoc);
  StringRef domain = n.domain();
  if (domain == "ai.onnx")
    domain = "";
  if (domain == "finn.custom_op.general")
    domain = kQonnxDomain;
  const OpHandler *handler = lookupHandler(domain, n.op_type());
  if (!handler) {
    if (domain == kQonnxDomain)
      return error() << "QONNX operator '" << n.op_type() << "' is not supported";
    if (!domain.empty())
      return error() << "operator domain '" << n.domain() << "' is not supported";
    return error() << "operator '" << n.op_type() << "' is not supported";
  }
  if (domain.empty() && failed(checkSchema()))
    return failure();
  for (const std::string &name : n.input())
    if (Value v = values.lookup(name); v && typeOf(v).getNumElements() == 0 && !movesEmptyTensors())
      return error() << "input '" << name << "' of shape " << shapeStr(typeOf(v).getShape())
                     << " has no elements (empty tensors go only through Reshape, Flatten and Identity)";
  return handler->import(*this);
}

FailureOr<RankedTensorType> Importer::graphInputType(const onnx::ValueInfoProto &in) {
  loc = NameLoc::get(b.getStringAttr("input '" + in.name() + "'"), fileLoc);
  if (!in.type().has_tensor_type())
    return error() << "not a tensor, but the generated code reads tensors";
  Type element = graphElementType(in.type().tensor_type().elem_type());
  if (!element)
    return error() << StringRef(onnx::TensorProto::DataType_Name(in.type().tensor_type().elem_type())).lower()
                   << " tensor, but the generated code reads float32, float64, uint8, int8, int32 or int64 tensors";
  Ints shape;
  const auto &dims = in.type().tensor_type().shape().dim();
  for (int i = 0; i < dims.size(); ++i) {
    if (dims[i].has_dim_value()) // 0 too: an empty tensor
      shape.push_back(dims[i].dim_value());
    else if (i == 0)
      shape.push_back(options.batch);
    else
      return error() << "dimension " << i << " is dynamic; only the batch dimension may be";
  }
  if (failed(checkShape(shape)))
    return failure();
  return RankedTensorType::get(shape, element);
}

FailureOr<Value> Importer::graphOutput(const onnx::ValueInfoProto &out) {
  loc = NameLoc::get(b.getStringAttr("output '" + out.name() + "'"), fileLoc);
  Value result = materialize(out.name());
  if (!result)
    return error() << "is not " << uncomputed(out.name(), "produced by any node");
  Type element = typeOf(result).getElementType();
  if (qnn::cElementTypeName(element).empty())
    return error() << result.getType()
                   << ", but the generated code writes float32, float64, uint8, int8, int32 or int64 tensors";
  const int declared = out.type().has_tensor_type() ? out.type().tensor_type().elem_type() : 0;
  if (declared != onnx::TensorProto::UNDEFINED && graphElementType(declared) != element)
    return error() << "declared " << StringRef(onnx::TensorProto::DataType_Name(declared)).lower()
                   << ", but the graph computes " << result.getType();
  return result;
}

OwningOpRef<ModuleOp> Importer::run() {
  ctx.loadDialect<QnnDialect, func::FuncDialect, arith::ArithDialect>();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  loc = fileLoc;
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset < kMinOpset || opset > kMaxOpset) {
    emitError(fileLoc) << "ONNX opset " << opset << " is not supported (opsets " << kMinOpset << " to "
                       << kMaxOpset << " are)";
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();
  for (const auto &t : graph.initializer()) {
    loc = NameLoc::get(b.getStringAttr("initializer '" + t.name() + "'"), fileLoc);
    auto v = decodeTensor(t);
    if (failed(v))
      return nullptr;
    constants[t.name()] = *v;
  }
  loc = NameLoc::get(b.getStringAttr("graph '" + graph.name() + "'"), fileLoc);
  if (graph.output_size() == 0) {
    error() << "has no outputs";
    return nullptr;
  }
  SmallVector<const onnx::ValueInfoProto *> inputs;
  SmallVector<Type> inputTypes;
  for (const auto &in : graph.input()) {
    if (constants.count(in.name()))
      continue;
    FailureOr<RankedTensorType> type = graphInputType(in);
    if (failed(type))
      return nullptr;
    if (llvm::any_of(inputs, [&](const onnx::ValueInfoProto *other) { return other->name() == in.name(); })) {
      error() << "is listed twice";
      return nullptr;
    }
    inputs.push_back(&in);
    inputTypes.push_back(*type);
  }

  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(fileLoc, "main", b.getFunctionType(inputTypes, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  for (auto [in, arg] : llvm::zip(inputs, body->getArguments())) {
    arg.setLoc(NameLoc::get(b.getStringAttr(in->name()), fileLoc));
    values[in->name()] = arg;
  }

  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

  SmallVector<Value> results;
  for (const auto &out : graph.output()) {
    FailureOr<Value> result = graphOutput(out);
    if (failed(result))
      return nullptr;
    results.push_back(*result);
  }
  b.setInsertionPointToEnd(body);
  b.create<func::ReturnOp>(loc, results);
  func.setFunctionType(b.getFunctionType(inputTypes, ValueRange(results).getTypes()));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

bool isTextFormat(StringRef path) {
  return path.ends_with(".pbtxt") || path.ends_with(".textproto") || path.ends_with(".onnxtxt");
}

} // namespace qnnc::onnx_import

using namespace mlir;
using namespace qnnc::onnx_import;

namespace {

/// Opset 6 PRelu applies a slope of C values per channel (axis 1); from
/// opset 7 the slope broadcasts numpy-style, which the converter does not
/// rewrite. A slope initializer of shape [C], read by this node alone, on
/// an input whose shape (given or inferred) is [N, C, ...] becomes
/// [C, 1, ...], which means the same under both rules.
void perChannelLegacyPRelu(onnx::ModelProto &model) {
  int64_t opset = 0;
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset >= 7)
    return;
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringMap<const onnx::TensorShapeProto *> shapes;
  for (const auto *infos : {&graph.input(), &graph.value_info(), &graph.output()})
    for (const auto &info : *infos)
      if (info.type().has_tensor_type() && info.type().tensor_type().has_shape())
        shapes[info.name()] = &info.type().tensor_type().shape();
  llvm::StringMap<int> readers;
  for (const auto &n : graph.node())
    for (const std::string &in : n.input())
      ++readers[in];
  for (const auto &n : graph.node()) {
    if (n.op_type() != "PRelu" || n.input_size() != 2 || readers[n.input(1)] != 1)
      continue;
    const onnx::TensorShapeProto *x = shapes.lookup(n.input(0));
    for (auto &slope : *graph.mutable_initializer()) {
      if (slope.name() != n.input(1) || slope.dims_size() != 1 || !x || x->dim_size() < 3 ||
          x->dim(1).dim_value() != slope.dims(0))
        continue;
      for (int d = 2; d < x->dim_size(); ++d)
        slope.add_dims(1);
    }
  }
}

/// libonnx's version converter on `model`, run in a child process: on some
/// malformed models it dereferences what is not there (SEGV) or aborts,
/// which must not take qnnc down. The converted model comes back over a
/// pipe; a failure as the converter's message or the signal that ended it.
llvm::Expected<onnx::ModelProto> convertInChild(const onnx::ModelProto &model) {
  auto failed = [](const std::string &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  int fds[2];
  if (pipe(fds) != 0)
    return failed(std::string("cannot create a pipe: ") + std::strerror(errno));
  const pid_t child = fork();
  if (child < 0) {
    close(fds[0]);
    close(fds[1]);
    return failed(std::string("cannot start the converter: ") + std::strerror(errno));
  }
  if (child == 0) {
    close(fds[0]);
    // A crash ends the child quietly (not through qnnc's handlers, which
    // print a stack dump), and the parent says what happened.
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
      signal(sig, SIG_DFL);
    if (int devNull = open("/dev/null", O_WRONLY); devNull >= 0)
      dup2(devNull, STDERR_FILENO);
    std::string out;
    int status = 0;
    try {
      // The converter's adapters read the shapes of the tensors they
      // rewrite (Gemm's and Add's of opset 6, for one): inferred first,
      // where the model's own schemas allow.
      onnx::ModelProto shaped = model;
      try {
        onnx::shape_inference::InferShapes(shaped);
      } catch (const std::exception &) {
        shaped = model;
      }
      perChannelLegacyPRelu(shaped);
      onnx::version_conversion::ConvertVersion(shaped, kMinOpset).SerializeToString(&out);
    } catch (const std::exception &e) {
      out = e.what();
      status = 2;
    }
    for (size_t done = 0; done < out.size();) {
      const ssize_t n = write(fds[1], out.data() + done, out.size() - done);
      if (n <= 0)
        _exit(3);
      done += static_cast<size_t>(n);
    }
    _exit(status);
  }
  close(fds[1]);
  std::string in;
  char buffer[65536];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      break;
    in.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    return failed(std::string("the converter crashed (") + strsignal(WTERMSIG(status)) + ")");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return failed(WIFEXITED(status) && WEXITSTATUS(status) == 2 ? in : "the converter failed");
  onnx::ModelProto converted;
  if (!converted.ParseFromString(in))
    return failed("the converter's output cannot be read");
  return converted;
}

/// A model below opset kMinOpset (e.g. PyTorch exports at opsets 6-10),
/// brought to kMinOpset by libonnx's version converter, whose adapters
/// rewrite each node that changed (BatchNormalization's spatial, Pad's pads
/// moving to an input, ...).
LogicalResult convertOldOpset(onnx::ModelProto &model, Location fileLoc) {
  int64_t opset = 0;
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset < 1 || opset >= kMinOpset)
    return success(); // nothing to convert, or Importer::run's diagnostic
  // The converter's graph builder dereferences every name a node reads and
  // the graph outputs: each must be defined before (Importer::run checks
  // the same of models it reads directly).
  llvm::StringSet<> defined;
  for (const auto &in : model.graph().input())
    defined.insert(in.name());
  for (const auto &t : model.graph().initializer())
    defined.insert(t.name());
  auto undefined = [&](const std::string &name) { return !name.empty() && !defined.contains(name); };
  for (int i = 0; i < model.graph().node_size(); ++i) {
    const onnx::NodeProto &n = model.graph().node(i);
    for (const std::string &in : n.input())
      if (undefined(in)) {
        emitError(nodeLoc(n, i, fileLoc)) << "input '" << in << "' is not defined before the node";
        return failure();
      }
    for (const std::string &out : n.output())
      defined.insert(out);
  }
  for (const auto &out : model.graph().output())
    if (undefined(out.name())) {
      emitError(NameLoc::get(StringAttr::get(fileLoc.getContext(), "output '" + out.name() + "'"), fileLoc))
          << "is not produced by any node";
      return failure();
    }
  auto converted = convertInChild(model);
  if (!converted) {
    // The converter's messages run over lines; the first says what.
    const std::string what = llvm::toString(converted.takeError());
    emitError(fileLoc) << "ONNX opset " << opset << " could not be converted to opset " << kMinOpset << ": "
                       << what.substr(0, what.find('\n'));
    return failure();
  }
  model = std::move(*converted);
  return success();
}

} // namespace

OwningOpRef<ModuleOp> qnnc::importOnnxFile(MLIRContext &context, const std::string &path,
                                           const OnnxImportOptions &options) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) {
    emitError(FileLineColLoc::get(&context, path, 0, 0)) << "cannot open the file";
    return nullptr;
  }
  return importOnnxBuffer(context, (*file)->getBuffer(), path, options);
}

OwningOpRef<ModuleOp> qnnc::importOnnxBuffer(MLIRContext &context, llvm::StringRef bytes, const std::string &path,
                                             const OnnxImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  onnx::ModelProto model;
  const bool parsed =
      isTextFormat(path)
          ? google::protobuf::TextFormat::ParseFromString(std::string(bytes), &model)
          : bytes.size() <= static_cast<size_t>(std::numeric_limits<int>::max()) &&
                model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
  if (!parsed) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf cannot be parsed (truncated or corrupt file?)";
    return nullptr;
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    emitError(fileLoc) << "the model has no graph nodes (truncated or empty file?)";
    return nullptr;
  }
  if (failed(convertOldOpset(model, fileLoc)))
    return nullptr;
  return Importer(context, path, model, options).run();
}

std::vector<std::string> qnnc::supportedOnnxOps() {
  std::vector<std::string> names;
  for (ArrayRef<OpHandler> section : {Importer::coreOps(), Importer::qonnxOps(), Importer::qdqOps()})
    for (const OpHandler &h : section)
      names.push_back(h.domain.empty() ? h.opType.str() : (h.domain + ":" + h.opType).str());
  return names;
}
