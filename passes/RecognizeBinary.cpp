// qnn-recognize-binary: Sign-fed conv/GEMM with +-1 weights -> binary ops
// (ternary conv weights -> two binary convolutions); multi-thresholds ->
// k-bit levels, and convolutions of levels with +-1 weights -> bit-serial
// convolutions.
#include "passes/Accumulator.h"
#include "passes/ApplyOnce.h"
#include "passes/Passes.h"

#include "qnn_runtime/binary_kernels.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Iterators.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
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
  SmallVector<float> scale;     // empty: every weight is -1 or +1
  SmallVector<int32_t> offsets; // bit-serial: per-channel odd d, weights (n + d) / 2
};

/// A constant weight (or Sign of one) as floats, per output channel (the
/// outer dimension after an optional transpose) contiguous, with its shape.
struct ConstantWeights {
  SmallVector<float> values;
  SmallVector<int64_t> shape;
  int64_t channels() const { return shape[0]; }
  int64_t perChannel() const { return values.size() / shape[0]; }
};

std::optional<ConstantWeights> constantWeights(Value weight, bool transpose) {
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
  ConstantWeights result{SmallVector<float>(values.getValues<float>()),
                         SmallVector<int64_t>(values.getType().getShape())};
  if (values.empty() || result.shape.size() < 2) // no channels to scale (qnnc-opt takes any IR)
    return std::nullopt;
  SmallVector<float> &w = result.values;
  SmallVector<int64_t> &shape = result.shape;
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
  return result;
}

/// +-1 kernels as i1 (true = -1) in `shape`.
DenseElementsAttr signBits(MLIRContext *ctx, ArrayRef<int64_t> shape, ArrayRef<bool> negative) {
  return DenseElementsAttr::get(RankedTensorType::get(shape, IntegerType::get(ctx, 1)), negative);
}

/// Matches a constant whose values, per output channel (outer dimension after
/// an optional transpose), are all -alpha or +alpha: plain +-1 weights,
/// Sign of a constant, or XNOR-Net style / exporter-folded BatchNorm scales.
std::optional<BinaryWeights> binaryWeights(Value weight, bool transpose) {
  auto w = constantWeights(weight, transpose);
  if (!w)
    return std::nullopt;
  BinaryWeights result;
  SmallVector<bool> negative;
  bool scaled = false;
  for (int64_t o = 0; o < w->channels(); ++o) {
    ArrayRef<float> row = ArrayRef<float>(w->values).slice(o * w->perChannel(), w->perChannel());
    float alpha = std::fabs(row[0]);
    if (alpha == 0.0f || !std::isfinite(alpha))
      return std::nullopt;
    for (float v : row) {
      if (std::fabs(v) != alpha)
        return std::nullopt;
      negative.push_back(v < 0.0f);
    }
    result.scale.push_back(alpha);
    scaled |= alpha != 1.0f;
  }
  if (!scaled)
    result.scale.clear();
  result.bits = signBits(weight.getContext(), w->shape, negative);
  return result;
}

/// Ternary weights, -alpha, 0 or +alpha per output channel with at least one
/// 0 (Sign of a weight that is exactly 0), as the mean of two +-1 kernels:
/// w = alpha * (a + b) / 2 with a = b = sign(w) where w != 0, and a = +1,
/// b = -1 where w = 0. Returns a and b, each scaled by alpha / 2.
std::optional<std::pair<BinaryWeights, BinaryWeights>> ternaryWeights(Value weight) {
  auto w = constantWeights(weight, /*transpose=*/false);
  if (!w || llvm::none_of(w->values, [](float v) { return v == 0.0f; }))
    return std::nullopt;
  std::pair<BinaryWeights, BinaryWeights> halves;
  SmallVector<bool> negativeA, negativeB;
  for (int64_t o = 0; o < w->channels(); ++o) {
    ArrayRef<float> row = ArrayRef<float>(w->values).slice(o * w->perChannel(), w->perChannel());
    float alpha = 0.0f;
    for (float v : row)
      alpha = std::max(alpha, std::fabs(v));
    if (!std::isfinite(alpha))
      return std::nullopt;
    for (float v : row) {
      if (v != 0.0f && std::fabs(v) != alpha)
        return std::nullopt;
      negativeA.push_back(v < 0.0f);
      negativeB.push_back(v <= 0.0f);
    }
    // alpha / 2 is exact (alpha 0: an all-zero channel, both halves cancel).
    halves.first.scale.push_back(alpha / 2.0f);
  }
  halves.second.scale = halves.first.scale;
  halves.first.bits = signBits(weight.getContext(), w->shape, negativeA);
  halves.second.bits = signBits(weight.getContext(), w->shape, negativeB);
  return halves;
}

