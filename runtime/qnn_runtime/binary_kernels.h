// Binary (xnor/popcount) kernels. A binary tensor of logical shape
// [N, C, H, W] is stored as two bit planes, each [N][H][W][words_for(C)]
// 64-bit words: `sign` (bit 1 = -1) and `nonzero` (bit 0 = the value is 0,
// as ONNX Sign(0) = 0 gives). Unused high bits of the last word are 0 in
// both planes. Packed weights are uint32 pairs (low half first) so that
// generated code can spell them as plain C++ literals.
#ifndef QNN_RUNTIME_BINARY_KERNELS_H
#define QNN_RUNTIME_BINARY_KERNELS_H

#include "qnn_runtime/common.h"

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

/// Packs values in {-1, 0, +1} given by value(n, c, p) for an [N, C, HW]
/// tensor into the sign and nonzero planes.
template <class Value>
inline void pack_ternary(std::uint64_t *sign, std::uint64_t *nonzero, index_t N, index_t C, index_t HW,
                         Value value) {
  const index_t CW = words_for(C);
  for (index_t n = 0; n < N; ++n)
    for (index_t p = 0; p < HW; ++p)
      for (index_t cw = 0; cw < CW; ++cw) {
        std::uint64_t s = 0, nz = 0;
        for (index_t b = 0; b < 64 && cw * 64 + b < C; ++b) {
          const int v = value(n, cw * 64 + b, p);
          s |= static_cast<std::uint64_t>(v < 0) << b;
          nz |= static_cast<std::uint64_t>(v != 0) << b;
        }
        sign[(n * HW + p) * CW + cw] = s;
        nonzero[(n * HW + p) * CW + cw] = nz;
      }
}

/// Packs ONNX Sign(x) of a float [N, C, HW] tensor (NaN counts as positive).
inline void binarize_f32(const float *x, std::uint64_t *sign, std::uint64_t *nonzero, index_t N,
                         index_t C, index_t HW) {
  pack_ternary(sign, nonzero, N, C, HW, [&](index_t n, index_t c, index_t p) {
    const float v = x[(n * C + c) * HW + p];
    return v < 0.0f ? -1 : (v == 0.0f ? 0 : 1);
  });
}

/// Words per weight row of binary_conv2d: [KH][KW][words_for(Cg)].
constexpr index_t binary_row_words(index_t KH, index_t KW, index_t Cg) { return KH * KW * words_for(Cg); }

/// Scratch words binary_conv2d needs: one gathered window per pixel of a tile.
constexpr index_t kBinaryTile = 4;
constexpr index_t binary_conv2d_scratch_words(index_t KH, index_t KW, index_t Cg) {
  return kBinaryTile * binary_row_words(KH, KW, Cg);
}

/// out[o][p] = popcount(window p XOR weight row o) for OB rows x P windows,
/// each KP words long: SIMD over whole vectors, then word by word.
template <int OB, int P>
inline void xor_popcount_block(const std::uint64_t *win, const std::uint32_t *w, index_t KP,
                               std::int32_t out[OB][P]) {
  index_t j = 0;
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
  __m512i acc[OB][P];
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      acc[o][p] = _mm512_setzero_si512();
  for (; j + 8 <= KP; j += 8) {
    __m512i a[P];
    for (int p = 0; p < P; ++p)
      a[p] = _mm512_loadu_si512(win + p * KP + j);
    for (int o = 0; o < OB; ++o) {
      const __m512i wv = _mm512_loadu_si512(w + 2 * (o * KP + j));
      for (int p = 0; p < P; ++p)
        acc[o][p] = _mm512_add_epi64(acc[o][p], _mm512_popcnt_epi64(_mm512_xor_si512(a[p], wv)));
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      out[o][p] = static_cast<std::int32_t>(_mm512_reduce_add_epi64(acc[o][p]));
#elif defined(__AVX2__)
  // Nibble-table popcount: bytes count up to 8 per step, summed with SAD.
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                         0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0F);
  __m256i acc[OB][P];
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      acc[o][p] = _mm256_setzero_si256();
  for (; j + 4 <= KP; j += 4) {
    __m256i a[P];
    for (int p = 0; p < P; ++p)
      a[p] = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(win + p * KP + j));
    for (int o = 0; o < OB; ++o) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(w + 2 * (o * KP + j)));
      for (int p = 0; p < P; ++p) {
        const __m256i x = _mm256_xor_si256(a[p], wv);
        const __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(x, low)),
                                          _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));
        acc[o][p] = _mm256_add_epi64(acc[o][p], _mm256_sad_epu8(c, _mm256_setzero_si256()));
      }
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p) {
      alignas(32) std::int64_t lanes[4];
      _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), acc[o][p]);
      out[o][p] = static_cast<std::int32_t>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
    }
