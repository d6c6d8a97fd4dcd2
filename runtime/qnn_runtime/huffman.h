// Canonical Huffman decoding for compressed weights. A code is given by the
// number of codewords of each length and the symbols in canonical order
// (by length, then symbol value); codewords of one length are consecutive
// integers, so no tree is stored. The stream is uint32 words read most
// significant bit first.
#ifndef QNN_RUNTIME_HUFFMAN_H
#define QNN_RUNTIME_HUFFMAN_H

#include "qnn_runtime/common.h"

namespace qnn_rt {

/// Longest codeword the encoder writes (qnnc limits its codes to it).
constexpr int kMaxHuffmanLength = 16;

struct HuffmanTable {
  const std::uint16_t *counts;  // counts[L]: codewords of length L, L = 0 .. kMaxHuffmanLength (counts[0] = 0)
  const std::uint16_t *symbols; // the coded symbols in canonical order
};

/// Decodes one symbol of `stream` at bit `position` and advances it.
/// Canonical decoding: the codeword read so far, minus the first codeword
/// of its length, indexes that length's symbols once it is below their
/// count.
inline std::uint16_t huffman_decode_one(const std::uint32_t *stream, std::uint64_t &position,
                                        const HuffmanTable &table) {
  std::int32_t code = 0, first = 0, index = 0;
  for (int length = 1; length <= kMaxHuffmanLength; ++length) {
    code |= static_cast<std::int32_t>((stream[position >> 5] >> (31 - (position & 31))) & 1u);
    ++position;
    const std::int32_t n = table.counts[length];
    if (code - first < n)
      return table.symbols[index + code - first];
    index += n;
    first = (first + n) << 1;
    code <<= 1;
  }
  return 0; // not a codeword of the table: the encoder never writes one
}

/// Decodes `count` symbols of `stream` from bit `position` into `out`;
/// returns the position after the last.
inline std::uint64_t huffman_decode(const std::uint32_t *stream, std::uint64_t position, const HuffmanTable &table,
                                    std::uint16_t *out, index_t count) {
  for (index_t i = 0; i < count; ++i)
    out[i] = huffman_decode_one(stream, position, table);
  return position;
}

} // namespace qnn_rt

#endif
