// KernelOpInterface of the qnn ops: which runtime kernel computes each op
// (runtime/qnn_runtime), with which arguments, scratch and in-place rules.
// Arguments follow the kernels' signatures, in order.
#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringSwitch.h"

#include "qnn_runtime/kernels.h"

#include <limits>

using namespace mlir;
using namespace qnnc::qnn;

namespace {

int64_t product(ArrayRef<int64_t> dims) { return ShapedType::getNumElements(dims); }

ArrayRef<int64_t> shapeOf(Value v) { return cast<ShapedType>(v.getType()).getShape(); }
int64_t numElements(Value v) { return product(shapeOf(v)); }

/// N, C, spatial of a tensor as kernel arguments.
KernelCall &ncs(KernelCall &call, Value v) {
  ChannelView s = channelView(shapeOf(v));
  return call.integers({s.n, s.c, s.spatial});
}

DenseElementsAttr f32Table(Builder b, ArrayRef<float> values) {
  return DenseElementsAttr::get(RankedTensorType::get({(int64_t)values.size()}, b.getF32Type()), values);
}
DenseElementsAttr i32Table(Builder b, ArrayRef<int32_t> values) {
  return DenseElementsAttr::get(RankedTensorType::get({(int64_t)values.size()}, b.getI32Type()), values);
}
/// Per-channel descending flags as int8_t.
DenseElementsAttr descendingTable(Builder b, ArrayRef<bool> descending) {
  SmallVector<int8_t> flags(descending.begin(), descending.end());
  return DenseElementsAttr::get(RankedTensorType::get({(int64_t)flags.size()}, b.getI8Type()), ArrayRef<int8_t>(flags));
}

/// A threshold attribute as its kernel arguments: the [C][T] table, then the
/// per-channel descending flags.
KernelCall &thresholdTables(KernelCall &call, ThresholdsAttr thresholds) {
  Builder b(thresholds.getContext());
  return call.table("thresholds", i32Table(b, thresholds.getValues().asArrayRef()))
      .table("descending", descendingTable(b, thresholds.getDescending().asArrayRef()));
}

/// A bit-serial convolution's weight offsets: the table the kernel reads,
/// one per output channel padded to whole lane blocks, or null.
KernelCall &weightOffsetsTable(KernelCall &call, Builder b, std::optional<ArrayRef<int32_t>> offsets, int64_t channels) {
  if (!offsets)
    return call.null();
  SmallVector<int32_t> padded(offsets->begin(), offsets->end());
  padded.resize(qnn_rt::binary_lane_blocks(channels) * qnn_rt::kBinaryLanes, 1);
  return call.table("weight_offsets", i32Table(b, padded));
}

/// The layout flags of an affine convolution's output and residual, after
/// its Conv2DParams; none when both are NCHW (the kernels' default).
template <class AffineOp>
void affineLayouts(KernelCall &call, AffineOp op) {
  const bool output = isChannelsLast(op.getOutput()), residual = op.getResidual() && isChannelsLast(op.getResidual());
  if (output || residual)
    call.boolean(output).boolean(residual);
}

/// The qnn_rt::Conv2DParams of a convolution.
template <class ConvOp>
qnn_rt::Conv2DParams runtimeConv2DParams(ConvOp conv) {
  auto in = shapeOf(conv.getInput()), o = shapeOf(conv.getOutput());
  auto w = kernelShape(conv.getWeight());
  auto s = conv.getStrides(), p = conv.getPads(), d = conv.getDilations();
  return {in[0], in[1], in[2], in[3], w[0], w[2], w[3], o[2], o[3], s[0], s[1], p[0], p[1], d[0], d[1],
          static_cast<int64_t>(conv.getGroup())};
}

/// A pixel-rows convolution's qnn_rt::Conv2DParams: its kernel shape is an
/// attribute (the packed weights hold the padded output channels).
qnn_rt::Conv2DParams runtimeConv2DParams(PixelRowsConvOp conv) {
  auto in = shapeOf(conv.getInput()), o = shapeOf(conv.getOutput()), k = conv.getKernelShape();
  auto s = conv.getStrides(), p = conv.getPads(), d = conv.getDilations();
  return {in[0], in[1], in[2], in[3], o[1], k[0], k[1], o[2], o[3], s[0], s[1], p[0], p[1], d[0], d[1], 1};
}

/// A 3-D convolution's qnn_rt::Conv2DParams: those of the 2-D convolution
/// of one depth slice (qnn_rt::conv3d_f32 takes the depth axis apart).
qnn_rt::Conv2DParams runtimeConv2DParams(Conv3DOp conv) {
  auto in = shapeOf(conv.getInput()), o = shapeOf(conv.getOutput()), w = shapeOf(conv.getWeight());
  auto s = conv.getStrides(), p = conv.getPads(), d = conv.getDilations();
  return {in[0], in[1], in[3], in[4], w[0], w[3], w[4], o[3], o[4], s[1], s[2], p[1], p[2], d[1], d[2],
          static_cast<int64_t>(conv.getGroup())};
}

/// A convolution's qnn_rt::Conv2DParams as the kernel call's argument,
/// fields in the struct's order.
template <class ConvOp>
KernelCall &conv2dParams(KernelCall &call, ConvOp conv) {
  const qnn_rt::Conv2DParams p = runtimeConv2DParams(conv);
  return call.params("qnn_rt::Conv2DParams", {{"N", p.N},
                                              {"C", p.C},
                                              {"H", p.H},
                                              {"W", p.W},
                                              {"O", p.O},
                                              {"KH", p.KH},
                                              {"KW", p.KW},
                                              {"OH", p.OH},
                                              {"OW", p.OW},
                                              {"SH", p.SH},
                                              {"SW", p.SW},
                                              {"PT", p.PT},
                                              {"PL", p.PL},
                                              {"DH", p.DH},
                                              {"DW", p.DW},
                                              {"G", p.G}});
}

/// A float convolution's output clamp as the kernel's lo and hi: its
/// clamp_min and clamp_max, infinite where absent (no bound).
template <class ConvOp>
KernelCall &outputClamp(KernelCall &call, ConvOp conv) {
  const float inf = std::numeric_limits<float>::infinity();
  auto lo = conv.getClampMin(), hi = conv.getClampMax();
  return call.f32(lo ? lo->convertToFloat() : -inf).f32(hi ? hi->convertToFloat() : inf);
}

/// The packed words of binary weights; fails before qnn-pack-weights.
FailureOr<DenseElementsAttr> packedWords(Operation *op, Attribute weight) {
  auto packed = dyn_cast<PackedBinaryWeightsAttr>(weight);
  if (!packed)
    return op->emitOpError("has unpacked binary weights (run qnn-pack-weights first)");
  return DenseElementsAttr(packed.getWords());
}

/// For Huffman-coded weights, the call that decodes them into the op's
/// scratch (once per inference), before the kernel's own call.
void decodeWeights(KernelCall &call, Attribute weight) {
  auto coded = dyn_cast<HuffmanBinaryWeightsAttr>(weight);
  if (!coded)
    return;
  auto k = coded.getShape();
  call.call("qnn_rt::decode_binary_weights").table("bits", coded.getStream());
  call.integer(coded.getStream().getNumElements());
  call.table("huffman_counts", coded.getCounts()).table("huffman_symbols", coded.getSymbols());
  call.integer(k[0]).integer(k[1]).integer(k[2]).integer(k[3]).scratch(IntegerType::get(
      weight.getContext(), 32, IntegerType::Unsigned));
}

/// The kernel's weight argument: the packed words as a table, or the
/// scratch decodeWeights filled.
LogicalResult weightWords(KernelCall &call, Operation *op, Attribute weight) {
  if (isa<HuffmanBinaryWeightsAttr>(weight)) {
    call.scratch(IntegerType::get(op->getContext(), 32, IntegerType::Unsigned));
    return success();
  }
  auto words = packedWords(op, weight);
  if (failed(words))
    return failure();
  call.table("bits", *words);
  return success();
}

/// Starts a call of binary convolution `kernel` with input operand 0 and the
/// weights.
LogicalResult binaryConvCall(KernelCall &call, Operation *op, Attribute weight, StringRef kernel) {
  decodeWeights(call, weight);
  call.call(kernel).operand(0);
  return weightWords(call, op, weight);
}

/// The scratch Huffman-coded weights decode into: their packed words and
/// the decoder's tables.
int64_t binaryWeightScratch(Attribute weight) {
  auto coded = dyn_cast<HuffmanBinaryWeightsAttr>(weight);
  if (!coded)
    return 0;
  auto k = coded.getShape();
  return qnn_rt::decode_binary_weights_scratch_bytes(k[0], k[1], k[2], k[3]);
}

/// Element-wise binary kernels with numpy broadcasting: the broadcast view's
/// dims and per-operand strides, padded to rank 4.
LogicalResult broadcastCall(Operation *op, StringRef kernel, KernelCall &call) {
  BroadcastView view = broadcastView(shapeOf(op->getResult(0)), {shapeOf(op->getOperand(0)), shapeOf(op->getOperand(1))});
  if (view.dims.size() > 4)
    return op->emitOpError("broadcasting is supported up to 4 merged dimensions");
  call.call(kernel).operand(0).operand(1).result();
  SmallVector<int64_t> dims(4 - view.dims.size(), 1);
  dims.append(view.dims);
  call.integers(dims);
  for (auto &stride : view.strides) {
    SmallVector<int64_t> padded(4 - stride.size(), 0);
    padded.append(stride);
    call.integers(padded);
  }
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Float operations
//===----------------------------------------------------------------------===//

/// A 1x1, stride-1, unpadded, ungrouped convolution with constant weights
/// and bias: qnn-assign-layouts can run it channels-last, as a
/// qnn.pointwise_conv.
static bool isPointwiseWithConstants(Conv2DOp conv) {
  auto isConstant = [](Value v) {
    auto constant = v.getDefiningOp<arith::ConstantOp>();
    return constant && isa<DenseElementsAttr>(constant.getValue());
  };
  auto ones = [](ArrayRef<int64_t> v) { return llvm::all_of(v, [](int64_t x) { return x == 1; }); };
  auto w = conv.getWeight().getType().getShape();
  return w.size() == 4 && w[2] == 1 && w[3] == 1 && conv.getGroup() == 1 && ones(conv.getStrides()) &&
         ones(conv.getDilations()) && llvm::all_of(conv.getPads(), [](int64_t p) { return p == 0; }) &&
         isConstant(conv.getWeight()) && (!conv.getBias() || isConstant(conv.getBias()));
}

bool Conv2DOp::acceptsChannelsLast(unsigned index) { return index == 0 && isPointwiseWithConstants(*this); }
bool Conv2DOp::producesChannelsLast() { return isPointwiseWithConstants(*this); }
std::optional<unsigned> Conv2DOp::channelsLastTiedOperand() { return 0; }

LogicalResult Conv2DOp::buildKernelCall(KernelCall &call) {
  if (isChannelsLast(getOutput()))
    return emitOpError("a channels-last convolution must be a qnn.pointwise_conv (qnn-assign-layouts)");
  call.call("qnn_rt::conv2d_f32").operand(0).operand(1);
  getBias() ? call.operand(2) : call.null();
  call.scratch(Builder(getContext()).getF32Type()).result();
  outputClamp(conv2dParams(call, *this), *this);
  return success();
}

LogicalResult Conv3DOp::buildKernelCall(KernelCall &call) {
  const float inf = std::numeric_limits<float>::infinity();
  auto in = shapeOf(getInput()), w = shapeOf(getWeight()), o = shapeOf(getOutput());
  call.call("qnn_rt::conv3d_f32").operand(0).operand(1);
  getBias() ? call.operand(2) : call.null();
  call.scratch(Builder(getContext()).getF32Type()).result();
  conv2dParams(call, *this).integers({in[2], w[2], o[2], getStrides()[0], getPads()[0], getDilations()[0]});
  call.f32(-inf).f32(inf);
  return success();
}

int64_t Conv3DOp::getScratchBytes(int64_t threads) {
  return qnn_rt::conv3d_f32_scratch_floats(runtimeConv2DParams(*this), shapeOf(getWeight())[2]) * 4 * threads;
}

LogicalResult PointwiseConvOp::buildKernelCall(KernelCall &call) {
  if (!isChannelsLast(getInput()) || !isChannelsLast(getOutput()))
    return emitOpError("runs on channels-last tensors only (qnn-assign-layouts)");
  auto in = getInput().getType().getShape(), out = getOutput().getType().getShape();
  call.call("qnn_rt::pointwise_conv_f32_channels_last").operand(0).operand(1);
  getBias() ? call.operand(2) : call.null();
  outputClamp(call.result().integers({in[0] * in[2] * in[3], in[1], out[1]}), *this);
  return success();
}

LogicalResult PixelRowsConvOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::conv2d_f32_pixel_rows").operand(0).operand(1);
  getBias() ? call.operand(2) : call.null();
  call.scratch(Builder(getContext()).getF32Type()).result();
  outputClamp(conv2dParams(call, *this), *this);
  return success();
}

// One column matrix, built and read by all threads together.
int64_t PixelRowsConvOp::getScratchBytes(int64_t) {
  return qnn_rt::conv2d_pixel_rows_scratch_floats(runtimeConv2DParams(*this)) * 4;
}

bool PointwiseConvOp::acceptsChannelsLast(unsigned index) { return index == 0; }
bool PointwiseConvOp::producesChannelsLast() { return true; }
std::optional<unsigned> PointwiseConvOp::channelsLastTiedOperand() { return 0; }

int64_t Conv2DOp::getScratchBytes(int64_t threads) {
  return qnn_rt::conv2d_f32_scratch_floats(runtimeConv2DParams(*this)) * 4 * threads;
}

LogicalResult GemmOp::buildKernelCall(KernelCall &call) {
  auto a = getA().getType().getShape(), o = getOutput().getType().getShape();
  int64_t k = getTransA() ? a[0] : a[1], cr = 1, cc = 1;
  call.call("qnn_rt::gemm_f32").operand(0).operand(1);
  if (getC()) {
    auto cs = getC().getType().getShape();
    cc = cs.empty() ? 1 : cs.back();
    cr = cs.size() == 2 ? cs[0] : 1;
    call.operand(2);
  } else {
    call.null();
  }
  call.result().integers({o[0], o[1], k}).boolean(getTransA()).boolean(getTransB()).f32(getAlpha()).f32(getBeta());
  call.integers({cr, cc});
  return success();
}

LogicalResult BatchMatMulOp::buildKernelCall(KernelCall &call) {
  auto a = getA().getType().getShape(), b = getB().getType().getShape();
  call.call("qnn_rt::batch_matmul_f32").operand(0).operand(1).result();
  call.integers({std::max(a[0], b[0]), a[1], b[2], a[2]}).boolean(a[0] > 1).boolean(b[0] > 1);
  return success();
}

LogicalResult BatchNormOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::batch_norm_f32").operand(0).operand(1).operand(2).operand(3).operand(4).f32(getEpsilon()).result();
  ncs(call, getInput());
  return success();
}

