// qnn-assign-layouts: the float tensors that only channels-last-capable
// kernels write and read are stored channels-last (NHWC).
#include "passes/ChannelConstants.h"
#include "passes/Passes.h"

#include "qnn_runtime/float_kernels.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/IntEqClasses.h"

namespace qnnc {
#define GEN_PASS_DEF_ASSIGNLAYOUTS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

bool isFloat4D(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getRank() == 4 && type.getElementType().isF32();
}

/// Whether v's producer can write it channels-last and every user read it so.
bool canBeChannelsLast(Value v) {
  auto producer = v.getDefiningOp<KernelOpInterface>();
  if (!producer || !producer.producesChannelsLast())
    return false;
  return llvm::all_of(v.getUses(), [](OpOperand &use) {
    auto user = dyn_cast<KernelOpInterface>(use.getOwner());
    return user && user.acceptsChannelsLast(use.getOperandNumber());
  });
}

/// conv (1x1, constant weights and bias) -> pointwise_conv with the weights
/// transposed to [C][OP] and weights and bias zero-padded to OP output
/// channels, as the channels-last kernel reads them.
PointwiseConvOp makePointwise(Conv2DOp conv) {
  OpBuilder b(conv);
  auto w = conv.getWeight().getType().getShape();
  const int64_t O = w[0], C = w[1], OP = qnn_rt::panel_padded_channels(O);
  SmallVector<float> transposed(C * OP, 0.0f);
  auto weights = *constantF32(conv.getWeight());
  for (int64_t o = 0; o < O; ++o)
    for (int64_t c = 0; c < C; ++c)
      transposed[c * OP + o] = weights[o * C + c];
  Value weightT = createF32Constant(b, conv.getLoc(), {C, OP}, transposed), bias;
  if (conv.getBias())
    bias = createPaddedBias(b, conv.getLoc(), *constantF32(conv.getBias()), OP);
  return b.create<PointwiseConvOp>(conv.getLoc(), conv.getOutput().getType(), conv.getInput(), weightT, bias,
                                   conv.getClampMinAttr(), conv.getClampMaxAttr());
}

struct AssignLayoutsPass : qnnc::impl::AssignLayoutsBase<AssignLayoutsPass> {
  void runOnOperation() override {
    // Tensors a kernel's one layout flag ties together, as classes of
    // their indices in `tensors`.
    SmallVector<Value> tensors;
    DenseMap<Value, unsigned> indexOf;
    auto index = [&](Value v) {
      auto [it, added] = indexOf.try_emplace(v, tensors.size());
      if (added)
        tensors.push_back(v);
      return it->second;
    };
    SmallVector<std::pair<unsigned, unsigned>> ties;
    getOperation().walk([&](KernelOpInterface kernel) {
      Operation *op = kernel;
      if (op->getNumResults() != 1 || !isFloat4D(op->getResult(0)))
        return;
      const unsigned result = index(op->getResult(0));
      if (auto tied = kernel.channelsLastTiedOperand())
        ties.push_back({result, index(op->getOperand(*tied))});
    });
    llvm::IntEqClasses groups(tensors.size());
    for (auto [a, b] : ties)
      groups.join(a, b);
    groups.compress();
    // A group is stored channels-last only whole: any tensor of it that
    // cannot be (a function argument among them) keeps it NCHW.
    llvm::BitVector rejected(groups.getNumClasses());
    for (unsigned i = 0; i < tensors.size(); ++i)
      if (!canBeChannelsLast(tensors[i]))
        rejected.set(groups[i]);
    QnnDialect *dialect = getContext().getLoadedDialect<QnnDialect>();
    for (unsigned i = 0; i < tensors.size(); ++i) {
      if (rejected.test(groups[i]))
        continue;
      Operation *producer = tensors[i].getDefiningOp();
      if (auto conv = dyn_cast<Conv2DOp>(producer)) {
        PointwiseConvOp pointwise = makePointwise(conv);
        conv.getOutput().replaceAllUsesWith(pointwise.getOutput());
        conv.erase();
        producer = pointwise;
      }
      dialect->getChannelsLastAttrHelper().setAttr(producer, UnitAttr::get(&getContext()));
    }
  }
};

} // namespace
