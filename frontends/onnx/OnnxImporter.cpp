// ONNX ModelProto -> func.func @main(tensor) -> tensor of qnn ops, with
// static shapes computed here and every malformed input diagnosed at the
// node that carries it.
#include "frontends/onnx/OnnxImporter.h"
#include "frontends/onnx/QonnxQuant.h"

#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSwitch.h"

#include <google/protobuf/io/zero_copy_stream_impl.h>
#include <google/protobuf/text_format.h>
#include <onnx/onnx_pb.h>

#include <fcntl.h>
#include <fstream>
#include <sstream>

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

// Anything larger is an absurd attribute or shape, not a model.
constexpr int64_t kMaxDim = int64_t(1) << 24;
constexpr int64_t kMaxElements = int64_t(1) << 31;
constexpr int kMinOpset = 11, kMaxOpset = 19;

using Ints = SmallVector<int64_t>;

class Importer {
public:
  Importer(MLIRContext &ctx, const std::string &path, const onnx::ModelProto &model,
           const OnnxImportOptions &options)
      : ctx(ctx), b(&ctx), model(model), options(options),
        fileLoc(FileLineColLoc::get(&ctx, path, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

private:
  MLIRContext &ctx;
  OpBuilder b;
  const onnx::ModelProto &model;
  OnnxImportOptions options;
  Location fileLoc;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
  llvm::StringMap<DenseElementsAttr> constants;

  // Per-node state.
  const onnx::NodeProto *node = nullptr;
  Location loc = fileLoc;

  InFlightDiagnostic error() { return emitError(loc); }

  // --- tensors and values ---------------------------------------------------
  FailureOr<DenseElementsAttr> decodeTensor(const onnx::TensorProto &t);
  Value materialize(StringRef name);
  FailureOr<Value> input(int i);
  FailureOr<Value> optionalInput(int i);
  FailureOr<DenseElementsAttr> constantInput(int i);
  RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }
  RankedTensorType f32(ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, b.getF32Type()); }
  LogicalResult setOutput(Value v, int i = 0);
  LogicalResult checkArity(int minIn, int maxIn);
  LogicalResult checkShape(ArrayRef<int64_t> shape);

  // --- attributes -----------------------------------------------------------
  const onnx::AttributeProto *attr(StringRef name, onnx::AttributeProto::AttributeType type, bool &bad);
  template <class T, class Get>
  FailureOr<T> typedAttr(StringRef name, onnx::AttributeProto::AttributeType type, T dflt, Get get);
  FailureOr<int64_t> intAttr(StringRef name, int64_t dflt);
  FailureOr<float> floatAttr(StringRef name, float dflt);
  FailureOr<Ints> intsAttr(StringRef name, Ints dflt);
  FailureOr<std::string> stringAttr(StringRef name, std::string dflt);

  // --- ops ------------------------------------------------------------------
  LogicalResult importNode(const onnx::NodeProto &n, int index);
  struct Window {
    Ints kernel, strides, pads, dilations, out;
  };
  FailureOr<Window> window(ArrayRef<int64_t> inShape, Ints kernel, bool allowDilations);
  LogicalResult conv();
  FailureOr<Value> buildConv(Value x, Value w, Value bias);
  LogicalResult gemm(bool isMatMul);
  LogicalResult batchNorm();
  template <class Op> LogicalResult unary();
  template <class Op> LogicalResult broadcast(bool unidirectional);
  LogicalResult clip();
  LogicalResult pool(bool isMax);
  LogicalResult globalAvgPool();
  LogicalResult flatten();
  LogicalResult reshape();
  LogicalResult pad();
  LogicalResult transpose();
  LogicalResult concat();
  LogicalResult softmax();
  LogicalResult identity();
  LogicalResult constant();
  // QONNX custom ops (domain qonnx.custom_op.general).
  LogicalResult multiThreshold();
  LogicalResult quant(bool bipolar);
  // ONNX 8-bit quantization.
  LogicalResult quantizeLinear();
  LogicalResult dequantizeLinear();
  LogicalResult qlinear(bool isConv);
  FailureOr<Value> dequantized(int index, int64_t axis);
  FailureOr<Value> integerInput(int i);
  FailureOr<std::pair<SmallVector<float>, SmallVector<int64_t>>> quantParams(int scaleInput, bool &isUnsigned);
  LogicalResult multiThresholdFrom(Value x, ArrayRef<float> thresholds, float scale, float bias);
  /// Creates a qnn op that infers its result type: what the op rejects
  /// (shapes, attributes) is reported at this node, and the op computes its
  /// own result shape.
  template <class Op, class... Args>
  FailureOr<Value> create(Args &&...args) {
    OperationState state(loc, Op::getOperationName());
    Op::build(b, state, Type(), std::forward<Args>(args)...);
    SmallVector<Type> types;
    if (failed(Op::inferReturnTypes(&ctx, loc, state.operands, state.attributes.getDictionary(&ctx),
                                    state.getRawProperties(), state.regions, types)))
      return failure();
    state.types.assign(types.begin(), types.end());
    return b.create(state)->getResult(0);
  }
  LogicalResult setOutput(FailureOr<Value> v) { return failed(v) ? failure() : setOutput(*v); }

  Value reshapeTo(Value v, ArrayRef<int64_t> shape) {
    if (typeOf(v).getShape() == shape)
      return v;
    return b.create<ReshapeOp>(loc, f32(shape), v);
  }
};

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
  case onnx::TensorProto::DOUBLE:
    if (failed(t.data_type() == onnx::TensorProto::FLOAT ? decode(float(), t.float_data(), floats)
                                                         : decode(double(), t.double_data(), floats)))
      return failure();
    return DenseElementsAttr::get(f32(dims), ArrayRef<float>(floats));
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
    if (failed(t.data_type() == onnx::TensorProto::INT64 ? decode(int64_t(), t.int64_data(), ints)
                                                         : decode(int32_t(), t.int32_data(), ints)))
      return failure();
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