LogicalResult BatchNormTrainingOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::batch_norm_training_f32").operand(0).operand(1).operand(2).operand(3).operand(4);
  call.f32(getEpsilon()).f32(getMomentum()).result(0).result(1).result(2);
  ncs(call, getInput());
  return success();
}

LogicalResult ReluOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::relu_f32").operand(0).result().integer(numElements(getInput()));
  return success();
}

LogicalResult SignOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::sign_f32").operand(0).result().integer(numElements(getInput()));
  return success();
}

/// The smallest and largest value of an 8-bit integer element type.
static std::pair<int64_t, int64_t> integerRange(Type element) {
  return element.isUnsignedInteger(8) ? std::pair<int64_t, int64_t>{0, 255} : std::pair<int64_t, int64_t>{-128, 127};
}

LogicalResult ClipOp::buildKernelCall(KernelCall &call) {
  Type element = getInput().getType().getElementType();
  if (element.isF32()) {
    call.call("qnn_rt::clip_f32").operand(0).result().integer(numElements(getInput())).f32(getMin()).f32(getMax());
    return success();
  }
  // Whole-number bounds (verified), those past the type's range at its end.
  auto [lowest, highest] = integerRange(element);
  const double lo = std::clamp<double>(getMin().convertToFloat(), lowest, highest);
  const double hi = std::clamp<double>(getMax().convertToFloat(), lowest, highest);
  call.call("qnn_rt::clip_int").operand(0).result().integers(
      {numElements(getInput()), static_cast<int64_t>(lo), static_cast<int64_t>(hi)});
  return success();
}