/// The integers q with w = alpha * q exactly for one output channel's
/// weights `w` (the exporter's own products, as QONNX Quant folds them),
/// |q| < 2^maxPlanes: alpha the smallest magnitude divided by the first k
/// that makes every weight an exact multiple. All zero: alpha 1.
std::optional<float> integerGrid(ArrayRef<float> w, int maxPlanes, MutableArrayRef<int64_t> q) {
  float smallest = std::numeric_limits<float>::infinity();
  for (float v : w)
    if (v != 0.0f)
      smallest = std::min(smallest, std::fabs(v));
  if (!std::isfinite(smallest)) {
    if (llvm::any_of(w, [](float v) { return v != 0.0f; }))
      return std::nullopt; // NaN or infinite weights stay float
    std::fill(q.begin(), q.end(), 0);
    return 1.0f;
  }
  const int64_t limit = int64_t(1) << maxPlanes;
  for (int64_t k = 1; k <= limit; ++k) {
    const float alpha = smallest / static_cast<float>(k);
    bool exact = alpha > 0.0f;
    for (size_t i = 0; exact && i < w.size(); ++i) {
      const float n = std::nearbyint(w[i] / alpha);
      exact = std::fabs(n) < static_cast<float>(limit) && alpha * n == w[i];
      q[i] = exact ? static_cast<int64_t>(n) : 0;
    }
    if (exact)
      return alpha;
  }
  return std::nullopt;
}