FailureOr<Value> Importer::optionalInput(int i) {
  if (i >= node->input_size() || node->input(i).empty())
    return Value();
  Value v = materialize(node->input(i));
  if (!v)
    return error() << "input '" << node->input(i) << "' is not produced by any earlier node, initializer or graph input";
  if (!typeOf(v).getElementType().isF32())
    return error() << "input '" << node->input(i) << "' must be a float tensor";
  return v;
}

FailureOr<Value> Importer::input(int i) {
  auto v = optionalInput(i);
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
  values[node->output(i)] = v;
  return success();
}

LogicalResult Importer::checkArity(int minIn, int maxIn) {
  if (node->input_size() < minIn || node->input_size() > maxIn)
    return error() << "expects " << minIn << (minIn == maxIn ? "" : " to " + std::to_string(maxIn))
                   << " inputs, got " << node->input_size();
  if (node->output_size() < 1)
    return error() << "has no outputs";
  // Extra outputs (BatchNormalization's statistics, MaxPool's indices) are
  // training or index outputs that must not be consumed.
  for (int i = 1; i < node->output_size(); ++i)
    if (!node->output(i).empty())
      for (const auto &other : model.graph().node())
        for (const auto &in : other.input())
          if (in == node->output(i))
            return error() << "output " << i << " ('" << node->output(i) << "') is used by node '"
                           << other.name() << "', which is not supported";
  return success();
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

template <class T, class Get>
FailureOr<T> Importer::typedAttr(StringRef name, onnx::AttributeProto::AttributeType type, T dflt, Get get) {
  bool bad;
  auto *a = attr(name, type, bad);
  if (bad)
    return failure();
  return a ? T(get(*a)) : dflt;
}

FailureOr<int64_t> Importer::intAttr(StringRef name, int64_t dflt) {
  return typedAttr(name, onnx::AttributeProto::INT, dflt, [](const auto &a) { return a.i(); });
}

FailureOr<float> Importer::floatAttr(StringRef name, float dflt) {
  return typedAttr(name, onnx::AttributeProto::FLOAT, dflt, [](const auto &a) { return a.f(); });
}

FailureOr<Ints> Importer::intsAttr(StringRef name, Ints dflt) {
  return typedAttr(name, onnx::AttributeProto::INTS, dflt,
                   [](const auto &a) { return Ints(a.ints().begin(), a.ints().end()); });
}

FailureOr<std::string> Importer::stringAttr(StringRef name, std::string dflt) {
  return typedAttr(name, onnx::AttributeProto::STRING, dflt, [](const auto &a) { return a.s(); });
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

FailureOr<Importer::Window> Importer::window(ArrayRef<int64_t> in, Ints kernel, bool allowDilations) {
  Window w;
  w.kernel = kernel;
  auto strides = intsAttr("strides", {1, 1});
  auto dilations = intsAttr("dilations", {1, 1});
  auto pads = intsAttr("pads", {0, 0, 0, 0});
  auto autoPad = stringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  if (kernel.size() != 2 || strides->size() != 2 || dilations->size() != 2 || pads->size() != 4)
    return error() << "expects 2-D kernel_shape, strides and dilations and 4 pads (only 2-D windows are supported)";
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxDim)
      return error() << "kernel size " << kernel[i] << " is out of range";
    if ((*strides)[i] < 1 || (*strides)[i] > kMaxDim)
      return error() << "stride " << (*strides)[i] << " is out of range (must be >= 1)";
    if ((*dilations)[i] < 1 || (*dilations)[i] > kMaxDim)
      return error() << "dilation " << (*dilations)[i] << " is out of range (must be >= 1)";
  }
  if (!allowDilations && (*dilations != Ints{1, 1}))
    return error() << "dilations other than 1 are not supported here";
  for (int64_t p : *pads)
    if (p < 0 || p > kMaxDim)
      return error() << "pad " << p << " is out of range";
  w.strides = *strides;
  w.dilations = *dilations;
  w.pads = *pads;
  if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    for (int i = 0; i < 2; ++i) {
      int64_t out = (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(
          (out - 1) * w.strides[i] + (kernel[i] - 1) * w.dilations[i] + 1 - in[i], 0);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = *autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + 2] = *autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (*autoPad == "VALID") {
    w.pads = {0, 0, 0, 0};
  } else if (*autoPad != "NOTSET") {
    return error() << "auto_pad '" << *autoPad << "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID";
  }
  for (int i = 0; i < 2; ++i) {
    int64_t o = windowOutputSize(in[i], kernel[i], w.strides[i], w.pads[i], w.pads[i + 2], w.dilations[i]);
    if (o < 1)
      return error() << "the " << kernel[i] << "-wide window (dilation " << w.dilations[i]
                     << ") does not fit the input of size " << in[i] << " with its padding";
    w.out.push_back(o);
  }
  return w;
}

LogicalResult Importer::conv() {
  if (failed(checkArity(2, 3)))
    return failure();
  auto x = input(0), w = input(1), bias = optionalInput(2);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  auto out = buildConv(*x, *w, *bias);
  return failed(out) ? failure() : setOutput(*out);
}

/// The convolution of x by w (+ bias) with this node's attributes.
FailureOr<Value> Importer::buildConv(Value x, Value w, Value bias) {
  auto xs = typeOf(x).getShape(), ws = typeOf(w).getShape();
  if (xs.size() != 4 || ws.size() != 4)
    return error() << "only 2-D convolution is supported: input " << shapeStr(xs) << " and weights "
                   << shapeStr(ws) << " must be rank 4";
  auto kernel = intsAttr("kernel_shape", {ws[2], ws[3]});
  auto group = intAttr("group", 1);
  if (failed(kernel) || failed(group))
    return failure();
  if (*kernel != Ints{ws[2], ws[3]})
    return error() << "kernel_shape " << shapeStr(*kernel) << " differs from the weights' " << shapeStr(ws);
  auto win = window(xs.drop_front(2), *kernel, true);
  if (failed(win))
    return failure();
  return create<Conv2DOp>(x, w, bias, b.getDenseI64ArrayAttr(win->strides), b.getDenseI64ArrayAttr(win->pads),
                          b.getDenseI64ArrayAttr(win->dilations), b.getI64IntegerAttr(*group));
}

LogicalResult Importer::gemm(bool isMatMul) {
  if (failed(checkArity(2, isMatMul ? 2 : 3)))
    return failure();
  auto a = input(0), bm = input(1), c = optionalInput(2);
  if (failed(a) || failed(bm) || failed(c))
    return failure();
  auto as = typeOf(*a).getShape(), bs = typeOf(*bm).getShape();
  if (as.size() != 2 || bs.size() != 2)
    return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs)
                   << " are not supported (rank 2 only)";
  auto transA = isMatMul ? FailureOr<int64_t>(0) : intAttr("transA", 0);
  auto transB = isMatMul ? FailureOr<int64_t>(0) : intAttr("transB", 0);
  auto alpha = floatAttr("alpha", 1.0f), beta = floatAttr("beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  return setOutput(create<GemmOp>(*a, *bm, *c, b.getBoolAttr(*transA), b.getBoolAttr(*transB),
                                  b.getF32FloatAttr(*alpha), b.getF32FloatAttr(*beta)));
}

