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
/// tensor into the binary tensor y (sign plane, nonzero plane at
/// y + planeWords).
template <class Value>
inline void pack_ternary(std::uint64_t *y, index_t planeWords, index_t N, index_t C, index_t HW, Value value) {
  std::uint64_t *sign = y, *nonzero = y + planeWords;
  const index_t CW = words_for(C);
  for (index_t i = 0; i < N * HW * CW; ++i)
    sign[i] = nonzero[i] = 0;
  // Channel by channel, so the NCHW source is read contiguously.
  for (index_t n = 0; n < N; ++n)
    for (index_t c = 0; c < C; ++c) {
      std::uint64_t *s = sign + n * HW * CW + c / 64, *nz = nonzero + n * HW * CW + c / 64;
      const index_t bit = c % 64;
      for (index_t p = 0; p < HW; ++p) {
        const int v = value(n, c, p);
        s[p * CW] |= static_cast<std::uint64_t>(v < 0) << bit;
        nz[p * CW] |= static_cast<std::uint64_t>(v != 0) << bit;
      }
    }
}

#if defined(__AVX512F__) && defined(__AVX512BW__)
/// 64 channels' 16-pixel masks (bit p of masks[c]: pixel p) -> one 64-bit
/// word per pixel (bit c: channel c), at words[p * stride]. The masks'
/// low and high bytes become byte vectors; shifting pixel p's bit to the
/// top of every byte, movepi8_mask collects it from all 64 channels.
inline void transpose_masks_64x16(const std::uint16_t masks[64], std::uint64_t *words, index_t stride) {
  const __m512i m0 = _mm512_loadu_si512(masks), m1 = _mm512_loadu_si512(masks + 32);
  // Zero-masked intrinsics throughout: GCC 12's unmasked forms start from
  // _mm512_undefined_epi32(), which trips -Wuninitialized in its header.
  auto bytes = [](__m512i a, __m512i b) {
    const __m512i low = _mm512_maskz_inserti64x4(0xFF, _mm512_setzero_si512(), _mm512_maskz_cvtepi16_epi8(~0u, a), 0);
    return _mm512_maskz_inserti64x4(0xFF, low, _mm512_maskz_cvtepi16_epi8(~0u, b), 1);
  };
  const __m512i half[2] = {bytes(m0, m1), bytes(_mm512_srli_epi16(m0, 8), _mm512_srli_epi16(m1, 8))};
  for (int p = 0; p < 16; ++p) {
    const __m512i top = _mm512_sll_epi16(half[p / 8], _mm_cvtsi32_si128(7 - p % 8));
    words[p * stride] = _cvtmask64_u64(_mm512_movepi8_mask(top));
  }
}
#endif

