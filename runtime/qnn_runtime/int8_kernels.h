// 8-bit kernels with ONNX QuantizeLinear / DequantizeLinear semantics and an
// exact int32 convolution: integer sums do not depend on their order, so
// every target and thread count gives the same result.
#ifndef QNN_RUNTIME_INT8_KERNELS_H
#define QNN_RUNTIME_INT8_KERNELS_H

#include "qnn_runtime/common.h"

#include <cmath>
#include <limits>

namespace qnn_rt {

/// saturate(round_half_even(x / scale) + zero_point) into T (int8_t or
/// uint8_t). NaN, which no integer represents, gives T's lowest value, as
/// ONNX Runtime's x86 kernels do (and converting NaN to an integer would
/// be undefined behaviour).
template <class T>
inline T quantize_value(float x, float scale, std::int32_t zeroPoint, std::int32_t lo, std::int32_t hi) {
  float v = std::nearbyint(x / scale) + static_cast<float>(zeroPoint);
  if (v != v)
    return std::numeric_limits<T>::lowest();
  v = v < static_cast<float>(lo) ? static_cast<float>(lo) : v;
  v = v > static_cast<float>(hi) ? static_cast<float>(hi) : v;
  return static_cast<T>(v);
}

/// quantize_value of every element, one scale and zero point.
template <class T>
inline void quantize_linear(const float *x, T *y, index_t n, float scale, std::int32_t zeroPoint, std::int32_t lo,
                            std::int32_t hi) {
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < n; ++i)
    y[i] = quantize_value<T>(x[i], scale, zeroPoint, lo, hi);
}

/// quantize_value with scale[c] and zeroPoint[c], c the index along the
/// quantization axis ([outer][C][inner]).
template <class T>
inline void quantize_linear_axis(const float *x, T *y, index_t outer, index_t C, index_t inner, const float *scale,
                                 const std::int32_t *zeroPoint, std::int32_t lo, std::int32_t hi) {
  QNN_RT_PARALLEL_FOR
  for (index_t oc = 0; oc < outer * C; ++oc) {
    const index_t c = oc % C;
    for (index_t i = 0; i < inner; ++i)
      y[oc * inner + i] = quantize_value<T>(x[oc * inner + i], scale[c], zeroPoint[c], lo, hi);
  }
}

/// (x - zero_point[c]) * scale[c] with c the index along the quantization
/// axis ([outer][C][inner]); C = 1 for per-tensor parameters.
template <class T>
inline void dequantize_linear(const T *x, float *y, index_t outer, index_t C, index_t inner, const float *scale,
                              const std::int32_t *zeroPoint) {
  QNN_RT_PARALLEL_FOR
  for (index_t oc = 0; oc < outer * C; ++oc) {
    const index_t c = oc % C;
    for (index_t i = 0; i < inner; ++i) {
      const index_t at = oc * inner + i;
      // In 64 bits: an int32 input minus its zero point may leave int32.
      y[at] = static_cast<float>(static_cast<std::int64_t>(x[at]) - zeroPoint[c]) * scale[c];
    }
  }
}

/// Output rows per column chunk of qconv2d: the int16 column matrix stays
/// within 128 KiB, and at least one output row.
inline index_t qconv2d_chunk_rows(index_t Cg, index_t KH, index_t KW, index_t OW) {
  const index_t rows = (64 * 1024) / (Cg * KH * KW * OW);
  return rows < 1 ? 1 : rows;
}

/// Scratch int16 elements qconv2d needs for its column matrix.
inline index_t qconv2d_scratch_elements(index_t Cg, index_t KH, index_t KW, index_t OH, index_t OW) {
  const index_t rows = qconv2d_chunk_rows(Cg, KH, KW, OW);
  return Cg * KH * KW * (rows < OH ? rows : OH) * OW;
}

/// acc[o][p] = sum_k w[o][k] * (x - zero_point)(k, p), exact in int32:
/// columns of (x - zero_point) as int16 (0 on padding), k-major, then an
/// integer GEMM whose inner loop runs along the pixels (vectorizable).
template <class T>
inline void qconv2d(const T *x, const std::int8_t *w, std::int16_t *scratch, std::int32_t *y, std::int32_t zeroPoint,
                    const Conv2DParams &p) {
  const index_t N = p.N, C = p.C, H = p.H, W = p.W, O = p.O, KH = p.KH, KW = p.KW, OH = p.OH, OW = p.OW;
  const index_t SH = p.SH, SW = p.SW, PT = p.PT, PL = p.PL, DH = p.DH, DW = p.DW, G = p.G;
  const index_t Cg = C / G, Og = O / G, K = Cg * KH * KW;
  const index_t chunk = qconv2d_chunk_rows(Cg, KH, KW, OW);
  for (index_t n = 0; n < N; ++n)
    for (index_t g = 0; g < G; ++g)
      for (index_t r0 = 0; r0 < OH; r0 += chunk) {
        const index_t rows = OH - r0 < chunk ? OH - r0 : chunk, P = rows * OW;
        // Threads take whole rows k = (c, kh, kw) of the column matrix.
        QNN_RT_PARALLEL_FOR
        for (index_t k = 0; k < K; ++k) {
          const index_t c = k / (KH * KW), kh = k / KW % KH, kw = k % KW;
          const T *xc = x + (n * C + g * Cg + c) * H * W;
          const ColumnRange in = im2col_columns(W, OW, kw, SW, PL, DW);
          for (index_t r = 0; r < rows; ++r) {
            std::int16_t *col = scratch + k * P + r * OW;
            const index_t ih = (r0 + r) * SH - PT + kh * DH;
            im2col_span(
                ih >= 0 && ih < H ? xc + ih * W - PL + kw * DW : nullptr, 0, OW, in, SW,
                [&](index_t ow, T v) { col[ow] = static_cast<std::int16_t>(static_cast<std::int32_t>(v) - zeroPoint); },
                [&](index_t ow) { col[ow] = 0; });
          }
        }
        QNN_RT_PARALLEL_FOR
        for (index_t o = g * Og; o < (g + 1) * Og; ++o) {
          std::int32_t *out = y + (n * O + o) * OH * OW + r0 * OW;
          for (index_t p = 0; p < P; ++p)
            out[p] = 0;
          for (index_t k = 0; k < K; ++k) {
            const std::int32_t wk = w[o * K + k];
            const std::int16_t *col = scratch + k * P;
            for (index_t p = 0; p < P; ++p)
              out[p] += wk * col[p];
          }
        }
      }
}

} // namespace qnn_rt

#endif
