#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

#include "qnn_runtime/binary_kernels.h"
#include "qnn_runtime/float_kernels.h"

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

Type BinaryTensorType::getElementType() const { return IntegerType::get(getContext(), 2, IntegerType::Signed); }

ShapedType BinaryTensorType::cloneWith(std::optional<ArrayRef<int64_t>> shape, Type elementType) const {
  auto dims = shape ? *shape : getShape();
  if (elementType == getElementType())
    return BinaryTensorType::get(getContext(), dims);
  return RankedTensorType::get(dims, elementType);
}

Type LevelsTensorType::getElementType() const {
  return IntegerType::get(getContext(), getBits(), IntegerType::Unsigned);
}

ShapedType LevelsTensorType::cloneWith(std::optional<ArrayRef<int64_t>> shape, Type elementType) const {
  auto dims = shape ? *shape : getShape();
  auto integer = llvm::dyn_cast<IntegerType>(elementType);
  if (integer && integer.isUnsigned() && integer.getWidth() >= 1 && integer.getWidth() <= 8)
    return LevelsTensorType::get(getContext(), dims, integer.getWidth());
  return RankedTensorType::get(dims, elementType);
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

//===----------------------------------------------------------------------===//
// Result type inference and verification
//
// Ops whose result type follows from their operands and attributes infer
// it (InferTypeOpAdaptor): the importer builds them without computing
// shapes, and the verifier compares the declared type with the inferred
// one. Errors are reported at the op's location; verify() keeps the rules
// that are not about shapes.
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

ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }

using Loc = std::optional<Location>;

/// Output sizes of a window (convolution or pooling) over the spatial
/// dimensions `in` after checking its attributes: a kernel size, stride and
/// dilation per dimension, then the pads at their starts and at their ends.
FailureOr<SmallVector<int64_t>> windowOutput(Loc loc, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                             ArrayRef<int64_t> dilations) {
  const size_t r = in.size();
  if (kernel.size() != r || strides.size() != r || dilations.size() != r || pads.size() != 2 * r)
    return emitOptionalError(loc, "expects ", r, " kernel sizes, strides and dilations and ", 2 * r, " pads");
  for (size_t i = 0; i < r; ++i)
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1)
      return emitOptionalError(loc, "kernel sizes, strides and dilations must be >= 1");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "pads must be >= 0");
  SmallVector<int64_t> out;
  for (size_t i = 0; i < r; ++i) {
    int64_t span = dilations[i] * (kernel[i] - 1) + 1;
    if (pads[i] >= span || pads[i + r] >= span)
      return emitOptionalError(loc, "pads must be smaller than the dilated kernel");
    int64_t o = windowOutputSize(in[i], kernel[i], strides[i], pads[i], pads[i + r], dilations[i]);
    if (o < 1)
      return emitOptionalError(loc, "the window does not fit in the padded input");
    out.push_back(o);
  }
  return out;
}

/// [N, O, spatial...] of a convolution of `in` [N, C, spatial...] by `w`
/// [O, C/group, kernel...], each of rank `rank` (4: NCHW, 5: NCDHW).
FailureOr<SmallVector<int64_t>> convOutput(Loc loc, ArrayRef<int64_t> in, ArrayRef<int64_t> w,
                                           ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                           ArrayRef<int64_t> dilations, int64_t group, size_t rank = 4) {
  if (in.size() != rank || w.size() != rank)
    return emitOptionalError(loc, "expects a rank-", rank, " input and rank-", rank, " weights");
  if (group < 1 || in[1] % group != 0 || w[0] % group != 0)
    return emitOptionalError(loc, "group ", group, " must divide the ", in[1], " input channels and the ", w[0],
                             " output channels");
  if (w[1] * group != in[1])
    return emitOptionalError(loc, "weights have ", w[1], " input channels per group, expected ", in[1] / group);
  auto spatial = windowOutput(loc, in.drop_front(2), w.drop_front(2), strides, pads, dilations);
  if (failed(spatial))
    return failure();
  SmallVector<int64_t> out{in[0], w[0]};
  out.append(spatial->begin(), spatial->end());
  return out;
}