#elif defined(__ARM_NEON)
  uint32x4_t acc[OB][P];
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      acc[o][p] = vdupq_n_u32(0);
  for (; j + 2 <= KP; j += 2) {
    uint8x16_t a[P];
    for (int p = 0; p < P; ++p)
      a[p] = vreinterpretq_u8_u64(vld1q_u64(win + p * KP + j));
    for (int o = 0; o < OB; ++o) {
      const uint8x16_t wv = vreinterpretq_u8_u32(vld1q_u32(w + 2 * (o * KP + j)));
      for (int p = 0; p < P; ++p)
        acc[o][p] = vpadalq_u16(acc[o][p], vpaddlq_u8(vcntq_u8(veorq_u8(a[p], wv))));
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      out[o][p] = static_cast<std::int32_t>(vaddvq_u32(acc[o][p]));
#else
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      out[o][p] = 0;
#endif
  for (; j < KP; ++j)
    for (int o = 0; o < OB; ++o) {
      const std::uint64_t wv = load_weight_word(w, o * KP + j);
      for (int p = 0; p < P; ++p)
        out[o][p] += popcount64(win[p * KP + j] ^ wv);
    }
}

/// Binary convolution into exact int32 accumulators, y in NCHW.
///   w:      [O][KP] words (KP = binary_row_words), row = [KH][KW][words(Cg)]
///   tapsum: [O][KH][KW], the sum of the +-1 weights of each tap
///   scratch: binary_conv2d_scratch_words(KH, KW, Cg) words
/// Each window is gathered with padded positions as +1 (all bits 0), so
/// acc = Cg*KH*KW - 2 * popcount(window ^ w), minus the tap sums of the
/// padded taps (which must contribute 0). Windows holding a Sign(0) input
/// take the exact masked path: sum = nonzeros - 2 * popcount((x ^ w) & nz).
inline void binary_conv2d(const std::uint64_t *xs, const std::uint64_t *xnz, const std::uint32_t *w,
                          const std::int32_t *tapsum, std::uint64_t *scratch, std::int32_t *y, index_t N,
                          index_t C, index_t H, index_t W, index_t O, index_t KH, index_t KW, index_t OH,
                          index_t OW, index_t SH, index_t SW, index_t PT, index_t PL, index_t DH, index_t DW,
                          index_t G) {
  const index_t Cg = C / G, Og = O / G, CW = words_for(C), GW = words_for(Cg);
  const index_t KP = binary_row_words(KH, KW, Cg), taps = KH * KW;
  const std::int32_t fullBits = static_cast<std::int32_t>(Cg * taps);
  // Groups starting on a word boundary are gathered word by word.
  const bool aligned = Cg % 64 == 0 || G == 1;
  const std::uint64_t lastMask = Cg % 64 ? (std::uint64_t(1) << (Cg % 64)) - 1 : ~std::uint64_t(0);
  const index_t pixels = OH * OW;
  for (index_t n = 0; n < N; ++n)
    for (index_t g = 0; g < G; ++g)
      for (index_t p0 = 0; p0 < pixels; p0 += kBinaryTile) {
        const index_t tile = pixels - p0 < kBinaryTile ? pixels - p0 : kBinaryTile;
        bool exact[kBinaryTile] = {};
        bool padded[kBinaryTile] = {};
        // Gather each window: [KH][KW][GW] words, zeros beyond.
        for (index_t t = 0; t < kBinaryTile; ++t) {
          std::uint64_t *win = scratch + t * KP;
          for (index_t j = 0; j < KP; ++j)
            win[j] = 0;
          if (t >= tile)
            continue;
          const index_t oh = (p0 + t) / OW, ow = (p0 + t) % OW;
          for (index_t kh = 0; kh < KH; ++kh)
            for (index_t kw = 0; kw < KW; ++kw) {
              const index_t ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                padded[t] = true;
                continue;
              }
              const index_t pos = ((n * H + ih) * W + iw) * CW;
              std::uint64_t *dst = win + (kh * KW + kw) * GW;
              if (aligned) {
                // Whole words; the bits past C are 0 in both planes.
                const std::uint64_t *sw = xs + pos + g * Cg / 64, *mw = xnz + pos + g * Cg / 64;
                for (index_t j = 0; j < GW; ++j) {
                  dst[j] = sw[j];
                  exact[t] |= mw[j] != (j + 1 < GW ? ~std::uint64_t(0) : lastMask);
                }
                continue;
              }
              for (index_t j = 0; j < GW; ++j) {
                const index_t bits = Cg - 64 * j < 64 ? Cg - 64 * j : 64;
                const std::uint64_t m = load_bits(xnz + pos, g * Cg + 64 * j, bits);
                dst[j] = load_bits(xs + pos, g * Cg + 64 * j, bits);
                exact[t] |= popcount64(m) != bits;
              }
            }
        }
        for (index_t o = g * Og; o < (g + 1) * Og; o += 2) {
          const int rows = o + 1 < (g + 1) * Og ? 2 : 1;
          std::int32_t pc[2][kBinaryTile];
          if (rows == 2)
            xor_popcount_block<2, kBinaryTile>(scratch, w + 2 * o * KP, KP, pc);
          else
            xor_popcount_block<1, kBinaryTile>(scratch, w + 2 * o * KP, KP, pc);
          for (int r = 0; r < rows; ++r)
            for (index_t t = 0; t < tile; ++t) {
              const index_t oh = (p0 + t) / OW, ow = (p0 + t) % OW;
              std::int32_t acc = fullBits - 2 * pc[r][t];
              if (padded[t] || exact[t]) {
                // Recount: padded taps contribute 0, zero inputs contribute 0.
                acc = 0;
                for (index_t kh = 0; kh < KH; ++kh)
                  for (index_t kw = 0; kw < KW; ++kw) {
                    const index_t ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                      continue;
                    if (!exact[t]) {
                      acc += tapsum[(o + r) * taps + kh * KW + kw];
                      continue;
                    }
                    const index_t pos = ((n * H + ih) * W + iw) * CW;
                    for (index_t j = 0; j < GW; ++j) {
                      const index_t bits = Cg - 64 * j < 64 ? Cg - 64 * j : 64;
                      const std::uint64_t m = load_bits(xnz + pos, g * Cg + 64 * j, bits);
                      const std::uint64_t a = load_bits(xs + pos, g * Cg + 64 * j, bits);
                      const std::uint64_t wv = load_weight_word(w, (o + r) * KP + (kh * KW + kw) * GW + j);
                      acc += popcount64(m) - 2 * popcount64((a ^ wv) & m);
                    }
                  }
                if (!exact[t]) {
                  // acc holds the tap sums of the in-bounds taps; the fast
                  // count treated padded taps as +1 inputs.
                  std::int32_t padSum = 0;
                  for (index_t k = 0; k < taps; ++k)
                    padSum += tapsum[(o + r) * taps + k];
                  acc = fullBits - 2 * pc[r][t] - (padSum - acc);
                }
              }
              y[((n * O + o + r) * OH) * OW + p0 + t] = acc;
            }
        }
      }
}

