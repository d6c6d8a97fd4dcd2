// Binary (xnor/popcount) kernels. A binary tensor of logical shape
// [N, C, H, W] is stored as two bit planes, each [N][H][W][words_for(C)]
// 64-bit words: `sign` (bit 1 = -1) and `nonzero` (bit 0 = the value is 0,
// as ONNX Sign(0) = 0 gives). Unused high bits of the last word are 0 in
// both planes. Kernels take a binary tensor as one pointer to its sign
// plane and the plane stride in words: the nonzero plane starts at
// x + planeWords. Packed weights are uint32 pairs (low half first) so that
// generated code can spell them as plain C++ literals.
#ifndef QNN_RUNTIME_BINARY_KERNELS_H
#define QNN_RUNTIME_BINARY_KERNELS_H

#include "qnn_runtime/common.h"
#include "qnn_runtime/huffman.h"

#include <cstring>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#elif defined(__ARM_NEON)
#include <arm_neon.h>
#endif

namespace qnn_rt {

/// `nbits` (1..64) bits of a packed row starting at bit `bit`.
inline std::uint64_t load_bits(const std::uint64_t *row, index_t bit, index_t nbits) {
  const index_t word = bit >> 6, shift = bit & 63;
  std::uint64_t v = row[word] >> shift;
  if (shift != 0 && shift + nbits > 64)
    v |= row[word + 1] << (64 - shift);
  return nbits == 64 ? v : v & ((std::uint64_t(1) << nbits) - 1);
}

inline std::uint64_t load_weight_word(const std::uint32_t *w, index_t i) {
  return static_cast<std::uint64_t>(w[2 * i]) | static_cast<std::uint64_t>(w[2 * i + 1]) << 32;
}

/// The inverse of load_weight_word: one 64-bit store where that is the
/// halves' layout.
inline void store_weight_word(std::uint32_t *w, index_t i, std::uint64_t word) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  std::memcpy(w + 2 * i, &word, sizeof word);
#else
  w[2 * i] = static_cast<std::uint32_t>(word);
  w[2 * i + 1] = static_cast<std::uint32_t>(word >> 32);
#endif
}

/// Pixels per work unit of the packing kernels: a thread writes whole
/// pixels' words, reading kPackPixels contiguous values per channel.
constexpr index_t kPackPixels = 16;

/// Packs values in {-1, 0, +1} given by value(n, c, p) for an [N, C, HW]
/// tensor into the binary tensor y (sign plane, nonzero plane at
/// y + planeWords).
template <class Value>
inline void pack_ternary(std::uint64_t *y, index_t planeWords, index_t N, index_t C, index_t HW, Value value) {
  std::uint64_t *sign = y, *nonzero = y + planeWords;
  const index_t CW = words_for(C), blocks = (HW + kPackPixels - 1) / kPackPixels;
  QNN_RT_PARALLEL_FOR
  for (index_t nb = 0; nb < N * blocks; ++nb) {
    const index_t n = nb / blocks, p0 = nb % blocks * kPackPixels;
    const index_t p1 = HW - p0 < kPackPixels ? HW : p0 + kPackPixels;
    std::uint64_t *s = sign + n * HW * CW, *nz = nonzero + n * HW * CW;
    for (index_t i = p0 * CW; i < p1 * CW; ++i)
      s[i] = nz[i] = 0;
    for (index_t c = 0; c < C; ++c)
      for (index_t p = p0; p < p1; ++p) {
        const int v = value(n, c, p);
        s[p * CW + c / 64] |= static_cast<std::uint64_t>(v < 0) << (c % 64);
        nz[p * CW + c / 64] |= static_cast<std::uint64_t>(v != 0) << (c % 64);
      }
  }
}

#if defined(__AVX512F__) && defined(__AVX512BW__)
/// The low bytes of 64 16-bit values, 32 in `a` then 32 in `b`, as one
/// byte vector. Zero-masked intrinsics: GCC 12's unmasked forms start from
/// _mm512_undefined_epi32(), which trips -Wuninitialized in its header.
inline __m512i low_bytes_64(__m512i a, __m512i b) {
  const __m512i low = _mm512_maskz_inserti64x4(0xFF, _mm512_setzero_si512(), _mm512_maskz_cvtepi16_epi8(~0u, a), 0);
  return _mm512_maskz_inserti64x4(0xFF, low, _mm512_maskz_cvtepi16_epi8(~0u, b), 1);
}

/// Bit `bit` (0-7) of each of 64 bytes as one 64-bit word: shifted to the
/// top of every byte, movepi8_mask collects it.
inline std::uint64_t byte_bit_64(__m512i bytes, int bit) {
  return _cvtmask64_u64(_mm512_movepi8_mask(_mm512_sll_epi16(bytes, _mm_cvtsi32_si128(7 - bit))));
}

/// 64 channels' 16-pixel masks (bit p of masks[c]: pixel p) -> one 64-bit
/// word per pixel (bit c: channel c), at words[p * stride], from the masks'
/// low and high bytes.
inline void transpose_masks_64x16(const std::uint16_t masks[64], std::uint64_t *words, index_t stride) {
  const __m512i m0 = _mm512_loadu_si512(masks), m1 = _mm512_loadu_si512(masks + 32);
  const __m512i half[2] = {low_bytes_64(m0, m1), low_bytes_64(_mm512_srli_epi16(m0, 8), _mm512_srli_epi16(m1, 8))};
  for (int p = 0; p < 16; ++p)
    words[p * stride] = byte_bit_64(half[p / 8], p % 8);
}
#endif

/// The sign and nonzero words of channels [c0, c0 + 64) of one pixel of a
/// channels-last float tensor (its channels at x, all 64 present): bit c of
/// `negative` for x[c] < 0, of `nonzero` for x[c] != 0 (NaN counts as
/// positive and nonzero), from vector compares where the target has them.
inline void sign_word_channels_last(const float *x, std::uint64_t &negative, std::uint64_t &nonzero) {
#if defined(__AVX512F__)
  negative = nonzero = 0;
  for (int i = 0; i < 4; ++i) {
    const __m512 v = _mm512_loadu_ps(x + 16 * i), zero = _mm512_setzero_ps();
    negative |= static_cast<std::uint64_t>(_mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ)) << (16 * i);
    nonzero |= static_cast<std::uint64_t>(_mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ)) << (16 * i);
  }
#elif defined(__AVX2__)
  negative = nonzero = 0;
  for (int i = 0; i < 8; ++i) {
    const __m256 v = _mm256_loadu_ps(x + 8 * i), zero = _mm256_setzero_ps();
    negative |= static_cast<std::uint64_t>(_mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_LT_OQ))) << (8 * i);
    nonzero |= static_cast<std::uint64_t>(_mm256_movemask_ps(_mm256_cmp_ps(v, zero, _CMP_NEQ_UQ))) << (8 * i);
  }
#else
  negative = nonzero = 0;
  for (int c = 0; c < 64; ++c) {
    negative |= static_cast<std::uint64_t>(x[c] < 0.0f) << c;
    nonzero |= static_cast<std::uint64_t>(x[c] != 0.0f) << c;
  }
#endif
}

