// qnn-fuse-epilogues: the epilogue of a binary convolution joins it: to_float
// -> per-channel mul -> per-channel add becomes one qnn.scale_bias pass, which
// with a following residual add joins the convolution
// (qnn.binary_conv2d_affine, or qnn.bitserial_conv2d_affine for a bit-serial
// one), and a threshold becomes qnn.binary_conv2d_sign
// (packed bits straight out); a bare to_float joins it as an affine epilogue
// of scale 1. A float convolution takes a following Relu.
#include "passes/ChannelConstants.h"
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qnnc {
#define GEN_PASS_DEF_FUSEEPILOGUES
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// For a commutative op with a per-channel constant operand: the other
/// operand and the constant's per-channel values.
std::optional<std::pair<Value, SmallVector<float>>> splitConstant(Operation *op, int64_t rank, int64_t channels) {
  for (int i = 0; i < 2; ++i)
    if (auto k = perChannel(op->getOperand(1 - i), rank, channels))
      return std::make_pair(op->getOperand(i), std::move(*k));
  return std::nullopt;
}

/// [add by b](mul by s)(to_float(acc)) -> scale_bias(acc, s, b); a missing
/// multiply is s = 1, a missing add is b = -0 (x + -0 == x, signed zeros
/// included), so the rounding is that of the unfused ops.
template <class Root>
struct FuseScaleBias : OpRewritePattern<Root> {
  using OpRewritePattern<Root>::OpRewritePattern;
  LogicalResult matchAndRewrite(Root root, PatternRewriter &rewriter) const override {
    auto type = root.getOutput().getType();
    if (type.getRank() < 2)
      return failure();
    int64_t rank = type.getRank(), channels = type.getShape()[1];
    auto outer = splitConstant(root, rank, channels);
    if (!outer || outer->first.getType() != type)
      return failure();
    SmallVector<float> scale(channels, 1.0f), bias(channels, -0.0f);
    Value inner = outer->first;
    if (std::is_same_v<Root, AddOp>) {
      bias = outer->second;
      if (auto mul = inner.getDefiningOp<MulOp>(); mul && mul->hasOneUse())
        if (auto s = splitConstant(mul, rank, channels); s && s->first.getType() == type) {
          scale = s->second;
          inner = s->first;
        }
    } else {
      scale = outer->second;
    }
    auto toFloat = inner.getDefiningOp<ToFloatOp>();
    if (!toFloat || !toFloat->hasOneUse())
      return failure();
    rewriter.replaceOpWithNewOp<ScaleBiasOp>(root, type, toFloat.getInput(), rewriter.getDenseF32ArrayAttr(scale),
                                             rewriter.getDenseF32ArrayAttr(bias));
    return success();
  }
};

/// Replaces `op` by `Affine` (binary_conv2d_affine or its bit-serial form)
/// of the convolution `conv` (plain or already affine) with this residual,
/// scale and bias.
template <class Affine, class Conv>
void replaceWithAffine(PatternRewriter &rewriter, Operation *op, Conv conv, Value residual, DenseF32ArrayAttr scale,
                       DenseF32ArrayAttr bias) {
  // The fused op keeps the convolution's location: its weights are the
  // convolution's (and named after it in the generated code).
  Operation *fused;
  if constexpr (std::is_same_v<Affine, BitserialConv2DAffineOp>)
    fused = rewriter.create<Affine>(conv.getLoc(), conv.getInput(), residual, conv.getWeight(), conv.getStridesAttr(),
                                    conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(), scale, bias,
                                    conv.getWeightOffsetsAttr());
  else
    fused = rewriter.create<Affine>(conv.getLoc(), conv.getInput(), residual, conv.getWeight(), conv.getStridesAttr(),
                                    conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(), scale, bias);
  rewriter.replaceOp(op, fused->getResults());
}

/// threshold(binary_conv2d(x)) -> binary_conv2d_sign(x): packed bits out of
/// the convolution, no int32 tensor in between.
struct FuseConvSign : OpRewritePattern<ThresholdOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ThresholdOp threshold, PatternRewriter &rewriter) const override {
    auto conv = threshold.getInput().getDefiningOp<BinaryConv2DOp>();
    if (!conv || !conv->hasOneUse())
      return failure();
    auto fused = rewriter.create<BinaryConv2DSignOp>(conv.getLoc(), conv.getInput(), conv.getWeight(),
                                                     conv.getStridesAttr(), conv.getPadsAttr(),
                                                     conv.getDilationsAttr(), conv.getGroupAttr(),
                                                     threshold.getThresholdsAttr());
    rewriter.replaceOp(threshold, fused);
    return success();
  }
};

