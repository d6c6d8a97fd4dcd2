// qnn-recognize-int8: QDQ convolutions -> exact 8-bit integer convolutions.
#include "passes/Accumulator.h"
#include "passes/ApplyOnce.h"
#include "passes/Passes.h"

#include "mlir/IR/Matchers.h"

namespace qnnc {
#define GEN_PASS_DEF_RECOGNIZEINT8
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// conv(dequantize_linear(x_q), dequantize_linear(W_q)) -> exact
/// qconv2d(x_q, W_q) scaled by s_x * s_w[o].
struct QdqConvToInteger : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv2DOp conv, PatternRewriter &rewriter) const override {
    auto input = conv.getInput().getDefiningOp<DequantizeLinearOp>();
    auto weight = conv.getWeight().getDefiningOp<DequantizeLinearOp>();
    if (!input || !weight || input.getScale().size() != 1 ||
        !isa<RankedTensorType>(input.getInput().getType()) ||
        !cast<RankedTensorType>(input.getInput().getType()).getElementType().isInteger(8))
      return failure();
    DenseElementsAttr w;
    if (!matchPattern(weight.getInput(), m_Constant(&w)) || !w.getElementType().isSignlessInteger(8))
      return failure();
    // Symmetric weights, per tensor or along the output channels.
    if (llvm::any_of(weight.getZeroPoint(), [](int64_t z) { return z != 0; }) ||
        (weight.getScale().size() > 1 && weight.getAxis() != 0))
      return failure();
    auto outShape = conv.getOutput().getType().getShape();
    float sx = input.getScale()[0];
    SmallVector<float> scale;
    for (int64_t o = 0; o < outShape[1]; ++o)
      scale.push_back(sx * weight.getScale()[weight.getScale().size() == 1 ? 0 : o]);
    Value acc = rewriter.create<QConv2DOp>(conv.getLoc(), input.getInput(), w,
                                           rewriter.getI64IntegerAttr(input.getZeroPoint()[0]),
                                           conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
                                           conv.getGroupAttr());
    replaceWithAccumulator(rewriter, conv, acc, scale, {outShape[1], 1, 1}, conv.getBias());
    return success();
  }
};

struct RecognizeInt8Pass : qnnc::impl::RecognizeInt8Base<RecognizeInt8Pass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<QdqConvToInteger>(&getContext());
    // Dequantized inputs and weights whose every reader went integer go.
    applyPatternsOnce<DequantizeLinearOp>(getOperation(), FrozenRewritePatternSet(std::move(patterns)));
  }
};

} // namespace