/// The kernel of a broadcasting op for its element type: qnn_rt::<op>_f32,
/// _f64, or the wrapping integer _int.
static std::string typedKernel(Operation *op, StringRef name) {
  Type element = cast<ShapedType>(op->getResult(0).getType()).getElementType();
  return ("qnn_rt::" + name + (element.isF32() ? "_f32" : element.isF64() ? "_f64" : "_int")).str();
}

LogicalResult AddOp::buildKernelCall(KernelCall &call) { return broadcastCall(*this, typedKernel(*this, "add"), call); }
LogicalResult SubOp::buildKernelCall(KernelCall &call) { return broadcastCall(*this, typedKernel(*this, "sub"), call); }
LogicalResult MulOp::buildKernelCall(KernelCall &call) { return broadcastCall(*this, typedKernel(*this, "mul"), call); }
LogicalResult PReluOp::buildKernelCall(KernelCall &call) { return broadcastCall(*this, "qnn_rt::prelu_f32", call); }

// Element-wise kernels read element i before writing element i.
bool BatchNormOp::canRunInPlace() { return true; }
bool ReluOp::canRunInPlace() { return true; }
bool SignOp::canRunInPlace() { return true; }
bool ClipOp::canRunInPlace() { return true; }
bool AddOp::canRunInPlace() { return true; }
bool SubOp::canRunInPlace() { return true; }
bool MulOp::canRunInPlace() { return true; }
bool PReluOp::canRunInPlace() { return true; }

