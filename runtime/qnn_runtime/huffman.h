// Canonical Huffman decoding for compressed weights. A code is given by the
// number of codewords of each length and the symbols in canonical order
// (by length, then symbol value); codewords of one length are consecutive
// integers, so no tree is stored.
//
// The stream is kHuffmanLanes independent bit streams interleaved so that
// they decode side by side: one stream's codewords form a chain in which
// each lookup waits for the previous one's length, which is what bounds a
// single-stream decoder (about 3 ns per codeword); lanes make the chains
// independent, scalar or 16 to a vector. A decoder step decodes one symbol
// in each of lanes [0, active). Each lane keeps a 32-bit buffer whose top
// bits are its next codeword; before a step's lookup, every active lane
// holding fewer bits than the longest codeword appends the next 16-bit chunk
// of the stream, in lane order. The encoder (qnnc's huffmanEncodeLanes)
// writes the chunks in exactly that order, so the stream is one array and
// no lane needs an offset table.
#ifndef QNN_RUNTIME_HUFFMAN_H
#define QNN_RUNTIME_HUFFMAN_H

#include "qnn_runtime/common.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VPOPCNTDQ__)
#include <immintrin.h>
#define QNN_RT_HUFFMAN_AVX512 1
#endif

namespace qnn_rt {

/// Longest codeword the encoder writes (qnnc limits its codes to it): every
/// codeword then decodes by one lookup in a table of 2^12 entries.
constexpr int kMaxHuffmanLength = 12;
/// Interleaved streams (one per input channel of a 64-channel word).
constexpr int kHuffmanLanes = 64;

struct HuffmanTable {
  const std::uint16_t *counts;  // counts[L]: codewords of length L, L = 0 .. kMaxHuffmanLength (counts[0] = 0)
  const std::uint16_t *symbols; // the coded symbols in canonical order
};

/// Lookup entries: 2^longest windows, plus one that 4-byte gathers may read.
constexpr index_t kHuffmanLookupEntries = (index_t(1) << kMaxHuffmanLength) + 1;

/// Fills `lookup` (kHuffmanLookupEntries entries): for every window of
/// `longest` bits (the longest codeword's length, returned), symbol << 4 |
/// length of the codeword it starts with (0 for a window no codeword
/// starts: only a one-symbol code leaves one).
inline int huffman_lookup_table(const HuffmanTable &table, std::uint16_t *lookup) {
  int longest = 1;
  for (int length = 1; length <= kMaxHuffmanLength; ++length)
    if (table.counts[length] != 0)
      longest = length;
  for (index_t i = 0; i <= (index_t(1) << longest); ++i)
    lookup[i] = 0;
  std::uint32_t code = 0, index = 0;
  for (int length = 1; length <= longest; ++length) {
    for (std::uint32_t k = 0; k < table.counts[length]; ++k, ++code, ++index) {
      const std::uint32_t span = 1u << (longest - length);
      const auto entry = static_cast<std::uint16_t>(table.symbols[index] << 4 | length);
      for (std::uint32_t e = 0; e < span; ++e)
        lookup[code * span + e] = entry;
    }
    code <<= 1;
  }
  return longest;
}

/// Decodes a lane-interleaved stream step by step (see the file comment).
class HuffmanLanes {
public:
  HuffmanLanes(const std::uint16_t *stream, const std::uint16_t *lookup, int longest)
      : stream_(stream), lookup_(lookup), longest_(longest) {
#ifdef QNN_RT_HUFFMAN_AVX512
    for (auto &b : buffer_)
      b = _mm512_setzero_si512();
    for (auto &b : bits_)
      b = _mm512_setzero_si512();
#else
    for (int l = 0; l < kHuffmanLanes; ++l)
      buffer_[l] = bits_[l] = 0;
#endif
  }