/// Packs ONNX Sign(x) of a float [N, C, HW] tensor (NaN counts as positive).
/// The bits come straight from the comparisons, without a -1/0/+1 value in
/// between, so the loop has no data-dependent branches. With AVX-512BW,
/// whole words of 64 channels go 16 pixels at a time through vector
/// compares and a bit transpose; the rest bit by bit.
inline void binarize_f32(const float *x, std::uint64_t *y, index_t planeWords, index_t N, index_t C, index_t HW) {
  std::uint64_t *sign = y, *nonzero = y + planeWords;
  const index_t CW = words_for(C);
  for (index_t i = 0; i < N * HW * CW; ++i)
    sign[i] = nonzero[i] = 0;
  index_t vectorC = 0, vectorHW = 0; // channels and pixels the vector code covers
#if defined(__AVX512F__) && defined(__AVX512BW__)
  vectorC = C / 64 * 64;
  vectorHW = HW / 16 * 16;
  const __m512 zero = _mm512_setzero_ps();
  for (index_t n = 0; n < N; ++n)
    for (index_t cw = 0; cw < vectorC / 64; ++cw)
      for (index_t p0 = 0; p0 < vectorHW; p0 += 16) {
        alignas(64) std::uint16_t negative[64], nonzeros[64];
        for (int c = 0; c < 64; ++c) {
          const __m512 v = _mm512_loadu_ps(x + (n * C + cw * 64 + c) * HW + p0);
          negative[c] = _mm512_cmp_ps_mask(v, zero, _CMP_LT_OQ);
          nonzeros[c] = _mm512_cmp_ps_mask(v, zero, _CMP_NEQ_UQ);
        }
        transpose_masks_64x16(negative, sign + (n * HW + p0) * CW + cw, CW);
        transpose_masks_64x16(nonzeros, nonzero + (n * HW + p0) * CW + cw, CW);
      }
#endif
  for (index_t n = 0; n < N; ++n)
    for (index_t c = 0; c < C; ++c) {
      const float *xc = x + (n * C + c) * HW;
      std::uint64_t *s = sign + n * HW * CW + c / 64, *nz = nonzero + n * HW * CW + c / 64;
      const index_t bit = c % 64;
      for (index_t p = c < vectorC ? vectorHW : 0; p < HW; ++p) {
        s[p * CW] |= static_cast<std::uint64_t>(xc[p] < 0.0f) << bit;
        nz[p * CW] |= static_cast<std::uint64_t>(xc[p] != 0.0f) << bit;
      }
    }
}

/// Words per weight row of binary_conv2d: [KH][KW][words_for(Cg)].
constexpr index_t binary_row_words(index_t KH, index_t KW, index_t Cg) { return KH * KW * words_for(Cg); }

/// uint32 halves of packed binary weights: `planes` sets (one for +-1
/// weights, m for the m weight planes of a bit-serial convolution) of O
/// rows of binary_row_words words.
constexpr index_t binary_weight_halves(index_t planes, index_t O, index_t KH, index_t KW, index_t Cg) {
  return 2 * planes * O * binary_row_words(KH, KW, Cg);
}

/// The kernels' weight layout: negative(plane, o, c, kh, kw) says whether
/// weight [plane][o][c][kh][kw] is -1 (else +1); `w` receives
/// binary_weight_halves(planes, O, KH, KW, Cg) halves, rows of
/// [KH][KW][words(Cg)] words with bit c % 64 of word c / 64 set for -1.
template <class Negative>
inline void pack_binary_weights(std::uint32_t *w, index_t planes, index_t O, index_t Cg, index_t KH, index_t KW,
                                Negative negative) {
  const index_t GW = words_for(Cg), KP = binary_row_words(KH, KW, Cg);
  for (index_t i = 0; i < binary_weight_halves(planes, O, KH, KW, Cg); ++i)
    w[i] = 0;
  for (index_t m = 0; m < planes; ++m)
    for (index_t o = 0; o < O; ++o)
      for (index_t c = 0; c < Cg; ++c)
        for (index_t kh = 0; kh < KH; ++kh)
          for (index_t kw = 0; kw < KW; ++kw)
            if (negative(m, o, c, kh, kw)) {
              const index_t word = (m * O + o) * KP + (kh * KW + kw) * GW + c / 64, bit = c % 64;
              w[2 * word + bit / 32] |= std::uint32_t(1) << (bit % 32);
            }
}

/// Bit-serial weights: an odd integer n with |n| <= 2^planes - 1 is
/// sum_i 2^i b_i with b_i = +-1; b_i is -1 exactly where bit i of
/// (n + 2^planes - 1) / 2 is 0.
constexpr bool weight_plane_negative(std::int64_t n, int plane, int planes) {
  return ((((n + (std::int64_t(1) << planes) - 1) / 2) >> plane) & 1) == 0;
}

/// Scratch words binary_conv2d needs: the gathered sign and nonzero windows
/// of one tile of pixels.
constexpr index_t kBinaryTile = 4;
constexpr index_t binary_conv2d_scratch_words(index_t KH, index_t KW, index_t Cg) {
  return 2 * kBinaryTile * binary_row_words(KH, KW, Cg);
}