LogicalResult Importer::batchNorm() {
  if (failed(checkArity(5, 5)))
    return failure();
  SmallVector<Value> in;
  for (int i = 0; i < 5; ++i) {
    auto v = input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  auto eps = floatAttr("epsilon", 1e-5f);
  auto training = intAttr("training_mode", 0);
  if (failed(eps) || failed(training))
    return failure();
  if (*training)
    return error() << "training_mode = 1 is not supported (inference only)";
  return setOutput(create<BatchNormOp>(in[0], in[1], in[2], in[3], in[4], b.getF32FloatAttr(*eps)));
}

template <class Op> LogicalResult Importer::unary() {
  if (failed(checkArity(1, 1)))
    return failure();
  auto x = input(0);
  if (failed(x))
    return failure();
  return setOutput(b.create<Op>(loc, typeOf(*x), *x));
}

template <class Op> LogicalResult Importer::broadcast(bool unidirectional) {
  if (failed(checkArity(2, 2)))
    return failure();
  auto l = input(0), r = input(1);
  if (failed(l) || failed(r))
    return failure();
  auto out = create<Op>(*l, *r);
  if (failed(out))
    return failure();
  auto ls = typeOf(*l).getShape(), rs = typeOf(*r).getShape(), shape = typeOf(*out).getShape();
  if (unidirectional && shape != ls)
    return error() << "shapes " << shapeStr(ls) << " and " << shapeStr(rs) << " do not broadcast unidirectionally";
  if (shape.size() > 4)
    return error() << "broadcasting beyond rank 4 is not supported";
  return setOutput(*out);
}

LogicalResult Importer::clip() {
  if (failed(checkArity(1, 3)))
    return failure();
  auto x = input(0);
  if (failed(x))
    return failure();
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (opset < 11) {
    auto a = floatAttr("min", lo), c = floatAttr("max", hi);
    if (failed(a) || failed(c))
      return failure();
    lo = *a;
    hi = *c;
  }
  for (int i = 1; i < 3; ++i) {
    if (i >= node->input_size() || node->input(i).empty())
      continue;
    auto c = constantInput(i);
    if (failed(c))
      return failure();
    if (c->getNumElements() != 1 || !c->getElementType().isF32())
      return error() << (i == 1 ? "min" : "max") << " must be a float scalar";
    (i == 1 ? lo : hi) = *c->getValues<float>().begin();
  }
  return setOutput(b.create<ClipOp>(loc, typeOf(*x), *x, b.getF32FloatAttr(lo), b.getF32FloatAttr(hi)));
}

LogicalResult Importer::pool(bool isMax) {
  if (failed(checkArity(1, 1)))
    return failure();
  auto x = input(0);
  if (failed(x))
    return failure();
  auto xs = typeOf(*x).getShape();
  if (xs.size() != 4)
    return error() << "only 2-D pooling is supported: input " << shapeStr(xs) << " must be rank 4";
  auto kernel = intsAttr("kernel_shape", {});
  auto ceil = intAttr("ceil_mode", 0);
  auto cip = intAttr("count_include_pad", 0);
  if (failed(kernel) || failed(ceil) || failed(cip))
    return failure();
  if (kernel->empty())
    return error() << "attribute 'kernel_shape' is required";
  if (*ceil)
    return error() << "ceil_mode = 1 is not supported";
  auto win = window(xs.drop_front(2), *kernel, isMax);
  if (failed(win))
    return failure();
  if (isMax)
    return setOutput(create<MaxPoolOp>(*x, b.getDenseI64ArrayAttr(win->kernel), b.getDenseI64ArrayAttr(win->strides),
                                       b.getDenseI64ArrayAttr(win->pads), b.getDenseI64ArrayAttr(win->dilations)));
  return setOutput(create<AvgPoolOp>(*x, b.getDenseI64ArrayAttr(win->kernel), b.getDenseI64ArrayAttr(win->strides),
                                     b.getDenseI64ArrayAttr(win->pads), b.getBoolAttr(*cip)));
}

LogicalResult Importer::globalAvgPool() {
  if (failed(checkArity(1, 1)))
    return failure();
  auto x = input(0);
  if (failed(x))
    return failure();
  return setOutput(create<GlobalAvgPoolOp>(*x));
}

LogicalResult Importer::flatten() {
  if (failed(checkArity(1, 1)))
    return failure();
  auto x = input(0);
  auto axis = intAttr("axis", 1);
  if (failed(x) || failed(axis))
    return failure();
  auto xs = typeOf(*x).getShape();
  int64_t rank = xs.size(), a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank)
    return error() << "axis " << *axis << " is out of range for rank " << rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < a ? outer : inner) *= xs[i];
  return setOutput(reshapeTo(*x, {outer, inner}));
}