LogicalResult MaxPoolOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape(), o = getOutput().getType().getShape();
  auto k = getKernel(), s = getStrides(), p = getPads(), d = getDilations();
  call.call("qnn_rt::max_pool").operand(0).result();
  call.integers({in[0] * in[1], in[2], in[3], o[2], o[3], k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]});
  return success();
}

LogicalResult MaxPoolIndicesOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape(), o = getIndices().getType().getShape();
  auto k = getKernel(), s = getStrides(), p = getPads(), d = getDilations();
  call.call("qnn_rt::max_pool_indices").operand(0).result();
  call.integers({in[0] * in[1], in[2], in[3], o[2], o[3], k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1]});
  call.boolean(getColumnMajor());
  return success();
}

LogicalResult AvgPoolOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape(), o = getOutput().getType().getShape();
  auto k = getKernel(), s = getStrides(), p = getPads();
  call.call("qnn_rt::avg_pool_f32").operand(0).result();
  call.integers({in[0] * in[1], in[2], in[3], o[2], o[3], k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3]});
  call.boolean(getCountIncludePad());
  if (isChannelsLast(getOutput())) // the input too: tied
    call.boolean(true).integer(in[1]);
  return success();
}

bool AvgPoolOp::acceptsChannelsLast(unsigned index) { return index == 0; }
bool AvgPoolOp::producesChannelsLast() { return true; }
std::optional<unsigned> AvgPoolOp::channelsLastTiedOperand() { return 0; }

