#include "passes/KernelSequences.h"

#include "passes/HuffmanCode.h"
#include "qnn_runtime/binary_kernels.h"

#include <algorithm>
#include <cmath>

namespace qnnc {

KernelSequences kernelSequences(mlir::DenseElementsAttr weights) {
  auto shape = weights.getType().getShape();
  const int64_t O = shape[0], Cg = shape[1], KH = shape[2], KW = shape[3];
  KernelSequences result;
  result.bitsPerSymbol = qnn_rt::binary_sequence_taps(KH, KW);
  auto values = weights.getValues<bool>();
  for (int64_t o = 0; o < O; ++o)
    for (int64_t c = 0; c < Cg; ++c) {
      const int64_t slice = (o * Cg + c) * KH * KW;
      for (int64_t start = 0; start < KH * KW; start += result.bitsPerSymbol) {
        std::uint16_t symbol = 0;
        for (int b = 0; b < result.bitsPerSymbol && start + b < KH * KW; ++b)
          symbol |= static_cast<std::uint16_t>(values[slice + start + b]) << b;
        result.symbols.push_back(symbol);
      }
    }
  return result;
}

std::vector<std::uint64_t> sequenceCounts(const KernelSequences &sequences) {
  std::vector<std::uint64_t> counts(std::size_t(1) << sequences.bitsPerSymbol, 0);
  for (std::uint16_t symbol : sequences.symbols)
    ++counts[symbol];
  return counts;
}

SequenceStatistics sequenceStatistics(const KernelSequences &sequences) {
  SequenceStatistics s;
  s.bitsPerSymbol = sequences.bitsPerSymbol;
  s.symbols = static_cast<int64_t>(sequences.symbols.size());
  std::vector<std::uint64_t> counts = sequenceCounts(sequences);
  std::vector<std::uint8_t> lengths = huffmanLengths(counts, qnn_rt::kMaxHuffmanLength);
  double coded = 0;
  for (std::size_t symbol = 0; symbol < counts.size(); ++symbol) {
    if (counts[symbol] == 0)
      continue;
    ++s.unique;
    const double p = static_cast<double>(counts[symbol]) / static_cast<double>(s.symbols);
    s.entropyBits -= p * std::log2(p);
    coded += static_cast<double>(counts[symbol]) * lengths[symbol];
    s.histogram.push_back({static_cast<std::uint16_t>(symbol), counts[symbol], lengths[symbol]});
  }
  s.huffmanBits = s.symbols ? coded / static_cast<double>(s.symbols) : 0;
  std::stable_sort(s.histogram.begin(), s.histogram.end(),
                   [](const auto &a, const auto &b) { return a.count > b.count; });
  return s;
}

} // namespace qnnc