/// Multi-bit weights for bit-serial convolutions: per output channel a
/// scale alpha and integers q with w = alpha * q exactly. Odd q (alpha the
/// smallest magnitude) are the +-1 planes themselves; any other integer
/// grid (zero or even values: ternary, signed or unsigned k-bit) is
/// q = (n + d) / 2 with odd n and a per-channel odd offset d
/// (qnn_rt::weight_grid_offset). Returned as m <= maxPlanes +-1 planes
/// [m, O, Cg, KH, KW] spelling n = sum_i 2^i b_i, or as binaryWeights when
/// the weights are +-alpha.
std::optional<BinaryWeights> multiBitWeights(Value weight, int maxPlanes) {
  auto constant = weight.getDefiningOp<arith::ConstantOp>();
  auto values = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : DenseElementsAttr();
  if (!values || !values.getElementType().isF32() || values.getType().getRank() != 4)
    return std::nullopt;
  SmallVector<int64_t> shape(values.getType().getShape());
  if (values.empty() || shape.size() < 2) // no channels to scale (qnnc-opt takes any IR)
    return std::nullopt;
  SmallVector<float> w(values.getValues<float>());
  const int64_t channels = shape[0], perChannel = w.size() / channels;
  SmallVector<int64_t> q(w.size()), levels(w.size());
  BinaryWeights result;
  bool odd = true;
  for (int64_t o = 0; o < channels && odd; ++o) {
    ArrayRef<float> row(w.data() + o * perChannel, perChannel);
    // Odd integers times the smallest magnitude keep that scale; a channel
    // with a zero weight goes the grid way.
    float alpha = std::numeric_limits<float>::infinity();
    for (float v : row)
      alpha = std::min(alpha, std::fabs(v));
    odd = alpha > 0.0f && std::isfinite(alpha);
    for (int64_t i = 0; odd && i < perChannel; ++i) {
      const float n = std::nearbyint(row[i] / alpha);
      odd = std::fmod(n, 2.0f) != 0.0f && std::fabs(n) <= static_cast<float>((int64_t(1) << maxPlanes) - 1) &&
            alpha * n == row[i];
      // Only in range is the conversion defined (a huge ratio is not a level).
      levels[o * perChannel + i] = odd ? static_cast<int64_t>(n) : 0;
    }
    result.scale.push_back(alpha);
  }
  if (!odd) {
    result.scale.clear();
    for (int64_t o = 0; o < channels; ++o) {
      MutableArrayRef<int64_t> grid(q.data() + o * perChannel, perChannel);
      auto alpha = integerGrid(ArrayRef<float>(w.data() + o * perChannel, perChannel), maxPlanes, grid);
      if (!alpha)
        return std::nullopt;
      auto [lo, hi] = std::minmax_element(grid.begin(), grid.end());
      const int64_t d = qnn_rt::weight_grid_offset(*lo, *hi);
      if (d < -511 || d > 511)
        return std::nullopt;
      for (int64_t i = 0; i < perChannel; ++i)
        levels[o * perChannel + i] = 2 * grid[i] - d;
      result.scale.push_back(*alpha);
      result.offsets.push_back(static_cast<int32_t>(d));
    }
  }
  int64_t maxLevel = 1;
  for (int64_t n : levels)
    maxLevel = std::max(maxLevel, std::abs(n));
  int64_t planes = 1;
  while ((int64_t(1) << planes) - 1 < maxLevel)
    ++planes;
  if (planes > maxPlanes)
    return std::nullopt;
  if (odd && planes == 1)
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
    // Binary activations take +-alpha weights; levels any integer weights
    // of up to 8 planes.
    auto weights = bipolar ? binaryWeights(conv.getWeight(), /*transpose=*/false)
                           : multiBitWeights(conv.getWeight(), /*maxPlanes=*/8);
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
      acc = rewriter.create<BitserialConv2DOp>(
          conv.getLoc(), levels.getInput(), weights->bits, conv.getStridesAttr(), conv.getPadsAttr(),
          conv.getDilationsAttr(), conv.getGroupAttr(),
          weights->offsets.empty() ? DenseI32ArrayAttr() : rewriter.getDenseI32ArrayAttr(weights->offsets));
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

/// Why `weight` is not +-alpha per output channel (outer dimension after an
/// optional transpose), as binaryWeights requires: the first failure.
std::string whyNotBinary(Value weight, bool transpose) {
  bool viaSign = false;
  if (auto sign = weight.getDefiningOp<SignOp>()) {
    weight = sign.getInput();
    viaSign = true;
  }
  DenseElementsAttr values;
  if (!matchPattern(weight, m_Constant(&values)))
    return "its weights are not a constant";
  if (!values.getElementType().isF32())
    return "its weights are not float32";
  auto shape = values.getType().getShape();
  if (values.empty() || shape.size() < 2)
    return "its weights are empty";
  SmallVector<float> w(values.getValues<float>());
  if (viaSign)
    for (float &v : w)
      v = v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v); // NaN stays NaN
  const int64_t channels = transpose ? shape[1] : shape[0], perChannel = values.getNumElements() / channels;
  auto at = [&](int64_t o, int64_t i) { return transpose ? w[i * channels + o] : w[o * perChannel + i]; };
  for (int64_t o = 0; o < channels; ++o)
    for (int64_t i = 0; i < perChannel; ++i) {
      const float v = at(o, i), first = at(o, 0);
      if (!std::isfinite(v))
        return llvm::formatv("output channel {0} has a non-finite weight", o).str();
      if (v == 0.0f)
        return llvm::formatv("output channel {0} has a weight of exactly 0{1}", o,
                             viaSign ? ", so Sign(W) is ternary there (-1, 0, +1)" : "")
            .str();
      if (std::fabs(v) != std::fabs(first))
        return llvm::formatv("output channel {0} has weights of magnitudes {1} and {2} (binary needs one)", o,
                             llvm::format("%g", std::fabs(first)), llvm::format("%g", std::fabs(v)))
            .str();
    }
  return "";
}

/// Why a convolution or GEMM whose input is binary (Sign, or a Flatten of
/// it) or k-bit levels stays float; "" for any other op.
std::string floatReason(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    if (conv.getInput().getDefiningOp<SignOp>())
      return whyNotBinary(conv.getWeight(), /*transpose=*/false);
    if (auto levels = conv.getInput().getDefiningOp<LevelsToFloatOp>()) {
      const bool bipolar = levels.getInput().getType().getBits() == 1 &&
                           levels.getBias().convertToFloat() == -0.5f * levels.getScale().convertToFloat();
      if (levels.getBias().convertToFloat() != 0.0f && !bipolar)
        return "its input levels have a nonzero offset (out_bias), so zero padding would not be level 0";
      return bipolar ? whyNotBinary(conv.getWeight(), /*transpose=*/false)
                     : "its weights are not integers times one scale per output channel within 8 bit planes";
    }
    return "";
  }
  if (auto conv = dyn_cast<Conv3DOp>(op)) {
    if (conv.getInput().getDefiningOp<SignOp>() || conv.getInput().getDefiningOp<LevelsToFloatOp>())
      return "3-D convolutions have no binary or low-bit kernels; it runs as a float qnn.conv3d";
    return "";
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    Value a = gemm.getA();
    if (auto reshape = a.getDefiningOp<ReshapeOp>())
      a = reshape.getInput();
    if (!a.getDefiningOp<SignOp>())
      return "";
    if (gemm.getTransA() || gemm.getAlpha().convertToFloat() != 1.0f ||
        (gemm.getC() && gemm.getBeta().convertToFloat() != 1.0f))
      return "transA, alpha or beta would add float rounding of their own";
    return whyNotBinary(gemm.getB(), /*transpose=*/!gemm.getTransB());
  }
  return "";
}