/// Packs ONNX Sign(x) of a float [N, C, HW] tensor (NaN counts as positive),
/// NCHW or, with `channelsLast`, NHWC. The bits come straight from the
/// comparisons, without a -1/0/+1 value in between, so the loop has no
/// data-dependent branches. Pixels go 16 at a time (threads take whole
/// blocks, whose words no other block touches). Channels-last: a word's 64
/// channels are contiguous, one vector compare per 16 (or 8) of them. NCHW:
/// with AVX-512BW, whole words of 64 channels through vector compares and a
/// bit transpose; the rest bit by bit.
inline void binarize_f32(const float *x, std::uint64_t *y, index_t planeWords, index_t N, index_t C, index_t HW,
                         bool channelsLast = false) {
  constexpr index_t kPixels = 16;
  std::uint64_t *sign = y, *nonzero = y + planeWords;
  const index_t CW = words_for(C), blocks = (HW + kPixels - 1) / kPixels;
  QNN_RT_PARALLEL_FOR
  for (index_t nb = 0; nb < N * blocks; ++nb) {
    const index_t n = nb / blocks, p0 = nb % blocks * kPixels, pixels = HW - p0 < kPixels ? HW - p0 : kPixels;
    std::uint64_t *s = sign + (n * HW + p0) * CW, *nz = nonzero + (n * HW + p0) * CW;
    if (channelsLast) {
      for (index_t q = 0; q < pixels; ++q) {
        const float *xp = x + (n * HW + p0 + q) * C;
        for (index_t cw = 0; cw < C / 64; ++cw)
          sign_word_channels_last(xp + 64 * cw, s[q * CW + cw], nz[q * CW + cw]);
        if (C % 64 != 0) {
          std::uint64_t negative = 0, nonzeros = 0;
          for (index_t c = C / 64 * 64; c < C; ++c) {
            negative |= static_cast<std::uint64_t>(xp[c] < 0.0f) << (c % 64);
            nonzeros |= static_cast<std::uint64_t>(xp[c] != 0.0f) << (c % 64);
          }
          s[q * CW + C / 64] = negative;
          nz[q * CW + C / 64] = nonzeros;
        }
      }
      continue;
    }
    for (index_t i = 0; i < pixels * CW; ++i)
      s[i] = nz[i] = 0;
    index_t vectorC = 0; // channels the vector code covers
#if defined(__AVX512F__) && defined(__AVX512BW__)
    if (pixels == kPixels) {
      vectorC = C / 64 * 64;
      const __m512 zero = _mm512_setzero_ps();
      for (index_t cw = 0; cw < vectorC / 64; ++cw) {
        alignas(64) std::uint16_t negative[64], nonzeros[64];
        for (int c = 0; c < 64; ++c) {
          const __m512 v = _mm512_loadu_ps(x + (n * C + cw * 64 + c) * HW + p0);
          negative[c] = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
          nonzeros[c] = _mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ);
        }
        transpose_masks_64x16(negative, s + cw, CW);
        transpose_masks_64x16(nonzeros, nz + cw, CW);
      }
    }
#endif
    for (index_t c = vectorC; c < C; ++c) {
      const float *xc = x + (n * C + c) * HW + p0;
      const index_t word = c / 64, bit = c % 64;
      for (index_t p = 0; p < pixels; ++p) {
        s[p * CW + word] |= static_cast<std::uint64_t>(xc[p] < 0.0f) << bit;
        nz[p * CW + word] |= static_cast<std::uint64_t>(xc[p] != 0.0f) << bit;
      }
    }
  }
}

/// Whether every channel bit of a plane [pixels][words_for(C)] is set (bits
/// past C are clear in every packed plane): a nonzero plane without
/// Sign(0) zeros.
inline bool binary_plane_full(const std::uint64_t *plane, index_t pixels, index_t C) {
  const index_t CW = words_for(C);
  const std::uint64_t last = C % 64 ? (std::uint64_t(1) << (C % 64)) - 1 : ~std::uint64_t(0);
  for (index_t p = 0; p < pixels; ++p) {
    for (index_t cw = 0; cw + 1 < CW; ++cw)
      if (plane[p * CW + cw] != ~std::uint64_t(0))
        return false;
    if (plane[p * CW + CW - 1] != last)
      return false;
  }
  return true;
}

/// Words per weight row of binary_conv2d: [KH][KW][words_for(Cg)].
constexpr index_t binary_row_words(index_t KH, index_t KW, index_t Cg) { return KH * KW * words_for(Cg); }

/// Output channels interleaved in packed binary weights: word j of eight
/// consecutive output channels is contiguous, so one load gives a vector of
/// eight channels' weights for the same input word (broadcast to all lanes).
/// Accumulators then hold one output channel per lane: no horizontal sums.
constexpr index_t kBinaryLanes = 8;

/// Blocks of kBinaryLanes output channels (the last one zero-padded).
constexpr index_t binary_lane_blocks(index_t O) { return (O + kBinaryLanes - 1) / kBinaryLanes; }

/// uint32 halves of packed binary weights: `planes` sets (one for +-1
/// weights, m for the m weight planes of a bit-serial convolution) of
/// binary_lane_blocks(O) blocks of [binary_row_words][kBinaryLanes] words.
constexpr index_t binary_weight_halves(index_t planes, index_t O, index_t KH, index_t KW, index_t Cg) {
  return 2 * planes * binary_lane_blocks(O) * kBinaryLanes * binary_row_words(KH, KW, Cg);
}

/// The kernels' weight layout: negative(plane, o, c, kh, kw) says whether
/// weight [plane][o][c][kh][kw] is -1 (else +1); `w` receives
/// binary_weight_halves(planes, O, KH, KW, Cg) halves: for each plane and
/// block of kBinaryLanes output channels, word (kh * KW + kw) * words(Cg) +
/// c / 64 of each channel in the block, bit c % 64 set for -1.
template <class Negative>
inline void pack_binary_weights(std::uint32_t *w, index_t planes, index_t O, index_t Cg, index_t KH, index_t KW,
                                Negative negative) {
  const index_t GW = words_for(Cg), KP = binary_row_words(KH, KW, Cg), blocks = binary_lane_blocks(O);
  for (index_t i = 0; i < binary_weight_halves(planes, O, KH, KW, Cg); ++i)
    w[i] = 0;
  for (index_t m = 0; m < planes; ++m)
    for (index_t o = 0; o < O; ++o)
      for (index_t c = 0; c < Cg; ++c)
        for (index_t kh = 0; kh < KH; ++kh)
          for (index_t kw = 0; kw < KW; ++kw)
            if (negative(m, o, c, kh, kw)) {
              const index_t j = (kh * KW + kw) * GW + c / 64, bit = c % 64;
              const index_t word = ((m * blocks + o / kBinaryLanes) * KP + j) * kBinaryLanes + o % kBinaryLanes;
              w[2 * word + bit / 32] |= std::uint32_t(1) << (bit % 32);
            }
}

/// Taps per kernel sequence of a [O, Cg, KH, KW] binary kernel: the whole
/// KH x KW slice of one output and one input channel up to
/// kMaxHuffmanLength taps (3x3: 9), else runs of min(KW, kMaxHuffmanLength)
/// taps, so that every sequence has a codeword within the length limit
/// (qnnc's KernelSequences: the same).
constexpr int binary_sequence_taps(index_t KH, index_t KW) {
  return KH * KW <= kMaxHuffmanLength ? static_cast<int>(KH * KW)
                                      : static_cast<int>(KW < kMaxHuffmanLength ? KW : kMaxHuffmanLength);
}

/// Sequences per (o, c) kernel slice.
constexpr index_t binary_sequence_runs(index_t KH, index_t KW) {
  return (KH * KW + binary_sequence_taps(KH, KW) - 1) / binary_sequence_taps(KH, KW);
}

/// Scratch decode_binary_weights needs: the packed words, its lookup table
/// and one decoder step's symbols.
constexpr index_t decode_binary_weights_scratch_bytes(index_t O, index_t Cg, index_t KH, index_t KW) {
  return binary_weight_halves(1, O, KH, KW, Cg) * 4 + (kHuffmanLookupEntries + 1) / 2 * 4 + kHuffmanLanes * 2;
}