/// out[o][p] = popcount((window p XOR weight row o) [AND mask p]) for OB
/// rows x P windows, each KP words long: SIMD over whole vectors, then word
/// by word. Masked, the nonzero windows follow the P sign windows.
template <int OB, int P, bool Masked>
inline void xor_popcount_block(const std::uint64_t *win, const std::uint32_t *w, index_t KP,
                               std::int32_t out[OB][P]) {
  const std::uint64_t *mask = win + P * KP;
  index_t j = 0;
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
  __m512i acc[OB][P];
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      acc[o][p] = _mm512_setzero_si512();
  // Whole vectors, then the last KP % 8 words through masked loads (masked
  // lanes read nothing and count 0), so no word goes through scalar code.
  for (; j < KP; j += 8) {
    const __mmask8 lanes = KP - j >= 8 ? __mmask8(0xFF) : __mmask8((1u << (KP - j)) - 1);
    __m512i a[P], m[P];
    for (int p = 0; p < P; ++p) {
      a[p] = _mm512_maskz_loadu_epi64(lanes, win + p * KP + j);
      if (Masked)
        m[p] = _mm512_maskz_loadu_epi64(lanes, mask + p * KP + j);
    }
    for (int o = 0; o < OB; ++o) {
      const __m512i wv = _mm512_maskz_loadu_epi64(lanes, w + 2 * (o * KP + j));
      for (int p = 0; p < P; ++p) {
        __m512i x = _mm512_xor_si512(a[p], wv);
        if (Masked)
          x = _mm512_and_si512(x, m[p]);
        acc[o][p] = _mm512_add_epi64(acc[o][p], _mm512_popcnt_epi64(x));
      }
    }
  }
  // The horizontal sums eight at a time: a shuffle tree turns eight
  // accumulators into one vector of their eight sums (zero-masked forms:
  // GCC 12's unmasked ones trip -Wuninitialized in its own header).
  for (int base = 0; base < OB * P; base += 8) {
    __m512i v[8];
    for (int i = 0; i < 8; ++i)
      v[i] = base + i < OB * P ? acc[(base + i) / P][(base + i) % P] : _mm512_setzero_si512();
    __m512i pairs[4], quads[2];
    for (int i = 0; i < 4; ++i) // 128-bit lane l: (v[2i] half sum, v[2i+1] half sum)
      pairs[i] = _mm512_add_epi64(_mm512_maskz_unpacklo_epi64(0xFF, v[2 * i], v[2 * i + 1]),
                                  _mm512_maskz_unpackhi_epi64(0xFF, v[2 * i], v[2 * i + 1]));
    for (int i = 0; i < 2; ++i)
      quads[i] = _mm512_add_epi64(
          _mm512_maskz_shuffle_i64x2(0xFF, pairs[2 * i], pairs[2 * i + 1], _MM_SHUFFLE(2, 0, 2, 0)),
          _mm512_maskz_shuffle_i64x2(0xFF, pairs[2 * i], pairs[2 * i + 1], _MM_SHUFFLE(3, 1, 3, 1)));
    const __m512i sums =
        _mm512_add_epi64(_mm512_maskz_shuffle_i64x2(0xFF, quads[0], quads[1], _MM_SHUFFLE(2, 0, 2, 0)),
                         _mm512_maskz_shuffle_i64x2(0xFF, quads[0], quads[1], _MM_SHUFFLE(3, 1, 3, 1)));
    alignas(32) std::int32_t total[8];
    _mm256_store_si256(reinterpret_cast<__m256i *>(total), _mm512_maskz_cvtepi64_epi32(0xFF, sums));
    for (int i = 0; i < 8 && base + i < OB * P; ++i)
      out[(base + i) / P][(base + i) % P] = total[i];
  }
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
    __m256i a[P], m[P];
    for (int p = 0; p < P; ++p) {
      a[p] = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(win + p * KP + j));
      if (Masked)
        m[p] = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(mask + p * KP + j));
    }
    for (int o = 0; o < OB; ++o) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(w + 2 * (o * KP + j)));
      for (int p = 0; p < P; ++p) {
        __m256i x = _mm256_xor_si256(a[p], wv);
        if (Masked)
          x = _mm256_and_si256(x, m[p]);
        const __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(x, low)),
                                          _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));
        acc[o][p] = _mm256_add_epi64(acc[o][p], _mm256_sad_epu8(c, _mm256_setzero_si256()));
      }
    }
  }
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; p += 4 <= P - p ? 4 : 1) {
      alignas(32) std::int64_t lanes[4];
      if (p + 4 <= P) {
        // Four horizontal sums at once: pairwise within 128-bit halves,
        // then the halves added across.
        const __m256i s01 = _mm256_add_epi64(_mm256_unpacklo_epi64(acc[o][p], acc[o][p + 1]),
                                             _mm256_unpackhi_epi64(acc[o][p], acc[o][p + 1]));
        const __m256i s23 = _mm256_add_epi64(_mm256_unpacklo_epi64(acc[o][p + 2], acc[o][p + 3]),
                                             _mm256_unpackhi_epi64(acc[o][p + 2], acc[o][p + 3]));
        const __m256i sums = _mm256_add_epi64(_mm256_permute2x128_si256(s01, s23, 0x20),
                                              _mm256_permute2x128_si256(s01, s23, 0x31));
        _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), sums);
        for (int i = 0; i < 4; ++i)
          out[o][p + i] = static_cast<std::int32_t>(lanes[i]);
      } else {
        _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), acc[o][p]);
        out[o][p] = static_cast<std::int32_t>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
      }
    }
