// Building canonical, length-limited Huffman codes and encoding with them:
// the compiler side of qnn_rt::HuffmanLanes (runtime/qnn_runtime/
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

/// `symbols` coded for qnn_rt::HuffmanLanes (runtime/qnn_runtime/huffman.h):
/// the symbols in decoding order, step i giving one to each of the lanes
/// steps[i] lists (ascending); returns the 16-bit chunks in the order the
/// decoder reads them (each lane's codewords, most significant bit first,
/// its last chunk zero-padded; a lane that asks for a chunk past its end
/// gets 0), trailing zero chunks left out but for the first.
std::vector<std::uint16_t> huffmanEncodeLanes(const std::vector<std::uint16_t> &symbols,
                                              const std::vector<std::vector<int>> &steps, const CanonicalCode &code);

} // namespace qnnc

#endif
