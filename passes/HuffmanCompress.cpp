// qnn-huffman-compress: the i1 weights of binary convolutions as a
// canonical Huffman code of their kernel sequences, where that is smaller
// than the packed words.
#include "passes/KernelSequences.h"
#include "passes/Passes.h"

#include "mlir/IR/Builders.h"

namespace qnnc {
#define GEN_PASS_DEF_HUFFMANCOMPRESS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

DenseIntElementsAttr unsignedArray(Builder &b, ArrayRef<uint16_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, b.getIntegerType(16, false));
  return cast<DenseIntElementsAttr>(DenseElementsAttr::get(type, values));
}

/// The Huffman-coded form of `weights`, or null when it would not be
/// smaller than the packed words (stream, counts and symbols together).
HuffmanBinaryWeightsAttr compress(Builder &b, DenseElementsAttr weights) {
  HuffmanKernels coded = huffmanKernels(kernelSequences(weights));
  auto k = weights.getType().getShape();
  if (coded.bytes >= packedKernelBytes(k))
    return {};
  return HuffmanBinaryWeightsAttr::get(b.getContext(), k, unsignedArray(b, coded.stream),
                                       unsignedArray(b, coded.code.counts), unsignedArray(b, coded.code.symbols));
}

struct HuffmanCompressPass : qnnc::impl::HuffmanCompressBase<HuffmanCompressPass> {
  void runOnOperation() override {
    Builder b(&getContext());
    getOperation().walk([&](Operation *op) {
      if (DenseElementsAttr weights = sequenceWeights(op))
        if (auto coded = compress(b, weights))
          op->setAttr("weight", coded);
    });
  }
};

} // namespace
