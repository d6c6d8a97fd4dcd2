// The ONNX importer's state and helpers, shared by its sections: the driver
// (OnnxImporter.cpp: values, attributes, dispatch, ONNX schema checks) and
// the operator handlers of the default domain (CoreOps.cpp), QONNX
// (QonnxOps.cpp) and ONNX 8-bit quantization (QdqOps.cpp). Private to
// frontends/onnx.
#ifndef QNNC_FRONTENDS_ONNX_IMPORTER_H
#define QNNC_FRONTENDS_ONNX_IMPORTER_H

#include "frontends/onnx/OnnxImporter.h"

#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <optional>

namespace qnnc::onnx_import {

using namespace mlir;
using namespace qnnc::qnn;

// Anything larger is an absurd attribute or shape, not a model.
constexpr int64_t kMaxDim = int64_t(1) << 24;
constexpr int64_t kMaxElements = int64_t(1) << 31;
constexpr int kMinOpset = kMinOnnxOpset, kMaxOpset = kMaxOnnxOpset;

using Ints = SmallVector<int64_t>;

class Importer;

/// One row of the importer's dispatch table: the ONNX domain ("" for the
/// default domain) and operator type a handler imports.
struct OpHandler {
  llvm::StringLiteral domain, opType;
  mlir::LogicalResult (*import)(Importer &);
};

/// The QONNX domain (also spelled finn.custom_op.general).
inline constexpr llvm::StringLiteral kQonnxDomain = "qonnx.custom_op.general";

class Importer {
public:
  Importer(MLIRContext &ctx, const std::string &path, const onnx::ModelProto &model,
           const OnnxImportOptions &options)
      : ctx(ctx), b(&ctx), model(model), options(options),
        fileLoc(FileLineColLoc::get(&ctx, path, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

  /// The rows of the dispatch table, one list per section of the importer.
  static ArrayRef<OpHandler> coreOps();   // CoreOps.cpp
  static ArrayRef<OpHandler> qonnxOps();  // QonnxOps.cpp
  static ArrayRef<OpHandler> qdqOps();    // QdqOps.cpp

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
  const onnx::OpSchema *schema = nullptr; // of a default-domain node at the model's opset
  Location loc = fileLoc;

  InFlightDiagnostic error() { return emitError(loc); }

  // --- tensors and values ---------------------------------------------------
  FailureOr<DenseElementsAttr> decodeTensor(const onnx::TensorProto &t);
  Value materialize(StringRef name);
  /// The element types an op's kernels take for an input: float32 only,
  /// also the 8-bit and 32-bit integers (uint8, int8, int32), or those,
  /// int64 and float64.
  enum class Elements { Float, FloatOrInteger, Any };
  FailureOr<Value> input(int i, Elements elements = Elements::Float);
  FailureOr<Value> optionalInput(int i, Elements elements = Elements::Float);
  FailureOr<DenseElementsAttr> constantInput(int i);
  RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }
  RankedTensorType f32(ArrayRef<int64_t> shape) { return RankedTensorType::get(shape, b.getF32Type()); }
  /// The element type of a graph input or output of ONNX type `onnxType`
  /// (float32, float64, uint8, int8, int32, int64), null for any other.
  Type graphElementType(int onnxType);
  /// The type of graph input `in` (a dynamic batch dimension set to --batch).
  FailureOr<RankedTensorType> graphInputType(const onnx::ValueInfoProto &in);
  /// The value graph output `out` names, of a type the generated code writes.
  FailureOr<Value> graphOutput(const onnx::ValueInfoProto &out);
  LogicalResult setOutput(Value v, int i = 0);
  LogicalResult checkArity(int minIn, int maxIn);
  /// Why no value is named `name`: "computed: it is output K of node
  /// 'N' (Op), which qnnc does not compute", or `otherwise`.
  std::string uncomputed(StringRef name, StringRef otherwise);
  LogicalResult checkSchema();
  LogicalResult checkShape(ArrayRef<int64_t> shape);
  /// Whether the node only moves its input's elements (Reshape, Flatten,
  /// Identity): the ops an empty tensor may go through.
  bool movesEmptyTensors() const {
    return node->domain().empty() &&
           (node->op_type() == "Reshape" || node->op_type() == "Flatten" || node->op_type() == "Identity");
  }

  // --- attributes -----------------------------------------------------------
  const onnx::AttributeProto *attr(StringRef name, onnx::AttributeProto::AttributeType type, bool &bad);
  // An absent attribute takes `fallback` if given, else the default the ONNX
  // schema defines for this operator version, else it is an error.
  const onnx::AttributeProto *schemaDefault(StringRef name);
  template <class T, class Get>
  FailureOr<T> typedAttr(StringRef name, onnx::AttributeProto::AttributeType type, std::optional<T> fallback,
                         Get get);
  FailureOr<int64_t> intAttr(StringRef name, std::optional<int64_t> fallback = std::nullopt);
  FailureOr<float> floatAttr(StringRef name, std::optional<float> fallback = std::nullopt);
  FailureOr<Ints> intsAttr(StringRef name, std::optional<Ints> fallback = std::nullopt);
  FailureOr<std::string> stringAttr(StringRef name, std::optional<std::string> fallback = std::nullopt);
  /// The `axis` attribute for a tensor of `rank`, negative values counted
  /// from the end; in [0, rank), or [0, rank] with `upToRank`.
  FailureOr<int64_t> axisAttr(int64_t rank, bool upToRank = false);

  // --- ops ------------------------------------------------------------------
  LogicalResult importNode(const onnx::NodeProto &n, int index);
  const OpHandler *lookupHandler(StringRef domain, StringRef opType);
  /// A convolution's or pooling's window over the spatial axes: per axis
  /// kernel size, stride, dilation and output size; pads at every axis'
  /// start, then at every axis' end (ONNX's order).
  struct Window {
    Ints kernel, strides, pads, dilations, out;
    /// The window over axes [first, first + count).
    Window axes(size_t first, size_t count) const;
    /// This window's axes followed by `inner`'s.
    Window then(const Window &inner) const;
    /// An axis of `size` the window leaves as it is (kernel 1, stride 1).
    static Window unit(int64_t size);
  };
  FailureOr<Window> window(ArrayRef<int64_t> inShape, Ints kernel, bool allowDilations);
  LogicalResult conv();
  FailureOr<Value> buildConv(Value x, Value w, Value bias);
  FailureOr<Value> buildMatMul(Value a, Value b);
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
  LogicalResult setOutput(FailureOr<Value> v, int i = 0) { return failed(v) ? failure() : setOutput(*v, i); }

  /// v as 2-D [prod(dims before axis), prod(dims from axis)].
  Value flattenAt(Value v, int64_t axis) {
    int64_t outer = 1, inner = 1;
    for (auto [i, d] : llvm::enumerate(typeOf(v).getShape()))
      ((int64_t)i < axis ? outer : inner) *= d;
    return reshapeTo(v, {outer, inner});
  }
  Value reshapeTo(Value v, ArrayRef<int64_t> shape) {
    if (typeOf(v).getShape() == shape)
      return v;
    return b.create<ReshapeOp>(loc, RankedTensorType::get(shape, typeOf(v).getElementType()), v);
  }
};

/// "[1, 2, 3]".
std::string shapeStr(ArrayRef<int64_t> s);

} // namespace qnnc::onnx_import

#endif