/// [N, C, OH, OW] of a pooling window over NCHW `in`.
FailureOr<SmallVector<int64_t>> poolOutput(Loc loc, ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                           ArrayRef<int64_t> dilations) {
  if (in.size() != 4)
    return emitOptionalError(loc, "expects a rank-4 input (NCHW)");
  auto hw = windowOutput(loc, in.drop_front(2), kernel, strides, pads, dilations);
  if (failed(hw))
    return failure();
  return SmallVector<int64_t>{in[0], in[1], (*hw)[0], (*hw)[1]};
}

/// One inferred result: a tensor of `element`, or failure.
LogicalResult inferTensor(FailureOr<SmallVector<int64_t>> shape, Type element, SmallVectorImpl<Type> &types) {
  if (failed(shape))
    return failure();
  types.push_back(RankedTensorType::get(*shape, element));
  return success();
}

Type f32(MLIRContext *ctx) { return Float32Type::get(ctx); }
Type i32(MLIRContext *ctx) { return IntegerType::get(ctx, 32); }

/// Channels on axis 1: rank >= 2.
LogicalResult expectChannels(Loc loc, ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return emitOptionalError(loc, "expects an input of rank >= 2 (channels on axis 1)");
  return success();
}

/// The logical shape of +-1 weights, stored as i1 or packed.
FailureOr<ArrayRef<int64_t>> binaryWeightShape(Loc loc, Attribute weight) {
  if (auto packed = dyn_cast<PackedBinaryWeightsAttr>(weight)) {
    auto shape = packed.getShape();
    if (shape.size() < 2 || shape.size() > 5 || llvm::any_of(shape, [](int64_t d) { return d < 1; }))
      return emitOptionalError(loc, "packed weights need a shape [O, K], [O, Cg, KH, KW] or [m, O, Cg, KH, KW]");
    auto k = kernelShape(weight);
    int64_t kh = k.size() == 4 ? k[2] : 1, kw = k.size() == 4 ? k[3] : 1;
    int64_t expected = qnn_rt::binary_weight_halves(weightPlanes(weight), k[0], kh, kw, k[1]);
    if (!packed.getWords().getElementType().isInteger(32) || packed.getWords().getNumElements() != expected)
      return emitOptionalError(loc, "packed weights of shape ", shapeString(shape), " need ", expected,
                               " 32-bit words");
    return shape;
  }
  if (auto coded = dyn_cast<HuffmanBinaryWeightsAttr>(weight)) {
    auto shape = coded.getShape();
    if (shape.size() != 4 || llvm::any_of(shape, [](int64_t d) { return d < 1; }))
      return emitOptionalError(loc, "Huffman-coded weights need a shape [O, Cg, KH, KW]");
    if (coded.getCounts().getNumElements() != qnn_rt::kMaxHuffmanLength + 1 ||
        !coded.getCounts().getElementType().isInteger(16) || !coded.getSymbols().getElementType().isInteger(16) ||
        !coded.getStream().getElementType().isInteger(16))
      return emitOptionalError(loc, "Huffman-coded weights need ui16 stream chunks, ", qnn_rt::kMaxHuffmanLength + 1,
                               " ui16 counts and ui16 symbols");
    return shape;
  }
  auto elements = dyn_cast<ElementsAttr>(weight);
  if (!elements || !elements.getElementType().isInteger(1))
    return emitOptionalError(loc, "weight must hold i1 elements (true = -1)");
  return cast<ShapedType>(elements.getType()).getShape();
}

/// The convolution output of a binary or bit-serial op with +-1 weights.
template <class Adaptor>
FailureOr<SmallVector<int64_t>> binaryConvOutput(Loc loc, Adaptor a) {
  if (failed(binaryWeightShape(loc, a.getWeight())))
    return failure();
  return convOutput(loc, shapeOf(a.getInput()), kernelShape(a.getWeight()), a.getStrides(), a.getPads(),
                    a.getDilations(), static_cast<int64_t>(a.getGroup()));
}