  /// One symbol for each of lanes [0, active) into symbols[0 .. active);
  /// symbols[active .. kHuffmanLanes) receive 0.
  void step(index_t active, std::uint16_t *symbols) {
#ifdef QNN_RT_HUFFMAN_AVX512
    // Zero-masked forms where GCC 12's unmasked ones start from an undefined
    // vector (-Wuninitialized in its header, as in binary_kernels.h).
    const __m512i sixteen = _mm512_set1_epi32(16), longest = _mm512_set1_epi32(longest_);
    const __m128i window = _mm_cvtsi32_si128(32 - longest_);
    // Lane i of `below`: the lanes before it, whose chunks come first.
    const __m512i below = _mm512_set_epi32(0x7fff, 0x3fff, 0x1fff, 0xfff, 0x7ff, 0x3ff, 0x1ff, 0xff, 0x7f, 0x3f,
                                           0x1f, 0xf, 0x7, 0x3, 0x1, 0x0);
    for (int g = 0; g < kHuffmanLanes / 16; ++g) {
      const index_t first = 16 * g;
      const __mmask16 lanes = active - first >= 16 ? __mmask16(0xffff)
                              : active > first     ? __mmask16((1u << (active - first)) - 1)
                                                   : __mmask16(0);
      const __mmask16 need = _mm512_mask_cmplt_epi32_mask(lanes, bits_[g], longest);
      // The next popcount(need) chunks go to the needing lanes in order (an
      // expand, made of a masked load and a permute by prefix counts).
      const int taken = __builtin_popcount(need);
      const __m512i loaded =
          _mm512_maskz_cvtepu16_epi32(0xffff, _mm256_maskz_loadu_epi16(__mmask16((1u << taken) - 1), stream_));
      const __m512i rank = _mm512_popcnt_epi32(_mm512_and_si512(_mm512_set1_epi32(need), below));
      const __m512i chunk = _mm512_maskz_permutexvar_epi32(0xffff, rank, loaded);
      stream_ += taken;
      buffer_[g] = _mm512_mask_or_epi32(buffer_[g], need, buffer_[g],
                                        _mm512_maskz_sllv_epi32(0xffff, chunk, _mm512_sub_epi32(sixteen, bits_[g])));
      bits_[g] = _mm512_mask_add_epi32(bits_[g], need, bits_[g], sixteen);
      const __m512i entry = _mm512_and_si512(
          _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes, _mm512_maskz_srl_epi32(lanes, buffer_[g], window), lookup_, 2),
          _mm512_set1_epi32(0xffff));
      const __m512i length = _mm512_and_si512(entry, _mm512_set1_epi32(15));
      buffer_[g] = _mm512_maskz_sllv_epi32(0xffff, buffer_[g], length);
      bits_[g] = _mm512_sub_epi32(bits_[g], length);
      _mm256_storeu_si256(reinterpret_cast<__m256i *>(symbols + first),
                          _mm512_maskz_cvtepi32_epi16(0xffff, _mm512_maskz_srli_epi32(0xffff, entry, 4)));
    }
#else
    for (index_t l = 0; l < active; ++l) {
      if (bits_[l] < longest_) {
        buffer_[l] |= std::uint32_t(*stream_++) << (16 - bits_[l]);
        bits_[l] += 16;
      }
      const std::uint16_t entry = lookup_[buffer_[l] >> (32 - longest_)];
      symbols[l] = static_cast<std::uint16_t>(entry >> 4);
      buffer_[l] <<= entry & 15;
      bits_[l] -= entry & 15;
    }
    for (index_t l = active; l < kHuffmanLanes; ++l)
      symbols[l] = 0;
#endif
  }

  /// The chunks read so far.
  const std::uint16_t *position() const { return stream_; }

private:
  const std::uint16_t *stream_;
  const std::uint16_t *lookup_;
  int longest_;
#ifdef QNN_RT_HUFFMAN_AVX512
  __m512i buffer_[kHuffmanLanes / 16], bits_[kHuffmanLanes / 16];
#else
  std::uint32_t buffer_[kHuffmanLanes];
  int bits_[kHuffmanLanes];
#endif
};

} // namespace qnn_rt

#endif