LogicalResult Importer::reshape() {
  if (failed(checkArity(2, 2)))
    return failure();
  auto x = input(0);
  auto shapeAttr = constantInput(1);
  auto allowZero = intAttr("allowzero", 0);
  if (failed(x) || failed(shapeAttr) || failed(allowZero))
    return failure();
  if (!shapeAttr->getElementType().isInteger(64))
    return error() << "shape must be an int64 tensor";
  auto xs = typeOf(*x).getShape();
  Ints shape(shapeAttr->getValues<int64_t>());
  int64_t known = 1, inferred = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !*allowZero) {
      if (i >= xs.size())
        return error() << "shape entry " << i << " is 0 but the input has rank " << xs.size();
      shape[i] = xs[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0)
        return error() << "shape " << shapeStr(shape) << " has more than one -1";
      inferred = i;
      continue;
    }
    if (shape[i] < 0 || shape[i] > kMaxDim)
      return error() << "shape entry " << shape[i] << " is out of range";
    known *= shape[i];
  }
  int64_t total = typeOf(*x).getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return error() << "cannot infer -1 in shape " << shapeStr(shape) << " for " << total << " elements";
    shape[inferred] = total / known;
    known *= shape[inferred];
  }
  if (known != total)
    return error() << "cannot reshape " << shapeStr(xs) << " into " << shapeStr(shape);
  return setOutput(reshapeTo(*x, shape));
}

LogicalResult Importer::pad() {
  if (failed(checkArity(2, 3)))
    return failure();
  auto x = input(0);
  auto pads = constantInput(1);
  auto mode = stringAttr("mode", "constant");
  if (failed(x) || failed(pads) || failed(mode))
    return failure();
  if (*mode != "constant")
    return error() << "mode '" << *mode << "' is not supported (constant is)";
  float value = 0.0f;
  if (node->input_size() > 2 && !node->input(2).empty()) {
    auto v = constantInput(2);
    if (failed(v))
      return failure();
    if (v->getNumElements() != 1 || !v->getElementType().isF32())
      return error() << "constant_value must be a float scalar";
    value = *v->getValues<float>().begin();
  }
  auto xs = typeOf(*x).getShape();
  int64_t rank = xs.size();
  Ints p(pads->getValues<int64_t>());
  if ((int64_t)p.size() != 2 * rank)
    return error() << "pads has " << p.size() << " entries, expected " << 2 * rank;
  if (llvm::all_of(p, [](int64_t v) { return v == 0; }))
    return setOutput(*x);
  for (int64_t v : p)
    if (v < 0 || v > kMaxDim)
      return error() << "pad " << v << " is out of range (cropping is not supported)";
  if (rank != 4 || p[0] || p[1] || p[4] || p[5])
    return error() << "only padding of the spatial dimensions of a rank-4 tensor is supported";
  return setOutput(create<PadOp>(*x, b.getDenseI64ArrayAttr({p[2], p[3], p[6], p[7]}), b.getF32FloatAttr(value)));
}

LogicalResult Importer::transpose() {
  if (failed(checkArity(1, 1)))
    return failure();
  auto x = input(0);
  if (failed(x))
    return failure();
  auto xs = typeOf(*x).getShape();
  Ints reversed;
  for (int64_t i = xs.size() - 1; i >= 0; --i)
    reversed.push_back(i);
  auto perm = intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  if (xs.size() > 4)
    return error() << "transpose beyond rank 4 is not supported";
  return setOutput(create<TransposeOp>(*x, b.getDenseI64ArrayAttr(*perm)));
}

LogicalResult Importer::concat() {
  if (failed(checkArity(1, 1 << 16)))
    return failure();
  auto axis = intAttr("axis", INT64_MIN);
  if (failed(axis))
    return failure();
  if (*axis == INT64_MIN)
    return error() << "attribute 'axis' is required";
  SmallVector<Value> in;
  for (int i = 0; i < node->input_size(); ++i) {
    auto v = input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  int64_t rank = typeOf(in[0]).getRank();
  return setOutput(create<ConcatOp>(in, b.getI64IntegerAttr(*axis < 0 ? *axis + rank : *axis)));
}

LogicalResult Importer::softmax() {
  if (failed(checkArity(1, 1)))
    return failure();
  auto x = input(0);
  auto axis = intAttr("axis", opset < 13 ? 1 : -1);
  if (failed(x) || failed(axis))
    return failure();
  auto xs = typeOf(*x).getShape();
  int64_t rank = xs.size(), a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a >= rank)
    return error() << "axis " << *axis << " is out of range for rank " << rank;
  if (opset >= 13)
    return setOutput(b.create<SoftmaxOp>(loc, typeOf(*x), *x, b.getI64IntegerAttr(a)));
  // Softmax-11: the input is coerced to 2-D [prod(:axis), prod(axis:)].
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < a ? outer : inner) *= xs[i];
  Value flat = reshapeTo(*x, {outer, inner});
  Value s = b.create<SoftmaxOp>(loc, typeOf(flat), flat, b.getI64IntegerAttr(1));
  return setOutput(reshapeTo(s, xs));
}

