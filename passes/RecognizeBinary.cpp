// qnn-recognize-binary: Sign-fed conv/GEMM with +-1 weights -> binary ops;
// multi-thresholds -> k-bit levels, and convolutions of levels with +-1
// weights -> bit-serial convolutions.
#include "passes/Accumulator.h"
#include "passes/ApplyOnce.h"
#include "passes/Passes.h"

#include "qnn_runtime/binary_kernels.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Iterators.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <limits>

namespace qnnc {
#define GEN_PASS_DEF_RECOGNIZEBINARY
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// Binary weights: sign bits (true = -1) in the op's layout, plus one float
/// scale per output channel when the magnitudes are not all 1.
struct BinaryWeights {
  DenseElementsAttr bits;
  SmallVector<float> scale; // empty: every weight is -1 or +1
};

/// Matches a constant whose values, per output channel (outer dimension after
/// an optional transpose), are all -alpha or +alpha: plain +-1 weights,
/// Sign of a constant, or XNOR-Net style / exporter-folded BatchNorm scales.
std::optional<BinaryWeights> binaryWeights(Value weight, bool transpose) {
  bool viaSign = false;
  if (auto sign = weight.getDefiningOp<SignOp>()) {
    weight = sign.getInput();
    viaSign = true;
  }
  auto constant = weight.getDefiningOp<arith::ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto values = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!values || !values.getElementType().isF32())
    return std::nullopt;
  SmallVector<int64_t> shape(values.getType().getShape());
  SmallVector<float> w(values.getValues<float>());
  if (transpose) {
    SmallVector<float> t(w.size());
    for (int64_t i = 0; i < shape[0]; ++i)
      for (int64_t j = 0; j < shape[1]; ++j)
        t[j * shape[0] + i] = w[i * shape[1] + j];
    w = std::move(t);
    std::swap(shape[0], shape[1]);
  }
  if (viaSign)
    for (float &v : w)
      v = v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f);
  int64_t channels = shape[0], perChannel = w.size() / channels;
  BinaryWeights result;
  SmallVector<bool> negative;
  bool scaled = false;
  for (int64_t o = 0; o < channels; ++o) {
    float alpha = std::fabs(w[o * perChannel]);
    if (alpha == 0.0f || !std::isfinite(alpha))
      return std::nullopt;
    for (int64_t i = 0; i < perChannel; ++i) {
      float v = w[o * perChannel + i];
      if (std::fabs(v) != alpha)
        return std::nullopt;
      negative.push_back(v < 0.0f);
    }
    result.scale.push_back(alpha);
    scaled |= alpha != 1.0f;
  }
  if (!scaled)
    result.scale.clear();
  auto type = RankedTensorType::get(shape, IntegerType::get(weight.getContext(), 1));
  result.bits = DenseElementsAttr::get(type, negative);
  return result;
}

/// Multi-bit weights for bit-serial convolutions: a constant whose values,
/// per output channel, are alpha times odd integers n with |n| <= 2^m - 1
/// (m <= maxPlanes; alpha the smallest magnitude). Returned as m +-1 planes
/// [m, O, Cg, KH, KW] (n = sum_i 2^i b_i), or as binaryWeights when m = 1.
std::optional<BinaryWeights> multiBitWeights(Value weight, int maxPlanes) {
  auto constant = weight.getDefiningOp<arith::ConstantOp>();
  auto values = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : DenseElementsAttr();
  if (!values || !values.getElementType().isF32() || values.getType().getRank() != 4)
    return std::nullopt;
  SmallVector<int64_t> shape(values.getType().getShape());
  SmallVector<float> w(values.getValues<float>());
  int64_t channels = shape[0], perChannel = w.size() / channels, maxLevel = 1;
  SmallVector<int64_t> levels(w.size());
  BinaryWeights result;
  for (int64_t o = 0; o < channels; ++o) {
    float alpha = std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < perChannel; ++i)
      alpha = std::min(alpha, std::fabs(w[o * perChannel + i]));
    if (alpha == 0.0f || !std::isfinite(alpha))
      return std::nullopt;
    for (int64_t i = 0; i < perChannel; ++i) {
      float v = w[o * perChannel + i];
      int64_t n = static_cast<int64_t>(std::nearbyint(v / alpha));
      // Exactly alpha * n (the exporter's own product), n odd and in range.
      if (n % 2 == 0 || std::abs(n) > (int64_t(1) << maxPlanes) - 1 || alpha * static_cast<float>(n) != v)
        return std::nullopt;
      levels[o * perChannel + i] = n;
      maxLevel = std::max(maxLevel, std::abs(n));
    }
    result.scale.push_back(alpha);
  }
  int64_t planes = 1;
  while ((int64_t(1) << planes) - 1 < maxLevel)
    ++planes;
  if (planes == 1)
    return binaryWeights(weight, /*transpose=*/false);
  SmallVector<bool> negative;
  for (int64_t i = 0; i < planes; ++i)
    for (int64_t n : levels)
      negative.push_back(qnn_rt::weight_plane_negative(n, static_cast<int>(i), static_cast<int>(planes)));
  SmallVector<int64_t> planeShape = {planes};
  planeShape.append(shape.begin(), shape.end());
  result.bits = DenseElementsAttr::get(RankedTensorType::get(planeShape, IntegerType::get(weight.getContext(), 1)),
                                       negative);
  if (llvm::all_of(result.scale, [](float a) { return a == 1.0f; }))
    result.scale.clear();
  return result;
}

