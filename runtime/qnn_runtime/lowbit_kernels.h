// Low-bit kernels: tensors of unsigned k-bit levels (0 .. 2^k - 1) stored as
// k bit planes, plane j at `planes + j * planeWords`, each laid out like a
// binary tensor's nonzero plane ([N][H][W][words_for(C)] 64-bit words). A
// k-bit x (+-1) product is computed bit-serially: sum_j 2^j * (plane j x w)
// on the binary kernels.
#ifndef QNN_RUNTIME_LOWBIT_KERNELS_H
#define QNN_RUNTIME_LOWBIT_KERNELS_H

#include "qnn_runtime/binary_kernels.h"

namespace qnn_rt {

/// Packs the levels given by level(n, c, p) for an [N, C, HW] tensor into
/// `bits` planes, kPackPixels pixels per work unit (a thread writes whole
/// pixels' words). words(n, p0, pixels, at) may first write whole words of
/// the unit's pixels itself (`at`: the planes of image n) and returns the
/// channels it covered, a multiple of 64; the rest go value by value.
template <class Level, class Words>
inline void pack_levels(std::uint64_t *planes, index_t planeWords, int bits, index_t N, index_t C, index_t HW,
                        Level level, Words words) {
  const index_t CW = words_for(C), blocks = (HW + kPackPixels - 1) / kPackPixels;
  QNN_RT_PARALLEL_FOR
  for (index_t nb = 0; nb < N * blocks; ++nb) {
    const index_t n = nb / blocks, p0 = nb % blocks * kPackPixels;
    const index_t p1 = HW - p0 < kPackPixels ? HW : p0 + kPackPixels;
    std::uint64_t *at = planes + n * HW * CW;
    const index_t done = words(n, p0, p1 - p0, at);
    for (int j = 0; j < bits; ++j)
      for (index_t p = p0; p < p1; ++p)
        for (index_t cw = done / 64; cw < CW; ++cw)
          at[j * planeWords + p * CW + cw] = 0;
    for (index_t c = done; c < C; ++c)
      for (index_t p = p0; p < p1; ++p) {
        const unsigned v = level(n, c, p);
        for (int j = 0; j < bits; ++j)
          at[j * planeWords + p * CW + c / 64] |= static_cast<std::uint64_t>((v >> j) & 1) << (c % 64);
      }
  }
}

/// The `words` of pack_levels that leaves every value to level().
inline index_t no_vector_words(index_t, index_t, index_t, std::uint64_t *) { return 0; }

/// Level of a float: the number of the T thresholds `t` it reaches (x >= t;
/// NaN reaches none), as QONNX MultiThreshold counts.
inline unsigned count_reached(float x, const float *t, index_t T) {
  unsigned n = 0;
  for (index_t i = 0; i < T; ++i)
    n += x >= t[i];
  return n;
}

/// Float [N, C, HW] -> levels, T thresholds per channel ([C][T]).
inline void quantize_levels_f32(const float *x, const float *thresholds, index_t T, std::uint64_t *planes,
                                index_t planeWords, int bits, index_t N, index_t C, index_t HW) {
  auto level = [&](index_t n, index_t c, index_t p) {
    return count_reached(x[(n * C + c) * HW + p], thresholds + c * T, T);
  };
#if defined(__AVX512F__) && defined(__AVX512BW__)
  // As binarize_f32: 16 pixels x 64 channels per step, each channel's
  // thresholds compared with a vector of pixels (ordered >=: NaN reaches
  // none, as count_reached), each plane's bits of the counts transposed into
  // the pixels' words.
  static_assert(kPackPixels == 16, "transpose_masks_64x16 packs 16 pixels");
  const index_t CW = words_for(C);
  pack_levels(planes, planeWords, bits, N, C, HW, level,
              [&](index_t n, index_t p0, index_t pixels, std::uint64_t *at) -> index_t {
                if (pixels != kPackPixels)
                  return 0;
                for (index_t cw = 0; cw < C / 64; ++cw) {
                  alignas(64) std::uint16_t masks[kMaxLevelBits][64];
                  for (index_t c = 0; c < 64; ++c) {
                    const index_t ch = cw * 64 + c;
                    const __m512 v = _mm512_loadu_ps(x + (n * C + ch) * HW + p0);
                    __m512i count = _mm512_setzero_si512();
                    for (index_t i = 0; i < T; ++i) {
                      const __mmask16 reached =
                          _mm512_cmp_ps_mask(v, _mm512_set1_ps(thresholds[ch * T + i]), _CMP_GE_OQ);
                      count = _mm512_mask_add_epi32(count, reached, count, _mm512_set1_epi32(1));
                    }
                    for (int j = 0; j < bits; ++j)
                      masks[j][c] = _mm512_test_epi32_mask(count, _mm512_set1_epi32(1 << j));
                  }
                  for (int j = 0; j < bits; ++j)
                    transpose_masks_64x16(masks[j], at + j * planeWords + p0 * CW + cw, CW);
                }
                return C / 64 * 64;
              });
#else
  pack_levels(planes, planeWords, bits, N, C, HW, level, no_vector_words);
#endif
}

/// Int32 accumulators [N, C, HW] -> levels: n = #(acc >= t) over the
/// channel's T integer thresholds, T - n where the channel is descending.
inline void threshold_levels_i32(const std::int32_t *acc, const std::int32_t *thresholds, index_t T,
                                 const std::int8_t *descending, std::uint64_t *planes, index_t planeWords, int bits,
                                 index_t N, index_t C, index_t HW) {
  auto level = [&](index_t n, index_t c, index_t p) {
    const std::int32_t a = acc[(n * C + c) * HW + p];
    unsigned reached = 0;
    for (index_t i = 0; i < T; ++i)
      reached += a >= thresholds[c * T + i];
    return descending[c] ? static_cast<unsigned>(T) - reached : reached;
  };
#if defined(__AVX512F__) && defined(__AVX512BW__)
  // As quantize_levels_f32, with integer comparisons.
  const index_t CW = words_for(C);
  pack_levels(planes, planeWords, bits, N, C, HW, level,
              [&](index_t n, index_t p0, index_t pixels, std::uint64_t *at) -> index_t {
                if (pixels != kPackPixels)
                  return 0;
                for (index_t cw = 0; cw < C / 64; ++cw) {
                  alignas(64) std::uint16_t masks[kMaxLevelBits][64];
                  for (index_t c = 0; c < 64; ++c) {
                    const index_t ch = cw * 64 + c;
                    const __m512i a = _mm512_loadu_si512(acc + (n * C + ch) * HW + p0);
                    __m512i count = _mm512_setzero_si512();
                    for (index_t i = 0; i < T; ++i) {
                      const __mmask16 reached = _mm512_cmpge_epi32_mask(a, _mm512_set1_epi32(thresholds[ch * T + i]));
                      count = _mm512_mask_add_epi32(count, reached, count, _mm512_set1_epi32(1));
                    }
                    if (descending[ch])
                      count = _mm512_sub_epi32(_mm512_set1_epi32(static_cast<int>(T)), count);
                    for (int j = 0; j < bits; ++j)
                      masks[j][c] = _mm512_test_epi32_mask(count, _mm512_set1_epi32(1 << j));
                  }
                  for (int j = 0; j < bits; ++j)
                    transpose_masks_64x16(masks[j], at + j * planeWords + p0 * CW + cw, CW);
                }
                return C / 64 * 64;
              });
#else
  pack_levels(planes, planeWords, bits, N, C, HW, level, no_vector_words);
#endif
}

/// Levels -> float32 scale * level + bias, y in NCHW.
inline void levels_to_float(const std::uint64_t *planes, index_t planeWords, int bits, float scale, float bias,
                            float *y, index_t N, index_t C, index_t HW) {
  const index_t CW = words_for(C);
  QNN_RT_PARALLEL_FOR
  for (index_t nc = 0; nc < N * C; ++nc) {
    const index_t n = nc / C, c = nc % C;
    for (index_t p = 0; p < HW; ++p) {
      unsigned v = 0;
      for (int j = 0; j < bits; ++j)
        v |= static_cast<unsigned>((planes[j * planeWords + (n * HW + p) * CW + c / 64] >> (c % 64)) & 1) << j;
      y[nc * HW + p] = scale * static_cast<float>(v) + bias;
    }
  }
}

/// 1-bit levels -> binary tensor 2n - 1: level 1 is +1, level 0 is -1.
inline void levels_to_binary(const std::uint64_t *plane, index_t /*planeWords: one plane*/, std::uint64_t *y,
                             index_t yPlaneWords, index_t N, index_t C, index_t HW) {
  std::uint64_t *sign = y, *nonzero = y + yPlaneWords;
  const index_t CW = words_for(C);
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < N * HW * CW; ++i) {
    const index_t bits = C - 64 * (i % CW);
    const std::uint64_t valid = bits >= 64 ? ~std::uint64_t(0) : (std::uint64_t(1) << bits) - 1;
    sign[i] = ~plane[i] & valid;
    nonzero[i] = valid;
  }
}

