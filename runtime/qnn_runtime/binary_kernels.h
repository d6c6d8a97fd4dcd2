// Binary (xnor/popcount) kernels. A binary tensor of logical shape
// [N, C, H, W] is stored as two bit planes, each [N][H][W][words_for(C)]
// 64-bit words: `sign` (bit 1 = -1) and `nonzero` (bit 0 = the value is 0,
// as ONNX Sign(0) = 0 gives). Unused high bits of the last word are 0 in
// both planes. Packed weights are uint32 pairs (low half first) so that
// generated code can spell them as plain C++ literals.
#ifndef QNN_RUNTIME_BINARY_KERNELS_H
#define QNN_RUNTIME_BINARY_KERNELS_H

#include "qnn_runtime/common.h"

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

/// Binary convolution into exact int32 accumulators, y in NCHW.
/// Weights: [O][KH][KW][words_for(C / G)] words. Each term is
/// x * w with x in {-1, 0, +1}: sum = nonzeros - 2 * popcount((x ^ w) & nonzero).
inline void binary_conv2d(const std::uint64_t *xs, const std::uint64_t *xnz, const std::uint32_t *w,
                          std::int32_t *y, index_t N, index_t C, index_t H, index_t W, index_t O,
                          index_t KH, index_t KW, index_t OH, index_t OW, index_t SH, index_t SW,
                          index_t PT, index_t PL, index_t DH, index_t DW, index_t G) {
  const index_t Cg = C / G, Og = O / G, CW = words_for(C), GW = words_for(Cg);
  for (index_t n = 0; n < N; ++n)
    for (index_t oh = 0; oh < OH; ++oh)
      for (index_t ow = 0; ow < OW; ++ow)
        for (index_t g = 0; g < G; ++g) {
          // Nonzero inputs under the window: the same for every output channel.
          std::int32_t nonzeros = 0;
          for (index_t kh = 0; kh < KH; ++kh)
            for (index_t kw = 0; kw < KW; ++kw) {
              const index_t ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                continue;
              const std::uint64_t *m = xnz + ((n * H + ih) * W + iw) * CW;
              for (index_t j = 0; j < GW; ++j) {
                const index_t bits = Cg - 64 * j < 64 ? Cg - 64 * j : 64;
                nonzeros += popcount64(load_bits(m, g * Cg + 64 * j, bits));
              }
            }
          for (index_t o = g * Og; o < (g + 1) * Og; ++o) {
            std::int32_t differ = 0;
            for (index_t kh = 0; kh < KH; ++kh)
              for (index_t kw = 0; kw < KW; ++kw) {
                const index_t ih = oh * SH - PT + kh * DH, iw = ow * SW - PL + kw * DW;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                  continue;
                const index_t pos = ((n * H + ih) * W + iw) * CW;
                const index_t wbase = ((o * KH + kh) * KW + kw) * GW;
                for (index_t j = 0; j < GW; ++j) {
                  const index_t bits = Cg - 64 * j < 64 ? Cg - 64 * j : 64;
                  const index_t bit = g * Cg + 64 * j;
                  const std::uint64_t a = load_bits(xs + pos, bit, bits);
                  const std::uint64_t m = load_bits(xnz + pos, bit, bits);
                  differ += popcount64((a ^ load_weight_word(w, wbase + j)) & m);
                }
              }
            y[((n * O + o) * OH + oh) * OW + ow] = nonzeros - 2 * differ;
          }
        }
}

/// Binary matrix product [N, K] x [O, K]^T into int32 [N, O].
inline void binary_dense(const std::uint64_t *xs, const std::uint64_t *xnz, const std::uint32_t *w,
                         std::int32_t *y, index_t N, index_t K, index_t O) {
  binary_conv2d(xs, xnz, w, y, N, K, 1, 1, O, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1);
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
