// qnn-fold-thresholds: binarize(monotone per-channel chain(to_float(acc)))
// -> threshold(acc), exact to the float semantics of the unfolded code.
#include "passes/ChannelConstants.h"
#include "passes/Passes.h"

#include "qnn_runtime/float_kernels.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <climits>

namespace qnnc {
#define GEN_PASS_DEF_FOLDTHRESHOLDS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// One step of the float chain between the accumulator and the Sign.
struct ChainStep {
  enum Kind { BatchNorm, Add, SubConst, SubFrom, Mul } kind;
  SmallVector<float> a, b, c, d; // per-channel parameters
  float epsilon = 0;

  float apply(float x, int64_t ch) const {
    switch (kind) {
    case BatchNorm:
      return qnn_rt::batch_norm_value(x, a[ch], b[ch], c[ch], d[ch], epsilon);
    case Add:
      return x + a[ch];
    case SubConst:
      return x - a[ch];
    case SubFrom:
      return a[ch] - x;
    case Mul:
      return x * a[ch];
    }
    return x;
  }
};

/// The step computed by `op` from `input`, when it is per-channel and keeps
/// the shape.
std::optional<ChainStep> matchStep(Operation *op, Value input, int64_t rank, int64_t channels) {
  if (auto bn = dyn_cast<BatchNormOp>(op)) {
    // BatchNormalization parameters are [C] vectors on axis 1 (verified).
    auto s = constantF32(bn.getScale()), b = constantF32(bn.getBias());
    auto m = constantF32(bn.getMean()), v = constantF32(bn.getVariance());
    if (!s || !b || !m || !v)
      return std::nullopt;
    ChainStep step{ChainStep::BatchNorm, *s, *b, *m, *v};
    step.epsilon = bn.getEpsilon().convertToFloat();
    return step;
  }
  if (!isa<AddOp, SubOp, MulOp>(op) || op->getResult(0).getType() != input.getType())
    return std::nullopt;
  bool inputIsLhs = op->getOperand(0) == input;
  auto k = perChannel(op->getOperand(inputIsLhs ? 1 : 0), rank, channels);
  if (!k)
    return std::nullopt;
  if (isa<AddOp>(op))
    return ChainStep{ChainStep::Add, *k};
  if (isa<MulOp>(op))
    return ChainStep{ChainStep::Mul, *k};
  return ChainStep{inputIsLhs ? ChainStep::SubConst : ChainStep::SubFrom, *k};
}

/// Largest |accumulator| the producer of `acc` can reach.
std::optional<int64_t> accumulatorBound(Value acc) {
  if (auto pool = acc.getDefiningOp<MaxPoolOp>())
    return accumulatorBound(pool.getInput());
  if (auto conv = acc.getDefiningOp<BinaryConv2DOp>()) {
    auto w = cast<ShapedType>(conv.getWeight().getType()).getShape();
    return w[1] * w[2] * w[3];
  }
  if (auto dense = acc.getDefiningOp<BinaryDenseOp>())
    return cast<ShapedType>(dense.getWeight().getType()).getShape()[1];
  return std::nullopt;
}

/// max_pool(to_float(acc)) -> to_float(max_pool(acc)).
struct PoolBeforeToFloat : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp pool, PatternRewriter &rewriter) const override {
    auto toFloat = pool.getInput().getDefiningOp<ToFloatOp>();
    if (!toFloat)
      return failure();
    auto shape = pool.getOutput().getType().getShape();
    auto intPool = rewriter.create<MaxPoolOp>(
        pool.getLoc(), RankedTensorType::get(shape, rewriter.getI32Type()), toFloat.getInput(),
        pool.getKernelAttr(), pool.getStridesAttr(), pool.getPadsAttr(), pool.getDilationsAttr());
    rewriter.replaceOpWithNewOp<ToFloatOp>(pool, pool.getOutput().getType(), intPool);
    return success();
  }
};

struct FoldIntoThreshold : OpRewritePattern<BinarizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinarizeOp binarize, PatternRewriter &rewriter) const override {
    auto shape = binarize.getInput().getType().getShape();
    if (shape.size() < 2)
      return failure();
    int64_t rank = shape.size(), channels = shape[1];
    // Walk up the chain to the accumulator.
    std::vector<ChainStep> steps;
    Value v = binarize.getInput();
    ToFloatOp toFloat;
    while (!(toFloat = v.getDefiningOp<ToFloatOp>())) {
      Operation *def = v.getDefiningOp();
      if (!def)
        return failure();
      // The chain runs through operand 0 of batch_norm and through the
      // non-constant operand of add/sub/mul.
      Value input;
      if (isa<BatchNormOp>(def))
        input = def->getOperand(0);
      else if (isa<AddOp, SubOp, MulOp>(def))
        input = def->getOperand(matchPattern(def->getOperand(0), m_Constant()) ? 1 : 0);
      if (!input || input.getType() != v.getType())
        return failure();
      auto step = matchStep(def, input, rank, channels);
      if (!step)
        return failure();
      steps.push_back(std::move(*step));
      v = input;
    }
    std::reverse(steps.begin(), steps.end());
    Value acc = toFloat.getInput();
    auto bound = accumulatorBound(acc);
    if (!bound || *bound >= (1 << 24))
      return failure();

    SmallVector<int32_t> low(channels), high(channels);
    SmallVector<bool> descending(channels);
    const int64_t k = *bound;
    SmallVector<int> level(2 * k + 1);
    for (int64_t c = 0; c < channels; ++c) {
      // Sign of the float chain, as binarize_f32 decides it: 0 -> -1,
      // 1 -> 0, 2 -> +1 (NaN counts as positive there and here).
      for (int64_t a = -k; a <= k; ++a) {
        float x = static_cast<float>(a);
        for (const ChainStep &s : steps)
          x = s.apply(x, c);
        level[a + k] = x < 0.0f ? 0 : (x == 0.0f ? 1 : 2);
      }
      bool up = std::is_sorted(level.begin(), level.end());
      bool down = std::is_sorted(level.rbegin(), level.rend());
      if (!up && !down)
        return rewriter.notifyMatchFailure(binarize, "chain is not monotone in the accumulator");
      descending[c] = !up;
      // First accumulator value reaching each count; INT_MIN when already
      // reached at -k, INT_MAX when never reached.
      auto firstReaching = [&](int count) -> int32_t {
        for (int64_t a = -k; a <= k; ++a) {
          int n = up ? level[a + k] : 2 - level[a + k];
          if (n >= count)
            return a == -k ? INT32_MIN : static_cast<int32_t>(a);
        }
        return INT32_MAX;
      };
      low[c] = firstReaching(1);
      high[c] = firstReaching(2);
    }
    rewriter.replaceOpWithNewOp<ThresholdOp>(binarize, binarize.getOutput().getType(), acc,
                                             rewriter.getDenseI32ArrayAttr(low),
                                             rewriter.getDenseI32ArrayAttr(high),
                                             rewriter.getDenseBoolArrayAttr(descending));
    return success();
  }
};

struct FoldThresholdsPass : qnnc::impl::FoldThresholdsBase<FoldThresholdsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PoolBeforeToFloat, FoldIntoThreshold>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