/// Thresholds for the channels of `shape` (axis 1), `perChannel` each
/// (Sign) or at most `maxPerChannel` (levels).
LogicalResult verifyThresholds(Operation *op, ArrayRef<int64_t> shape, ThresholdsAttr thresholds,
                               std::optional<int64_t> perChannel, int64_t maxPerChannel = 0) {
  if (thresholds.getChannels() != shape[1])
    return op->emitOpError() << "thresholds for " << thresholds.getChannels() << " channels, the input has "
                             << shape[1];
  if (perChannel && thresholds.getPerChannel() != *perChannel)
    return op->emitOpError() << "expects " << *perChannel << " thresholds per channel, not "
                             << thresholds.getPerChannel();
  if (!perChannel && thresholds.getPerChannel() > maxPerChannel)
    return op->emitOpError() << thresholds.getPerChannel() << " thresholds per channel do not fit in "
                             << llvm::Log2_64(maxPerChannel + 1) << " bits";
  return success();
}

/// Level thresholds into the levels type's bits, on a same-shaped input.
LogicalResult verifyLevelThresholds(Operation *op, ArrayRef<int64_t> shape, LevelsTensorType levels) {
  if (shape.size() < 2)
    return op->emitOpError("expects an input of rank >= 2 (channels on axis 1)");
  if (levels.getShape() != shape)
    return op->emitOpError() << "result shape " << shapeString(levels.getShape()) << " differs from the input's "
                             << shapeString(shape);
  return success();
}

/// The range of an 8-bit element type.
std::pair<int64_t, int64_t> int8Range(Type element) {
  return element.isUnsignedInteger() ? std::pair<int64_t, int64_t>{0, 255} : std::pair<int64_t, int64_t>{-128, 127};
}

} // namespace

//===----------------------------------------------------------------------===//
// Float operations

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto w = shapeOf(a.getWeight());
  if (a.getBias() && (w.empty() || shapeOf(a.getBias()) != ArrayRef<int64_t>{w[0]}))
    return emitOptionalError(loc, "bias must have one element per output channel");
  return inferTensor(convOutput(loc, shapeOf(a.getInput()), w, a.getStrides(), a.getPads(), a.getDilations(),
                                static_cast<int64_t>(a.getGroup())),
                     f32(ctx), types);
}

LogicalResult Conv3DOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto w = shapeOf(a.getWeight());
  if (a.getBias() && (w.empty() || shapeOf(a.getBias()) != ArrayRef<int64_t>{w[0]}))
    return emitOptionalError(loc, "bias must have one element per output channel");
  return inferTensor(convOutput(loc, shapeOf(a.getInput()), w, a.getStrides(), a.getPads(), a.getDilations(),
                                static_cast<int64_t>(a.getGroup()), /*rank=*/5),
                     f32(ctx), types);
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto as = shapeOf(a.getA()), bs = shapeOf(a.getB());
  if (as.size() != 2 || bs.size() != 2)
    return emitOptionalError(loc, "expects rank-2 A and B");
  bool ta = a.getTransA(), tb = a.getTransB();
  int64_t m = ta ? as[1] : as[0], k = ta ? as[0] : as[1], kb = tb ? bs[1] : bs[0], n = tb ? bs[0] : bs[1];
  if (k != kb)
    return emitOptionalError(loc, "inner dimensions differ: ", k, " vs ", kb);
  if (a.getC()) {
    auto cs = shapeOf(a.getC());
    SmallVector<int64_t> out;
    if (cs.size() > 2)
      return emitOptionalError(loc, "C must have rank <= 2");
    if (!OpTrait::util::getBroadcastedShape(cs, {m, n}, out) || out != ArrayRef<int64_t>{m, n})
      return emitOptionalError(loc, "C of shape ", shapeString(cs), " does not broadcast to ", shapeString({m, n}));
  }
  types.push_back(RankedTensorType::get({m, n}, f32(ctx)));
  return success();
}

LogicalResult BatchMatMulOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto as = shapeOf(a.getA()), bs = shapeOf(a.getB());
  if (as.size() != 3 || bs.size() != 3)
    return emitOptionalError(loc, "expects rank-3 A and B");
  if (as[2] != bs[1])
    return emitOptionalError(loc, "inner dimensions differ: ", as[2], " vs ", bs[1]);
  if (as[0] != bs[0] && as[0] != 1 && bs[0] != 1)
    return emitOptionalError(loc, "stacks of ", as[0], " and ", bs[0], " matrices");
  types.push_back(RankedTensorType::get({std::max(as[0], bs[0]), as[1], bs[2]}, f32(ctx)));
  return success();
}

