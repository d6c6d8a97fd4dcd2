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
// in each of lanes [0, first) and [64, 64 + second). Each lane keeps a
// 32-bit buffer whose top bits are its next codeword; before a step's
// lookup, every active lane holding fewer bits than the longest codeword
// appends the next 16-bit chunk of the stream, in lane order. The encoder (qnnc's huffmanEncodeLanes)
// writes the chunks in exactly that order, so the stream is one array and
// no lane needs an offset table; it leaves out trailing zero chunks (mostly
// the padding lanes take after their last codeword): reads past the end
// give 0.
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
/// Interleaved streams: two sets of 64 (a kernel's: one per input channel
/// of a 64-channel word, for two output channels). Fewer leave the decoder
/// waiting on its chains: 64 lanes decode at 0.30 ns per symbol, 128 at
/// 0.20, 256 at 0.17 (AVX-512, Zen 5).
constexpr int kHuffmanLaneSet = 64;
constexpr int kHuffmanLanes = 2 * kHuffmanLaneSet;

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

/// Codes of at most this many bits decode from a table held in vector
/// registers (AVX-512: 256 entries in 8 registers, 4 permutes) instead of
/// gathered from memory, about twice as fast: qnnc limits a layer's code to
/// it where that costs little (KernelSequences).
constexpr int kRegisterHuffmanLength = 8;

/// Decodes a lane-interleaved stream step by step (see the file comment).
class HuffmanLanes {
public:
  static constexpr int kGroups = kHuffmanLanes / 16; // vectors of 16 lanes

  HuffmanLanes(const std::uint16_t *stream, index_t chunks, const std::uint16_t *lookup, int longest)
      : stream_(stream), chunks_(chunks), lookup_(lookup), longest_(longest) {
#ifdef QNN_RT_HUFFMAN_AVX512
    for (int g = 0; g < kGroups; ++g)
      buffer_[g] = bits_[g] = _mm512_setzero_si512();
    if (longest_ <= kRegisterHuffmanLength) {
      // The lookup widened to windows of tableBits_ (6 to 8) bits: entry i
      // is the codeword's that the top `longest` bits of i start.
      tableBits_ = longest_ < 6 ? 6 : longest_;
      alignas(64) std::uint16_t wide[256] = {};
      for (int i = 0; i < (1 << tableBits_); ++i)
        wide[i] = lookup_[i >> (tableBits_ - longest_)];
      for (int k = 0; k < 8; ++k)
        table_[k] = _mm512_load_si512(wide + 32 * k);
    }
#else
    for (int l = 0; l < kHuffmanLanes; ++l)
      buffer_[l] = bits_[l] = 0;
#endif
  }

#ifdef QNN_RT_HUFFMAN_AVX512
  /// One step over lanes [0, first) and [64, 64 + second): the symbol of
  /// lane 16 g + i in bits 0-11 of dword i of symbols[g] (0 for the other
  /// lanes; the bits above are not defined). The groups go stage by stage,
  /// so that their independent chains overlap. Zero-masked intrinsics where
  /// GCC 12's unmasked forms start from an undefined vector (-Wuninitialized
  /// in its header, as in binary_kernels.h).
  void step(index_t first, index_t second, __m512i (&symbols)[kGroups]) {
    const __m512i sixteen = _mm512_set1_epi32(16), longest = _mm512_set1_epi32(longest_);
    __mmask16 lanes[kGroups], need[kGroups];
    for (int g = 0; g < kGroups; ++g) {
      const index_t active = g < kGroups / 2 ? first : second, lane = 16 * (g % (kGroups / 2));
      lanes[g] = active - lane >= 16 ? __mmask16(0xffff)
                 : active > lane     ? __mmask16((1u << (active - lane)) - 1)
                                     : __mmask16(0);
      need[g] = _mm512_mask_cmplt_epi32_mask(lanes[g], bits_[g], longest);
    }
    // The next popcount(need) chunks go to the needing lanes in order.
    for (int g = 0; g < kGroups; ++g) {
      const int taken = __builtin_popcount(need[g]);
      const index_t left = chunks_ - read_ > 0 ? chunks_ - read_ : 0;
      const index_t present = left < taken ? left : taken; // past the end: 0
      const __m512i loaded = _mm512_maskz_cvtepu16_epi32(
          0xffff, _mm256_maskz_loadu_epi16(__mmask16((1u << present) - 1), stream_ + (present ? read_ : 0)));
      read_ += taken;
      const __m512i chunk = _mm512_maskz_expand_epi32(need[g], loaded);
      buffer_[g] = _mm512_or_si512(buffer_[g],
                                   _mm512_maskz_sllv_epi32(0xffff, chunk, _mm512_sub_epi32(sixteen, bits_[g])));
      bits_[g] = _mm512_mask_add_epi32(bits_[g], need[g], bits_[g], sixteen);
    }
    __m512i entry[kGroups];
    switch (tableBits_) {
    case 6:
      for (int g = 0; g < kGroups; ++g)
        entry[g] = registerLookup<6>(buffer_[g], lanes[g]);
      break;
    case 7:
      for (int g = 0; g < kGroups; ++g)
        entry[g] = registerLookup<7>(buffer_[g], lanes[g]);
      break;
    case 8:
      for (int g = 0; g < kGroups; ++g)
        entry[g] = registerLookup<8>(buffer_[g], lanes[g]);
      break;
    default: {
      const __m128i window = _mm_cvtsi32_si128(32 - longest_);
      for (int g = 0; g < kGroups; ++g)
        entry[g] = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), lanes[g],
                                               _mm512_maskz_srl_epi32(lanes[g], buffer_[g], window), lookup_, 2);
    }
    }
    for (int g = 0; g < kGroups; ++g) {
      const __m512i length = _mm512_and_si512(entry[g], _mm512_set1_epi32(15));
      buffer_[g] = _mm512_maskz_sllv_epi32(0xffff, buffer_[g], length);
      bits_[g] = _mm512_sub_epi32(bits_[g], length);
      symbols[g] = _mm512_maskz_srli_epi32(0xffff, entry[g], 4);
    }
  }
