#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include "qnn_runtime/binary_kernels.h"

#include <cmath>

using namespace mlir;
using namespace qnnc::qnn;

#include "dialects/qnn/QnnDialect.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/qnn/QnnAttrs.cpp.inc"

#include "dialects/qnn/QnnInterfaces.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/qnn/QnnTypes.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/qnn/QnnOps.cpp.inc"

void QnnDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "dialects/qnn/QnnAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "dialects/qnn/QnnTypes.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "dialects/qnn/QnnOps.cpp.inc"
      >();
}

Operation *QnnDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type, Location loc) {
  if (auto elements = dyn_cast<DenseElementsAttr>(value); elements && elements.getType() == type)
    return builder.create<arith::ConstantOp>(loc, elements);
  return nullptr;
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  if (auto elements = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return elements.reshape(getOutput().getType());
  return {};
}

//===----------------------------------------------------------------------===//
// Types and helpers
//===----------------------------------------------------------------------===//

Type BinaryTensorType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false, /*withTrailingX=*/false) ||
      parser.parseGreater())
    return {};
  return BinaryTensorType::get(parser.getContext(), shape);
}

void BinaryTensorType::print(AsmPrinter &printer) const {
  printer << "<";
  llvm::interleave(getShape(), printer, "x");
  printer << ">";
}

int64_t BinaryTensorType::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : getShape())
    n *= d;
  return n;
}

Type LevelsTensorType::parse(AsmParser &parser) {
  SmallVector<int64_t> shape;
  unsigned bits = 0;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false, /*withTrailingX=*/false) ||
      parser.parseComma() || parser.parseInteger(bits) || parser.parseGreater())
    return {};
  return LevelsTensorType::getChecked([&] { return parser.emitError(parser.getNameLoc()); }, parser.getContext(),
                                      shape, bits);
}

void LevelsTensorType::print(AsmPrinter &printer) const {
  printer << "<";
  llvm::interleave(getShape(), printer, "x");
  printer << ", " << getBits() << ">";
}

LogicalResult LevelsTensorType::verify(function_ref<InFlightDiagnostic()> emitError, ArrayRef<int64_t> shape,
                                       unsigned bits) {
  if (bits < 1 || bits > 8)
    return emitError() << "levels tensors have 1 to 8 bits, not " << bits;
  if (shape.size() < 2)
    return emitError() << "levels tensors need a channel axis (rank >= 2)";
  return success();
}

ArrayRef<int64_t> qnnc::qnn::getShapeOf(Type type) {
  if (auto binary = dyn_cast<BinaryTensorType>(type))
    return binary.getShape();
  if (auto levels = dyn_cast<LevelsTensorType>(type))
    return levels.getShape();
  return cast<RankedTensorType>(type).getShape();
}

FailureOr<SmallVector<int64_t>> qnnc::qnn::broadcastShapes(ArrayRef<int64_t> a,
                                                          ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Verifiers
//===----------------------------------------------------------------------===//

namespace {

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleave(shape, os, ", ");
  os << "]";
  return s;
}

LogicalResult expectShape(Operation *op, ArrayRef<int64_t> actual, ArrayRef<int64_t> expected) {
  if (actual == expected)
    return success();
  return op->emitOpError() << "result shape " << shapeString(actual) << " does not match the expected "
                           << shapeString(expected);
}

/// Checks stride/pad/dilation attributes of a 2-D window and computes the
/// output spatial size.
LogicalResult verifyWindow(Operation *op, ArrayRef<int64_t> inHW, ArrayRef<int64_t> kernel,
                           ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                           ArrayRef<int64_t> dilations, SmallVectorImpl<int64_t> &outHW) {
  if (kernel.size() != 2 || strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return op->emitOpError("expects 2 kernel sizes, strides and dilations and 4 pads");
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1)
      return op->emitOpError("kernel sizes, strides and dilations must be >= 1");
  }
  for (int64_t p : pads)
    if (p < 0)
      return op->emitOpError("pads must be >= 0");
  for (int i = 0; i < 2; ++i) {
    if (pads[i] >= dilations[i] * (kernel[i] - 1) + 1 || pads[i + 2] >= dilations[i] * (kernel[i] - 1) + 1)
      return op->emitOpError("pads must be smaller than the dilated kernel");
    int64_t o = windowOutputSize(inHW[i], kernel[i], strides[i], pads[i], pads[i + 2], dilations[i]);
    if (o < 1)
      return op->emitOpError("the window does not fit in the padded input");
    outHW.push_back(o);
  }
  return success();
}

