// qnn-fold-thresholds: binarize / quantize_levels of a monotone per-channel
// chain(to_float(acc)) -> integer thresholds on acc, exact to the float
// semantics of the unfolded code.
#include "passes/ChannelConstants.h"
#include "passes/Passes.h"

#include "qnn_runtime/float_kernels.h"
#include "qnn_runtime/lowbit_kernels.h"

#include "mlir/IR/IRMapping.h"
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

/// One step of the float chain between the accumulator and the Sign or
/// multi-threshold.
struct ChainStep {
  enum Kind { BatchNorm, Add, SubConst, SubFrom, Mul, PRelu, Relu } kind;
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
    case PRelu: // as prelu_f32 computes it
      return x < 0.0f ? x * a[ch] : x;
    case Relu: // as relu_f32 computes it
      return x < 0.0f ? 0.0f : x;
    }
    return x;
  }
};

/// The step computed by `op` from `input`, when it is per-channel and keeps
/// the shape.
std::optional<ChainStep> matchStep(Operation *op, Value input, int64_t rank, int64_t channels) {
  if (isa<ReluOp>(op))
    return ChainStep{ChainStep::Relu, {}};
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
  if (!isa<AddOp, SubOp, MulOp, PReluOp>(op) || op->getResult(0).getType() != input.getType())
    return std::nullopt;
  bool inputIsLhs = op->getOperand(0) == input;
  if (isa<PReluOp>(op) && !inputIsLhs)
    return std::nullopt;
  auto k = perChannel(op->getOperand(inputIsLhs ? 1 : 0), rank, channels);
  if (!k)
    return std::nullopt;
  if (isa<AddOp>(op))
    return ChainStep{ChainStep::Add, *k};
  if (isa<MulOp>(op))
    return ChainStep{ChainStep::Mul, *k};
  if (isa<PReluOp>(op)) // RPReLU's middle step; monotone only for slopes >= 0, which the fold checks
    return ChainStep{ChainStep::PRelu, *k};
  return ChainStep{inputIsLhs ? ChainStep::SubConst : ChainStep::SubFrom, *k};
}

/// Largest |accumulator| the producer of `acc` can reach.
std::optional<int64_t> accumulatorBound(Value acc) {
  if (auto pool = acc.getDefiningOp<MaxPoolOp>())
    return accumulatorBound(pool.getInput());
  if (auto conv = acc.getDefiningOp<BinaryConv2DOp>()) {
    auto w = weightShape(conv.getWeight());
    return w[1] * w[2] * w[3];
  }
  if (auto conv = acc.getDefiningOp<BitserialConv2DOp>()) {
    auto w = kernelShape(conv.getWeight());
    int64_t maxLevel = (int64_t(1) << conv.getInput().getType().getBits()) - 1;
    int64_t maxWeight = (int64_t(1) << weightPlanes(conv.getWeight())) - 1;
    // Offset weights (n + d) / 2: |w| <= (|n| + |d|) / 2.
    if (auto offsets = conv.getWeightOffsets()) {
      int64_t maxOffset = 0;
      for (int32_t d : *offsets)
        maxOffset = std::max<int64_t>(maxOffset, std::abs(d));
      maxWeight = (maxWeight + maxOffset) / 2;
    }
    return maxLevel * maxWeight * w[1] * w[2] * w[3];
  }
  if (auto dense = acc.getDefiningOp<BinaryDenseOp>())
    return weightShape(dense.getWeight())[1];
  return std::nullopt;
}

/// A monotone per-channel float chain from an integer accumulator.
struct Chain {
  Value acc;
  int64_t bound; // |acc| <= bound
  std::vector<ChainStep> steps;
  ToFloatOp toFloat;
  SmallVector<Operation *> ops; // the steps' ops, from the to_float on

  float apply(int64_t a, int64_t c) const {
    float x = static_cast<float>(a);
    for (const ChainStep &s : steps)
      x = s.apply(x, c);
    return x;
  }

  /// +1 where channel c's chain never decreases in acc, -1 where it never
  /// increases (each float step is then monotone, rounding included), 0
  /// where its steps do not say.
  int direction(int64_t c) const {
    int dir = 1;
    for (const ChainStep &s : steps) {
      switch (s.kind) {
      case ChainStep::BatchNorm:
        if (!(s.d[c] + s.epsilon > 0.0f))
          return 0;
        [[fallthrough]];
      case ChainStep::Mul:
        if (s.a[c] < 0.0f)
          dir = -dir;
        else if (!(s.a[c] >= 0.0f))
          return 0;
        break;
      case ChainStep::PRelu:
        if (!(s.a[c] >= 0.0f))
          return 0;
        break;
      case ChainStep::SubFrom:
        dir = -dir;
        break;
      case ChainStep::Add:
      case ChainStep::SubConst:
      case ChainStep::Relu:
        break;
      }
    }
    return dir;
  }
};