/// Huffman-coded binary weights (`chunks` stream chunks) -> the words
/// pack_binary_weights writes, at the start of `scratch`
/// (decode_binary_weights_scratch_bytes). One symbol per sequence (bit t is
/// tap t of its run, set where the weight is -1), lane-interleaved (huffman.h): lane 64 k + l carries output channels
/// o with o % 2 = k and input channels c with c % 64 = l, and one decoder
/// step gives the sequences of run r of the 64-channel word cw of output
/// channels 2 p and 2 p + 1 (if there is one), steps in (p, cw, r) order.
/// A step's symbols become one packed word per tap and output channel (a
/// bit transpose). Runs on one thread of a parallel region while the
/// others wait.
inline void decode_binary_weights(const std::uint16_t *stream, index_t chunks, const std::uint16_t *counts,
                                  const std::uint16_t *symbols, index_t O, index_t Cg, index_t KH, index_t KW,
                                  std::uint32_t *scratch) {
  static_assert(kHuffmanLaneSet == 64, "a lane set fills one 64-channel word per tap");
  QNN_RT_SERIAL {
    const int taps = binary_sequence_taps(KH, KW);
    const index_t runs = binary_sequence_runs(KH, KW), GW = words_for(Cg), KP = binary_row_words(KH, KW, Cg);
    const index_t halves = binary_weight_halves(1, O, KH, KW, Cg);
    std::uint32_t *w = scratch;
    auto *lookup = reinterpret_cast<std::uint16_t *>(scratch + halves);
#ifndef QNN_RT_HUFFMAN_AVX512
    auto *sequences = lookup + (kHuffmanLookupEntries + 1) / 2 * 2;
#endif
    const int longest = huffman_lookup_table(HuffmanTable{counts, symbols}, lookup);
    // The last block's lanes past O are never decoded: they stay 0.
    if (O % kBinaryLanes != 0)
      for (index_t i = (O / kBinaryLanes) * KP * kBinaryLanes * 2; i < halves; ++i)
        w[i] = 0;
    HuffmanLanes decoder(stream, chunks, lookup, longest);
#ifdef QNN_RT_HUFFMAN_AVX512
    const __m512i evenWords = _mm512_set_epi16(62, 60, 58, 56, 54, 52, 50, 48, 46, 44, 42, 40, 38, 36, 34, 32, 30, 28,
                                               26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
#endif
    for (index_t pair = 0; pair < O; pair += 2)
      for (index_t cw = 0; cw < GW; ++cw)
        for (index_t r = 0; r < runs; ++r) {
          const index_t channels = Cg - cw * 64 < 64 ? Cg - cw * 64 : 64, outputs = O - pair < 2 ? O - pair : 2;
#ifdef QNN_RT_HUFFMAN_AVX512
          __m512i step[HuffmanLanes::kGroups];
          decoder.step(channels, outputs == 2 ? channels : 0, step);
#else
          decoder.step(channels, outputs == 2 ? channels : 0, sequences);
#endif
          for (index_t k = 0; k < outputs; ++k) {
            const index_t o = pair + k;
#ifdef QNN_RT_HUFFMAN_AVX512
            // The set's 64 symbols as bytes (bits 0-7, then 8-11); tap b is
            // bit b % 8 of every byte of plane b / 8.
            const __m512i lo = _mm512_maskz_permutex2var_epi16(~0u, step[4 * k], evenWords, step[4 * k + 1]);
            const __m512i hi = _mm512_maskz_permutex2var_epi16(~0u, step[4 * k + 2], evenWords, step[4 * k + 3]);
            const __m512i plane[2] = {low_bytes_64(lo, hi), taps > 8 ? low_bytes_64(_mm512_maskz_srli_epi16(~0u, lo, 8),
                                                                                    _mm512_maskz_srli_epi16(~0u, hi, 8))
                                                                     : _mm512_setzero_si512()};
#endif
            for (int b = 0; b < taps && r * taps + b < KH * KW; ++b) {
#ifdef QNN_RT_HUFFMAN_AVX512
              const std::uint64_t word = byte_bit_64(plane[b / 8], b % 8);
#else
              std::uint64_t word = 0;
              for (index_t c = 0; c < 64; ++c)
                word |= std::uint64_t((sequences[64 * k + c] >> b) & 1u) << c;
#endif
              const index_t j = (r * taps + b) * GW + cw;
              store_weight_word(w, ((o / kBinaryLanes) * KP + j) * kBinaryLanes + o % kBinaryLanes, word);
            }
          }
        }
  }
}

/// Bit-serial weights: an odd integer n with |n| <= 2^planes - 1 is
/// sum_i 2^i b_i with b_i = +-1; b_i is -1 exactly where bit i of
/// (n + 2^planes - 1) / 2 is 0.
constexpr bool weight_plane_negative(std::int64_t n, int plane, int planes) {
  return ((((n + (std::int64_t(1) << planes) - 1) / 2) >> plane) & 1) == 0;
}

/// Register blocking of the binary convolution: kBinaryTile consecutive
/// output pixels of one row times kBinaryBlocks blocks of kBinaryLanes
/// output channels. AVX-512: 4 x 4 accumulators of 8 lanes (16 of the 32
/// registers); AVX2: 4 x 1 (two registers per block, 8 of 16).
constexpr int kBinaryTile = 4;
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
constexpr int kBinaryBlocks = 4;
#else
constexpr int kBinaryBlocks = 1;
#endif
constexpr int kBinaryBlockLanes = kBinaryBlocks * kBinaryLanes;

/// The input words of a window: taps [khLo, khHi) x [kwLo, kwHi) (those that
/// read the image; padding taps contribute 0 and are skipped), word `cw` of
/// tap (kh, kw) of a pixel whose top-left input word is at `base` being at
/// base + kh * rowStep + kw * colStep (+ the group's first word).
struct BinaryWindow {
  const std::uint64_t *sign, *nonzero;
  index_t khLo, khHi, kwLo, kwHi, KW, GW, rowStep, colStep;
  index_t firstBit, Cg; // the group's channels [firstBit, firstBit + Cg) of each pixel

  /// Word cw (64 channels) of one plane at tap offset `at`.
  template <bool Aligned>
  std::uint64_t word(const std::uint64_t *plane, index_t at, index_t cw) const {
    if (Aligned) // whole words; the bits past C are 0 in both planes
      return plane[at + firstBit / 64 + cw];
    return load_bits(plane + at, firstBit + 64 * cw, Cg - 64 * cw < 64 ? Cg - 64 * cw : 64);
  }
  index_t taps() const { return (khHi - khLo) * (kwHi - kwLo); }
};

/// f(at, j, cw) for every word of the window: `at` the tap's offset from a
/// pixel's base word, j the word's index in the weight row, cw its word
/// within the tap.
template <class F>
inline void for_window_words(const BinaryWindow &win, F f) {
  for (index_t kh = win.khLo; kh < win.khHi; ++kh)
    for (index_t kw = win.kwLo; kw < win.kwHi; ++kw) {
      const index_t at = kh * win.rowStep + kw * win.colStep, j0 = (kh * win.KW + kw) * win.GW;
      for (index_t cw = 0; cw < win.GW; ++cw)
        f(at, j0 + cw, cw);
    }
}

/// counts[t] = the ones of `plane` in the windows of the first `tile`
/// pixels (base words base[t]), in one pass over the window's words.
inline void window_popcounts(const BinaryWindow &win, const std::uint64_t *plane, const index_t *base, index_t tile,
                             bool aligned, std::int32_t *counts) {
  for (index_t t = 0; t < tile; ++t)
    counts[t] = 0;
  auto count = [&](auto wholeWords) {
    for_window_words(win, [&](index_t at, index_t, index_t cw) {
      for (index_t t = 0; t < tile; ++t)
        counts[t] += popcount64(win.word<decltype(wholeWords)::value>(plane, base[t] + at, cw));
    });
  };
  aligned ? count(std::true_type{}) : count(std::false_type{});
}

#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
/// 4 pixels x 8 lanes of 32-bit values -> 8 lanes x 4 pixels: unpacks within
/// 128-bit halves leave lane i in the low and lane i + 4 in the high half of
/// q[i].
inline void transpose_pixels_to_lanes(const __m256i p[4], __m256i q[4]) {
  const __m256i a0 = _mm256_unpacklo_epi32(p[0], p[1]), a1 = _mm256_unpackhi_epi32(p[0], p[1]);
  const __m256i a2 = _mm256_unpacklo_epi32(p[2], p[3]), a3 = _mm256_unpackhi_epi32(p[2], p[3]);
  q[0] = _mm256_unpacklo_epi64(a0, a2);
  q[1] = _mm256_unpackhi_epi64(a0, a2);
  q[2] = _mm256_unpacklo_epi64(a1, a3);
  q[3] = _mm256_unpackhi_epi64(a1, a3);
}
#endif

/// y = (float(acc) * scale[o] + bias[o]) (+ residual): the affine epilogue
/// binary_conv2d_with can run in registers. y and the residual are each
/// NCHW or channels-last (float_index).
struct BinaryAffine {
  const float *scale, *bias, *residual;
  float *y;
  bool channelsLast, residualChannelsLast;
};

/// One register block of a tile (4 pixels, or 1) through the affine
/// epilogue, skipping the int32 tile: y[at + lane * plane + t] (NCHW) or
/// y[at + t * plane + lane] (channels-last, plane = O) = (float(acc) * scale[lane] +
/// bias[lane]) (+ the residual's element, at rat in its own layout), scale
/// and bias starting at the block's first channel. Only the AVX-512 kernel
/// takes this path (kBinaryAffineInRegisters). The tensor pointers are
/// copied in: variants that referenced BinaryAffine measured 6-16 % slower
/// on 64-channel layers.
struct BinaryAffineOut {
  const float *scale, *bias, *residual;
  float *y;
  index_t at, plane, rat, residualPlane;
  bool channelsLast, residualChannelsLast;
};
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
constexpr bool kBinaryAffineInRegisters = true;
#else
constexpr bool kBinaryAffineInRegisters = false;
#endif

#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
/// Int32 accumulators r[t][b] (8 lanes of pixel t, block b) of a tile:
/// with `affine` (tiles of 4 pixels, and single pixels: their scalar
/// epilogue took 20 % of a 64-channel layer at 56^2), through the affine
/// epilogue in registers, else into the channel-major tile acc[lane][t].
template <int T, int B>
inline void finish_accumulator_tile(const __m256i r[][B], std::int32_t acc[][kBinaryTile],
                                    [[maybe_unused]] const BinaryAffineOut *affine) {
  if constexpr (T == 4)
    if (affine) {
      // The affine epilogue on 8 channels x 4 pixels in registers. The
      // pointers are read once: the intrinsics' stores may alias anything,
      // so fields read through `affine` would be reloaded after every store.
      const float *residual = affine->residual ? affine->residual + affine->rat : nullptr;
      float *y = affine->y + affine->at;
      const index_t plane = affine->plane, residualPlane = affine->residualPlane;
      if (affine->channelsLast) {
        // A pixel's 8 channels are contiguous: stored as computed. An NCHW
        // residual is read 4 pixels per channel and transposed to pixels
        // (the 4 x 4 transpose within each half is its own inverse).
        const bool residualPixels = !affine->residualChannelsLast;
        for (int b = 0; b < B; ++b) {
          const __m256 s = _mm256_loadu_ps(affine->scale + b * kBinaryLanes);
          const __m256 k = _mm256_loadu_ps(affine->bias + b * kBinaryLanes);
          __m256i add[4] = {}; // the residual by pixels, where it is NCHW
          if (residual && residualPixels) {
            __m256i lanes[4];
            for (int i = 0; i < 4; ++i) {
              const float *low = residual + (b * kBinaryLanes + i) * residualPlane;
              lanes[i] = _mm256_castps_si256(
                  _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(low)), _mm_loadu_ps(low + 4 * residualPlane), 1));
            }
            transpose_pixels_to_lanes(lanes, add);
          }
          for (int t = 0; t < 4; ++t) {
            const index_t at = t * plane + b * kBinaryLanes;
            __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(r[t][b]), s), k);
            if (residual)
              v = _mm256_add_ps(v, residualPixels ? _mm256_castsi256_ps(add[t])
                                                  : _mm256_loadu_ps(residual + t * residualPlane + b * kBinaryLanes));
            _mm256_storeu_ps(y + at, v);
          }
        }
        return;
      }
      // NCHW: transposed to 4 pixels per channel, stored into the planes; a
      // channels-last residual is read per pixel and transposed alike.
      const bool residualLanes = affine->residualChannelsLast;
      for (int b = 0; b < B; ++b) {
        const __m256 s = _mm256_loadu_ps(affine->scale + b * kBinaryLanes);
        const __m256 k = _mm256_loadu_ps(affine->bias + b * kBinaryLanes);
        __m256i f[4], q[4], add[4] = {}; // add: a channels-last residual by lanes
        for (int t = 0; t < 4; ++t)
          f[t] = _mm256_castps_si256(_mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(r[t][b]), s), k));
        transpose_pixels_to_lanes(f, q);
        if (residual && residualLanes) {
          __m256i pixels[4];
          for (int t = 0; t < 4; ++t)
            pixels[t] = _mm256_castps_si256(_mm256_loadu_ps(residual + t * residualPlane + b * kBinaryLanes));
          transpose_pixels_to_lanes(pixels, add);
        }
        auto half = [](const __m256i *v, int i) {
          return _mm_castsi128_ps(i < 4 ? _mm256_castsi256_si128(v[i]) : _mm256_extracti128_si256(v[i - 4], 1));
        };
        for (int i = 0; i < 8; ++i) {
          const index_t at = (b * kBinaryLanes + i) * plane;
          __m128 v = half(q, i);
          if (residual)
            v = _mm_add_ps(v, residualLanes ? half(add, i) : _mm_loadu_ps(residual + (b * kBinaryLanes + i) * residualPlane));
          _mm_storeu_ps(y + at, v);
        }
      }
      return;
    }
  if constexpr (T == 1)
    if (affine) {
      // One pixel's 8 channels per block: contiguous in a channels-last
      // tensor, a plane apart in an NCHW one.
      const float *residual = affine->residual ? affine->residual + affine->rat : nullptr;
      float *y = affine->y + affine->at;
      const index_t plane = affine->plane, residualPlane = affine->residualPlane;
      const bool last = affine->channelsLast, residualLast = affine->residualChannelsLast;
      for (int b = 0; b < B; ++b) {
        const __m256 s = _mm256_loadu_ps(affine->scale + b * kBinaryLanes);
        const __m256 k = _mm256_loadu_ps(affine->bias + b * kBinaryLanes);
        __m256 v = _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(r[0][b]), s), k);
        if (residual) {
          const float *at = residual + b * kBinaryLanes * (residualLast ? 1 : residualPlane);
          v = _mm256_add_ps(v, residualLast ? _mm256_loadu_ps(at)
                                            : _mm256_setr_ps(at[0], at[residualPlane], at[2 * residualPlane],
                                                             at[3 * residualPlane], at[4 * residualPlane],
                                                             at[5 * residualPlane], at[6 * residualPlane],
                                                             at[7 * residualPlane]));
        }
        if (last) {
          _mm256_storeu_ps(y + b * kBinaryLanes, v);
        } else {
          alignas(32) float lanes[kBinaryLanes];
          _mm256_store_ps(lanes, v);
          for (int i = 0; i < kBinaryLanes; ++i)
            y[(b * kBinaryLanes + i) * plane] = lanes[i];
        }
      }
      return;
    }
  for (int b = 0; b < B; ++b) {
    std::int32_t(*lanes)[kBinaryTile] = acc + b * kBinaryLanes;
    if constexpr (T == 4) {
      const __m256i pixels[4] = {r[0][b], r[1][b], r[2][b], r[3][b]};
      __m256i q[4];
      transpose_pixels_to_lanes(pixels, q);
      for (int i = 0; i < 4; ++i) {
        _mm_storeu_si128(reinterpret_cast<__m128i *>(lanes[i]), _mm256_castsi256_si128(q[i]));
        _mm_storeu_si128(reinterpret_cast<__m128i *>(lanes[i + 4]), _mm256_extracti128_si256(q[i], 1));
      }
    } else {
      for (int t = 0; t < T; ++t) {
        alignas(32) std::int32_t values[kBinaryLanes];
        _mm256_store_si256(reinterpret_cast<__m256i *>(values), r[t][b]);
        for (int l = 0; l < kBinaryLanes; ++l)
          lanes[l][t] = values[l];
      }
    }
  }
}
#endif