LogicalResult verifyConv(Operation *op, ArrayRef<int64_t> in, ArrayRef<int64_t> w,
                         ArrayRef<int64_t> out, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                         ArrayRef<int64_t> dilations, int64_t group) {
  if (in.size() != 4 || w.size() != 4)
    return op->emitOpError("expects a rank-4 input (NCHW) and rank-4 weights (OIHW)");
  if (group < 1 || in[1] % group != 0 || w[0] % group != 0)
    return op->emitOpError() << "group " << group << " must divide the " << in[1]
                             << " input channels and the " << w[0] << " output channels";
  if (w[1] * group != in[1])
    return op->emitOpError() << "weights have " << w[1] << " input channels per group, expected "
                             << in[1] / group;
  SmallVector<int64_t> hw;
  if (failed(verifyWindow(op, in.drop_front(2), w.drop_front(2), strides, pads, dilations, hw)))
    return failure();
  return expectShape(op, out, {in[0], w[0], hw[0], hw[1]});
}

} // namespace

LogicalResult Conv2DOp::verify() {
  auto w = getWeight().getType().getShape();
  if (getBias() && getBias().getType().getShape() != ArrayRef<int64_t>{w[0]})
    return emitOpError("bias must have one element per output channel");
  return verifyConv(*this, getInput().getType().getShape(), w, getOutput().getType().getShape(),
                    getStrides(), getPads(), getDilations(), getGroup());
}

/// The logical shape of +-1 weights, stored as i1 or packed.
static FailureOr<ArrayRef<int64_t>> binaryWeightShape(Operation *op, Attribute weight) {
  if (auto packed = dyn_cast<PackedBinaryWeightsAttr>(weight)) {
    auto shape = packed.getShape();
    if (shape.size() < 2 || shape.size() > 5 || llvm::any_of(shape, [](int64_t d) { return d < 1; }))
      return op->emitOpError("packed weights need a shape [O, K], [O, Cg, KH, KW] or [m, O, Cg, KH, KW]");
    auto k = kernelShape(weight);
    int64_t kh = k.size() == 4 ? k[2] : 1, kw = k.size() == 4 ? k[3] : 1;
    int64_t expected = qnn_rt::binary_weight_halves(weightPlanes(weight), k[0], kh, kw, k[1]);
    if (!packed.getWords().getElementType().isInteger(32) || packed.getWords().getNumElements() != expected)
      return op->emitOpError() << "packed weights of shape " << shapeString(shape) << " need " << expected
                               << " 32-bit words";
    return shape;
  }
  auto elements = cast<ElementsAttr>(weight);
  if (!elements.getElementType().isInteger(1))
    return op->emitOpError("weight must hold i1 elements (true = -1)");
  return cast<ShapedType>(elements.getType()).getShape();
}

LogicalResult BinaryConv2DOp::verify() {
  auto wShape = binaryWeightShape(*this, getWeight());
  if (failed(wShape))
    return failure();
  return verifyConv(*this, getInput().getType().getShape(), *wShape, getOutput().getType().getShape(),
                    getStrides(), getPads(), getDilations(), getGroup());
}

/// low <= high per channel, one entry per channel of `shape` (axis 1).
static LogicalResult verifyThresholds(Operation *op, ArrayRef<int64_t> shape, ArrayRef<int32_t> low,
                                      ArrayRef<int32_t> high, ArrayRef<bool> descending) {
  size_t c = shape[1];
  if (low.size() != c || high.size() != c || descending.size() != c)
    return op->emitOpError() << "low, high and descending must have " << c << " entries, one per channel";
  for (size_t i = 0; i < c; ++i)
    if (low[i] > high[i])
      return op->emitOpError() << "channel " << i << ": low " << low[i] << " exceeds high " << high[i];
  return success();
}

LogicalResult BinaryConv2DSignOp::verify() {
  auto wShape = binaryWeightShape(*this, getWeight());
  auto out = getOutput().getType().getShape();
  if (failed(wShape) || failed(verifyConv(*this, getInput().getType().getShape(), *wShape, out, getStrides(),
                                          getPads(), getDilations(), getGroup())))
    return failure();
  return verifyThresholds(*this, out, getLow(), getHigh(), getDescending());
}