LogicalResult GlobalAvgPoolOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape();
  call.call("qnn_rt::global_avg_pool_f32").operand(0).result().integers({in[0] * in[1], in[2] * in[3]});
  if (isChannelsLast(getInput()))
    call.boolean(true).integer(in[1]);
  return success();
}

bool GlobalAvgPoolOp::acceptsChannelsLast(unsigned index) { return index == 0; }

LogicalResult ReshapeOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::copy_bytes").operand(0).result().integer(tensorBytes(getInput().getType()));
  return success();
}

LogicalResult PadOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape();
  auto p = getPads();
  const bool isFloat = getInput().getType().getElementType().isF32();
  call.call(isFloat ? "qnn_rt::pad_f32" : "qnn_rt::pad_int").operand(0).result().integers(
      {in[0] * in[1], in[2], in[3], p[0], p[1], p[2], p[3]});
  // An integer tensor's value is a whole number within its type (the
  // importer's check).
  isFloat ? call.f32(getValue()) : call.integer(static_cast<int64_t>(getValue().convertToFloat()));
  call.integer(llvm::StringSwitch<int64_t>(getMode())
                                   .Case("reflect", qnn_rt::kPadReflect)
                                   .Case("edge", qnn_rt::kPadEdge)
                                   .Default(qnn_rt::kPadConstant));
  return success();
}