/// The packed Sign(x): one qnn.binarize per Sign, shared by its readers.
Value binarize(PatternRewriter &rewriter, SignOp sign) {
  for (Operation *user : sign.getInput().getUsers())
    if (auto existing = dyn_cast<BinarizeOp>(user))
      return existing;
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointAfter(sign);
  return rewriter.create<BinarizeOp>(sign.getLoc(), sign.getInput());
}

/// multi_threshold(x) -> levels_to_float(quantize_levels(x)): the count
/// becomes an integer tensor of k bit planes, back in float only where a
/// float op reads it.
struct MultiThresholdToLevels : OpRewritePattern<MultiThresholdOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MultiThresholdOp mt, PatternRewriter &rewriter) const override {
    DenseElementsAttr table;
    if (!matchPattern(mt.getThresholds(), m_Constant(&table)))
      return failure();
    auto shape = mt.getInput().getType().getShape();
    auto t = mt.getThresholds().getType().getShape();
    int64_t channels = shape[1], count = t[1];
    SmallVector<float> given(table.getValues<float>()), perChannel;
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t i = 0; i < count; ++i)
        perChannel.push_back(given[(t[0] == 1 ? 0 : c) * count + i]);
    unsigned bits = 1;
    while ((int64_t(1) << bits) - 1 < count)
      ++bits;
    Value levels = rewriter.create<QuantizeLevelsOp>(mt.getLoc(), LevelsTensorType::get(getContext(), shape, bits),
                                                     mt.getInput(), rewriter.getDenseF32ArrayAttr(perChannel));
    rewriter.replaceOpWithNewOp<LevelsToFloatOp>(mt, levels, mt.getOutScaleAttr(), mt.getOutBiasAttr());
    return success();
  }
};

/// conv(levels_to_float(L) = s * L, +-alpha W) -> s * alpha *
/// bitserial_conv2d(L, W): exact integers up to the one float scaling.
/// Needs bias 0, so that zero padding is level 0.
/// A bipolar activation (1-bit levels, bias = -scale / 2: values -s, +s)
/// is the binary tensor levels_to_binary(L) times s: the convolution goes
/// binary, scaled by s * alpha.
struct LevelsConvToBitserial : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp conv, PatternRewriter &rewriter) const override {
    auto levels = conv.getInput().getDefiningOp<LevelsToFloatOp>();
    if (!levels)
      return failure();
    float step = levels.getScale().convertToFloat(), bias = levels.getBias().convertToFloat();
    bool bipolar = levels.getInput().getType().getBits() == 1 && bias == -0.5f * step;
    if (bias != 0.0f && !bipolar)
      return failure();
    // Binary activations take +-alpha weights; levels up to 4-bit weights.
    auto weights = bipolar ? binaryWeights(conv.getWeight(), /*transpose=*/false)
                           : multiBitWeights(conv.getWeight(), /*maxPlanes=*/4);
    if (!weights)
      return failure();
    auto outShape = conv.getOutput().getType().getShape();
    if (bipolar)
      step = -bias;
    SmallVector<float> scale(outShape[1], step);
    for (int64_t o = 0; o < outShape[1]; ++o)
      scale[o] *= weights->scale.empty() ? 1.0f : weights->scale[o];
    if (llvm::all_of(scale, [](float v) { return v == 1.0f; }))
      scale.clear();
    Value acc;
    if (bipolar) {
      Value binary = rewriter.create<LevelsToBinaryOp>(conv.getLoc(), levels.getInput());
      acc = rewriter.create<BinaryConv2DOp>(conv.getLoc(), binary, weights->bits, conv.getStridesAttr(),
                                            conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr());
    } else {
      acc = rewriter.create<BitserialConv2DOp>(conv.getLoc(), levels.getInput(), weights->bits,
                                               conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
                                               conv.getGroupAttr());
    }
    replaceWithAccumulator(rewriter, conv, acc, scale, {outShape[1], 1, 1}, conv.getBias());
    return success();
  }
};