LogicalResult BinaryDenseOp::verify() {
  auto wShape = binaryWeightShape(*this, getWeight());
  if (failed(wShape))
    return failure();
  auto w = *wShape;
  auto in = getInput().getType().getShape();
  if (in.size() != 2 || w.size() != 2)
    return emitOpError("expects a rank-2 input [N, K] and rank-2 weights [O, K]");
  if (in[1] != w[1])
    return emitOpError() << "input has " << in[1] << " features but weights expect " << w[1];
  return expectShape(*this, getOutput().getType().getShape(), {in[0], w[0]});
}

LogicalResult GemmOp::verify() {
  auto a = getA().getType().getShape(), b = getB().getType().getShape();
  if (a.size() != 2 || b.size() != 2)
    return emitOpError("expects rank-2 A and B");
  int64_t m = getTransA() ? a[1] : a[0], k = getTransA() ? a[0] : a[1];
  int64_t kb = getTransB() ? b[1] : b[0], n = getTransB() ? b[0] : b[1];
  if (k != kb)
    return emitOpError() << "inner dimensions differ: " << k << " vs " << kb;
  if (getC() && failed(broadcastShapes(getC().getType().getShape(), {m, n})))
    return emitOpError() << "C of shape " << shapeString(getC().getType().getShape())
                         << " does not broadcast to " << shapeString({m, n});
  if (getC() && getC().getType().getRank() > 2)
    return emitOpError("C must have rank <= 2");
  return expectShape(*this, getOutput().getType().getShape(), {m, n});
}

LogicalResult BatchNormOp::verify() {
  auto in = getInput().getType().getShape();
  if (in.size() < 2)
    return emitOpError("expects an input of rank >= 2 (channels on axis 1)");
  for (Value v : {getScale(), getBias(), getMean(), getVariance()})
    if (cast<RankedTensorType>(v.getType()).getShape() != ArrayRef<int64_t>{in[1]})
      return emitOpError() << "scale, bias, mean and variance must have shape [" << in[1] << "]";
  return expectShape(*this, getOutput().getType().getShape(), in);
}

static LogicalResult verifyBroadcast(Operation *op, ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                     ArrayRef<int64_t> out) {
  auto shape = broadcastShapes(lhs, rhs);
  if (failed(shape))
    return op->emitOpError() << "operand shapes " << shapeString(lhs) << " and " << shapeString(rhs)
                             << " do not broadcast";
  return expectShape(op, out, *shape);
}

#define QNN_BROADCAST_VERIFIER(OP)                                                         \
  LogicalResult OP::verify() {                                                             \
    return verifyBroadcast(*this, getLhs().getType().getShape(), getRhs().getType().getShape(), \
                           getOutput().getType().getShape());                              \
  }
QNN_BROADCAST_VERIFIER(AddOp)
QNN_BROADCAST_VERIFIER(SubOp)
QNN_BROADCAST_VERIFIER(MulOp)
QNN_BROADCAST_VERIFIER(PReluOp)
#undef QNN_BROADCAST_VERIFIER

static LogicalResult verifyPool(Operation *op, ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                                ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations) {
  if (in.size() != 4)
    return op->emitOpError("expects a rank-4 input (NCHW)");
  SmallVector<int64_t> hw;
  if (failed(verifyWindow(op, in.drop_front(2), kernel, strides, pads, dilations, hw)))
    return failure();
  return expectShape(op, out, {in[0], in[1], hw[0], hw[1]});
}

LogicalResult MaxPoolOp::verify() {
  if (getInput().getType() .getElementType() != getOutput().getType().getElementType())
    return emitOpError("input and result element types differ");
  return verifyPool(*this, getInput().getType().getShape(), getOutput().getType().getShape(),
                    getKernel(), getStrides(), getPads(), getDilations());
}

LogicalResult AvgPoolOp::verify() {
  return verifyPool(*this, getInput().getType().getShape(), getOutput().getType().getShape(),
                    getKernel(), getStrides(), getPads(), {1, 1});
}

LogicalResult GlobalAvgPoolOp::verify() {
  auto in = getInput().getType().getShape();
  if (in.size() != 4)
    return emitOpError("expects a rank-4 input (NCHW)");
  return expectShape(*this, getOutput().getType().getShape(), {in[0], in[1], 1, 1});
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() != getOutput().getType().getNumElements())
    return emitOpError() << "cannot reshape " << getInput().getType().getNumElements()
                         << " elements into " << getOutput().getType().getNumElements();
  return success();
}