namespace {
/// gemm(A, constant B, transB) -> gemm(A, constant B^T): the kernel streams
/// rows of an untransposed B (same products, same order).
struct PretransposeGemmWeights : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GemmOp gemm, PatternRewriter &rewriter) const override {
    DenseElementsAttr b;
    if (!gemm.getTransB() || !matchPattern(gemm.getB(), m_Constant(&b)) || !b.getElementType().isF32())
      return failure();
    auto shape = b.getType().getShape(); // [N, K]
    SmallVector<float> values(b.getValues<float>()), transposed(values.size());
    for (int64_t n = 0; n < shape[0]; ++n)
      for (int64_t k = 0; k < shape[1]; ++k)
        transposed[k * shape[0] + n] = values[n * shape[1] + k];
    auto type = RankedTensorType::get({shape[1], shape[0]}, b.getElementType());
    Value weights = rewriter.create<arith::ConstantOp>(gemm.getB().getLoc(),
                                                       DenseElementsAttr::get(type, ArrayRef<float>(transposed)));
    rewriter.modifyOpInPlace(gemm, [&] {
      gemm.getBMutable().assign(weights);
      gemm.setTransB(false);
    });
    return success();
  }
};
} // namespace

void GemmOp::getCanonicalizationPatterns(RewritePatternSet &patterns, MLIRContext *context) {
  patterns.add<PretransposeGemmWeights>(context);
}

/// The channels of a batch normalization's input, whose scale, bias, mean
/// and variance hold one value each.
template <class Adaptor>
static FailureOr<int64_t> batchNormChannels(Loc loc, Adaptor a) {
  auto in = shapeOf(a.getInput());
  if (failed(expectChannels(loc, in)))
    return failure();
  for (Value v : {a.getScale(), a.getBias(), a.getMean(), a.getVariance()})
    if (shapeOf(v) != ArrayRef<int64_t>{in[1]})
      return emitOptionalError(loc, "scale, bias, mean and variance must have shape [", in[1], "]");
  return in[1];
}

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  if (failed(batchNormChannels(loc, a)))
    return failure();
  types.push_back(a.getInput().getType());
  return success();
}

LogicalResult BatchNormTrainingOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                   SmallVectorImpl<Type> &types) {
  auto channels = batchNormChannels(loc, a);
  if (failed(channels))
    return failure();
  types.push_back(a.getInput().getType());
  types.append(2, RankedTensorType::get({*channels}, f32(ctx)));
  return success();
}

/// Numpy broadcasting of lhs and rhs (upstream's broadcast rule).
template <class Adaptor>
static LogicalResult inferBroadcast(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> out;
  auto l = shapeOf(a.getLhs()), r = shapeOf(a.getRhs());
  if (!OpTrait::util::getBroadcastedShape(l, r, out))
    return emitOptionalError(loc, "operand shapes ", shapeString(l), " and ", shapeString(r), " do not broadcast");
  types.push_back(RankedTensorType::get(out, cast<ShapedType>(a.getLhs().getType()).getElementType()));
  return success();
}

#define QNN_BROADCAST_INFERENCE(OP)                                                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {          \
    return inferBroadcast(ctx, loc, a, types);                                                                       \
  }
QNN_BROADCAST_INFERENCE(AddOp)
QNN_BROADCAST_INFERENCE(SubOp)
QNN_BROADCAST_INFERENCE(MulOp)
QNN_BROADCAST_INFERENCE(PReluOp)
#undef QNN_BROADCAST_INFERENCE

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  return inferTensor(poolOutput(loc, shapeOf(a.getInput()), a.getKernel(), a.getStrides(), a.getPads(),
                                a.getDilations()),
                     cast<ShapedType>(a.getInput().getType()).getElementType(), types);
}

LogicalResult MaxPoolIndicesOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                 SmallVectorImpl<Type> &types) {
  return inferTensor(poolOutput(loc, shapeOf(a.getInput()), a.getKernel(), a.getStrides(), a.getPads(),
                                a.getDilations()),
                     IntegerType::get(ctx, 64), types);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  return inferTensor(poolOutput(loc, shapeOf(a.getInput()), a.getKernel(), a.getStrides(), a.getPads(), {1, 1}),
                     f32(ctx), types);
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput());
  if (in.size() != 4)
    return emitOptionalError(loc, "expects a rank-4 input (NCHW)");
  types.push_back(RankedTensorType::get({in[0], in[1], 1, 1}, f32(ctx)));
  return success();
}