/// conv(Sign(x), +-alpha W) -> alpha * binary_conv2d(binarize(x), W).
struct SignConvToBinary : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp conv, PatternRewriter &rewriter) const override {
    auto sign = conv.getInput().getDefiningOp<SignOp>();
    auto weights = binaryWeights(conv.getWeight(), /*transpose=*/false);
    if (!sign || !weights)
      return failure();
    auto outShape = conv.getOutput().getType().getShape();
    Value acc = rewriter.create<BinaryConv2DOp>(conv.getLoc(), binarize(rewriter, sign), weights->bits,
                                                conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
                                                conv.getGroupAttr());
    replaceWithAccumulator(rewriter, conv, acc, weights->scale, {outShape[1], 1, 1}, conv.getBias());
    return success();
  }
};

/// gemm(Sign(x) or a reshape (Flatten) of it, +-alpha W) + C ->
/// alpha * binary_dense(binarize(x), W) + C. Sign commutes with reshapes,
/// so a flattened Sign binarizes the flattened x.
struct SignGemmToBinary : OpRewritePattern<GemmOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(GemmOp gemm, PatternRewriter &rewriter) const override {
    // alpha/beta scaling would add float rounding of its own: leave those
    // GEMMs in float, which is exact too.
    if (gemm.getTransA() || gemm.getAlpha().convertToFloat() != 1.0f ||
        (gemm.getC() && gemm.getBeta().convertToFloat() != 1.0f))
      return failure();
    auto weights = binaryWeights(gemm.getB(), /*transpose=*/!gemm.getTransB());
    if (!weights)
      return failure();
    Value input;
    if (auto sign = gemm.getA().getDefiningOp<SignOp>()) {
      input = binarize(rewriter, sign);
    } else if (auto reshape = gemm.getA().getDefiningOp<ReshapeOp>()) {
      auto sign = reshape.getInput().getDefiningOp<SignOp>();
      if (!sign)
        return failure();
      Value flat = rewriter.create<ReshapeOp>(reshape.getLoc(), reshape.getOutput().getType(), sign.getInput());
      input = rewriter.create<BinarizeOp>(sign.getLoc(), flat);
    } else {
      return failure();
    }
    auto outShape = gemm.getOutput().getType().getShape();
    Value acc = rewriter.create<BinaryDenseOp>(gemm.getLoc(), input, weights->bits);
    replaceWithAccumulator(rewriter, gemm, acc, weights->scale, {outShape[1]}, gemm.getC());
    return success();
  }
};

struct RecognizeBinaryPass : qnnc::impl::RecognizeBinaryBase<RecognizeBinaryPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Levels first: a convolution of levels is bit-serial, not float.
    patterns.add<LevelsConvToBitserial>(&getContext(), /*benefit=*/2);
    patterns.add<MultiThresholdToLevels, SignConvToBinary, SignGemmToBinary>(&getContext());
    // Signs (and flattens of them) and level conversions whose every
    // consumer went binary are dead.
    applyPatternsOnce<SignOp, ReshapeOp, LevelsToFloatOp>(getOperation(), FrozenRewritePatternSet(std::move(patterns)));
  }
};

} // namespace