LogicalResult Importer::identity() {
  if (failed(checkArity(1, 1)))
    return failure();
  auto c = constants.find(node->input(0));
  if (c != constants.end()) {
    constants[node->output(0)] = c->second;
    return success();
  }
  auto x = input(0);
  if (failed(x))
    return failure();
  return setOutput(*x);
}

LogicalResult Importer::constant() {
  if (failed(checkArity(0, 0)))
    return failure();
  if (node->attribute_size() != 1)
    return error() << "expects exactly one value attribute";
  const auto &a = node->attribute(0);
  DenseElementsAttr value;
  if (a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
    auto t = decodeTensor(a.t());
    if (failed(t))
      return failure();
    value = *t;
  } else if (a.name() == "value_float" && a.type() == onnx::AttributeProto::FLOAT) {
    value = DenseElementsAttr::get(f32({}), a.f());
  } else if (a.name() == "value_floats" && a.type() == onnx::AttributeProto::FLOATS) {
    value = DenseElementsAttr::get(f32({a.floats_size()}), ArrayRef<float>(a.floats().data(), a.floats_size()));
  } else if (a.name() == "value_int" && a.type() == onnx::AttributeProto::INT) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()), (int64_t)a.i());
  } else if (a.name() == "value_ints" && a.type() == onnx::AttributeProto::INTS) {
    Ints v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()), ArrayRef<int64_t>(v));
  } else {
    return error() << "attribute '" << a.name() << "' is not supported (value, value_float(s), value_int(s) are)";
  }
  constants[node->output(0)] = value;
  return success();
}

//===----------------------------------------------------------------------===//
// QONNX custom ops
//===----------------------------------------------------------------------===//

LogicalResult Importer::multiThreshold() {
  if (failed(checkArity(2, 2)))
    return failure();
  auto x = input(0);
  auto thresholds = constantInput(1);
  auto scale = floatAttr("out_scale", 1.0f), bias = floatAttr("out_bias", 0.0f);
  auto layout = stringAttr("data_layout", "NCHW");
  if (failed(x) || failed(thresholds) || failed(scale) || failed(bias) || failed(layout))
    return failure();
  if (*layout != "NCHW" && *layout != "NC")
    return error() << "data_layout '" << *layout << "' is not supported (NCHW and NC are)";
  auto xs = typeOf(*x).getShape();
  if (xs.size() < 2)
    return error() << "input of shape " << shapeStr(xs) << " has no channel axis";
  auto ts = thresholds->getType().getShape();
  if (!thresholds->getElementType().isF32() || ts.size() != 2 || (ts[0] != 1 && ts[0] != xs[1]))
    return error() << "thresholds must be a float tensor of shape [" << xs[1] << ", T] or [1, T], got "
                   << shapeStr(ts);
  if (ts[1] < 1 || ts[1] > 255)
    return error() << ts[1] << " thresholds per channel are not supported (1 to 255 are)";
  if (!std::isfinite(*scale) || !std::isfinite(*bias))
    return error() << "out_scale and out_bias must be finite";
  Value table = b.create<arith::ConstantOp>(loc, *thresholds);
  return setOutput(b.create<MultiThresholdOp>(loc, typeOf(*x), *x, table, b.getF32FloatAttr(*scale),
                                              b.getF32FloatAttr(*bias)));
}

/// A per-tensor multi-threshold of `x` (thresholds shared by all channels).
LogicalResult Importer::multiThresholdFrom(Value x, ArrayRef<float> thresholds, float scale, float bias) {
  auto xs = typeOf(x).getShape();
  if (xs.size() < 2)
    return error() << "quantizing an input of shape " << shapeStr(xs) << " (no channel axis) is not supported";
  auto tableType = f32({1, (int64_t)thresholds.size()});
  Value table = b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(tableType, thresholds));
  return setOutput(b.create<MultiThresholdOp>(loc, typeOf(x), x, table, b.getF32FloatAttr(scale),
                                              b.getF32FloatAttr(bias)));
}

