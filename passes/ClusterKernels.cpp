// qnn-cluster-kernels: each binary convolution keeps its most frequent
// kernel sequences and every other sequence becomes a kept one, so a
// Huffman code of the layer needs fewer, shorter codewords. With
// calibration statistics on the op the replacement is the one that moves
// the accumulator least (with moments across channels, each output
// channel's slices chosen together), and the layer's bias takes back the
// mean change.
#include "passes/ChannelConstants.h"
#include "passes/KernelSequences.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace qnnc {
#define GEN_PASS_DEF_CLUSTERKERNELS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// Per-channel values of a constant, also through a qnn.reshape of one
/// (how imported biases reach their add).
std::optional<SmallVector<float>> channelConstant(Value v, int64_t rank, int64_t channels) {
  if (auto reshape = v.getDefiningOp<ReshapeOp>()) {
    auto values = constantF32(reshape.getInput());
    if (values && static_cast<int64_t>(values->size()) == channels &&
        broadcastsPerChannel(cast<RankedTensorType>(v.getType()).getShape(), rank, channels))
      return values;
  }
  return perChannel(v, rank, channels);
}

Value f32Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(type, values));
}

/// Takes `shift` (expected accumulator change per output channel) back
/// where the accumulator becomes float: the bias of to_float -> mul -> add
/// becomes b - s x shift, else an add of -shift follows the to_float. An
/// accumulator used other than by one to_float is left as it is.
void compensate(Operation *conv, ArrayRef<double> shift) {
  if (!conv->hasOneUse() || llvm::all_of(shift, [](double d) { return d == 0; }))
    return;
  auto toFloat = dyn_cast<ToFloatOp>(*conv->user_begin());
  if (!toFloat)
    return;
  auto type = toFloat.getOutput().getType();
  const int64_t rank = type.getRank(), channels = type.getDimSize(1);
  SmallVector<int64_t> channelShape(rank - 1, 1);
  channelShape[0] = channels;
  OpBuilder b(conv->getContext());
  if (toFloat->hasOneUse())
    if (auto mul = dyn_cast<MulOp>(*toFloat->user_begin()); mul && mul->hasOneUse() && mul.getLhs() == toFloat)
      if (auto add = dyn_cast<AddOp>(*mul->user_begin()); add && add.getLhs() == mul)
        if (auto scale = perChannel(mul.getRhs(), rank, channels))
          if (auto bias = channelConstant(add.getRhs(), rank, channels)) {
            SmallVector<float> corrected;
            for (int64_t c = 0; c < channels; ++c)
              corrected.push_back(static_cast<float>((*bias)[c] - (*scale)[c] * shift[c]));
            b.setInsertionPoint(add);
            add.getRhsMutable().assign(f32Constant(b, add.getLoc(), channelShape, corrected));
            return;
          }
  SmallVector<float> negated;
  for (double d : shift)
    negated.push_back(static_cast<float>(-d));
  b.setInsertionPointAfter(toFloat);
  auto add = b.create<AddOp>(toFloat.getLoc(), toFloat.getOutput(),
                             f32Constant(b, toFloat.getLoc(), channelShape, negated));
  toFloat.getOutput().replaceAllUsesExcept(add, add);
}

struct ClusterKernelsPass : qnnc::impl::ClusterKernelsBase<ClusterKernelsPass> {
  using ClusterKernelsBase::ClusterKernelsBase;

  void runOnOperation() override {
    WalkResult walked = getOperation().walk([&](Operation *op) {
      DenseElementsAttr weights = sequenceWeights(op);
      if (!weights)
        return WalkResult::advance();
      int64_t kept = keep;
      if (auto attr = op->getAttrOfType<IntegerAttr>(kClusterKeepAttr)) {
        kept = attr.getInt();
        op->removeAttr(kClusterKeepAttr);
      }
      auto means = op->getAttrOfType<DenseF32ArrayAttr>(kTapMeansAttr);
      auto moments = op->getAttrOfType<DenseF32ArrayAttr>(kTapMomentsAttr);
      op->removeAttr(kTapMeansAttr);
      op->removeAttr(kTapMomentsAttr);
      if (kept == 0)
        return WalkResult::advance();
      if (kept < 0) {
        op->emitError("qnn-cluster-kernels: keep must not be negative, got ") << kept;
        return WalkResult::interrupt();
      }
      TapStatistics statistics;
      if (means || moments) {
        auto shape = weights.getType().getShape();
        const int64_t channels = cast<ShapedType>(op->getOperand(0).getType()).getShape()[1];
        const int64_t taps = shape[2] * shape[3];
        auto serial = dyn_cast<BitserialConv2DOp>(op);
        const int64_t n = channels * taps;
        if (!(isa<BinaryConv2DOp>(op) || (serial && !serial.getWeightOffsets())) || !means || !moments ||
            static_cast<int64_t>(means.size()) != n ||
            (static_cast<int64_t>(moments.size()) != n * taps && static_cast<int64_t>(moments.size()) != n * n)) {
          op->emitError("qnn-cluster-kernels: ")
              << kTapMeansAttr << " and " << kTapMomentsAttr
              << " go together on a qnn.binary_conv2d (or a qnn.bitserial_conv2d without weight offsets), with [C][T] "
                 "means and [C][T][T] or [C T][C T] moments ("
              << channels << " channels, " << taps << " taps)";
          return WalkResult::interrupt();
        }
        statistics = {means.asArrayRef(), moments.asArrayRef()};
      }
      const int64_t group = op->getAttrOfType<IntegerAttr>("group").getInt();
      ClusteredKernels clustered = clusterKernels(weights, kept, group, statistics);
      op->setAttr("weight", clustered.weights);
      compensate(op, clustered.accumulatorShift);
      return WalkResult::advance();
    });
    if (walked.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