bool qnnc::qnn::isChannelsLast(Value value) {
  Operation *producer = value.getDefiningOp();
  return producer && value.getContext()->getLoadedDialect<QnnDialect>()->getChannelsLastAttrHelper().isAttrPresent(
                         producer);
}

LogicalResult PointwiseConvOp::verify() {
  auto in = getInput().getType().getShape(), out = getOutput().getType().getShape();
  auto w = getWeightT().getType().getShape();
  if (in.size() != 4 || out.size() != 4 || in[0] != out[0] || in[2] != out[2] || in[3] != out[3])
    return emitOpError("needs [N, C, H, W] input and [N, O, H, W] output");
  const int64_t padded = qnn_rt::panel_padded_channels(out[1]);
  if (w.size() != 2 || w[0] != in[1] || w[1] != padded)
    return emitOpError() << "weight_t must be [" << in[1] << ", " << padded << "] (input channels, padded outputs)";
  if (getBias() && getBias().getType().getShape() != ArrayRef<int64_t>{padded})
    return emitOpError() << "bias must hold " << padded << " values (padded outputs)";
  return success();
}

LogicalResult PixelRowsConvOp::verify() {
  auto in = getInput().getType().getShape(), out = getOutput().getType().getShape();
  auto kernel = getKernelShape();
  if (kernel.size() != 2 || in.size() != 4 || out.size() != 4)
    return emitOpError("needs [N, C, H, W] input and output and kernel_shape [KH, KW]");
  auto expected = convOutput(getLoc(), in, {out[1], in[1], kernel[0], kernel[1]}, getStrides(), getPads(),
                             getDilations(), 1);
  if (failed(expected))
    return failure();
  if (out != ArrayRef<int64_t>(*expected))
    return emitOpError() << "output must be " << shapeString(*expected);
  const int64_t padded = qnn_rt::panel_padded_channels(out[1]), K = in[1] * kernel[0] * kernel[1];
  const SmallVector<int64_t> panels{padded / qnn_rt::kMaxGemmCols, K, qnn_rt::kMaxGemmCols};
  if (getWeightPanels().getType().getShape() != ArrayRef<int64_t>(panels))
    return emitOpError() << "weight_panels must be " << shapeString(panels) << " (panels, C * KH * KW, channels)";
  if (getBias() && getBias().getType().getShape() != ArrayRef<int64_t>{padded})
    return emitOpError() << "bias must hold " << padded << " values (padded outputs)";
  return success();
}