LogicalResult PadOp::verify() {
  auto in = getInput().getType().getShape();
  auto p = getPads();
  if (in.size() != 4 || p.size() != 4)
    return emitOpError("expects a rank-4 input and 4 pads (top, left, bottom, right)");
  if (llvm::any_of(p, [](int64_t v) { return v < 0; }))
    return emitOpError("pads must be >= 0");
  return expectShape(*this, getOutput().getType().getShape(),
                     {in[0], in[1], in[2] + p[0] + p[2], in[3] + p[1] + p[3]});
}

LogicalResult TransposeOp::verify() {
  auto in = getInput().getType().getShape();
  auto perm = getPerm();
  if (perm.size() != in.size())
    return emitOpError("perm must have one entry per dimension");
  SmallVector<int64_t> out;
  SmallVector<bool> seen(in.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitOpError("perm must be a permutation of the dimensions");
    seen[p] = true;
    out.push_back(in[p]);
  }
  return expectShape(*this, getOutput().getType().getShape(), out);
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto first = cast<RankedTensorType>(getInputs().front().getType()).getShape();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= (int64_t)first.size())
    return emitOpError() << "axis " << axis << " is out of range for rank " << first.size();
  SmallVector<int64_t> out(first);
  out[axis] = 0;
  for (Value v : getInputs()) {
    auto s = cast<RankedTensorType>(v.getType()).getShape();
    if (s.size() != first.size())
      return emitOpError("inputs must have the same rank");
    for (size_t i = 0; i < s.size(); ++i)
      if ((int64_t)i != axis && s[i] != first[i])
        return emitOpError() << "inputs differ in dimension " << i;
    out[axis] += s[axis];
  }
  return expectShape(*this, getOutput().getType().getShape(), out);
}

LogicalResult SoftmaxOp::verify() {
  if (getAxis() < 0 || getAxis() >= getInput().getType().getRank())
    return emitOpError() << "axis " << getAxis() << " is out of range";
  return success();
}

LogicalResult ToFloatOp::verify() {
  return expectShape(*this, getOutput().getType().getShape(), getInput().getType().getShape());
}

LogicalResult ScaleBiasOp::verify() {
  auto in = getInput().getType().getShape();
  if (in.size() < 2)
    return emitOpError("expects an input of rank >= 2 (channels on axis 1)");
  if ((int64_t)getScale().size() != in[1] || (int64_t)getBias().size() != in[1])
    return emitOpError() << "scale and bias must have " << in[1] << " entries, one per channel";
  return expectShape(*this, getOutput().getType().getShape(), in);
}

LogicalResult BinarizeOp::verify() {
  return expectShape(*this, getOutput().getType().getShape(), getInput().getType().getShape());
}

LogicalResult ThresholdOp::verify() {
  auto in = getInput().getType().getShape();
  if (in.size() < 2)
    return emitOpError("expects an input of rank >= 2 (channels on axis 1)");
  if (failed(verifyThresholds(*this, in, getLow(), getHigh(), getDescending())))
    return failure();
  return expectShape(*this, getOutput().getType().getShape(), in);
}

LogicalResult MultiThresholdOp::verify() {
  auto in = getInput().getType().getShape(), t = getThresholds().getType().getShape();
  if (in.size() < 2)
    return emitOpError("expects an input of rank >= 2 (channels on axis 1)");
  if (t.size() != 2 || (t[0] != 1 && t[0] != in[1]))
    return emitOpError() << "thresholds of shape " << shapeString(t) << " must be [" << in[1] << ", T] or [1, T]";
  if (t[1] < 1 || t[1] > 255)
    return emitOpError() << "the number of thresholds per channel must be 1 to 255, not " << t[1];
  return expectShape(*this, getOutput().getType().getShape(), in);
}

/// `count` thresholds per channel of `shape` (axis 1), which the levels
/// type's bits can count.
static LogicalResult verifyLevelThresholds(Operation *op, ArrayRef<int64_t> shape, size_t count,
                                           LevelsTensorType levels) {
  if (shape.size() < 2)
    return op->emitOpError("expects an input of rank >= 2 (channels on axis 1)");
  if (count == 0 || count % shape[1] != 0)
    return op->emitOpError() << "expects T > 0 thresholds for each of the " << shape[1] << " channels, got "
                             << count << " in all";
  int64_t perChannel = count / shape[1];
  if (perChannel > (int64_t(1) << levels.getBits()) - 1)
    return op->emitOpError() << perChannel << " thresholds per channel do not fit in " << levels.getBits()
                             << " bits";
  return expectShape(op, levels.getShape(), shape);
}

