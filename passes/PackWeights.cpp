// qnn-pack-weights: i1 weights of binary and bit-serial ops -> the packed
// words the runtime kernels read, computed by the runtime's own packer.
#include "passes/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "qnn_runtime/binary_kernels.h"

namespace qnnc {
#define GEN_PASS_DEF_PACKWEIGHTS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// Packs the weights of one op kind; ops whose weights are packed already
/// do not match.
template <class WeightedOp>
struct PackOpWeights : OpRewritePattern<WeightedOp> {
  using OpRewritePattern<WeightedOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(WeightedOp op, PatternRewriter &rewriter) const override {
    auto elements = dyn_cast<DenseElementsAttr>(op.getWeight());
    if (!elements)
      return failure();
    auto shape = weightShape(op.getWeight());
    auto kernel = kernelShape(op.getWeight());
    int64_t planes = weightPlanes(op.getWeight()), o = kernel[0], cg = kernel[1];
    int64_t kh = kernel.size() == 4 ? kernel[2] : 1, kw = kernel.size() == 4 ? kernel[3] : 1;
    SmallVector<bool> negative(elements.template getValues<bool>());
    SmallVector<uint32_t> words(qnn_rt::binary_weight_halves(planes, o, kh, kw, cg));
    qnn_rt::pack_binary_weights(words.data(), planes, o, cg, kh, kw,
                                [&](int64_t m, int64_t oc, int64_t c, int64_t y, int64_t x) -> bool {
                                  return negative[(((m * o + oc) * cg + c) * kh + y) * kw + x];
                                });
    auto type = RankedTensorType::get({(int64_t)words.size()}, rewriter.getIntegerType(32, /*isSigned=*/false));
    auto packed = PackedBinaryWeightsAttr::get(
        rewriter.getContext(), shape, cast<DenseIntElementsAttr>(DenseElementsAttr::get(type, ArrayRef<uint32_t>(words))));
    rewriter.modifyOpInPlace(op, [&] { op.setWeightAttr(packed); });
    return success();
  }
};

struct PackWeightsPass : qnnc::impl::PackWeightsBase<PackWeightsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PackOpWeights<BinaryConv2DOp>, PackOpWeights<BinaryConv2DSignOp>, PackOpWeights<BinaryConv2DAffineOp>, PackOpWeights<BinaryDenseOp>,
                 PackOpWeights<BitserialConv2DOp>,
                 PackOpWeights<BitserialConv2DAffineOp>>(&getContext());
    if (failed(applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