/// acc[l][t] = counts[t] - 2 * (sum over the window's words of
/// popcount((x_t ^ w_l) [& nonzero_t])) for T pixels (input words at
/// base[t]; counts[t]: the bits, or nonzero bits, the window holds) and B
/// blocks of kBinaryLanes channels (w: the first block's words, KP words
/// per lane): channel-major, so an NCHW epilogue reads a channel's pixels
/// contiguously.
template <int T, int B, bool Masked, bool Aligned>
inline void binary_window_accumulators(const BinaryWindow &win, const index_t base[T], const std::int32_t counts[T],
                                       const std::uint32_t *w, index_t KP, std::int32_t acc[][kBinaryTile],
                                       [[maybe_unused]] const BinaryAffineOut *affine) {
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
  __m512i sums[T][B];
  for (int t = 0; t < T; ++t)
    for (int b = 0; b < B; ++b)
      sums[t][b] = _mm512_setzero_si512();
  for_window_words(win, [&](index_t at, index_t j, index_t cw) {
    __m512i x[T], m[T];
    for (int t = 0; t < T; ++t) {
      x[t] = _mm512_set1_epi64(static_cast<long long>(win.word<Aligned>(win.sign, base[t] + at, cw)));
      if (Masked)
        m[t] = _mm512_set1_epi64(static_cast<long long>(win.word<Aligned>(win.nonzero, base[t] + at, cw)));
    }
    for (int b = 0; b < B; ++b) {
      const __m512i wv = _mm512_loadu_si512(w + 2 * ((b * KP + j) * kBinaryLanes));
      for (int t = 0; t < T; ++t) {
        // (x ^ w) & m in one ternary-logic instruction.
        const __m512i d = Masked ? _mm512_ternarylogic_epi64(x[t], wv, m[t], 0x28) : _mm512_xor_si512(x[t], wv);
        sums[t][b] = _mm512_add_epi64(sums[t][b], _mm512_popcnt_epi64(d));
      }
    }
  });
  // counts - 2 * sums, as int32, then transposed to channel-major.
  __m256i r[T][B];
  for (int t = 0; t < T; ++t)
    for (int b = 0; b < B; ++b)
      r[t][b] = _mm256_sub_epi32(_mm256_set1_epi32(counts[t]),
                                 _mm256_slli_epi32(_mm512_maskz_cvtepi64_epi32(0xFF, sums[t][b]), 1));
  finish_accumulator_tile<T, B>(r, acc, affine);
#elif defined(__AVX2__)
  // Nibble-table popcount; SAD sums each 64-bit lane's bytes.
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0F);
  constexpr int V = 2 * B; // 4 lanes per register
  __m256i pcs[T][V];
  for (int t = 0; t < T; ++t)
    for (int v = 0; v < V; ++v)
      pcs[t][v] = _mm256_setzero_si256();
  for (index_t kh = win.khLo; kh < win.khHi; ++kh)
    for (index_t kw = win.kwLo; kw < win.kwHi; ++kw) {
      const index_t at = kh * win.rowStep + kw * win.colStep, j0 = (kh * win.KW + kw) * win.GW;
      for (index_t cw = 0; cw < win.GW; ++cw) {
        __m256i x[T], m[T];
        for (int t = 0; t < T; ++t) {
          x[t] = _mm256_set1_epi64x(static_cast<long long>(win.word<Aligned>(win.sign, base[t] + at, cw)));
          if (Masked)
            m[t] = _mm256_set1_epi64x(static_cast<long long>(win.word<Aligned>(win.nonzero, base[t] + at, cw)));
        }
        for (int v = 0; v < V; ++v) {
          const __m256i wv = _mm256_loadu_si256(
              reinterpret_cast<const __m256i *>(w + 2 * (((v / 2) * KP + j0 + cw) * kBinaryLanes + (v % 2) * 4)));
          for (int t = 0; t < T; ++t) {
            __m256i d = _mm256_xor_si256(x[t], wv);
            if (Masked)
              d = _mm256_and_si256(d, m[t]);
            const __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(d, low)),
                                              _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(d, 4), low)));
            pcs[t][v] = _mm256_add_epi64(pcs[t][v], _mm256_sad_epu8(c, _mm256_setzero_si256()));
          }
        }
      }
    }
  for (int t = 0; t < T; ++t)
    for (int v = 0; v < V; ++v) {
      alignas(32) std::int64_t sums[4];
      _mm256_store_si256(reinterpret_cast<__m256i *>(sums), pcs[t][v]);
      for (int i = 0; i < 4; ++i)
        acc[v * 4 + i][t] = counts[t] - 2 * static_cast<std::int32_t>(sums[i]);
    }