#endif

  /// One symbol for each of lanes [0, first) and [64, 64 + second) into
  /// symbols[lane] (kHuffmanLanes entries); the other lanes receive 0.
  void step(index_t first, index_t second, std::uint16_t *symbols) {
#ifdef QNN_RT_HUFFMAN_AVX512
    __m512i vectors[kGroups];
    step(first, second, vectors);
    for (int g = 0; g < kGroups; ++g)
      _mm256_storeu_si256(reinterpret_cast<__m256i *>(symbols + 16 * g),
                          _mm512_maskz_cvtepi32_epi16(0xffff, _mm512_and_si512(vectors[g], _mm512_set1_epi32(0xfff))));
#else
    for (index_t l = 0; l < kHuffmanLanes; ++l) {
      symbols[l] = 0;
      if (l % kHuffmanLaneSet >= (l < kHuffmanLaneSet ? first : second))
        continue;
      if (bits_[l] < longest_) {
        buffer_[l] |= std::uint32_t(read_ < chunks_ ? stream_[read_] : 0) << (16 - bits_[l]);
        ++read_;
        bits_[l] += 16;
      }
      const std::uint16_t entry = lookup_[buffer_[l] >> (32 - longest_)];
      symbols[l] = static_cast<std::uint16_t>(entry >> 4);
      buffer_[l] <<= entry & 15;
      bits_[l] -= entry & 15;
    }
#endif
  }

  /// The chunks read so far (those past the stream's end read as 0).
  index_t read() const { return read_; }

private:
#ifdef QNN_RT_HUFFMAN_AVX512
  /// The entries of the next codewords from the table in registers: a
  /// 64-entry permute per 6 bits of window, bits 6 and 7 picking among them.
  template <int kTableBits>
  __m512i registerLookup(__m512i buffer, __mmask16 lanes) const {
    const __m512i index = _mm512_maskz_srli_epi32(0xffff, buffer, 32 - kTableBits);
    auto permute = [&](int k) {
      return _mm512_maskz_permutex2var_epi16(~0u, table_[2 * k], index, table_[2 * k + 1]);
    };
    __m512i entry = permute(0);
    if (kTableBits >= 7) {
      const __mmask16 bit6 = _mm512_test_epi32_mask(index, _mm512_set1_epi32(64));
      entry = _mm512_mask_mov_epi32(entry, bit6, permute(1));
      if (kTableBits == 8) {
        const __m512i upper = _mm512_mask_mov_epi32(permute(2), bit6, permute(3));
        entry = _mm512_mask_mov_epi32(entry, _mm512_test_epi32_mask(index, _mm512_set1_epi32(128)), upper);
      }
    }
    return _mm512_maskz_mov_epi32(lanes, entry);
  }
#endif

  const std::uint16_t *stream_;
  index_t chunks_, read_ = 0;
  const std::uint16_t *lookup_;
  int longest_;
#ifdef QNN_RT_HUFFMAN_AVX512
  int tableBits_ = 0; // 6 to 8: the table in registers; 0: gathered lookups
  __m512i buffer_[kGroups], bits_[kGroups], table_[8];
#else
  std::uint32_t buffer_[kHuffmanLanes];
  int bits_[kHuffmanLanes];
#endif
};

} // namespace qnn_rt

#endif
