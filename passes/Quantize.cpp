// qnn-quantize: post-training quantization of a float model's convolutions
// and GEMMs, from calibrated input ranges, onto the integer grids the
// bit-serial kernels run.
#include "passes/Passes.h"
#include "passes/QuantizationAttrs.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qnnc {
#define GEN_PASS_DEF_QUANTIZE
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {


/// `value` to 16 significant bits: a step whose products with levels up to
/// 2^8 are exact floats, which qnn-recognize-binary reads back as step x
/// integer (a rounded product would hide the grid).
float significant16(float value) {
  int exponent;
  return std::ldexp(std::nearbyint(std::ldexp(std::frexp(value, &exponent), 16)), exponent - 16);
}

/// Weights `w` (a row of `perChannel` values per output channel, rows
/// `channelStride` apart and values `valueStride` apart) on a symmetric
/// per-channel grid of `bits` bits: s_o * clamp(round(w / s_o), -top, top),
/// top = 2^(bits-1) - 1, with the step s_o of least squared error among
/// c * max |w_o| / top for clipping ratios c in (0, 1] (max |w_o| itself,
/// c = 1, saturates nothing but spends the few levels of 2 or 3 bits on
/// rare large weights). 1 bit: +-mean |w_o|, the least-squares binary.
void snapWeights(MutableArrayRef<float> w, int64_t channels, int64_t perChannel, int64_t channelStride,
                 int64_t valueStride, int64_t bits) {
  constexpr int kRatios = 100;
  for (int64_t o = 0; o < channels; ++o) {
    auto at = [&](int64_t i) -> float & { return w[o * channelStride + i * valueStride]; };
    float largest = 0.0f, mean = 0.0f;
    for (int64_t i = 0; i < perChannel; ++i) {
      largest = std::max(largest, std::fabs(at(i)));
      mean += std::fabs(at(i)) / static_cast<float>(perChannel);
    }
    if (largest == 0.0f)
      continue;
    if (bits == 1) {
      for (int64_t i = 0; i < perChannel; ++i)
        at(i) = at(i) < 0.0f ? -mean : mean;
      continue;
    }
    const float top = static_cast<float>((int64_t(1) << (bits - 1)) - 1);
    auto snap = [&](float step, float v) { return step * std::clamp(std::nearbyint(v / step), -top, top); };
    float best = significant16(largest / top);
    double bestError = std::numeric_limits<double>::infinity();
    for (int k = kRatios; k >= 1; --k) {
      const float step = significant16(largest * static_cast<float>(k) / kRatios / top);
      double error = 0;
      for (int64_t i = 0; i < perChannel; ++i) {
        const double d = double(at(i)) - double(snap(step, at(i)));
        error += d * d;
      }
      if (error < bestError) {
        bestError = error;
        best = step;
      }
    }
    for (int64_t i = 0; i < perChannel; ++i)
      at(i) = snap(best, at(i));
  }
}

/// The float32 constant `weight` is, with its values; none otherwise.
std::optional<std::pair<arith::ConstantOp, DenseElementsAttr>> floatConstant(Value weight) {
  auto constant = weight.getDefiningOp<arith::ConstantOp>();
  auto values = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : DenseElementsAttr();
  if (!values || !values.getElementType().isF32())
    return std::nullopt;
  return std::make_pair(constant, values);
}

/// The constant weight operand `weight` of `op` snapped to `bits` bits;
/// false when it is not a float constant.
bool quantizeWeight(OpBuilder &b, Operation *op, OpOperand &weight, int64_t channelAxis, int64_t bits) {
  auto found = floatConstant(weight.get());
  if (!found)
    return false;
  auto [constant, values] = *found;
  auto shape = values.getType().getShape();
  SmallVector<float> w(values.getValues<float>());
  const int64_t channels = shape[channelAxis], perChannel = static_cast<int64_t>(w.size()) / channels;
  // Axis 0 (conv OIHW, gemm B transposed): rows; axis 1 (gemm B [K, N]): columns.
  if (channelAxis == 0)
    snapWeights(w, channels, perChannel, perChannel, 1, bits);
  else
    snapWeights(w, channels, perChannel, 1, channels, bits);
  b.setInsertionPoint(op);
  auto snapped = b.create<arith::ConstantOp>(constant.getLoc(), DenseElementsAttr::get(values.getType(), ArrayRef(w)));
  weight.set(snapped);
  return true;
}

/// An 8-bit convolution in QDQ form, which qnn-recognize-int8 runs on the
/// int8 kernels (one int16 x int8 GEMM instead of 64 bit-serial plane
/// pairs): the input as uint8 of step hi / 255 (ONNX QuantizeLinear
/// rounding), the weights as int8 with per-output-channel symmetric scales
/// max |w_o| / 127. False when the weights are not a float constant.
bool quantizeConvInt8(OpBuilder &b, Conv2DOp conv, float hi) {
  auto found = floatConstant(conv.getWeight());
  if (!found)
    return false;
  auto [constant, values] = *found;
  auto shape = values.getType().getShape();
  SmallVector<float> w(values.getValues<float>()), scales;
  const int64_t channels = shape[0], perChannel = static_cast<int64_t>(w.size()) / channels;
  SmallVector<int8_t> q(w.size());
  for (int64_t o = 0; o < channels; ++o) {
    float largest = 0.0f;
    for (int64_t i = 0; i < perChannel; ++i)
      largest = std::max(largest, std::fabs(w[o * perChannel + i]));
    const float scale = largest > 0.0f ? largest / 127.0f : 1.0f;
    for (int64_t i = 0; i < perChannel; ++i)
      q[o * perChannel + i] = static_cast<int8_t>(std::clamp(std::nearbyint(w[o * perChannel + i] / scale), -127.0f, 127.0f));
    scales.push_back(scale);
  }
  b.setInsertionPoint(conv);
  Location loc = conv.getLoc();
  auto wq = b.create<arith::ConstantOp>(
      constant.getLoc(), DenseElementsAttr::get(RankedTensorType::get(shape, b.getI8Type()), ArrayRef(q)));
  auto wdq = b.create<DequantizeLinearOp>(loc, values.getType(), wq, b.getDenseF32ArrayAttr(scales),
                                          b.getDenseI64ArrayAttr(SmallVector<int64_t>(channels, 0)),
                                          b.getI64IntegerAttr(0));
  auto xType = cast<RankedTensorType>(conv.getInput().getType());
  const float step = hi / 255.0f;
  auto xq = b.create<QuantizeLinearOp>(loc, RankedTensorType::get(xType.getShape(), b.getIntegerType(8, false)),
                                       conv.getInput(), b.getDenseF32ArrayAttr({step}), b.getDenseI64ArrayAttr({0}),
                                       b.getI64IntegerAttr(0));
  auto xdq = b.create<DequantizeLinearOp>(loc, xType, xq, b.getDenseF32ArrayAttr({step}), b.getDenseI64ArrayAttr({0}),
                                          b.getI64IntegerAttr(1));
  conv.getInputMutable().set(xdq);
  conv.getWeightMutable().set(wdq);
  return true;
}

/// Unsigned `bits`-bit levels of step hi / (2^bits - 1) in front of
/// operand `input` of `op`: a multi-threshold rounding to the nearest level.
void quantizeInput(OpBuilder &b, Operation *op, OpOperand &input, float hi, int64_t bits) {
  const int64_t levels = (int64_t(1) << bits) - 1;
  const float step = hi / static_cast<float>(levels);
  SmallVector<float> thresholds;
  for (int64_t k = 1; k <= levels; ++k)
    thresholds.push_back((static_cast<float>(k) - 0.5f) * step);
  b.setInsertionPoint(op);
  Location loc = op->getLoc();
  auto table = b.create<arith::ConstantOp>(
      loc, DenseElementsAttr::get(RankedTensorType::get({1, levels}, b.getF32Type()), ArrayRef(thresholds)));
  Value x = input.get();
  input.set(b.create<MultiThresholdOp>(loc, x.getType(), x, table, b.getF32FloatAttr(step), b.getF32FloatAttr(0.0f)));
}

struct QuantizePass : qnnc::impl::QuantizeBase<QuantizePass> {
  using QuantizeBase::QuantizeBase;

  void runOnOperation() override {
    if (bits < 1 || bits > 8) {
      getOperation().emitError("qnn-quantize: bits must be 1 to 8, not ") << static_cast<int64_t>(bits);
      return signalPassFailure();
    }
    if (firstLast != "8" && firstLast != "float") {
      getOperation().emitError("qnn-quantize: first-last must be 8 or float, not '") << std::string(firstLast) << "'";
      return signalPassFailure();
    }
    SmallVector<Operation *> calibrated;
    getOperation().walk([&](Operation *op) {
      if (isa<Conv2DOp, GemmOp>(op) && op->hasAttr(kInputRangeAttr))
        calibrated.push_back(op);
    });
    OpBuilder b(&getContext());
    for (auto [index, op] : llvm::enumerate(calibrated)) {
      auto range = dyn_cast<DenseF32ArrayAttr>(op->getAttr(kInputRangeAttr));
      op->removeAttr(kInputRangeAttr);
      auto assigned = op->getAttrOfType<DenseI64ArrayAttr>(kBitsAttr);
      op->removeAttr(kBitsAttr);
      if (!quantizableRange(range))
        continue;
      int64_t weightBits = bits, inputBits = bits;
      if (assigned) {
        if (assigned.size() != 2 || !validWidth(assigned[0]) || !validWidth(assigned[1])) {
          op->emitError("qnn.bits must be [weight bits, input bits], each 0 (float) or 1 to 8");
          return signalPassFailure();
        }
        weightBits = assigned[0];
        inputBits = assigned[1];
      } else if (index == 0 || index + 1 == calibrated.size()) {
        if (firstLast == "float")
          continue;
        weightBits = inputBits = 8;
      }
      quantize(b, op, weightBits, inputBits, range[1]);
    }
  }

  static bool validWidth(int64_t w) { return w >= 0 && w <= 8; }

  /// `op`'s weights on a `weightBits` grid and its input on `inputBits`
  /// levels up to `hi` (0: that side stays float); an 8-bit convolution on
  /// both goes QDQ onto the int8 kernels.
  static void quantize(OpBuilder &b, Operation *op, int64_t weightBits, int64_t inputBits, float hi) {
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      if (weightBits == 8 && inputBits == 8) {
        quantizeConvInt8(b, conv, hi);
        return;
      }
      if (weightBits && !quantizeWeight(b, op, conv.getWeightMutable(), 0, weightBits))
        return;
      if (inputBits)
        quantizeInput(b, op, conv.getInputMutable(), hi, inputBits);
    } else if (auto gemm = cast<GemmOp>(op); !gemm.getTransA()) {
      if (weightBits && !quantizeWeight(b, op, gemm.getBMutable(), gemm.getTransB() ? 0 : 1, weightBits))
        return;
      if (inputBits)
        quantizeInput(b, op, gemm.getAMutable(), hi, inputBits);
    }
  }
};

} // namespace
