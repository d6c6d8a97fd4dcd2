// qnn-cluster-kernels: each binary convolution keeps its most frequent
// kernel sequences and every other sequence becomes the nearest kept one,
// so a Huffman code of the layer needs fewer, shorter codewords.
#include "passes/KernelSequences.h"
#include "passes/Passes.h"

#include "qnn_runtime/binary_kernels.h"

#include "llvm/ADT/bit.h"

namespace qnnc {
#define GEN_PASS_DEF_CLUSTERKERNELS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// `weights` with each sequence outside the `keep` most frequent replaced by
/// the kept one nearest in Hamming distance (ties: the more frequent).
DenseElementsAttr cluster(DenseElementsAttr weights, int64_t keep) {
  KernelSequences sequences = kernelSequences(weights);
  SequenceStatistics stats = sequenceStatistics(sequences);
  if (static_cast<int64_t>(stats.histogram.size()) <= keep)
    return weights;
  std::vector<uint16_t> nearest(size_t(1) << sequences.bitsPerSymbol);
  for (const auto &entry : stats.histogram) {
    int best = -1;
    for (int64_t k = 0; k < keep; ++k) {
      const int distance = llvm::popcount(static_cast<unsigned>(entry.symbol ^ stats.histogram[k].symbol));
      if (best < 0 || distance < best) {
        best = distance;
        nearest[entry.symbol] = stats.histogram[k].symbol;
      }
    }
  }
  auto shape = weights.getType().getShape();
  const int64_t taps = shape[2] * shape[3], runs = qnn_rt::binary_sequence_runs(shape[2], shape[3]);
  SmallVector<bool> values(weights.getValues<bool>());
  for (size_t i = 0; i < sequences.symbols.size(); ++i) {
    const uint16_t replaced = nearest[sequences.symbols[i]];
    const int64_t slice = static_cast<int64_t>(i) / runs, first = (static_cast<int64_t>(i) % runs) * sequences.bitsPerSymbol;
    for (int b = 0; b < sequences.bitsPerSymbol && first + b < taps; ++b)
      values[slice * taps + first + b] = (replaced >> b) & 1;
  }
  return DenseElementsAttr::get(weights.getType(), ArrayRef<bool>(values));
}

struct ClusterKernelsPass : qnnc::impl::ClusterKernelsBase<ClusterKernelsPass> {
  using ClusterKernelsBase::ClusterKernelsBase;

  void runOnOperation() override {
    if (keep < 1) {
      getOperation().emitError("qnn-cluster-kernels: keep must be at least 1");
      return signalPassFailure();
    }
    getOperation().walk([&](Operation *op) {
      if (!isa<BinaryConv2DOp, BinaryConv2DSignOp, BinaryConv2DAffineOp>(op))
        return;
      auto weights = dyn_cast<DenseElementsAttr>(op->getAttr("weight"));
      if (weights && weights.getType().getRank() == 4)
        op->setAttr("weight", cluster(weights, keep));
    });
  }
};

} // namespace