/// Binary matrix product [N, K] x [O, K]^T into int32 [N, O]: a 1x1
/// convolution on a 1x1 image.
inline void binary_dense(const std::uint64_t *xs, const std::uint64_t *xnz, const std::uint32_t *w,
                         const std::int32_t *tapsum, std::uint64_t *scratch, std::int32_t *y, index_t N,
                         index_t K, index_t O) {
  binary_conv2d(xs, xnz, w, tapsum, scratch, y, N, K, 1, 1, O, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1);
}

/// Per-channel thresholds on an int32 [N, C, HW] accumulator, packed as a
/// binary tensor: n = (acc >= low) + (acc >= high), value n - 1 (1 - n when
/// descending).
inline void threshold_i32(const std::int32_t *acc, const std::int32_t *low, const std::int32_t *high,
                          const std::int8_t *descending, std::uint64_t *sign, std::uint64_t *nonzero,
                          index_t N, index_t C, index_t HW) {
  pack_ternary(sign, nonzero, N, C, HW, [&](index_t n, index_t c, index_t p) {
    const std::int32_t v = acc[(n * C + c) * HW + p];
    const int reached = (v >= low[c]) + (v >= high[c]);
    return descending[c] ? 1 - reached : reached - 1;
  });
}

} // namespace qnn_rt

#endif
