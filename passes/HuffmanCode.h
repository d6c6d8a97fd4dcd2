// Building canonical, length-limited Huffman codes and encoding with them:
// the compiler side of qnn_rt::huffman_decode (runtime/qnn_runtime/
// huffman.h). Plain C++, no MLIR: the unit tests link it alone.
#ifndef QNNC_PASSES_HUFFMANCODE_H
#define QNNC_PASSES_HUFFMANCODE_H

#include <cstdint>
#include <vector>

namespace qnnc {

/// Optimal codeword lengths for symbols 0 .. counts.size() - 1 with no
/// codeword longer than `maxLength` (package-merge: the least total coded
/// bits among all length-limited prefix codes). Unused symbols get length
/// 0; a single used symbol gets length 1. Needs 2^maxLength >= the number
/// of used symbols.
std::vector<std::uint8_t> huffmanLengths(const std::vector<std::uint64_t> &counts, int maxLength);

/// A canonical code for codeword lengths: codes of one length are
/// consecutive, shorter lengths first, symbols ascending within a length.
struct CanonicalCode {
  std::vector<std::uint8_t> lengths;  // per symbol (0: no codeword)
  std::vector<std::uint32_t> codes;   // per symbol
  std::vector<std::uint16_t> counts;  // per length 0 .. maxLength (the decoder's table)
  std::vector<std::uint16_t> symbols; // in canonical order (the decoder's table)
};
CanonicalCode canonicalCode(const std::vector<std::uint8_t> &lengths, int maxLength);

/// `symbols` coded into uint32 words, most significant bit first (the
/// decoder's order), the last word zero-padded and one zero word after it
/// (qnn_rt::HuffmanReader may read one word past the last bit); `bits`
/// receives the length.
std::vector<std::uint32_t> huffmanEncode(const std::vector<std::uint16_t> &symbols, const CanonicalCode &code,
                                         std::uint64_t &bits);

} // namespace qnnc

#endif
