// The bit sequences of binary convolution kernels (Silfa et al., "Exploiting
// kernel compression on BNNs"): a 3x3 kernel slice of one output and one
// input channel is one of 512 9-bit patterns, and a few dominate. What
// Huffman coding and kernel clustering work on, and what the compile report
// shows per binary layer.
#ifndef QNNC_PASSES_KERNELSEQUENCES_H
#define QNNC_PASSES_KERNELSEQUENCES_H

#include "mlir/IR/BuiltinAttributes.h"

#include <cstdint>
#include <vector>

namespace qnnc {

/// A binary layer's weights (i1 [O, Cg, KH, KW], true = -1) as symbols:
/// one per (o, c) slice when KH x KW <= 16 (bit kh * KW + kw is tap (kh,
/// kw): 3x3 gives 9-bit symbols), else one per kernel row of up to 16 taps.
struct KernelSequences {
  int bitsPerSymbol = 0;
  std::vector<std::uint16_t> symbols; // in (o, c, row) order
};
KernelSequences kernelSequences(mlir::DenseElementsAttr weights);

/// How often each of the 2^bitsPerSymbol sequences occurs.
std::vector<std::uint64_t> sequenceCounts(const KernelSequences &sequences);

/// What a layer's sequences allow: the histogram, the entropy bound and
/// what a canonical Huffman code limited to 16 bits reaches.
struct SequenceStatistics {
  int bitsPerSymbol = 0;
  int64_t symbols = 0, unique = 0;
  double entropyBits = 0;  // per symbol: the lossless bound
  double huffmanBits = 0;  // per symbol, length-limited canonical Huffman
  struct Entry {
    std::uint16_t symbol;
    std::uint64_t count;
    int codeLength; // in that Huffman code
  };
  std::vector<Entry> histogram; // by count, descending (ties: symbol)
};
SequenceStatistics sequenceStatistics(const KernelSequences &sequences);

} // namespace qnnc

#endif