LogicalResult TransposeOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape();
  const int64_t rank = qnn_rt::kTransposeRank, pad = rank - in.size();
  if (pad < 0)
    return emitOpError() << "transpose is supported up to rank " << rank;
  call.call("qnn_rt::transpose_f32").operand(0).result();
  for (int64_t i = 0; i < rank; ++i)
    call.integer(i < pad ? 1 : in[i - pad]);
  for (int64_t i = 0; i < rank; ++i)
    call.integer(i < pad ? i : getPerm()[i - pad] + pad);
  return success();
}

LogicalResult ConcatOp::buildKernelCall(KernelCall &call) {
  auto o = getOutput().getType().getShape();
  int64_t axis = getAxis();
  int64_t outer = product(o.take_front(axis)), outInner = product(o.drop_front(axis)), offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    int64_t inner = product(shapeOf(input).drop_front(axis));
    call.call("qnn_rt::concat_slice_f32").operand(i).result().integers({outer, inner, outInner, offset});
    offset += inner;
  }
  return success();
}

LogicalResult SoftmaxOp::buildKernelCall(KernelCall &call) {
  auto in = getInput().getType().getShape();
  int64_t axis = getAxis();
  call.call("qnn_rt::softmax_f32").operand(0).result();
  call.integers({product(in.take_front(axis)), in[axis], product(in.drop_front(axis + 1))});
  return success();
}

LogicalResult ToFloatOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::to_float_i32").operand(0).result().integer(numElements(getInput()));
  return success();
}

LogicalResult ScaleBiasOp::buildKernelCall(KernelCall &call) {
  Builder b(getContext());
  call.call("qnn_rt::scale_bias_i32").operand(0).table("scale", f32Table(b, getScale()));
  call.table("bias", f32Table(b, getBias())).result();
  ncs(call, getInput());
  return success();
}

//===----------------------------------------------------------------------===//
// Binary operations
//===----------------------------------------------------------------------===//

LogicalResult BinarizeOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::binarize_f32").operand(0).result();
  ncs(call, getInput());
  if (isChannelsLast(getInput()))
    call.boolean(true);
  return success();
}

bool BinarizeOp::acceptsChannelsLast(unsigned index) { return index == 0; }

LogicalResult BinaryConv2DOp::buildKernelCall(KernelCall &call) {
  if (failed(binaryConvCall(call, *this, getWeight(), "qnn_rt::binary_conv2d")))
    return failure();
  call.result();
  conv2dParams(call, *this);
  return success();
}

int64_t BinaryConv2DOp::getScratchBytes(int64_t) { return binaryWeightScratch(getWeight()); }

LogicalResult BinaryConv2DSignOp::buildKernelCall(KernelCall &call) {
  if (failed(binaryConvCall(call, *this, getWeight(), "qnn_rt::binary_conv2d_sign")))
    return failure();
  thresholdTables(call, getThresholds()).result();
  conv2dParams(call, *this);
  return success();
}

int64_t BinaryConv2DSignOp::getScratchBytes(int64_t) { return binaryWeightScratch(getWeight()); }

LogicalResult BinaryConv2DAffineOp::buildKernelCall(KernelCall &call) {
  if (failed(binaryConvCall(call, *this, getWeight(), "qnn_rt::binary_conv2d_affine")))
    return failure();
  Builder b(getContext());
  call.table("scale", f32Table(b, getScale())).table("bias", f32Table(b, getBias()));
  (getResidual() ? call.operand(1) : call.null()).result();
  conv2dParams(call, *this);
  affineLayouts(call, *this);
  return success();
}

int64_t BinaryConv2DAffineOp::getScratchBytes(int64_t) { return binaryWeightScratch(getWeight()); }

bool BinaryConv2DAffineOp::canRunInPlace() { return true; }
bool BinaryConv2DAffineOp::acceptsChannelsLast(unsigned index) { return index == 1; }
bool BinaryConv2DAffineOp::producesChannelsLast() { return true; }

LogicalResult BinaryDenseOp::buildKernelCall(KernelCall &call) {
  auto words = packedWords(*this, getWeight());
  if (failed(words))
    return failure();
  auto in = getInput().getType().getShape();
  call.call("qnn_rt::binary_dense").operand(0).table("bits", *words).result();
  call.integers({in[0], in[1], weightShape(getWeight())[0]});
  return success();
}