#else
  std::int32_t pcs[T][B * kBinaryLanes] = {};
  for (index_t kh = win.khLo; kh < win.khHi; ++kh)
    for (index_t kw = win.kwLo; kw < win.kwHi; ++kw) {
      const index_t at = kh * win.rowStep + kw * win.colStep, j0 = (kh * win.KW + kw) * win.GW;
      for (index_t cw = 0; cw < win.GW; ++cw)
        for (int t = 0; t < T; ++t) {
          const std::uint64_t x = win.word<Aligned>(win.sign, base[t] + at, cw);
          const std::uint64_t m = Masked ? win.word<Aligned>(win.nonzero, base[t] + at, cw) : ~std::uint64_t(0);
          for (int l = 0; l < B * kBinaryLanes; ++l) {
            const index_t b = l / kBinaryLanes;
            pcs[t][l] += popcount64((x ^ load_weight_word(w, (b * KP + j0 + cw) * kBinaryLanes + l % kBinaryLanes)) & m);
          }
        }
    }
  for (int t = 0; t < T; ++t)
    for (int l = 0; l < B * kBinaryLanes; ++l)
      acc[l][t] = counts[t] - 2 * pcs[t][l];
#endif
}

/// binary_window_accumulators for `blocks` (1 .. kBinaryBlocks) blocks.
template <int T, int B = kBinaryBlocks>
inline void binary_window_accumulators(int blocks, bool masked, bool aligned, const BinaryWindow &win,
                                       const index_t base[T], const std::int32_t counts[T], const std::uint32_t *w,
                                       index_t KP, std::int32_t acc[][kBinaryTile],
                                       const BinaryAffineOut *affine = nullptr) {
  if constexpr (B > 1)
    if (blocks < B)
      return binary_window_accumulators<T, B - 1>(blocks, masked, aligned, win, base, counts, w, KP, acc, affine);
  if (aligned)
    masked ? binary_window_accumulators<T, B, true, true>(win, base, counts, w, KP, acc, affine)
           : binary_window_accumulators<T, B, false, true>(win, base, counts, w, KP, acc, affine);
  else
    masked ? binary_window_accumulators<T, B, true, false>(win, base, counts, w, KP, acc, affine)
           : binary_window_accumulators<T, B, false, false>(win, base, counts, w, KP, acc, affine);
}

/// The activation and weight planes of a bit-serial convolution (levels
/// with `bits` planes `planeWords` apart; `weightPlanes` sets of packed
/// weights `weightHalves` uint32 halves apart, plane i weighing 2^i), which
/// binary_conv2d_with then reads as one. The planes spell an odd integer n
/// per weight; with `weightOffsets` (an odd d per output channel,
/// binary_lane_blocks(O) * kBinaryLanes of them) the weight is (n + d) / 2,
/// any integer: the accumulator is (sum n x + d * sum x) / 2, sum x the
/// window's sum of levels, which the tile counts anyway.
struct BitSerialPlanes {
  index_t planeWords;
  int bits, weightPlanes;
  index_t weightHalves;
  const std::int32_t *weightOffsets;
};

/// The odd d that spells integer weights q in [lo, hi] as (n + d) / 2 with
/// odd n = 2q - d of the least bound: |n| <= hi - lo (+ 1 where lo + hi is
/// even), so a signed k-bit grid takes k planes and ternary 2.
constexpr std::int64_t weight_grid_offset(std::int64_t lo, std::int64_t hi) {
  return (lo + hi) % 2 != 0 ? lo + hi : lo + hi + 1;
}