/// Quant (x, scale, zeropt, bitwidth) and BipolarQuant (x, scale) with the
/// spec's float32 semantics. Constant inputs (weights) are quantized here;
/// activations become a multi-threshold with exact thresholds.
LogicalResult Importer::quant(bool bipolar) {
  if (failed(checkArity(bipolar ? 2 : 4, bipolar ? 2 : 4)))
    return failure();
  SmallVector<DenseElementsAttr> params;
  for (int i = 1; i < node->input_size(); ++i) {
    auto c = constantInput(i);
    if (failed(c))
      return failure();
    params.push_back(*c);
  }
  auto asFloats = [](DenseElementsAttr a) {
    SmallVector<float> v;
    if (a.getElementType().isF32())
      v.assign(a.getValues<float>().begin(), a.getValues<float>().end());
    else
      for (int64_t i : a.getValues<int64_t>())
        v.push_back(static_cast<float>(i));
    return v;
  };
  SmallVector<float> scale = asFloats(params[0]), zeropt = bipolar ? SmallVector<float>{0.0f} : asFloats(params[1]);
  for (float s : scale)
    if (!(s > 0.0f) || !std::isfinite(s))
      return error() << "scale must be positive and finite";
  qonnx::IntQuant q{scale[0], zeropt[0], -1, 1, qonnx::Rounding::HalfEven};
  if (!bipolar) {
    auto bits = asFloats(params[2]);
    auto isSigned = intAttr("signed", 1), narrow = intAttr("narrow", 0);
    auto mode = stringAttr("rounding_mode", "ROUND");
    if (failed(isSigned) || failed(narrow) || failed(mode))
      return failure();
    if (bits.size() != 1 || bits[0] != std::floor(bits[0]) || bits[0] < 1 || bits[0] > 24)
      return error() << "bitwidth must be one integer from 1 to 24";
    auto rounding = qonnx::parseRounding(*mode);
    if (!rounding)
      return error() << "rounding_mode '" << *mode << "' is not supported (ROUND, CEIL and FLOOR are)";
    q.lo = qonnx::minInt(*isSigned, *narrow, (int64_t)bits[0]);
    q.hi = qonnx::maxInt(*isSigned, *narrow, (int64_t)bits[0]);
    q.rounding = *rounding;
  }
  for (float z : zeropt)
    if (!std::isfinite(z))
      return error() << "zeropt must be finite";

  // Weights: quantize the constant, scale and zero-point broadcast against it.
  if (node->input(0).empty())
    return error() << "input 0 is required";
  auto constant = constants.find(node->input(0));
  if (constant != constants.end()) {
    DenseElementsAttr x = constant->second;
    if (!x.getElementType().isF32())
      return error() << "input 0 must be a float tensor";
    auto xs = x.getType().getShape();
    auto broadcastIndex = [&](DenseElementsAttr p, int64_t i) -> FailureOr<int64_t> {
      auto ps = p.getType().getShape();
      if (ps.size() > xs.size())
        return failure();
      int64_t index = 0, stride = 1;
      for (int64_t d = (int64_t)xs.size() - 1, pd = (int64_t)ps.size() - 1; d >= 0; --d, --pd) {
        int64_t coord = i % xs[d];
        i /= xs[d];
        if (pd < 0)
          continue;
        if (ps[pd] != 1 && ps[pd] != xs[d])
          return failure();
        index += (ps[pd] == 1 ? 0 : coord) * stride;
        stride *= ps[pd];
      }
      return index;
    };
    SmallVector<float> values(x.getValues<float>());
    for (int64_t i = 0; i < (int64_t)values.size(); ++i) {
      auto si = broadcastIndex(params[0], i);
      auto zi = bipolar ? FailureOr<int64_t>(0) : broadcastIndex(params[1], i);
      if (failed(si) || failed(zi))
        return error() << "scale and zeropt must broadcast to the input's shape " << shapeStr(xs);
      if (bipolar) {
        values[i] = qonnx::bipolarValue(values[i], scale[*si]);
      } else {
        q.scale = scale[*si];
        q.zeropt = zeropt[*zi];
        values[i] = q.value(values[i]);
      }
    }
    constants[node->output(0)] = DenseElementsAttr::get(x.getType(), ArrayRef<float>(values));
    return success();
  }

  // Activations: one scale and zero-point for the tensor.
  auto x = input(0);
  if (failed(x))
    return failure();
  if (scale.size() != 1 || zeropt.size() != 1)
    return error() << "per-channel scale or zeropt on activations is not supported (one value each is)";
  if (bipolar) // x >= 0 reaches the one threshold: 2s * n - s is +-s exactly
    return multiThresholdFrom(*x, {0.0f}, 2.0f * q.scale, -q.scale);
  if (q.hi - q.lo > 255)
    return error() << "activations of more than 8 bits are not supported";
  SmallVector<float> thresholds;
  for (int64_t level = q.lo + 1; level <= q.hi; ++level)
    thresholds.push_back(qonnx::firstReaching(q, static_cast<float>(level)));
  return multiThresholdFrom(*x, thresholds, q.scale, (static_cast<float>(q.lo) - q.zeropt) * q.scale);
}

//===----------------------------------------------------------------------===//
// ONNX 8-bit quantization
//===----------------------------------------------------------------------===//

/// Scale (input `scaleInput`) and optional zero point (the next input) of a
/// QuantizeLinear / DequantizeLinear; the zero point's type (uint8 when
/// absent) sets isUnsigned.
FailureOr<std::pair<SmallVector<float>, SmallVector<int64_t>>> Importer::quantParams(int scaleInput,
                                                                                      bool &isUnsigned) {
  auto scale = constantInput(scaleInput);
  if (failed(scale))
    return failure();
  if (!scale->getElementType().isF32() || scale->getType().getRank() > 1)
    return error() << "scale must be a float scalar or 1-D tensor";
  SmallVector<float> s(scale->getValues<float>());
  for (float v : s)
    if (!(v > 0.0f) || !std::isfinite(v))
      return error() << "scale must be positive and finite";
  SmallVector<int64_t> zp(s.size(), 0);
  isUnsigned = true;
  if (node->input_size() > scaleInput + 1 && !node->input(scaleInput + 1).empty()) {
    auto z = constantInput(scaleInput + 1);
    if (failed(z))
      return failure();
    if (z->getNumElements() != (int64_t)s.size())
      return error() << "zero point must have as many entries as scale (" << s.size() << ")";
    auto element = dyn_cast<IntegerType>(z->getElementType());
    if (!element)
      return error() << "zero point must be an integer tensor";
    isUnsigned = element.isUnsigned();
    zp.clear();
    for (const APInt &v : z->getValues<APInt>())
      zp.push_back(isUnsigned ? (int64_t)v.getZExtValue() : v.getSExtValue());
  }
  return std::make_pair(s, zp);
}