LogicalResult ThresholdOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::threshold_i32").operand(0);
  thresholdTables(call, getThresholds()).result();
  ncs(call, getInput());
  return success();
}

//===----------------------------------------------------------------------===//
// Low-bit operations
//===----------------------------------------------------------------------===//

LogicalResult QuantizeLevelsOp::buildKernelCall(KernelCall &call) {
  auto thresholds = getThresholds();
  int64_t channels = channelView(shapeOf(getInput())).c;
  call.call("qnn_rt::quantize_levels_f32").operand(0).table("thresholds", f32Table(Builder(getContext()), thresholds));
  call.integer(thresholds.size() / channels).result().integer(getOutput().getType().getBits());
  ncs(call, getInput());
  return success();
}

LogicalResult ThresholdLevelsOp::buildKernelCall(KernelCall &call) {
  ThresholdsAttr thresholds = getThresholds();
  Builder b(getContext());
  call.call("qnn_rt::threshold_levels_i32").operand(0).table("thresholds", i32Table(b, thresholds.getValues().asArrayRef()));
  call.integer(thresholds.getPerChannel()).table("descending", descendingTable(b, thresholds.getDescending().asArrayRef()));
  call.result().integer(getOutput().getType().getBits());
  ncs(call, getInput());
  return success();
}

LogicalResult LevelsToFloatOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::levels_to_float").operand(0).integer(getInput().getType().getBits());
  call.f32(getScale()).f32(getBias()).result();
  ncs(call, getInput());
  return success();
}

LogicalResult LevelsToBinaryOp::buildKernelCall(KernelCall &call) {
  call.call("qnn_rt::levels_to_binary").operand(0).result();
  ncs(call, getInput());
  return success();
}

LogicalResult BitserialConv2DOp::buildKernelCall(KernelCall &call) {
  decodeWeights(call, getWeight());
  call.call("qnn_rt::bitserial_conv2d").operand(0).integer(getInput().getType().getBits());
  if (failed(weightWords(call, *this, getWeight())))
    return failure();
  call.integer(weightPlanes(getWeight()));
  weightOffsetsTable(call, Builder(getContext()), getWeightOffsets(), kernelShape(getWeight())[0]).result();
  conv2dParams(call, *this);
  return success();
}

int64_t BitserialConv2DOp::getScratchBytes(int64_t) { return binaryWeightScratch(getWeight()); }

LogicalResult BitserialConv2DAffineOp::buildKernelCall(KernelCall &call) {
  Builder b(getContext());
  decodeWeights(call, getWeight());
  call.call("qnn_rt::bitserial_conv2d_affine").operand(0).integer(getInput().getType().getBits());
  if (failed(weightWords(call, *this, getWeight())))
    return failure();
  call.integer(weightPlanes(getWeight()));
  weightOffsetsTable(call, b, getWeightOffsets(), kernelShape(getWeight())[0]);
  call.table("scale", f32Table(b, getScale())).table("bias", f32Table(b, getBias()));
  (getResidual() ? call.operand(1) : call.null()).result();
  conv2dParams(call, *this);
  affineLayouts(call, *this);
  return success();
}

int64_t BitserialConv2DAffineOp::getScratchBytes(int64_t) { return binaryWeightScratch(getWeight()); }

bool BitserialConv2DAffineOp::canRunInPlace() { return true; }
bool BitserialConv2DAffineOp::acceptsChannelsLast(unsigned index) { return index == 1; }
bool BitserialConv2DAffineOp::producesChannelsLast() { return true; }

//===----------------------------------------------------------------------===//
// 8-bit operations
//===----------------------------------------------------------------------===//

LogicalResult QuantizeLinearOp::buildKernelCall(KernelCall &call) {
  const bool isUnsigned = getOutput().getType().getElementType().isUnsignedInteger();
  const int64_t lo = isUnsigned ? 0 : -128, hi = isUnsigned ? 255 : 127;
  if (getScale().size() == 1) {
    call.call("qnn_rt::quantize_linear").operand(0).result().integer(numElements(getInput())).f32(getScale()[0]);
    call.integers({getZeroPoint()[0], lo, hi});
    return success();
  }
  Builder b(getContext());
  auto in = getInput().getType().getShape();
  const int64_t axis = getAxis();
  SmallVector<int32_t> zeroPoints(getZeroPoint().begin(), getZeroPoint().end());
  call.call("qnn_rt::quantize_linear_axis").operand(0).result();
  call.integers({product(in.take_front(axis)), in[axis], product(in.drop_front(axis + 1))});
  call.table("scale", f32Table(b, getScale())).table("zero_point", i32Table(b, zeroPoints)).integers({lo, hi});
  return success();
}