/// acc = (acc + d * windowSum) / 2: the weights (n + d) / 2 from odd n
/// (BitSerialPlanes). Exact: n + d is even, so is the sum.
inline std::int32_t offset_weights_accumulator(std::int32_t acc, std::int32_t d, std::int32_t windowSum) {
  return (acc + d * windowSum) / 2;
}

/// Planes of a levels tensor at most (qnn.levels verifies it).
constexpr int kMaxLevelBits = 8;

#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
/// Bit-serial convolutions whose plane pairs all fit the registers go
/// through one pass over each window.
constexpr bool bitserial_in_registers(int bits, int weightPlanes) { return bits <= 2 && weightPlanes <= 2; }

/// acc[l][t] = 2 * (sum over plane pairs (i, j) and the window's words of
/// 2^(i+j) * popcount(x_j & ~w_i)) - counts[t]: every activation plane's
/// words read once for all weight planes, every product accumulated in the
/// same registers (counts[t]: (2^Planes - 1) * sum_j 2^j * ones of plane j
/// in pixel t's window). Layout as binary_window_accumulators.
/// With serial.weightOffsets (`offsets`: the block's first lane), the
/// accumulators of the weights (n + d) / 2, from windowSums[t].
template <int T, int B, int Bits, int Planes, bool Aligned>
inline void bitserial_window_accumulators(const BinaryWindow &win, const index_t base[T], const std::int32_t counts[T],
                                          const std::int32_t windowSums[T], const std::int32_t *offsets,
                                          const std::uint32_t *w, index_t KP, const BitSerialPlanes &serial,
                                          std::int32_t acc[][kBinaryTile], const BinaryAffineOut *affine) {
  __m512i sums[T][B];
  for (int t = 0; t < T; ++t)
    for (int b = 0; b < B; ++b)
      sums[t][b] = _mm512_setzero_si512();
  for_window_words(win, [&](index_t at, index_t word, index_t cw) {
    __m512i x[Bits][T];
    for (int j = 0; j < Bits; ++j)
      for (int t = 0; t < T; ++t)
        x[j][t] = _mm512_set1_epi64(
            static_cast<long long>(win.word<Aligned>(win.sign + j * serial.planeWords, base[t] + at, cw)));
    for (int b = 0; b < B; ++b)
      for (int i = 0; i < Planes; ++i) {
        const __m512i wv = _mm512_loadu_si512(w + i * serial.weightHalves + 2 * ((b * KP + word) * kBinaryLanes));
        for (int j = 0; j < Bits; ++j)
          for (int t = 0; t < T; ++t) {
            // Zero-masked forms: GCC 12's unmasked ones trip -Wmaybe-uninitialized.
            const __m512i ones = _mm512_popcnt_epi64(_mm512_maskz_andnot_epi64(0xFF, wv, x[j][t]));
            sums[t][b] = _mm512_add_epi64(sums[t][b], i + j ? _mm512_maskz_slli_epi64(0xFF, ones, i + j) : ones);
          }
      }
  });
  __m256i r[T][B];
  for (int t = 0; t < T; ++t)
    for (int b = 0; b < B; ++b)
      r[t][b] = _mm256_sub_epi32(_mm256_slli_epi32(_mm512_maskz_cvtepi64_epi32(0xFF, sums[t][b]), 1),
                                 _mm256_set1_epi32(counts[t]));
  if (offsets)
    for (int b = 0; b < B; ++b) {
      const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(offsets + b * kBinaryLanes));
      for (int t = 0; t < T; ++t) // (acc + d * sum) / 2, the sum even: an exact shift
        r[t][b] = _mm256_srai_epi32(_mm256_add_epi32(r[t][b], _mm256_mullo_epi32(d, _mm256_set1_epi32(windowSums[t]))), 1);
    }
  finish_accumulator_tile<T, B>(r, acc, affine);
}

/// bitserial_window_accumulators for `blocks` (1 .. kBinaryBlocks) blocks
/// and the planes of `serial` (bitserial_in_registers).
template <int T, int B = kBinaryBlocks>
inline void bitserial_window_accumulators(int blocks, bool aligned, const BitSerialPlanes &serial,
                                          const BinaryWindow &win, const index_t base[T], const std::int32_t counts[T],
                                          const std::int32_t windowSums[T], const std::int32_t *offsets,
                                          const std::uint32_t *w, index_t KP, std::int32_t acc[][kBinaryTile],
                                          const BinaryAffineOut *affine = nullptr) {
  if constexpr (B > 1)
    if (blocks < B)
      return bitserial_window_accumulators<T, B - 1>(blocks, aligned, serial, win, base, counts, windowSums, offsets,
                                                     w, KP, acc, affine);
  auto planes = [&](auto bits, auto weightPlanes) {
    aligned ? bitserial_window_accumulators<T, B, bits, weightPlanes, true>(win, base, counts, windowSums, offsets, w,
                                                                            KP, serial, acc, affine)
            : bitserial_window_accumulators<T, B, bits, weightPlanes, false>(win, base, counts, windowSums, offsets, w,
                                                                             KP, serial, acc, affine);
  };
  using One = std::integral_constant<int, 1>;
  using Two = std::integral_constant<int, 2>;
  if (serial.bits == 1)
    serial.weightPlanes == 1 ? planes(One{}, One{}) : planes(One{}, Two{});
  else
    serial.weightPlanes == 1 ? planes(Two{}, One{}) : planes(Two{}, Two{});
}
#else
constexpr bool bitserial_in_registers(int, int) { return false; }
#endif

/// The accumulators of one bit-serial tile (plane j of the levels at
/// win.sign + j * planeWords; counts: the one-pass count, planeOnes[j] the
/// ones of plane j in each window) into acc: in one pass where the plane
/// pairs fit the registers, and then, given `affine` (4 pixels or 1), through
/// the affine epilogue in registers, which returns true; else one binary
/// product per pair, combined: plane j passed as both sign and nonzero
/// plane reads its 1 bits as -1, so each sum comes out negated.
inline bool bitserial_tile(index_t tile, int blocks, bool aligned, const BitSerialPlanes &serial,
                           const BinaryWindow &win, const index_t base[kBinaryTile],
                           [[maybe_unused]] const std::int32_t counts[kBinaryTile],
                           const std::int32_t planeOnes[][kBinaryTile], const std::int32_t windowSums[kBinaryTile],
                           const std::int32_t *offsets, const std::uint32_t *w, index_t KP,
                           std::int32_t acc[][kBinaryTile], [[maybe_unused]] const BinaryAffineOut *affine) {
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
  if (bitserial_in_registers(serial.bits, serial.weightPlanes)) {
    if (tile == kBinaryTile)
      bitserial_window_accumulators<kBinaryTile>(blocks, aligned, serial, win, base, counts, windowSums, offsets, w, KP,
                                                 acc, affine);
    else
      bitserial_window_accumulators<1>(blocks, aligned, serial, win, base, counts, windowSums, offsets, w, KP, acc,
                                       affine);
    return affine != nullptr;
  }
#endif
  for (int i = 0; i < serial.weightPlanes; ++i)
    for (int j = 0; j < serial.bits; ++j) {
      BinaryWindow plane = win;
      plane.sign = plane.nonzero = win.sign + j * serial.planeWords;
      alignas(64) std::int32_t pair[kBinaryBlockLanes][kBinaryTile];
      const std::uint32_t *wi = w + i * serial.weightHalves;
      if (tile == kBinaryTile)
        binary_window_accumulators<kBinaryTile>(blocks, true, aligned, plane, base, planeOnes[j], wi, KP, pair);
      else
        binary_window_accumulators<1>(blocks, true, aligned, plane, base, planeOnes[j], wi, KP, pair);
      for (int l = 0; l < blocks * kBinaryLanes; ++l)
        for (index_t t = 0; t < tile; ++t)
          acc[l][t] = (i + j == 0 ? 0 : acc[l][t]) - pair[l][t] * (std::int32_t(1) << (i + j));
    }
  if (offsets)
    for (int l = 0; l < blocks * kBinaryLanes; ++l)
      for (index_t t = 0; t < tile; ++t)
        acc[l][t] = offset_weights_accumulator(acc[l][t], offsets[l], windowSums[t]);
  return false;
}