LogicalResult Importer::quantizeLinear() {
  if (failed(checkArity(2, 3)))
    return failure();
  bool isUnsigned;
  auto params = quantParams(1, isUnsigned);
  auto x = input(0);
  if (failed(params) || failed(x))
    return failure();
  if (params->first.size() != 1)
    return error() << "per-axis quantization of activations is not supported (one scale is)";
  auto element = IntegerType::get(b.getContext(), 8, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  auto type = RankedTensorType::get(typeOf(*x).getShape(), element);
  return setOutput(b.create<QuantizeLinearOp>(loc, type, *x, b.getF32FloatAttr(params->first[0]),
                                              b.getI64IntegerAttr(params->second[0])));
}

LogicalResult Importer::dequantizeLinear() {
  if (failed(checkArity(2, 3)))
    return failure();
  bool isUnsigned;
  auto params = quantParams(1, isUnsigned);
  auto axis = intAttr("axis", 1);
  if (failed(params) || failed(axis))
    return failure();
  // Constant inputs (quantized weights, int32 biases) are materialized as
  // constants; the op folds when nothing else reads the integers.
  Value x = materialize(node->input(0));
  if (!x)
    return error() << "input 0 '" << node->input(0) << "' is not defined before this node";
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!xt || !isa<IntegerType>(xt.getElementType()))
    return error() << "input 0 must be an int8, uint8 or int32 tensor";
  int64_t rank = xt.getRank(), a = *axis < 0 ? *axis + rank : *axis;
  if (params->first.size() > 1 && (a < 0 || a >= rank || xt.getShape()[a] != (int64_t)params->first.size()))
    return error() << params->first.size() << " scales do not match axis " << *axis << " of the input of shape "
                   << shapeStr(xt.getShape());
  return setOutput(b.create<DequantizeLinearOp>(loc, f32(xt.getShape()), x,
                                                b.getDenseF32ArrayAttr(params->first),
                                                b.getDenseI64ArrayAttr(params->second),
                                                b.getI64IntegerAttr(params->first.size() > 1 ? a : 0)));
}

/// An integer (quantized) tensor input.
FailureOr<Value> Importer::integerInput(int i) {
  Value v = i < node->input_size() ? materialize(node->input(i)) : Value();
  if (!v)
    return error() << "input " << i << " is not produced by any earlier node, initializer or graph input";
  if (!isa<IntegerType>(typeOf(v).getElementType()))
    return error() << "input '" << node->input(i) << "' must be an integer (quantized) tensor";
  return v;
}

/// Input `index` (8-bit) dequantized with the scale and zero point of the
/// next two inputs, per tensor or along `axis`.
FailureOr<Value> Importer::dequantized(int index, int64_t axis) {
  bool isUnsigned;
  auto params = quantParams(index + 1, isUnsigned);
  auto x = integerInput(index);
  if (failed(params) || failed(x))
    return failure();
  auto xt = typeOf(*x);
  if (!xt.getElementType().isInteger(8))
    return error() << "input " << index << " must be an int8 or uint8 tensor";
  if (params->first.size() > 1 && (axis >= xt.getRank() || xt.getShape()[axis] != (int64_t)params->first.size()))
    return error() << params->first.size() << " scales of input " << index << " do not match its shape "
                   << shapeStr(xt.getShape());
  return b.create<DequantizeLinearOp>(loc, f32(xt.getShape()), *x, b.getDenseF32ArrayAttr(params->first),
                                      b.getDenseI64ArrayAttr(params->second),
                                      b.getI64IntegerAttr(params->first.size() > 1 ? axis : 0))
      .getResult();
}

/// QLinearConv / QLinearMatMul as the QDQ graph they stand for:
/// quantize_linear(op(dequantize_linear(x), dequantize_linear(w)) + bias),
/// the bias being int32 at scale x_scale * w_scale.
LogicalResult Importer::qlinear(bool isConv) {
  if (failed(checkArity(8, isConv ? 9 : 8)))
    return failure();
  auto x = dequantized(0, 0), w = dequantized(3, isConv ? 0 : 1);
  if (failed(x) || failed(w))
    return failure();
  bool isUnsigned;
  auto yParams = quantParams(6, isUnsigned);
  if (failed(yParams))
    return failure();
  if (yParams->first.size() != 1)
    return error() << "per-axis quantization of the output is not supported (one scale is)";
  Value result;
  if (isConv) {
    Value bias;
    if (node->input_size() > 8 && !node->input(8).empty()) {
      auto bq = integerInput(8);
      if (failed(bq))
        return failure();
      auto wdq = w->getDefiningOp<DequantizeLinearOp>();
      float xs = x->getDefiningOp<DequantizeLinearOp>().getScale()[0];
      int64_t channels = typeOf(*w).getShape()[0];
      SmallVector<float> scale;
      for (int64_t o = 0; o < channels; ++o)
        scale.push_back(xs * wdq.getScale()[wdq.getScale().size() == 1 ? 0 : o]);
      if (typeOf(*bq).getShape() != ArrayRef<int64_t>{channels} || !isa<IntegerType>(typeOf(*bq).getElementType()))
        return error() << "bias must be an int32 tensor of " << channels << " elements";
      bias = b.create<DequantizeLinearOp>(loc, f32({channels}), *bq, b.getDenseF32ArrayAttr(scale),
                                          b.getDenseI64ArrayAttr(SmallVector<int64_t>(channels, 0)),
                                          b.getI64IntegerAttr(0));
    }
    auto conv = buildConv(*x, *w, bias);
    if (failed(conv))
      return failure();
    result = *conv;
  } else {
    auto as = typeOf(*x).getShape(), bs = typeOf(*w).getShape();
    if (as.size() != 2 || bs.size() != 2 || as[1] != bs[0])
      return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs)
                     << " are not supported (rank 2, inner dimensions equal)";
    result = b.create<GemmOp>(loc, f32({as[0], bs[1]}), *x, *w, Value(), b.getBoolAttr(false), b.getBoolAttr(false),
                              b.getF32FloatAttr(1.0f), b.getF32FloatAttr(1.0f));
  }
  auto element = IntegerType::get(b.getContext(), 8, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  return setOutput(b.create<QuantizeLinearOp>(loc, RankedTensorType::get(typeOf(result).getShape(), element), result,
                                              b.getF32FloatAttr(yParams->first[0]),
                                              b.getI64IntegerAttr(yParams->second[0])));
}