/// The chain of per-channel steps from to_float(acc) to `v`; with
/// `bounded`, only where |acc| stays below 2^24 (exact in float).
std::optional<Chain> matchChain(Value v, bool bounded = true) {
  auto shape = cast<RankedTensorType>(v.getType()).getShape();
  if (shape.size() < 2)
    return std::nullopt;
  int64_t rank = shape.size(), channels = shape[1];
  Chain chain;
  ToFloatOp toFloat;
  while (!(toFloat = v.getDefiningOp<ToFloatOp>())) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return std::nullopt;
    // The chain runs through operand 0 of batch_norm and through the
    // non-constant operand of add/sub/mul.
    Value input;
    if (isa<BatchNormOp, ReluOp>(def))
      input = def->getOperand(0);
    else if (isa<AddOp, SubOp, MulOp, PReluOp>(def))
      input = def->getOperand(matchPattern(def->getOperand(0), m_Constant()) ? 1 : 0);
    if (!input || input.getType() != v.getType())
      return std::nullopt;
    auto step = matchStep(def, input, rank, channels);
    if (!step)
      return std::nullopt;
    chain.steps.push_back(std::move(*step));
    chain.ops.push_back(def);
    v = input;
  }
  std::reverse(chain.steps.begin(), chain.steps.end());
  std::reverse(chain.ops.begin(), chain.ops.end());
  chain.toFloat = toFloat;
  chain.acc = toFloat.getInput();
  auto bound = accumulatorBound(chain.acc);
  if (bounded && (!bound || *bound >= (1 << 24)))
    return std::nullopt;
  chain.bound = bound.value_or(0);
  return chain;
}

/// max_pool(chain(to_float(acc))) -> chain(to_float(max_pool(acc))) for a
/// chain that never decreases: the largest of f(a_i) is f(max a_i) exactly
/// (ties included), so thresholds can then fold through the pool.
struct PoolBeforeChain : OpRewritePattern<MaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPoolOp pool, PatternRewriter &rewriter) const override {
    auto chain = matchChain(pool.getInput(), /*bounded=*/false);
    if (!chain)
      return failure();
    for (int64_t c = 0; c < pool.getInput().getType().getShape()[1]; ++c)
      if (chain->direction(c) <= 0)
        return failure();
    auto shape = pool.getOutput().getType().getShape();
    Value v = rewriter.create<MaxPoolOp>(pool.getLoc(), RankedTensorType::get(shape, rewriter.getI32Type()), chain->acc,
                                         pool.getKernelAttr(), pool.getStridesAttr(), pool.getPadsAttr(),
                                         pool.getDilationsAttr());
    auto pooled = pool.getOutput().getType();
    v = rewriter.create<ToFloatOp>(chain->toFloat.getLoc(), pooled, v);
    // Each step again, on the pooled tensor (per-channel constants broadcast
    // over any spatial size).
    Value previous = chain->toFloat.getResult();
    for (Operation *op : chain->ops) {
      IRMapping map;
      map.map(previous, v);
      Operation *copy = rewriter.clone(*op, map);
      copy->getResult(0).setType(pooled);
      previous = op->getResult(0);
      v = copy->getResult(0);
    }
    rewriter.replaceOp(pool, v);
    return success();
  }
};

/// Integer threshold tables equivalent to level(chain(acc), c) for a level
/// function with values 0 .. count that is monotone in acc: per channel,
/// `count` thresholds (the first accumulator reaching 1, 2, ... count levels;
/// INT32_MIN when reached at -bound, INT32_MAX when never) and whether the
/// level falls with acc (then thresholds count count - level).
struct LevelTables {
  SmallVector<int32_t> thresholds; // [C][count]
  SmallVector<bool> descending;    // [C]

  ThresholdsAttr attr(Builder &b) const {
    return ThresholdsAttr::get(b.getContext(), b.getDenseI32ArrayAttr(thresholds), b.getDenseBoolArrayAttr(descending));
  }
};