/// Exact int32 accumulators of a tile of `pixels` consecutive output pixels
/// (from `pixel`, one row) x `channels` output channels (from `channel`):
/// pixels(c)[t], a channel's pixels contiguous.
struct BinaryTileResult {
  index_t n, pixel, pixels, channel, channels;
  const std::int32_t (*acc)[kBinaryTile];
  index_t lane0; // lane of `channel` in the register block

  const std::int32_t *channelPixels(index_t c) const { return acc[lane0 + c]; }

  /// f(t) for each pixel t: with a full tile the count is a constant the
  /// compiler unrolls and vectorizes.
  template <class F>
  void forPixels(F f) const {
    if (pixels == kBinaryTile)
      for (index_t t = 0; t < kBinaryTile; ++t)
        f(t);
    else
      for (index_t t = 0; t < pixels; ++t)
        f(t);
  }
};

/// Binary convolution core: exact int32 accumulators, handed to `store`
/// one BinaryTileResult at a time.
///   w: binary_weight_halves(1, O, KH, KW, Cg) halves (pack_binary_weights)
/// The input is read in place (packed NHWC words: a window's words are the
/// weight row's words). Padding taps are skipped: a pixel whose window has
/// no zero computes bits - 2 * popcount(x ^ w) over its taps' bits; any
/// other pixel nonzeros - 2 * popcount((x ^ w) & nonzero), exact for Sign(0).
/// Column-interior pixels of a row share their taps and go kBinaryTile at
/// a time; the others one by one. A pixel's accumulators are all produced
/// by one thread.
/// With Serial, xs is the first of the levels planes of `serial` (a
/// compile-time choice: the binary kernels' code stays what it was).
template <bool Serial = false, class Store>
inline void binary_conv2d_with(const std::uint64_t *xs, const std::uint64_t *xnz, const std::uint32_t *w,
                               const Conv2DParams &p, Store store, const BinaryAffine *affine = nullptr,
                               [[maybe_unused]] const BitSerialPlanes *serial = nullptr) {
  const index_t N = p.N, C = p.C, H = p.H, W = p.W, O = p.O, KH = p.KH, KW = p.KW, OH = p.OH, OW = p.OW;
  const index_t SH = p.SH, SW = p.SW, PT = p.PT, PL = p.PL, DH = p.DH, DW = p.DW, G = p.G;
  const index_t Cg = C / G, Og = O / G, CW = words_for(C), GW = words_for(Cg);
  const index_t KP = binary_row_words(KH, KW, Cg);
  // Groups starting on a word boundary read whole words.
  const bool aligned = Cg % 64 == 0 || G == 1;
  // Output columns whose windows read no horizontal padding: [owLo, owHi).
  const index_t owLo = clamp_index(ceil_div(PL, SW), 0, OW);
  const index_t owHi = clamp_index(ceil_div(W + PL - (KW - 1) * DW, SW), owLo, OW);
  const index_t interiorTiles = (owHi - owLo) / kBinaryTile;
  // Work units of a row: single pixels, then full interior tiles.
  const index_t singles = OW - interiorTiles * kBinaryTile, rowUnits = singles + interiorTiles;
  // Without Sign(0) zeros in the input (the usual case) no window needs its
  // nonzero bits counted: one scan of the plane instead of one per window.
  const bool zeroFree = !Serial && binary_plane_full(xnz, N * H * W, C);
  for (index_t n = 0; n < N; ++n)
    for (index_t g = 0; g < G; ++g)
      QNN_RT_PARALLEL_FOR
      for (index_t u = 0; u < OH * rowUnits; ++u) {
        const index_t oh = u / rowUnits, k = u % rowUnits;
        // Pixels [ow0, ow0 + tile): singles left of the tiles, tiles, singles right of them.
        const index_t leftSingles = owLo, tile = k >= leftSingles && k < leftSingles + interiorTiles ? kBinaryTile : 1;
        const index_t ow0 = k < leftSingles ? k
                            : tile > 1     ? owLo + (k - leftSingles) * kBinaryTile
                                           : owLo + interiorTiles * kBinaryTile + (k - leftSingles - interiorTiles);
        const index_t ih0 = oh * SH - PT, iw0 = ow0 * SW - PL;
        BinaryWindow win{xs, xnz, clamp_index(ceil_div(-ih0, DH), 0, KH), clamp_index(ceil_div(H - ih0, DH), 0, KH),
                         clamp_index(ceil_div(-iw0, DW), 0, KW), clamp_index(ceil_div(W - iw0, DW), 0, KW),
                         KW, GW, DH * W * CW, DW * CW, g * Cg, Cg};
        if (win.khHi < win.khLo)
          win.khHi = win.khLo;
        if (win.kwHi < win.kwLo)
          win.kwHi = win.kwLo;
        index_t base[kBinaryTile];
        std::int32_t bits[kBinaryTile], nonzeros[kBinaryTile];
        [[maybe_unused]] std::int32_t planeOnes[kMaxLevelBits][kBinaryTile]; // bit-serial: ones of plane j
        bool masked = false;
        for (index_t t = 0; t < tile; ++t) {
          base[t] = ((n * H + ih0) * W + iw0 + t * SW) * CW;
          bits[t] = nonzeros[t] = static_cast<std::int32_t>(win.taps() * Cg);
        }
        // Bit-serial: the window's sum of levels.
        [[maybe_unused]] std::int32_t windowSums[kBinaryTile] = {};
        if constexpr (Serial) { // bits[t]: what the one-pass accumulators count from
          for (int j = 0; j < serial->bits; ++j) {
            window_popcounts(win, xs + j * serial->planeWords, base, tile, aligned, planeOnes[j]);
            for (index_t t = 0; t < tile; ++t)
              windowSums[t] += planeOnes[j][t] << j;
          }
          for (index_t t = 0; t < tile; ++t)
            bits[t] = windowSums[t] * ((std::int32_t(1) << serial->weightPlanes) - 1);
        } else if (!zeroFree) {
          window_popcounts(win, xnz, base, tile, aligned, nonzeros);
          for (index_t t = 0; t < tile; ++t)
            masked |= nonzeros[t] != bits[t];
        }
        // What the accumulators count down from: the windows' bits, or their
        // nonzero bits where a window holds Sign(0) zeros.
        std::int32_t counts[kBinaryTile];
        for (index_t t = 0; t < tile; ++t)
          counts[t] = masked ? nonzeros[t] : bits[t];
        const index_t firstBlock = g * Og / kBinaryLanes, endBlock = binary_lane_blocks((g + 1) * Og);
        for (index_t b0 = firstBlock; b0 < endBlock; b0 += kBinaryBlocks) {
          const int blocks = endBlock - b0 < kBinaryBlocks ? int(endBlock - b0) : kBinaryBlocks;
          alignas(64) std::int32_t acc[kBinaryBlockLanes][kBinaryTile];
          const std::uint32_t *wb = w + 2 * b0 * KP * kBinaryLanes;
          // The block's channels within this group.
          const index_t first = b0 * kBinaryLanes > g * Og ? b0 * kBinaryLanes : g * Og;
          const index_t end = (b0 + blocks) * kBinaryLanes < (g + 1) * Og ? (b0 + blocks) * kBinaryLanes : (g + 1) * Og;
          const bool inRegisters = kBinaryAffineInRegisters && affine && (tile == kBinaryTile || tile == 1) &&
                                   first == b0 * kBinaryLanes && end == (b0 + blocks) * kBinaryLanes;
          auto registerOut = [&] {
            const bool last = affine->channelsLast, residualLast = affine->residualChannelsLast;
            return BinaryAffineOut{affine->scale + first,
                                   affine->bias + first,
                                   affine->residual,
                                   affine->y,
                                   float_index(last, n, first, oh * OW + ow0, O, OH * OW),
                                   last ? O : OH * OW,
                                   float_index(residualLast, n, first, oh * OW + ow0, O, OH * OW),
                                   residualLast ? O : OH * OW,
                                   last,
                                   residualLast};
          };
          if constexpr (Serial) {
            const BinaryAffineOut out = inRegisters ? registerOut() : BinaryAffineOut{};
            const std::int32_t *offsets = serial->weightOffsets ? serial->weightOffsets + b0 * kBinaryLanes : nullptr;
            if (bitserial_tile(tile, blocks, aligned, *serial, win, base, counts, planeOnes, windowSums, offsets, wb, KP,
                               acc, inRegisters ? &out : nullptr))
              continue;
          } else {
            if (inRegisters) {
              const BinaryAffineOut out = registerOut();
              if (tile == kBinaryTile)
                binary_window_accumulators<kBinaryTile>(blocks, masked, aligned, win, base, counts, wb, KP, acc, &out);
              else
                binary_window_accumulators<1>(blocks, masked, aligned, win, base, counts, wb, KP, acc, &out);
              continue;
            }
            if (tile == kBinaryTile)
              binary_window_accumulators<kBinaryTile>(blocks, masked, aligned, win, base, counts, wb, KP, acc);
            else
              binary_window_accumulators<1>(blocks, masked, aligned, win, base, counts, wb, KP, acc);
          }
          store(BinaryTileResult{n, oh * OW + ow0, tile, first, end - first, acc, first - b0 * kBinaryLanes});
        }
      }
}

