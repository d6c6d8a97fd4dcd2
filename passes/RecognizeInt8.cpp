// qnn-recognize-int8: QDQ convolutions -> exact 8-bit integer convolutions.
#include "passes/Accumulator.h"
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

struct RecognizeInt8Pass : qnnc::impl::RecognizeInt8Base<RecognizeInt8Pass> {
  void recognize(Conv2DOp conv) {
    auto input = conv.getInput().getDefiningOp<DequantizeLinearOp>();
    auto weight = conv.getWeight().getDefiningOp<DequantizeLinearOp>();
    if (!input || !weight || input.getScale().size() != 1 ||
        !isa<RankedTensorType>(input.getInput().getType()) ||
        !cast<RankedTensorType>(input.getInput().getType()).getElementType().isInteger(8))
      return;
    DenseElementsAttr w;
    if (!matchPattern(weight.getInput(), m_Constant(&w)) || !w.getElementType().isSignlessInteger(8))
      return;
    // Symmetric weights, per tensor or along the output channels.
    if (llvm::any_of(weight.getZeroPoint(), [](int64_t z) { return z != 0; }) ||
        (weight.getScale().size() > 1 && weight.getAxis() != 0))
      return;
    auto outShape = conv.getOutput().getType().getShape();
    float sx = input.getScale()[0];
    SmallVector<float> scale;
    for (int64_t o = 0; o < outShape[1]; ++o)
      scale.push_back(sx * weight.getScale()[weight.getScale().size() == 1 ? 0 : o]);
    OpBuilder b(conv);
    Value acc = b.create<QConv2DOp>(conv.getLoc(), RankedTensorType::get(outShape, b.getI32Type()), input.getInput(),
                                    w, b.getI64IntegerAttr(input.getZeroPoint()[0]), conv.getStridesAttr(),
                                    conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr());
    replaceWithAccumulator(b, conv, acc, scale, {outShape[1], 1, 1}, conv.getBias());
  }

  void runOnOperation() override {
    SmallVector<Conv2DOp> convs;
    getOperation().walk([&](Conv2DOp conv) { convs.push_back(conv); });
    for (Conv2DOp conv : convs)
      recognize(conv);
    // Dequantized inputs and weights whose every reader went integer.
    getOperation().walk([](DequantizeLinearOp dq) {
      if (dq->use_empty())
        dq->erase();
    });
  }
};

} // namespace