LogicalResult ClipOp::verify() {
  const float lo = getMin().convertToFloat(), hi = getMax().convertToFloat();
  if (!getInput().getType().getElementType().isF32() && (lo != std::trunc(lo) || hi != std::trunc(hi)))
    return emitOpError() << "bounds of an integer tensor must be whole numbers, not " << lo << " and " << hi;
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getElementType() != getOutput().getType().getElementType())
    return emitOpError() << "changes the element type " << getInput().getType().getElementType() << " to "
                         << getOutput().getType().getElementType();
  if (getInput().getType().getNumElements() != getOutput().getType().getNumElements())
    return emitOpError() << "cannot reshape " << getInput().getType().getNumElements() << " elements into "
                         << getOutput().getType().getNumElements();
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput());
  auto p = a.getPads();
  if (in.size() != 4 || p.size() != 4)
    return emitOptionalError(loc, "expects a rank-4 input and 4 pads (top, left, bottom, right)");
  if (llvm::any_of(p, [](int64_t v) { return v < 0; }))
    return emitOptionalError(loc, "pads must be >= 0");
  auto mode = a.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOptionalError(loc, "mode '", mode, "' is not one of constant, reflect, edge");
  if (mode == "reflect" && (std::max(p[0], p[2]) >= in[2] || std::max(p[1], p[3]) >= in[3]))
    return emitOptionalError(loc, "reflect pads must be smaller than the dimension they pad: pads ",
                             shapeString(p), " on ", in[2], "x", in[3]);
  if (mode == "edge" && (((p[0] || p[2]) && in[2] == 0) || ((p[1] || p[3]) && in[3] == 0)))
    return emitOptionalError(loc, "edge padding of an empty dimension");
  Type element = cast<ShapedType>(a.getInput().getType()).getElementType();
  if (!element.isF32() && a.getValue().convertToFloat() != std::trunc(a.getValue().convertToFloat()))
    return emitOptionalError(loc, "the pad value of an integer tensor must be a whole number");
  types.push_back(RankedTensorType::get({in[0], in[1], in[2] + p[0] + p[2], in[3] + p[1] + p[3]}, element));
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput());
  auto perm = a.getPerm();
  if (perm.size() != in.size())
    return emitOptionalError(loc, "perm must have one entry per dimension");
  SmallVector<int64_t> out;
  SmallVector<bool> seen(in.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= (int64_t)in.size() || seen[p])
      return emitOptionalError(loc, "perm must be a permutation of the dimensions");
    seen[p] = true;
    out.push_back(in[p]);
  }
  types.push_back(RankedTensorType::get(out, f32(ctx)));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  if (a.getInputs().empty())
    return emitOptionalError(loc, "needs at least one input");
  auto first = shapeOf(a.getInputs().front());
  int64_t axis = a.getAxis();
  if (axis < 0 || axis >= (int64_t)first.size())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ", first.size());
  SmallVector<int64_t> out(first);
  out[axis] = 0;
  for (Value v : a.getInputs()) {
    auto s = shapeOf(v);
    if (s.size() != first.size())
      return emitOptionalError(loc, "inputs must have the same rank");
    for (size_t i = 0; i < s.size(); ++i)
      if ((int64_t)i != axis && s[i] != first[i])
        return emitOptionalError(loc, "inputs differ in dimension ", i);
    out[axis] += s[axis];
  }
  types.push_back(RankedTensorType::get(out, f32(ctx)));
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (getAxis() < 0 || getAxis() >= getInput().getType().getRank())
    return emitOpError() << "axis " << getAxis() << " is out of range";
  return success();
}

LogicalResult ToFloatOp::inferReturnTypes(MLIRContext *ctx, Loc, Adaptor a, SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(shapeOf(a.getInput()), f32(ctx)));
  return success();
}

LogicalResult ScaleBiasOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput());
  if (failed(expectChannels(loc, in)))
    return failure();
  if ((int64_t)a.getScale().size() != in[1] || (int64_t)a.getBias().size() != in[1])
    return emitOptionalError(loc, "scale and bias must have ", in[1], " entries, one per channel");
  types.push_back(RankedTensorType::get(in, f32(ctx)));
  return success();
}

LogicalResult MultiThresholdOp::inferReturnTypes(MLIRContext *, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput()), t = shapeOf(a.getThresholds());
  if (failed(expectChannels(loc, in)))
    return failure();
  if (t.size() != 2 || (t[0] != 1 && t[0] != in[1]))
    return emitOptionalError(loc, "thresholds of shape ", shapeString(t), " must be [", in[1], ", T] or [1, T]");
  if (t[1] < 1 || t[1] > 255)
    return emitOptionalError(loc, "the number of thresholds per channel must be 1 to 255, not ", t[1]);
  types.push_back(a.getInput().getType());
  return success();
}

//===----------------------------------------------------------------------===//
// Binary operations

LogicalResult BinarizeOp::inferReturnTypes(MLIRContext *ctx, Loc, Adaptor a, SmallVectorImpl<Type> &types) {
  types.push_back(BinaryTensorType::get(ctx, shapeOf(a.getInput())));
  return success();
}

LogicalResult BinaryConv2DOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  return inferTensor(binaryConvOutput(loc, a), i32(ctx), types);
}

LogicalResult BinaryConv2DSignOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                   SmallVectorImpl<Type> &types) {
  auto out = binaryConvOutput(loc, a);
  if (failed(out))
    return failure();
  types.push_back(BinaryTensorType::get(ctx, *out));
  return success();
}