/// conv(Sign(x), ternary W) -> alpha / 2 * (binary_conv2d(binarize(x), A) +
/// binary_conv2d(binarize(x), B)), W = alpha * (A + B) / 2 (ternaryWeights):
/// two binary convolutions in place of a float one, exact as it is. Each
/// such layer goes into `ternaryLayers` ({loc, reason}).
struct SignConvTernary : OpRewritePattern<Conv2DOp> {
  SignConvTernary(MLIRContext *ctx, SmallVectorImpl<Attribute> &ternaryLayers)
      : OpRewritePattern(ctx), ternaryLayers(ternaryLayers) {}

  LogicalResult matchAndRewrite(Conv2DOp conv, PatternRewriter &rewriter) const override {
    auto sign = conv.getInput().getDefiningOp<SignOp>();
    auto weights = sign ? ternaryWeights(conv.getWeight()) : std::nullopt;
    if (!weights)
      return failure();
    ternaryLayers.push_back(rewriter.getDictionaryAttr(
        {rewriter.getNamedAttr("loc", conv.getLoc()),
         rewriter.getNamedAttr(
             "reason", rewriter.getStringAttr(whyNotBinary(conv.getWeight(), /*transpose=*/false) +
                                              "; it runs as two binary convolutions whose mean it is"))}));
    Value input = binarize(rewriter, sign);
    SmallVector<Value> accs;
    for (const BinaryWeights *half : {&weights->first, &weights->second})
      accs.push_back(rewriter.create<BinaryConv2DOp>(conv.getLoc(), input, half->bits, conv.getStridesAttr(),
                                                     conv.getPadsAttr(), conv.getDilationsAttr(),
                                                     conv.getGroupAttr()));
    auto outShape = conv.getOutput().getType().getShape();
    replaceWithAccumulator(rewriter, conv, accs, weights->first.scale, {outShape[1], 1, 1}, conv.getBias());
    return success();
  }

  SmallVectorImpl<Attribute> &ternaryLayers;
};

struct RecognizeBinaryPass : qnnc::impl::RecognizeBinaryBase<RecognizeBinaryPass> {
  using RecognizeBinaryBase::RecognizeBinaryBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Levels first: a convolution of levels is bit-serial, not float.
    patterns.add<LevelsConvToBitserial>(&getContext(), /*benefit=*/2);
    patterns.add<MultiThresholdToLevels, SignConvToBinary, SignGemmToBinary>(&getContext());
    SmallVector<Attribute> ternaryLayers;
    patterns.add<SignConvTernary>(&getContext(), ternaryLayers);
    // Signs (and flattens of them) and level conversions whose every
    // consumer went binary are dead.
    applyPatternsOnce<SignOp, ReshapeOp, LevelsToFloatOp>(getOperation(), FrozenRewritePatternSet(std::move(patterns)));

    // What stayed float although its input is binary, and why.
    if (floatLayers != "record" && floatLayers != "warn" && floatLayers != "error") {
      getOperation()->emitError() << "float-layers must be record, warn or error, not '" << floatLayers << "'";
      return signalPassFailure();
    }
    Builder b(&getContext());
    SmallVector<Attribute> stayedFloat;
    getOperation().walk([&](Operation *op) {
      const std::string reason = floatReason(op);
      if (reason.empty())
        return;
      if (floatLayers != "record")
        (floatLayers == "error" ? op->emitError() : op->emitWarning())
            << "the input is binary or low-bit, but the layer stays float: " << reason;
      stayedFloat.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("loc", op->getLoc()), b.getNamedAttr("reason", b.getStringAttr(reason))}));
    });
    for (auto [name, list] : {std::pair{"qnn.float_layers", &stayedFloat}, std::pair{"qnn.ternary_layers", &ternaryLayers}})
      if (list->empty())
        getOperation()->removeAttr(name);
      else
        getOperation()->setAttr(name, b.getArrayAttr(*list));
    if (floatLayers == "error" && !stayedFloat.empty())
      signalPassFailure();
  }
};

} // namespace
