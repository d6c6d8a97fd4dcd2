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

/// Codes of up to kHuffmanLookupBits bits decode by one table lookup.
constexpr int kHuffmanLookupBits = 10;
constexpr index_t kHuffmanLookupEntries = index_t(1) << kHuffmanLookupBits;

/// Fills `lookup` (kHuffmanLookupEntries entries): for every
/// kHuffmanLookupBits-bit window, symbol << 8 | length of the codeword it
/// starts with, or 0 where that codeword is longer.
inline void huffman_lookup_table(const HuffmanTable &table, std::uint32_t *lookup) {
  for (index_t i = 0; i < kHuffmanLookupEntries; ++i)
    lookup[i] = 0;
  std::uint32_t code = 0, index = 0;
  for (int length = 1; length <= kHuffmanLookupBits; ++length) {
    for (std::uint32_t k = 0; k < table.counts[length]; ++k, ++code, ++index) {
      const std::uint32_t first = code << (kHuffmanLookupBits - length), span = 1u << (kHuffmanLookupBits - length);
      for (std::uint32_t e = 0; e < span; ++e)
        lookup[first + e] = std::uint32_t(table.symbols[index]) << 8 | std::uint32_t(length);
    }
    code <<= 1;
  }
}

/// Reads a stream front to back through a 64-bit buffer whose top bits
/// are the next codeword: codes of up to kHuffmanLookupBits bits decode by
/// one lookup and one shift (the loop-carried chain is the lookup's load),
/// longer ones bit by bit from the buffer. The stream must hold one word
/// after its last bit (the encoder's padding): a refill may read it.
class HuffmanReader {
public:
  HuffmanReader(const std::uint32_t *stream, const HuffmanTable &table, const std::uint32_t *lookup)
      : stream_(stream), table_(table), lookup_(lookup) {}

  std::uint16_t next() {
    if (bits_ < 32) { // a refill keeps at least 32 bits: any codeword
      buffer_ |= std::uint64_t(stream_[word_++]) << (32 - bits_);
      bits_ += 32;
    }
    const std::uint32_t entry = lookup_[buffer_ >> (64 - kHuffmanLookupBits)];
    if (entry != 0) {
      consume(static_cast<int>(entry & 0xff));
      return static_cast<std::uint16_t>(entry >> 8);
    }
    std::int32_t code = 0, first = 0, index = 0;
    for (int length = 1; length <= kMaxHuffmanLength; ++length) {
      code |= static_cast<std::int32_t>((buffer_ >> (64 - length)) & 1u);
      const std::int32_t n = table_.counts[length];
      if (code - first < n) {
        consume(length);
        return table_.symbols[index + code - first];
      }
      index += n;
      first = (first + n) << 1;
      code <<= 1;
    }
    return 0; // not a codeword of the table: the encoder never writes one
  }

  /// Bits read so far.
  std::uint64_t position() const { return std::uint64_t(word_) * 32 - static_cast<std::uint64_t>(bits_); }

private:
  void consume(int length) {
    buffer_ <<= length;
    bits_ -= length;
  }

  const std::uint32_t *stream_;
  HuffmanTable table_;
  const std::uint32_t *lookup_;
  std::uint64_t buffer_ = 0;
  int bits_ = 0;
  index_t word_ = 0;
};

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