/// The binary_conv2d_with store that writes the accumulators to y (NCHW).
inline auto accumulator_store(std::int32_t *y, const Conv2DParams &p) {
  return [y, &p](const BinaryTileResult &r) {
    for (index_t c = 0; c < r.channels; ++c) {
      const std::int32_t *acc = r.channelPixels(c);
      std::int32_t *out = y + ((r.n * p.O + r.channel + c) * p.OH * p.OW) + r.pixel;
      r.forPixels([&](index_t t) { out[t] = acc[t]; });
    }
  };
}

/// The binary_conv2d_with store that writes (float(acc) * scale[o] +
/// bias[o]) (+ residual) to y, rounded as scale_bias_i32 then add_f32; y
/// and the residual in their own layouts.
inline auto affine_store(const BinaryAffine &out, const Conv2DParams &p) {
  return [out, &p](const BinaryTileResult &r) {
    const index_t HW = p.OH * p.OW;
    // Pixel steps in y and the residual: NCHW's 1 as a constant, so that
    // the usual case's loops vectorize.
    auto store = [&](auto step, auto rstep) {
      for (index_t c = 0; c < r.channels; ++c) {
        const index_t o = r.channel + c, at = float_index(out.channelsLast, r.n, o, r.pixel, p.O, HW);
        const std::int32_t *acc = r.channelPixels(c);
        const float s = out.scale[o], b = out.bias[o];
        if (out.residual) {
          const index_t rat = float_index(out.residualChannelsLast, r.n, o, r.pixel, p.O, HW);
          r.forPixels([&](index_t t) {
            const float scaled = static_cast<float>(acc[t]) * s;
            const float affine = scaled + b;
            out.y[at + t * step] = affine + out.residual[rat + t * rstep];
          });
        } else {
          r.forPixels([&](index_t t) {
            const float scaled = static_cast<float>(acc[t]) * s;
            out.y[at + t * step] = scaled + b;
          });
        }
      }
    };
    using One = std::integral_constant<index_t, 1>;
    if (!out.channelsLast && !out.residualChannelsLast)
      store(One{}, One{});
    else
      store(out.channelsLast ? p.O : 1, out.residualChannelsLast ? p.O : 1);
  };
}

/// Binary convolution of x (sign plane, nonzero plane at x + planeWords)
/// into exact int32 accumulators, y in NCHW.
inline void binary_conv2d(const std::uint64_t *x, index_t planeWords, const std::uint32_t *w, std::int32_t *y,
                          const Conv2DParams &p) {
  binary_conv2d_with(x, x + planeWords, w, p, accumulator_store(y, p));
}

/// binary_conv2d, then y = (float(acc) * scale[o] + bias[o]) + residual (a
/// null residual adds nothing): scale_bias_i32 followed by add_f32, rounded
/// the same way, without the int32 tensor. `residual` may be y (then in
/// its layout). y is channels-last with `channelsLast`, the residual with
/// `residualChannelsLast`. Where the instruction set allows, tiles take the
/// epilogue in registers (BinaryAffine, any layouts); the rest go through
/// the tile callback.
inline void binary_conv2d_affine(const std::uint64_t *x, index_t planeWords, const std::uint32_t *w,
                                 const float *scale, const float *bias, const float *residual, float *y,
                                 const Conv2DParams &p, bool channelsLast = false,
                                 bool residualChannelsLast = false) {
  const BinaryAffine inRegisters{scale, bias, residual, y, channelsLast, residualChannelsLast};
  binary_conv2d_with(x, x + planeWords, w, p, affine_store(inRegisters, p), &inRegisters);
}

/// The Sign a channel's two thresholds t[0] <= t[1] give an accumulator:
/// -1, 0 or +1 (see threshold_i32).
inline int threshold_level(std::int32_t acc, const std::int32_t *t, std::int8_t descending) {
  const int reached = (acc >= t[0]) + (acc >= t[1]);
  return descending ? 1 - reached : reached - 1;
}

/// binary_conv2d followed by threshold_i32, without the int32 tensor: each
/// tile's accumulators set its output bits in the packed planes ys / ynz.
inline void binary_conv2d_sign(const std::uint64_t *x, index_t xPlaneWords, const std::uint32_t *w,
                               const std::int32_t *thresholds, const std::int8_t *descending, std::uint64_t *y,
                               index_t yPlaneWords, const Conv2DParams &p) {
  const index_t OCW = words_for(p.O), pixels = p.OH * p.OW;
  std::uint64_t *ys = y, *ynz = y + yPlaneWords;
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < p.N * pixels * OCW; ++i)
    ys[i] = ynz[i] = 0;
  // A pixel's words are written only by the thread that owns its tile.
  binary_conv2d_with(x, x + xPlaneWords, w, p, [&](const BinaryTileResult &r) {
    for (index_t c = 0; c < r.channels; ++c) {
      const index_t o = r.channel + c;
      const std::int32_t *acc = r.channelPixels(c);
      r.forPixels([&](index_t t) {
        const int level = threshold_level(acc[t], thresholds + 2 * o, descending[o]);
        const index_t word = (r.n * pixels + r.pixel + t) * OCW + o / 64;
        ys[word] |= static_cast<std::uint64_t>(level < 0) << (o % 64);
        ynz[word] |= static_cast<std::uint64_t>(level != 0) << (o % 64);
      });
    }
  });
}

/// Binary matrix product [N, K] x [O, K]^T into int32 [N, O]: a 1x1
/// convolution on a 1x1 image.
inline void binary_dense(const std::uint64_t *x, index_t planeWords, const std::uint32_t *w, std::int32_t *y,
                         index_t N, index_t K, index_t O) {
  binary_conv2d(x, planeWords, w, y, Conv2DParams{N, K, 1, 1, O, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1});
}

/// Two thresholds per channel ([C][2]) on an int32 [N, C, HW] accumulator,
/// packed as a binary tensor: n = thresholds reached, value n - 1 (1 - n
/// when descending).
inline void threshold_i32(const std::int32_t *acc, const std::int32_t *thresholds, const std::int8_t *descending,
                          std::uint64_t *y, index_t planeWords, index_t N, index_t C, index_t HW) {
  pack_ternary(y, planeWords, N, C, HW, [&](index_t n, index_t c, index_t p) {
    return threshold_level(acc[(n * C + c) * HW + p], thresholds + 2 * c, descending[c]);
  });
}

} // namespace qnn_rt

#endif