#elif defined(__ARM_NEON)
  uint32x4_t acc[OB][P];
  for (int o = 0; o < OB; ++o)
    for (int p = 0; p < P; ++p)
      acc[o][p] = vdupq_n_u32(0);
  for (; j + 2 <= KP; j += 2) {
    uint8x16_t a[P], m[P];
    for (int p = 0; p < P; ++p) {
      a[p] = vreinterpretq_u8_u64(vld1q_u64(win + p * KP + j));
      if (Masked)
        m[p] = vreinterpretq_u8_u64(vld1q_u64(mask + p * KP + j));
    }
    for (int o = 0; o < OB; ++o) {
      const uint8x16_t wv = vreinterpretq_u8_u32(vld1q_u32(w + 2 * (o * KP + j)));
      for (int p = 0; p < P; ++p) {
        uint8x16_t x = veorq_u8(a[p], wv);
        if (Masked)
          x = vandq_u8(x, m[p]);
        acc[o][p] = vpadalq_u16(acc[o][p], vpaddlq_u8(vcntq_u8(x)));
      }
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
        out[o][p] += popcount64((win[p * KP + j] ^ wv) & (Masked ? mask[p * KP + j] : ~std::uint64_t(0)));
    }
}

/// Output channels per register block: 4 with AVX-512's 32 vector
/// registers (16 accumulators), 2 elsewhere.
#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
constexpr int kBinaryOutBlock = 4;
#else
constexpr int kBinaryOutBlock = 2;
#endif

/// xor_popcount_block for `count` (1 .. kBinaryOutBlock) weight rows.
template <int OB = kBinaryOutBlock>
inline void xor_popcount_rows(int count, bool masked, const std::uint64_t *win, const std::uint32_t *w, index_t KP,
                              std::int32_t out[kBinaryOutBlock][kBinaryTile]) {
  if constexpr (OB > 1)
    if (count < OB)
      return xor_popcount_rows<OB - 1>(count, masked, win, w, KP, out);
  std::int32_t (*rows)[kBinaryTile] = out;
  masked ? xor_popcount_block<OB, kBinaryTile, true>(win, w, KP, rows)
         : xor_popcount_block<OB, kBinaryTile, false>(win, w, KP, rows);
}