/// Bit-serial convolution of levels with m-bit weights into exact int32
/// accumulators (y in NCHW): activation plane j (values 0/1) and weight
/// plane i (+-1, weighing 2^i) contribute 2^(i+j) times their binary
/// product. `w` holds `weightPlanes` binary_conv2d weight sets one after
/// another, spelling odd weights n; `weightOffsets` (null, or an odd d per
/// output channel padded to binary_lane_blocks(O) * kBinaryLanes) makes
/// them (n + d) / 2: any integer grid, zero and even values included.
/// Each output tile sums all plane pairs before it is stored: in one pass
/// over each window where the pairs fit the registers (AVX-512), else one
/// binary product per pair.
inline void bitserial_conv2d(const std::uint64_t *planes, index_t planeWords, int bits, const std::uint32_t *w,
                             int weightPlanes, const std::int32_t *weightOffsets, std::int32_t *y,
                             const Conv2DParams &p) {
  const BitSerialPlanes serial{planeWords, bits, weightPlanes, binary_weight_halves(1, p.O, p.KH, p.KW, p.C / p.G),
                               weightOffsets};
  binary_conv2d_with<true>(planes, planes, w, p, accumulator_store(y, p), nullptr, &serial);
}

/// bitserial_conv2d, then y = (float(acc) * scale[o] + bias[o]) (+
/// residual), as binary_conv2d_affine (layouts included): scale_bias_i32
/// followed by add_f32, rounded the same way, without the int32 tensor.
/// `residual` may be y.
inline void bitserial_conv2d_affine(const std::uint64_t *planes, index_t planeWords, int bits, const std::uint32_t *w,
                                    int weightPlanes, const std::int32_t *weightOffsets, const float *scale,
                                    const float *bias, const float *residual, float *y, const Conv2DParams &p,
                                    bool channelsLast = false, bool residualChannelsLast = false) {
  const BitSerialPlanes serial{planeWords, bits, weightPlanes, binary_weight_halves(1, p.O, p.KH, p.KW, p.C / p.G),
                               weightOffsets};
  const BinaryAffine inRegisters{scale, bias, residual, y, channelsLast, residualChannelsLast};
  binary_conv2d_with<true>(planes, planes, w, p, affine_store(inRegisters, p), &inRegisters, &serial);
}

} // namespace qnn_rt

#endif