template <class LevelOf>
FailureOr<LevelTables> levelTables(const Chain &chain, int64_t channels, int count, LevelOf levelOf) {
  const int64_t k = chain.bound;
  LevelTables tables;
  // Wide accumulators of a chain whose steps are monotone: each threshold by
  // bisection (the first accumulator reaching n levels) instead of
  // evaluating all 2k + 1 of them (an 8-bit x 8-bit layer's k is millions).
  const bool bisect = k > (int64_t(1) << 16);
  SmallVector<int> level(bisect ? 0 : 2 * k + 1);
  for (int64_t c = 0; c < channels; ++c) {
    if (bisect) {
      const int dir = chain.direction(c);
      if (dir == 0)
        return failure();
      tables.descending.push_back(dir < 0);
      for (int n = 1; n <= count; ++n) {
        auto reaches = [&](int64_t a) {
          const int l = levelOf(chain.apply(a, c), c);
          return (dir > 0 ? l : count - l) >= n;
        };
        int64_t lo = -k, hi = k;
        if (!reaches(k)) {
          tables.thresholds.push_back(INT32_MAX);
          continue;
        }
        while (lo < hi) {
          const int64_t mid = lo + (hi - lo) / 2;
          reaches(mid) ? hi = mid : lo = mid + 1;
        }
        tables.thresholds.push_back(lo == -k ? INT32_MIN : static_cast<int32_t>(lo));
      }
      continue;
    }
    // Every accumulator value is evaluated with the float code the unfolded
    // model runs, so ties fall exactly where it puts them.
    for (int64_t a = -k; a <= k; ++a)
      level[a + k] = levelOf(chain.apply(a, c), c);
    bool up = std::is_sorted(level.begin(), level.end());
    bool down = std::is_sorted(level.rbegin(), level.rend());
    if (!up && !down)
      return failure();
    tables.descending.push_back(!up);
    for (int n = 1; n <= count; ++n) {
      int32_t first = INT32_MAX;
      for (int64_t a = -k; a <= k; ++a)
        if ((up ? level[a + k] : count - level[a + k]) >= n) {
          first = a == -k ? INT32_MIN : static_cast<int32_t>(a);
          break;
        }
      tables.thresholds.push_back(first);
    }
  }
  return tables;
}

/// binarize(chain(to_float(acc))) -> threshold(acc).
struct FoldIntoThreshold : OpRewritePattern<BinarizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BinarizeOp binarize, PatternRewriter &rewriter) const override {
    auto chain = matchChain(binarize.getInput());
    if (!chain)
      return failure();
    // Sign of the float chain, as binarize_f32 decides it: 0 -> -1, 1 -> 0,
    // 2 -> +1 (NaN counts as positive there and here).
    auto tables = levelTables(*chain, binarize.getInput().getType().getShape()[1], 2,
                              [](float x, int64_t) { return x < 0.0f ? 0 : (x == 0.0f ? 1 : 2); });
    if (failed(tables))
      return rewriter.notifyMatchFailure(binarize, "chain is not monotone in the accumulator");
    rewriter.replaceOpWithNewOp<ThresholdOp>(binarize, chain->acc, tables->attr(rewriter));
    return success();
  }
};

/// quantize_levels(chain(to_float(acc))) -> threshold_levels(acc).
struct FoldIntoLevels : OpRewritePattern<QuantizeLevelsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeLevelsOp quantize, PatternRewriter &rewriter) const override {
    auto chain = matchChain(quantize.getInput());
    if (!chain)
      return failure();
    int64_t channels = quantize.getInput().getType().getShape()[1];
    int count = quantize.getThresholds().size() / channels;
    ArrayRef<float> thresholds = quantize.getThresholds();
    auto tables = levelTables(*chain, channels, count, [&](float x, int64_t c) {
      return static_cast<int>(qnn_rt::count_reached(x, thresholds.data() + c * count, count));
    });
    if (failed(tables))
      return rewriter.notifyMatchFailure(quantize, "chain is not monotone in the accumulator");
    rewriter.replaceOpWithNewOp<ThresholdLevelsOp>(quantize, quantize.getOutput().getType(), chain->acc,
                                                   tables->attr(rewriter));
    return success();
  }
};

/// levels_to_binary(threshold_levels(acc)) with one threshold t ->
/// threshold(acc) with thresholds t, t: level 0 or 2 reached, value -1 or +1.
struct BipolarThreshold : OpRewritePattern<LevelsToBinaryOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LevelsToBinaryOp toBinary, PatternRewriter &rewriter) const override {
    auto levels = toBinary.getInput().getDefiningOp<ThresholdLevelsOp>();
    if (!levels || levels.getThresholds().getPerChannel() != 1)
      return failure();
    ThresholdsAttr one = levels.getThresholds();
    SmallVector<int32_t> twice;
    for (int32_t t : one.getValues().asArrayRef())
      twice.append({t, t});
    rewriter.replaceOpWithNewOp<ThresholdOp>(
        toBinary, levels.getInput(),
        ThresholdsAttr::get(getContext(), rewriter.getDenseI32ArrayAttr(twice), one.getDescending()));
    return success();
  }
};

struct FoldThresholdsPass : qnnc::impl::FoldThresholdsBase<FoldThresholdsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PoolBeforeChain, FoldIntoThreshold, FoldIntoLevels, BipolarThreshold>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