/// Binary convolution core: exact int32 accumulators, handed to `store`.
///   w:       [O][binary_row_words] words, a row being [KH][KW][words(Cg)]
///   scratch: binary_conv2d_scratch_words(KH, KW, Cg) words per thread
/// Pixels go in tiles of kBinaryTile: each window is gathered into scratch.
/// A tile of interior, zero-free windows computes Cg*KH*KW - 2*popcount(x^w);
/// any other tile also gathers the nonzero plane (0 on padding) and computes
/// nonzeros - 2*popcount((x^w) & nonzero), exact for padding and Sign(0).
/// `store(n, o, pixel, acc)` receives every accumulator (pixel = oh * OW + ow).
/// A null `xs` means no element is negative (a 0/1 bit plane of levels).
template <class Store>
inline void binary_conv2d_with(const std::uint64_t *xs, const std::uint64_t *xnz, const std::uint32_t *w,
                               std::uint64_t *scratch, const Conv2DParams &p, Store store) {
  const index_t N = p.N, C = p.C, H = p.H, W = p.W, O = p.O, KH = p.KH, KW = p.KW, OH = p.OH, OW = p.OW;
  const index_t SH = p.SH, SW = p.SW, PT = p.PT, PL = p.PL, DH = p.DH, DW = p.DW, G = p.G;
  const index_t Cg = C / G, Og = O / G, CW = words_for(C), GW = words_for(Cg);
  const index_t KP = binary_row_words(KH, KW, Cg), pixels = OH * OW;
  const std::int32_t fullBits = static_cast<std::int32_t>(Cg * KH * KW);
  // Groups starting on a word boundary are gathered word by word.
  const bool aligned = Cg % 64 == 0 || G == 1;
  const std::uint64_t lastMask = Cg % 64 ? (std::uint64_t(1) << (Cg % 64)) - 1 : ~std::uint64_t(0);
  const index_t tiles = (pixels + kBinaryTile - 1) / kBinaryTile;
  for (index_t n = 0; n < N; ++n)
    for (index_t g = 0; g < G; ++g)
      QNN_RT_PARALLEL_FOR
      for (index_t ti = 0; ti < tiles; ++ti) {
        // Each thread gathers into its own slice of the scratch.
        std::uint64_t *tileScratch = scratch + thread_index() * binary_conv2d_scratch_words(KH, KW, Cg);
        std::uint64_t *signs = tileScratch, *masks = tileScratch + kBinaryTile * KP;
        const index_t p0 = ti * kBinaryTile;
        const index_t tile = pixels - p0 < kBinaryTile ? pixels - p0 : kBinaryTile;
        std::int32_t nonzeros[kBinaryTile];
        bool masked = false;
        for (index_t i = 0; i < 2 * kBinaryTile * KP; ++i)
          tileScratch[i] = 0;
        for (index_t t = 0; t < tile; ++t) {
          const index_t oh = (p0 + t) / OW, ow = (p0 + t) % OW;
          nonzeros[t] = 0;
          for (index_t kh = 0; kh < KH; ++kh)
            for (index_t kw = 0; kw < KW; ++kw) {
              const index_t ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
                masked = true; // padding: sign 0, nonzero 0
                continue;
              }
              const index_t pos = ((n * H + ih) * W + iw) * CW, at = t * KP + (kh * KW + kw) * GW;
              for (index_t j = 0; j < GW; ++j) {
                std::uint64_t sv, mv;
                if (aligned) { // whole words; the bits past C are 0 in both planes
                  sv = xs ? xs[pos + g * Cg / 64 + j] : 0;
                  mv = xnz[pos + g * Cg / 64 + j];
                } else {
                  const index_t bits = Cg - 64 * j < 64 ? Cg - 64 * j : 64;
                  sv = xs ? load_bits(xs + pos, g * Cg + 64 * j, bits) : 0;
                  mv = load_bits(xnz + pos, g * Cg + 64 * j, bits);
                }
                signs[at + j] = sv;
                masks[at + j] = mv;
                masked |= mv != (j + 1 < GW ? ~std::uint64_t(0) : lastMask);
                nonzeros[t] += popcount64(mv);
              }
            }
        }
        for (index_t o = g * Og; o < (g + 1) * Og; o += kBinaryOutBlock) {
          const int count = (g + 1) * Og - o < kBinaryOutBlock ? int((g + 1) * Og - o) : kBinaryOutBlock;
          std::int32_t pc[kBinaryOutBlock][kBinaryTile];
          xor_popcount_rows(count, masked, tileScratch, w + 2 * o * KP, KP, pc);
          for (int r = 0; r < count; ++r)
            for (index_t t = 0; t < tile; ++t)
              store(n, o + r, p0 + t, (masked ? nonzeros[t] : fullBits) - 2 * pc[r][t]);
        }
      }
}