/// The float output of a convolution with a fused scale/bias (+ residual)
/// epilogue, `out` the convolution's output shape.
template <class Adaptor>
LogicalResult inferAffineOutput(MLIRContext *ctx, Loc loc, Adaptor a, FailureOr<SmallVector<int64_t>> out,
                                SmallVectorImpl<Type> &types) {
  if (failed(out))
    return failure();
  if ((int64_t)a.getScale().size() != (*out)[1] || (int64_t)a.getBias().size() != (*out)[1])
    return emitOptionalError(loc, "scale and bias must have ", (*out)[1], " entries, one per output channel");
  if (a.getResidual() && shapeOf(a.getResidual()) != ArrayRef<int64_t>(*out))
    return emitOptionalError(loc, "residual of shape ", shapeString(shapeOf(a.getResidual())),
                             " does not match the output ", shapeString(*out));
  types.push_back(RankedTensorType::get(*out, f32(ctx)));
  return success();
}

LogicalResult BinaryConv2DAffineOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                     SmallVectorImpl<Type> &types) {
  return inferAffineOutput(ctx, loc, a, binaryConvOutput(loc, a), types);
}

LogicalResult BinaryConv2DSignOp::verify() {
  return verifyThresholds(*this, getOutput().getType().getShape(), getThresholds(), 2);
}

LogicalResult BinaryDenseOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto w = binaryWeightShape(loc, a.getWeight());
  if (failed(w))
    return failure();
  auto in = shapeOf(a.getInput());
  if (in.size() != 2 || w->size() != 2)
    return emitOptionalError(loc, "expects a rank-2 input [N, K] and rank-2 weights [O, K]");
  if (in[1] != (*w)[1])
    return emitOptionalError(loc, "input has ", in[1], " features but weights expect ", (*w)[1]);
  types.push_back(RankedTensorType::get({in[0], (*w)[0]}, i32(ctx)));
  return success();
}

LogicalResult ThresholdOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput());
  if (failed(expectChannels(loc, in)))
    return failure();
  types.push_back(BinaryTensorType::get(ctx, in));
  return success();
}

LogicalResult ThresholdOp::verify() {
  return verifyThresholds(*this, getInput().getType().getShape(), getThresholds(), 2);
}

//===----------------------------------------------------------------------===//
// Low-bit operations

LogicalResult QuantizeLevelsOp::verify() {
  auto in = getInput().getType().getShape();
  if (failed(verifyLevelThresholds(*this, in, getOutput().getType())))
    return failure();
  size_t count = getThresholds().size();
  if (count == 0 || count % in[1] != 0)
    return emitOpError() << "expects T > 0 thresholds for each of the " << in[1] << " channels, got " << count
                         << " in all";
  int64_t perChannel = count / in[1], max = (int64_t(1) << getOutput().getType().getBits()) - 1;
  if (perChannel > max)
    return emitOpError() << perChannel << " thresholds per channel do not fit in " << getOutput().getType().getBits()
                         << " bits";
  return success();
}

LogicalResult ThresholdLevelsOp::verify() {
  auto in = getInput().getType().getShape();
  if (failed(verifyLevelThresholds(*this, in, getOutput().getType())))
    return failure();
  return verifyThresholds(*this, in, getThresholds(), std::nullopt,
                          (int64_t(1) << getOutput().getType().getBits()) - 1);
}

LogicalResult ThresholdsAttr::verify(function_ref<InFlightDiagnostic()> emitError, DenseI32ArrayAttr values,
                                     DenseBoolArrayAttr descending) {
  int64_t channels = descending.size();
  if (channels == 0 || values.empty() || values.size() % channels != 0)
    return emitError() << "thresholds need T > 0 values for each of " << channels << " channels, got "
                       << values.size();
  int64_t perChannel = values.size() / channels;
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t i = 1; i < perChannel; ++i)
      if (values[c * perChannel + i - 1] > values[c * perChannel + i])
        return emitError() << "channel " << c << ": thresholds " << values[c * perChannel + i - 1] << " and "
                           << values[c * perChannel + i] << " are not ascending";
  return success();
}

LogicalResult LevelsToFloatOp::inferReturnTypes(MLIRContext *ctx, Loc, Adaptor a, SmallVectorImpl<Type> &types) {
  types.push_back(RankedTensorType::get(shapeOf(a.getInput()), f32(ctx)));
  return success();
}

LogicalResult LevelsToBinaryOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  if (cast<LevelsTensorType>(a.getInput().getType()).getBits() != 1)
    return emitOptionalError(loc, "expects 1-bit levels");
  types.push_back(BinaryTensorType::get(ctx, shapeOf(a.getInput())));
  return success();
}