LogicalResult QuantizeLevelsOp::verify() {
  return verifyLevelThresholds(*this, getInput().getType().getShape(), getThresholds().size(),
                               getOutput().getType());
}

LogicalResult ThresholdLevelsOp::verify() {
  auto in = getInput().getType().getShape();
  if (failed(verifyLevelThresholds(*this, in, getThresholds().size(), getOutput().getType())))
    return failure();
  if ((int64_t)getDescending().size() != in[1])
    return emitOpError() << "descending must have " << in[1] << " entries, one per channel";
  return success();
}

LogicalResult LevelsToFloatOp::verify() {
  return expectShape(*this, getOutput().getType().getShape(), getInput().getType().getShape());
}

LogicalResult LevelsToBinaryOp::verify() {
  if (getInput().getType().getBits() != 1)
    return emitOpError("expects 1-bit levels");
  return expectShape(*this, getOutput().getType().getShape(), getInput().getType().getShape());
}

LogicalResult BitserialConv2DOp::verify() {
  if (failed(binaryWeightShape(*this, getWeight())))
    return failure();
  int64_t planes = weightPlanes(getWeight());
  if (planes < 1 || planes > 8)
    return emitOpError() << "weights have 1 to 8 bit planes, not " << planes;
  return verifyConv(*this, getInput().getType().getShape(), kernelShape(getWeight()),
                    getOutput().getType().getShape(),
                    getStrides(), getPads(), getDilations(), getGroup());
}

/// The range of an 8-bit element type.
static std::pair<int64_t, int64_t> int8Range(Type element) {
  return element.isUnsignedInteger() ? std::pair<int64_t, int64_t>{0, 255} : std::pair<int64_t, int64_t>{-128, 127};
}

LogicalResult QuantizeLinearOp::verify() {
  float scale = getScale().convertToFloat();
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return emitOpError("scale must be positive and finite");
  auto [lo, hi] = int8Range(getOutput().getType().getElementType());
  if ((int64_t)getZeroPoint() < lo || (int64_t)getZeroPoint() > hi)
    return emitOpError() << "zero point " << getZeroPoint() << " is outside [" << lo << ", " << hi << "]";
  return expectShape(*this, getOutput().getType().getShape(), getInput().getType().getShape());
}

LogicalResult DequantizeLinearOp::verify() {
  auto in = getInput().getType().getShape();
  size_t n = getScale().size();
  if (n == 0 || getZeroPoint().size() != n)
    return emitOpError("scale and zero_point must have the same, non-zero number of entries");
  if (n > 1 && (getAxis() < 0 || getAxis() >= (int64_t)in.size() || in[getAxis()] != (int64_t)n))
    return emitOpError() << n << " scales do not match axis " << getAxis() << " of the input";
  return expectShape(*this, getOutput().getType().getShape(), in);
}

OpFoldResult DequantizeLinearOp::fold(FoldAdaptor adaptor) {
  auto values = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getInput());
  if (!values)
    return {};
  auto shape = getInput().getType().getShape();
  int64_t axis = getAxis(), inner = 1, perChannel = getScale().size();
  for (int64_t d = axis + 1; d < (int64_t)shape.size(); ++d)
    inner *= shape[d];
  bool isUnsigned = values.getElementType().isUnsignedInteger();
  SmallVector<float> out;
  int64_t i = 0;
  for (const APInt &v : values.getValues<APInt>()) {
    int64_t c = perChannel == 1 ? 0 : (i / inner) % perChannel;
    int64_t q = isUnsigned ? (int64_t)v.getZExtValue() : v.getSExtValue();
    out.push_back(static_cast<float>(q - getZeroPoint()[c]) * getScale()[c]);
    ++i;
  }
  return DenseElementsAttr::get(getOutput().getType(), ArrayRef<float>(out));
}

LogicalResult QConv2DOp::verify() {
  auto w = cast<ShapedType>(getWeight().getType());
  if (!w.getElementType().isInteger(8))
    return emitOpError("weight must hold 8-bit integers");
  auto [lo, hi] = int8Range(getInput().getType().getElementType());
  if ((int64_t)getInputZeroPoint() < lo || (int64_t)getInputZeroPoint() > hi)
    return emitOpError() << "input zero point " << getInputZeroPoint() << " is outside [" << lo << ", " << hi << "]";
  return verifyConv(*this, getInput().getType().getShape(), w.getShape(), getOutput().getType().getShape(),
                    getStrides(), getPads(), getDilations(), getGroup());
}