/// Binary convolution of x (sign plane, nonzero plane at x + planeWords)
/// into exact int32 accumulators, y in NCHW.
inline void binary_conv2d(const std::uint64_t *x, index_t planeWords, const std::uint32_t *w, std::uint64_t *scratch,
                          std::int32_t *y, const Conv2DParams &p) {
  const index_t pixels = p.OH * p.OW;
  binary_conv2d_with(x, x + planeWords, w, scratch, p, [&](index_t n, index_t o, index_t pixel, std::int32_t acc) {
    y[(n * p.O + o) * pixels + pixel] = acc;
  });
}

/// The Sign a channel's two thresholds t[0] <= t[1] give an accumulator:
/// -1, 0 or +1 (see threshold_i32).
inline int threshold_level(std::int32_t acc, const std::int32_t *t, std::int8_t descending) {
  const int reached = (acc >= t[0]) + (acc >= t[1]);
  return descending ? 1 - reached : reached - 1;
}

/// binary_conv2d followed by threshold_i32, without the int32 tensor: each
/// accumulator sets its output bits in the packed planes ys / ynz.
inline void binary_conv2d_sign(const std::uint64_t *x, index_t xPlaneWords, const std::uint32_t *w,
                               std::uint64_t *scratch, const std::int32_t *thresholds, const std::int8_t *descending,
                               std::uint64_t *y, index_t yPlaneWords,
                               const Conv2DParams &p) {
  const index_t OCW = words_for(p.O), pixels = p.OH * p.OW;
  std::uint64_t *ys = y, *ynz = y + yPlaneWords;
  for (index_t i = 0; i < p.N * pixels * OCW; ++i)
    ys[i] = ynz[i] = 0;
  // A pixel's words are written only by the thread that owns its tile.
  binary_conv2d_with(x, x + xPlaneWords, w, scratch, p,
                     [&](index_t n, index_t o, index_t pixel, std::int32_t acc) {
                       const int level = threshold_level(acc, thresholds + 2 * o, descending[o]);
                       const index_t word = (n * pixels + pixel) * OCW + o / 64;
                       ys[word] |= static_cast<std::uint64_t>(level < 0) << (o % 64);
                       ynz[word] |= static_cast<std::uint64_t>(level != 0) << (o % 64);
                     });
}

/// Binary matrix product [N, K] x [O, K]^T into int32 [N, O]: a 1x1
/// convolution on a 1x1 image.
inline void binary_dense(const std::uint64_t *x, index_t planeWords, const std::uint32_t *w, std::uint64_t *scratch,
                         std::int32_t *y, index_t N, index_t K, index_t O) {
  binary_conv2d(x, planeWords, w, scratch, y, Conv2DParams{N, K, 1, 1, O, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1});
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