/// The accumulator shape of a bit-serial convolution (1 to 8 weight planes).
template <class Adaptor>
FailureOr<SmallVector<int64_t>> bitserialConvOutput(Loc loc, Adaptor a) {
  if (failed(binaryWeightShape(loc, a.getWeight())))
    return failure();
  int64_t planes = weightPlanes(a.getWeight());
  if (planes < 1 || planes > 8)
    return emitOptionalError(loc, "weights have 1 to 8 bit planes, not ", planes);
  if (auto offsets = a.getWeightOffsets()) {
    int64_t channels = kernelShape(a.getWeight())[0];
    if (static_cast<int64_t>(offsets->size()) != channels ||
        llvm::any_of(*offsets, [](int32_t d) { return d % 2 == 0 || d < -511 || d > 511; }))
      return emitOptionalError(loc, "weight_offsets needs one odd offset in [-511, 511] per output channel (",
                               channels, "), got ", offsets->size(), " values");
  }
  return binaryConvOutput(loc, a);
}

LogicalResult BitserialConv2DOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                  SmallVectorImpl<Type> &types) {
  return inferTensor(bitserialConvOutput(loc, a), i32(ctx), types);
}

LogicalResult BitserialConv2DAffineOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                        SmallVectorImpl<Type> &types) {
  return inferAffineOutput(ctx, loc, a, bitserialConvOutput(loc, a), types);
}

//===----------------------------------------------------------------------===//
// 8-bit operations

LogicalResult QuantizeLinearOp::verify() {
  if (getScale().empty() || getScale().size() != getZeroPoint().size())
    return emitOpError("needs as many zero points as scales, at least one");
  for (float scale : getScale())
    if (!(scale > 0.0f) || !std::isfinite(scale))
      return emitOpError("scale must be positive and finite");
  auto [lo, hi] = int8Range(getOutput().getType().getElementType());
  for (int64_t zeroPoint : getZeroPoint())
    if (zeroPoint < lo || zeroPoint > hi)
      return emitOpError() << "zero point " << zeroPoint << " is outside [" << lo << ", " << hi << "]";
  auto shape = getInput().getType().getShape();
  if (getScale().size() > 1 &&
      (getAxis() < 0 || getAxis() >= (int64_t)shape.size() || shape[getAxis()] != (int64_t)getScale().size()))
    return emitOpError() << getScale().size() << " scales do not match axis " << getAxis() << " of "
                         << shapeString(shape);
  if (getOutput().getType().getShape() != getInput().getType().getShape())
    return emitOpError() << "result shape " << shapeString(getOutput().getType().getShape())
                         << " differs from the input's " << shapeString(getInput().getType().getShape());
  return success();
}

LogicalResult DequantizeLinearOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a,
                                                   SmallVectorImpl<Type> &types) {
  auto in = shapeOf(a.getInput());
  size_t n = a.getScale().size();
  int64_t axis = a.getAxis();
  if (n == 0 || a.getZeroPoint().size() != n)
    return emitOptionalError(loc, "scale and zero_point must have the same, non-zero number of entries");
  if (n > 1 && (axis < 0 || axis >= (int64_t)in.size() || in[axis] != (int64_t)n))
    return emitOptionalError(loc, n, " scales do not match axis ", axis, " of the input");
  types.push_back(RankedTensorType::get(in, f32(ctx)));
  return success();
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

LogicalResult QConv2DOp::inferReturnTypes(MLIRContext *ctx, Loc loc, Adaptor a, SmallVectorImpl<Type> &types) {
  auto w = dyn_cast<ElementsAttr>(a.getWeight());
  if (!w || !w.getElementType().isInteger(8))
    return emitOptionalError(loc, "weight must hold 8-bit integers");
  auto [lo, hi] = int8Range(cast<ShapedType>(a.getInput().getType()).getElementType());
  int64_t zeroPoint = a.getInputZeroPoint();
  if (zeroPoint < lo || zeroPoint > hi)
    return emitOptionalError(loc, "input zero point ", zeroPoint, " is outside [", lo, ", ", hi, "]");
  return inferTensor(convOutput(loc, shapeOf(a.getInput()), cast<ShapedType>(w.getType()).getShape(), a.getStrides(),
                                a.getPads(), a.getDilations(), static_cast<int64_t>(a.getGroup())),
                     i32(ctx), types);
}