/// scale_bias(conv(x)) -> affine(x), for binary_conv2d -> binary_conv2d_affine
/// and bitserial_conv2d -> bitserial_conv2d_affine.
template <class Conv, class Affine>
struct FuseConvAffine : OpRewritePattern<ScaleBiasOp> {
  using OpRewritePattern<ScaleBiasOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ScaleBiasOp scaleBias, PatternRewriter &rewriter) const override {
    auto conv = scaleBias.getInput().template getDefiningOp<Conv>();
    if (!conv || !conv->hasOneUse())
      return failure();
    replaceWithAffine<Affine>(rewriter, scaleBias, conv, Value(), scaleBias.getScaleAttr(), scaleBias.getBiasAttr());
    return success();
  }
};

/// to_float(conv(x)) -> affine(x) with scale 1 and bias -0: float(acc) * 1
/// + -0 is float(acc) for every accumulator, so a convolution whose float
/// output has no per-channel epilogue still skips the int32 tensor. Runs
/// after the scale/bias fusions, which would otherwise lose their to_float.
template <class Conv, class Affine>
struct FuseConvToFloat : OpRewritePattern<ToFloatOp> {
  using OpRewritePattern<ToFloatOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ToFloatOp toFloat, PatternRewriter &rewriter) const override {
    auto conv = toFloat.getInput().template getDefiningOp<Conv>();
    if (!conv || !conv->hasOneUse())
      return failure();
    const int64_t channels = toFloat.getType().getShape()[1];
    replaceWithAffine<Affine>(rewriter, toFloat, conv, Value(),
                              rewriter.getDenseF32ArrayAttr(SmallVector<float>(channels, 1.0f)),
                              rewriter.getDenseF32ArrayAttr(SmallVector<float>(channels, -0.0f)));
    return success();
  }
};

/// add(affine(x), r) (either order, r of the output's own shape) ->
/// affine(x, r): the residual add in the epilogue.
template <class Affine>
struct FuseResidualAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern<AddOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add, PatternRewriter &rewriter) const override {
    for (int i = 0; i < 2; ++i) {
      auto conv = add.getOperand(i).template getDefiningOp<Affine>();
      Value residual = add.getOperand(1 - i);
      if (!conv || conv.getResidual() || !conv->hasOneUse() || residual.getType() != add.getType() ||
          conv.getType() != add.getType())
        continue;
      replaceWithAffine<Affine>(rewriter, add, conv, residual, conv.getScaleAttr(), conv.getBiasAttr());
      return success();
    }
    return failure();
  }
};

/// relu(conv2d(x)) -> conv2d(x) {clamp_min = 0} and clip(conv2d(x)) ->
/// conv2d(x) {clamp_min, clamp_max}: each output is clamped as the GEMM
/// stores it, with clip_f32's comparison (Relu's bits at [0, +inf)), so
/// the values are the same.
template <class ClampOp>
struct FuseConvClamp : OpRewritePattern<ClampOp> {
  using OpRewritePattern<ClampOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ClampOp clamp, PatternRewriter &rewriter) const override {
    auto conv = clamp.getInput().template getDefiningOp<Conv2DOp>();
    if (!conv || conv.getClampMin() || conv.getClampMax() || !conv->hasOneUse())
      return failure();
    rewriter.modifyOpInPlace(conv, [&] {
      if constexpr (std::is_same_v<ClampOp, ClipOp>) {
        conv.setClampMinAttr(clamp.getMinAttr());
        conv.setClampMaxAttr(clamp.getMaxAttr());
      } else {
        conv.setClampMinAttr(rewriter.getF32FloatAttr(0.0f));
      }
    });
    rewriter.replaceOp(clamp, conv.getOutput());
    return success();
  }
};

struct FuseEpiloguesPass : qnnc::impl::FuseEpiloguesBase<FuseEpiloguesPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Adds first: an add over a mul takes both.
    patterns.add<FuseScaleBias<AddOp>>(&getContext(), /*benefit=*/2);
    patterns.add<FuseScaleBias<MulOp>>(&getContext(), /*benefit=*/1);
    patterns.add<FuseConvSign, FuseConvAffine<BinaryConv2DOp, BinaryConv2DAffineOp>,
                 FuseConvAffine<BitserialConv2DOp, BitserialConv2DAffineOp>, FuseResidualAdd<BinaryConv2DAffineOp>,
                 FuseResidualAdd<BitserialConv2DAffineOp>, FuseConvClamp<ReluOp>,
                 FuseConvClamp<ClipOp>>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // Then the convolutions whose float output took no scale or bias.
    RewritePatternSet bare(&getContext());
    bare.add<FuseConvToFloat<BinaryConv2DOp, BinaryConv2DAffineOp>,
             FuseConvToFloat<BitserialConv2DOp, BitserialConv2DAffineOp>, FuseResidualAdd<BinaryConv2DAffineOp>,
             FuseResidualAdd<BitserialConv2DAffineOp>>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(bare))))
      signalPassFailure();
  }
};

} // namespace