LogicalResult DequantizeLinearOp::buildKernelCall(KernelCall &call) {
  Builder b(getContext());
  auto in = getInput().getType().getShape();
  int64_t c = getScale().size(), axis = c > 1 ? getAxis() : 0;
  int64_t outer = c > 1 ? product(in.take_front(axis)) : numElements(getInput());
  int64_t inner = c > 1 ? product(in.drop_front(axis + 1)) : 1;
  SmallVector<int32_t> zeroPoints(getZeroPoint().begin(), getZeroPoint().end());
  call.call("qnn_rt::dequantize_linear").operand(0).result().integers({outer, c, inner});
  call.table("scale", f32Table(b, getScale())).table("zero_point", i32Table(b, zeroPoints));
  return success();
}

LogicalResult QConv2DOp::buildKernelCall(KernelCall &call) {
  Builder b(getContext());
  SmallVector<int8_t> values;
  for (const APInt &v : cast<DenseElementsAttr>(getWeight()).getValues<APInt>())
    values.push_back(static_cast<int8_t>(v.getSExtValue()));
  auto weights =
      DenseElementsAttr::get(RankedTensorType::get({(int64_t)values.size()}, b.getI8Type()), ArrayRef<int8_t>(values));
  call.call("qnn_rt::qconv2d").operand(0).table("weights", weights).scratch(b.getI16Type()).result();
  call.integer(getInputZeroPoint());
  conv2dParams(call, *this);
  return success();
}

int64_t QConv2DOp::getScratchBytes(int64_t) {
  auto w = cast<ShapedType>(getWeight().getType()).getShape();
  auto o = getOutput().getType().getShape();
  return qnn_rt::qconv2d_scratch_elements(w[1], w[2], w[3], o[2], o[3]) * 2;
}

BroadcastView qnnc::qnn::broadcastView(ArrayRef<int64_t> out, ArrayRef<ArrayRef<int64_t>> operands) {
  const int64_t rank = out.size();
  SmallVector<SmallVector<int64_t>> strides;
  for (ArrayRef<int64_t> shape : operands) {
    SmallVector<int64_t> padded(rank - shape.size(), 1), stride(rank);
    padded.append(shape.begin(), shape.end());
    for (int64_t i = rank - 1, next = 1; i >= 0; --i) {
      stride[i] = padded[i] == 1 ? 0 : next;
      next *= padded[i];
    }
    strides.push_back(stride);
  }
  BroadcastView view{{}, SmallVector<SmallVector<int64_t>>(operands.size())};
  for (int64_t i = 0; i < rank; ++i) {
    // Dimension i joins the one before while more than 4 would remain and
    // each operand's stride there is its stride here times this length: a
    // contiguous run, or 0 and 0.
    const bool needed = static_cast<int64_t>(view.dims.size()) + rank - i > 4;
    const bool joins = needed && !view.dims.empty() && llvm::all_of(llvm::seq<size_t>(0, operands.size()), [&](size_t k) {
      return view.strides[k].back() == strides[k][i] * out[i];
    });
    if (!joins)
      view.dims.push_back(1);
    view.dims.back() *= out[i];
    for (size_t k = 0; k < operands.size(); ++k) {
      if (!joins)
        view.strides[k].push_back(0);
      view.strides[k].back() = strides[k][i];
    }
  }
  return view;
}

StringRef qnnc::qnn::cElementTypeName(Type element) {
  if (element.isF32())
    return "float";
  if (element.isF64())
    return "double";
  if (element.isUnsignedInteger(8))
    return "uint8_t";
  if (element.isSignlessInteger(8))
    return "int8_t";
  if (element.isSignlessInteger(32))
    return "int32_t";
  if (element.isSignlessInteger(64))
    return "int64_t";
  return "";
}