LogicalResult Importer::importNode(const onnx::NodeProto &n, int index) {
  node = &n;
  std::string label = "node '" + (n.name().empty() ? "#" + std::to_string(index) : n.name()) + "' (" +
                      n.op_type() + ")";
  loc = NameLoc::get(b.getStringAttr(label), fileLoc);
  if (n.domain() == "qonnx.custom_op.general" || n.domain() == "finn.custom_op.general") {
    if (n.op_type() == "MultiThreshold")
      return multiThreshold();
    if (n.op_type() == "Quant" || n.op_type() == "BipolarQuant")
      return quant(n.op_type() == "BipolarQuant");
    return error() << "QONNX operator '" << n.op_type() << "' is not supported";
  }
  if (!n.domain().empty() && n.domain() != "ai.onnx")
    return error() << "operator domain '" << n.domain() << "' is not supported";
  using Handler = LogicalResult (Importer::*)();
  Handler h = llvm::StringSwitch<Handler>(n.op_type())
                  .Case("Conv", &Importer::conv)
                  .Case("BatchNormalization", &Importer::batchNorm)
                  .Case("Sign", &Importer::unary<SignOp>)
                  .Case("Relu", &Importer::unary<ReluOp>)
                  .Case("Clip", &Importer::clip)
                  .Case("GlobalAveragePool", &Importer::globalAvgPool)
                  .Case("Flatten", &Importer::flatten)
                  .Case("Reshape", &Importer::reshape)
                  .Case("Transpose", &Importer::transpose)
                  .Case("Pad", &Importer::pad)
                  .Case("Concat", &Importer::concat)
                  .Case("Softmax", &Importer::softmax)
                  .Case("Identity", &Importer::identity)
                  .Case("Constant", &Importer::constant)
                  .Default(nullptr);
  if (h)
    return (this->*h)();
  if (n.op_type() == "Gemm" || n.op_type() == "MatMul")
    return gemm(n.op_type() == "MatMul");
  if (n.op_type() == "MaxPool" || n.op_type() == "AveragePool")
    return pool(n.op_type() == "MaxPool");
  if (n.op_type() == "QuantizeLinear")
    return quantizeLinear();
  if (n.op_type() == "DequantizeLinear")
    return dequantizeLinear();
  if (n.op_type() == "QLinearConv" || n.op_type() == "QLinearMatMul")
    return qlinear(n.op_type() == "QLinearConv");
  if (n.op_type() == "Add")
    return broadcast<AddOp>(false);
  if (n.op_type() == "Sub")
    return broadcast<SubOp>(false);
  if (n.op_type() == "Mul")
    return broadcast<MulOp>(false);
  if (n.op_type() == "PRelu")
    return broadcast<PReluOp>(true);
  return error() << "operator '" << n.op_type() << "' is not supported";
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
  SmallVector<const onnx::ValueInfoProto *> inputs;
  for (const auto &in : graph.input())
    if (!constants.count(in.name()))
      inputs.push_back(&in);
  if (inputs.size() != 1 || graph.output_size() != 1) {
    emitError(fileLoc) << "the graph has " << inputs.size() << " inputs and " << graph.output_size()
                       << " outputs; exactly one of each is supported";
    return nullptr;
  }
  const auto &in = *inputs.front();
  loc = NameLoc::get(b.getStringAttr("input '" + in.name() + "'"), fileLoc);
  if (!in.type().has_tensor_type() || in.type().tensor_type().elem_type() != onnx::TensorProto::FLOAT) {
    error() << "must be a float32 tensor";
    return nullptr;
  }
  Ints inShape;
  const auto &dims = in.type().tensor_type().shape().dim();
  for (int i = 0; i < dims.size(); ++i) {
    if (dims[i].has_dim_value() && dims[i].dim_value() > 0) {
      inShape.push_back(dims[i].dim_value());
    } else if (i == 0) {
      inShape.push_back(options.batch);
    } else {
      error() << "dimension " << i << " is dynamic; only the batch dimension may be";
      return nullptr;
    }
  }
  if (failed(checkShape(inShape)))
    return nullptr;

  b.setInsertionPointToEnd(module->getBody());
  auto func = b.create<func::FuncOp>(fileLoc, "main", b.getFunctionType({f32(inShape)}, {}));
  Block *body = func.addEntryBlock();
  b.setInsertionPointToStart(body);
  values[in.name()] = body->getArgument(0);

  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(graph.node(i), i)))
      return nullptr;

  const auto &out = graph.output(0);
  loc = NameLoc::get(b.getStringAttr("output '" + out.name() + "'"), fileLoc);
  Value result = materialize(out.name());
  if (!result) {
    error() << "is not produced by any node";
    return nullptr;
  }
  b.setInsertionPointToEnd(body);
  b.create<func::ReturnOp>(loc, result);
  func.setFunctionType(b.getFunctionType({f32(inShape)}, {result.getType()}));
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

bool isTextFormat(StringRef path) {
  return path.ends_with(".pbtxt") || path.ends_with(".textproto") || path.ends_with(".onnxtxt");
}

} // namespace

OwningOpRef<ModuleOp> qnnc::importOnnxFile(MLIRContext &context, const std::string &path,
                                           const OnnxImportOptions &options) {
  Location fileLoc = FileLineColLoc::get(&context, path, 0, 0);
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    emitError(fileLoc) << "cannot open the file";
    return nullptr;
  }
  onnx::ModelProto model;
  bool parsed;
  if (isTextFormat(path)) {
    std::stringstream text;
    text << file.rdbuf();
    parsed = google::protobuf::TextFormat::ParseFromString(text.str(), &model);
  } else {
    parsed = model.ParseFromIstream(&file);
  }
  if (!parsed) {
    emitError(fileLoc) << "not a valid ONNX model: the protobuf cannot be parsed (truncated or corrupt file?)";
    return nullptr;
  }
  if (!model.has_graph() || model.graph().node_size() == 0) {
    emitError(fileLoc) << "the model has no graph nodes (truncated or empty file?)";
    return nullptr;
  }
  return Importer(context, path, model, options).run();
}
