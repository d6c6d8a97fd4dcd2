// Float32 kernels with ONNX semantics on NCHW tensors. Portable C++17 (the
// convolution GEMM uses GCC/Clang vector extensions where available); every
// kernel sums in a fixed order, each product added with one rounding (a
// fused multiply-add, exact on every target), so all targets give
// bit-identical results.
#ifndef QNN_RUNTIME_FLOAT_KERNELS_H
#define QNN_RUNTIME_FLOAT_KERNELS_H

#include "qnn_runtime/common.h"

#include <cmath>
#include <cstring>
#include <utility>
#if defined(__AVX512F__) || defined(__FMA__) || defined(__SSE2__)
#include <immintrin.h>
#elif defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA)
#include <arm_neon.h>
#endif

// Targets with a fused multiply-add instruction for floats (GCC says so with
// __FP_FAST_FMAF; Clang only with the ISA's own macros).
#if defined(__FP_FAST_FMAF) || defined(__FMA__) || defined(__ARM_FEATURE_FMA) || \
    (defined(__riscv_flen) && __riscv_flen >= 32)
#define QNN_RT_HARDWARE_FMA 1
#elif defined(__SSE2__) && !defined(__AVX__)
// x86-64's baseline: the portable build, whose CPU may have FMA or not.
#define QNN_RT_X86_BASELINE 1
#endif

namespace qnn_rt {

/// a * b + c rounded once (IEEE fusedMultiplyAdd): the sums of products of
/// every float convolution and GEMM accumulate this way, one instruction
/// where the target has one.
inline float multiply_add(float a, float b, float c) {
#ifdef QNN_RT_HARDWARE_FMA
  return std::fma(a, b, c);
#else
  // The product of two floats is exact in double, and the double sum is
  // p + c = s + e exactly (Knuth's two-sum). Rounding to odd (s, or its
  // neighbour towards e when e != 0 and s's last bit is even) and then to
  // float rounds the exact value once: double's 53 bits are at least
  // float's 24 + 2.
  // The C library's fmaf is no substitute: without hardware, newlib's
  // rounds twice.
  const double p = double(a) * double(b), q = c, s = p + q;
  const double qPart = s - p, e = (p - (s - qPart)) + (q - qPart);
  std::uint64_t bits;
  std::memcpy(&bits, &s, sizeof bits);
  if (e != 0 && s - s == 0 && !(bits & 1)) // finite s, inexact, even
    bits = (e > 0) == (s > 0) ? bits + 1 : bits - 1;
  double odd;
  std::memcpy(&odd, &bits, sizeof odd);
  return float(odd);
#endif
}

/// One element of inference batch normalization. The compiler folds
/// BatchNormalization -> Sign into integer thresholds by evaluating this very
/// function, so folded and unfolded code decide ties the same way.
inline float batch_norm_value(float x, float scale, float bias, float mean, float var, float eps) {
  return (x - mean) / std::sqrt(var + eps) * scale + bias;
}

/// The clamp a float convolution applies to each output as it stores it,
/// with clip_f32's comparison: v < lo ? lo : (v > hi ? hi : v). ONNX Relu
/// is [0, +inf), which gives relu_f32's bits (NaN and -0 pass through);
/// ReLU6 is [0, 6]; no clamp is (-inf, +inf), which changes no value.
template <class V>
inline V clamp_output(V v, float lo, float hi) {
  return v < lo ? lo : (v > hi ? hi : v);
}

#if defined(__AVX512F__)
constexpr index_t kLanes = 16; // one AVX-512 register of floats
#elif defined(__AVX__)
constexpr index_t kLanes = 8; // one AVX register of floats
#else
constexpr index_t kLanes = 4; // SSE, NEON, or scalarized where there is no SIMD
#endif
/// The GEMM's register block: kGemmRows output channels x kGemmCols columns
/// (8 x 2 vectors with AVX-512's 32 registers, 4 x 2 elsewhere), and the
/// width of a column panel: kGemmCols columns of the convolution's column
/// matrix, k-major.
#if defined(__AVX512F__)
constexpr index_t kGemmRows = 8;
#else
constexpr index_t kGemmRows = 4;
#endif
constexpr index_t kGemmCols = 2 * kLanes, kMaxGemmCols = 32;

#if defined(__GNUC__) || defined(__clang__)
/// kLanes floats as one value: GCC/Clang vector extensions lower it to AVX,
/// SSE, NEON or scalar code, whatever the target has.
typedef float floatv __attribute__((vector_size(kLanes * sizeof(float))));

/// a * b + c per lane, rounded once, as the scalar multiply_add: one
/// instruction wherever the target has one, so every target gives the same
/// bits.
inline floatv multiply_add(floatv a, floatv b, floatv c) {
#if defined(__AVX512F__)
  return (floatv)_mm512_fmadd_ps((__m512)a, (__m512)b, (__m512)c);
#elif defined(__FMA__) && defined(__AVX__)
  return (floatv)_mm256_fmadd_ps((__m256)a, (__m256)b, (__m256)c);
#elif defined(__ARM_NEON) && defined(__ARM_FEATURE_FMA)
  return vfmaq_f32(c, a, b);
#elif defined(QNN_RT_X86_BASELINE)
  // x86-64's baseline (with_multiply_add uses the instruction where the CPU
  // has it), four lanes as two pairs of doubles. The double sum
  // of the exact double product rounded to float is already the fused
  // result, unless the sum lies exactly halfway between two floats (the 29
  // bits below float's last in a double's low word are 0x10000000) or below
  // float's normal range, where a second rounding can go the wrong way;
  // then (rarely) the exact scalar path.
  const __m128 av = (__m128)a, bv = (__m128)b, cv = (__m128)c;
  const __m128d low = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(av), _mm_cvtps_pd(bv)), _mm_cvtps_pd(cv));
  const __m128d high = _mm_add_pd(_mm_mul_pd(_mm_cvtps_pd(_mm_movehl_ps(av, av)), _mm_cvtps_pd(_mm_movehl_ps(bv, bv))),
                                  _mm_cvtps_pd(_mm_movehl_ps(cv, cv)));
  auto suspect = [](__m128d sum) {
    const __m128i lowWords = _mm_set1_epi64x(0xffffffff);
    const __m128i halfway = _mm_and_si128(
        _mm_cmpeq_epi32(_mm_and_si128(_mm_castpd_si128(sum), _mm_set1_epi64x(0x1fffffff)), _mm_set1_epi64x(0x10000000)),
        lowWords);
    const __m128d magnitude = _mm_andnot_pd(_mm_set1_pd(-0.0), sum);
    const __m128d tiny = _mm_and_pd(_mm_cmpneq_pd(sum, _mm_setzero_pd()), _mm_cmplt_pd(magnitude, _mm_set1_pd(0x1p-126)));
    return _mm_or_si128(halfway, _mm_castpd_si128(tiny));
  };
  if (_mm_movemask_epi8(_mm_or_si128(suspect(low), suspect(high)))) {
    for (index_t l = 0; l < kLanes; ++l)
      c[l] = multiply_add(a[l], b[l], c[l]);
    return c;
  }
  return (floatv)_mm_movelh_ps(_mm_cvtpd_ps(low), _mm_cvtpd_ps(high));
#else
  for (index_t l = 0; l < kLanes; ++l)
    c[l] = multiply_add(a[l], b[l], c[l]);
  return c;
#endif
}

/// Runs `loop(fma)` with fma(a, b, c) = multiply_add(a, b, c) done the
/// fastest way. A portable x86-64 build may not assume FMA, which nearly
/// every x86-64 CPU since 2013 has: it asks the CPU (libgcc's feature bits,
/// set before main) once per call and runs the loop with the instruction's
/// 128-bit VEX form (no upper register state to switch) where it has it.
/// One choice per loop, not per multiply-add, keeps the loop's registers
/// free. Defining QNN_RT_NO_FMA_INSTRUCTION runs what a CPU without FMA
/// runs (the kernel tests check its bits on CPUs that have it).
template <class Loop>
inline void with_multiply_add(Loop loop) {
#if defined(QNN_RT_X86_BASELINE) && !defined(QNN_RT_NO_FMA_INSTRUCTION)
  if (__builtin_cpu_supports("fma"))
    return loop([](floatv a, floatv b, floatv c) {
      __asm__("vfmadd231ps %2, %1, %0" : "+x"(c) : "x"(a), "x"(b));
      return c;
    });
#endif
  loop([](floatv a, floatv b, floatv c) { return multiply_add(a, b, c); });
}

/// Memory a GEMM block brings into the caches for the block after it while
/// it runs: `step` floats from `next` per k (a cache line every 64 / (4 *
/// step) k). Weights streamed from memory would otherwise stall the block
/// that first reads them (1.7x on a 160 -> 960 1x1 layer of 7x7 pixels,
/// 1.2x on a 512 -> 512 3x3 one, measured).
struct GemmPrefetch {
  const float *next;
  index_t step;
};

/// The prefetch of the K * step floats from `offset` on in an array of
/// `size` floats, moved back to end at the array's end (the last block then
/// prefetches itself again): a pointer past the array is undefined
/// behaviour even if only prefetched, and GCC rejects it once it sees the
/// array's size (-Warray-bounds).
inline GemmPrefetch prefetch_within(const float *array, index_t size, index_t offset, index_t K, index_t step) {
  const index_t last = size - K * step;
  offset = offset < last ? offset : last;
  return offset < 0 ? GemmPrefetch{array, 0} : GemmPrefetch{array + offset, step};
}

/// A GEMM's row operand, whose elements the block broadcasts: w[r][k] at
/// data[r * rowStride + k * kStride]. Weights and channels-last pixels are
/// rows of K contiguous values (kStride 1). An implicit column matrix
/// (conv2d_f32_pixel_rows) gives each row's start and each k's offset
/// instead: w[r][k] at data[rowOffsets[r] + kOffsets[k]].
struct GemmRows {
  const float *data;
  index_t rowStride, kStride;
  const index_t *rowOffsets = nullptr, *kOffsets = nullptr;

  const float &at(index_t r, index_t k) const {
    return data[(rowOffsets ? rowOffsets[r] : r * rowStride) + (kOffsets ? kOffsets[k] : k * kStride)];
  }
};

/// The kGemmRows x kGemmCols register block: y[r][p..) = bias + sum_k
/// w[r][k] * panel[k][p..), k in order (the same sum order on every
/// instruction set, so results are bit-identical across targets), with
/// each output clamped to [lo, hi] (clamp_output); panel rows `pstride` floats
/// apart, kGemmCols of each readable. The bias is bias[r], or bias[p] with
/// `columnBias` (kGemmCols readable). Edge blocks store only `rows` x `cols`
/// results (rows past the last repeat it), so no column or row falls back
/// to a slow scalar loop. Never inlined: inside a large caller the compiler
/// spills the 16 accumulators to the stack in the k loop (1.7x slower,
/// seen in a convolution kernel inlined into its caller). `tapOffsets`:
/// w's k offsets come from its kOffsets table (a separate instantiation: a
/// test in the k loop cost 7 % of resnet18 with GCC, and a lambda per way
/// left Clang's accumulators in memory).
template <bool tapOffsets>
__attribute__((noinline)) void gemm_block(GemmRows w, const float *bias, const float *panel, index_t pstride, float *y,
                                          index_t ystride, index_t K, index_t rows, index_t cols, float lo, float hi,
                                          bool columnBias, GemmPrefetch prefetch) {
  const float *wr[kGemmRows];
  floatv a[kGemmRows][2];
  floatv columns[2] = {};
  if (bias && columnBias) {
    __builtin_memcpy(&columns[0], bias, sizeof(floatv));
    __builtin_memcpy(&columns[1], bias + kLanes, sizeof(floatv));
  }
  for (index_t r = 0; r < kGemmRows; ++r) {
    const index_t row = r < rows ? r : rows - 1;
    wr[r] = w.data + (w.rowOffsets ? w.rowOffsets[row] : row * w.rowStride);
    // b - (+0) is b for every b, -0 included: the same start as a scalar
    // sum from bias.
    if (columnBias) {
      a[r][0] = columns[0];
      a[r][1] = columns[1];
    } else {
      a[r][0] = a[r][1] = (bias ? bias[row] : 0.0f) - floatv{};
    }
  }
  with_multiply_add([&](auto fma) {
    for (index_t k = 0; k < K; ++k) {
      __builtin_prefetch(prefetch.next + k * prefetch.step);
      floatv c0, c1;
      __builtin_memcpy(&c0, panel + k * pstride, sizeof(c0));
      __builtin_memcpy(&c1, panel + k * pstride + kLanes, sizeof(c1));
      const index_t at = tapOffsets ? w.kOffsets[k] : k * w.kStride;
      for (index_t r = 0; r < kGemmRows; ++r) {
        const floatv weight = wr[r][at] - floatv{};
        a[r][0] = fma(weight, c0, a[r][0]);
        a[r][1] = fma(weight, c1, a[r][1]);
      }
    }
  });
  for (index_t r = 0; r < kGemmRows; ++r)
    for (floatv &v : a[r])
      v = clamp_output(v, lo, hi);
  if (rows == kGemmRows && cols == kGemmCols) {
    for (index_t r = 0; r < kGemmRows; ++r)
      __builtin_memcpy(y + r * ystride, a[r], sizeof(a[r]));
    return;
  }
  for (index_t r = 0; r < rows; ++r)
    __builtin_memcpy(y + r * ystride, a[r], cols * sizeof(float));
}
#else
/// Compilers without vector extensions: `loop(fma)` with the scalar
/// multiply_add.
template <class Loop>
inline void with_multiply_add(Loop loop) {
  loop([](float a, float b, float c) { return multiply_add(a, b, c); });
}
#endif

/// y[r][q] = bias[r] (bias[q] with `columnBias`) + sum_k w[r][k] *
/// panel[k][q] for `rows` (<= kGemmRows) rows of w and the first `cols`
/// columns of one panel (rows `pstride` apart), clamped to [lo, hi]; y rows
/// `ystride` apart.
inline void gemm_panel(GemmRows w, const float *bias, const float *panel, index_t pstride, float *y,
                       index_t ystride, index_t rows, index_t K, index_t cols, float lo, float hi, bool columnBias,
                       GemmPrefetch prefetch) {
#if defined(__GNUC__) || defined(__clang__)
  if (w.kOffsets)
    gemm_block<true>(w, bias, panel, pstride, y, ystride, K, rows, cols, lo, hi, columnBias, prefetch);
  else
    gemm_block<false>(w, bias, panel, pstride, y, ystride, K, rows, cols, lo, hi, columnBias, prefetch);
#else
  // Compilers without vector extensions: column by column, k in the same
  // order.
  for (index_t r = 0; r < rows; ++r)
    for (index_t q = 0; q < cols; ++q) {
      float acc = bias ? bias[columnBias ? q : r] : 0.0f;
      for (index_t k = 0; k < K; ++k)
        acc = multiply_add(w.at(r, k), panel[k * pstride + q], acc);
      y[r * ystride + q] = clamp_output(acc, lo, hi);
    }
#endif
}

/// Output rows per convolution chunk: at least 256 columns when the image
/// has them (so GEMM panels run on full blocks), else as many as fit 256 KiB;
/// up to twice that where it fills the last panel better (its unused
/// columns cost as much as used ones).
inline index_t conv2d_chunk_rows(index_t Cg, index_t KH, index_t KW, index_t OH, index_t OW) {
  index_t rows = (64 * 1024) / (Cg * KH * KW * OW);
  const index_t wide = (256 + OW - 1) / OW;
  rows = rows < wide ? wide : rows;
  // A larger chunk is taken when a smaller share of its panels' columns is
  // padding (pad(r) unused columns of r * OW + pad(r)).
  auto pad = [&](index_t r) { return (kMaxGemmCols - r * OW % kMaxGemmCols) % kMaxGemmCols; };
  const index_t least = rows;
  for (index_t more = least + 1; more <= 2 * least && more <= OH; ++more)
    if (pad(more) * (rows * OW + pad(rows)) < pad(rows) * (more * OW + pad(more)))
      rows = more;
  return rows > OH ? OH : rows;
}

/// Columns of one chunk's column matrix, whole panels of the widest panel
/// of any target: qnnc sizes the arena once for whatever instruction set the
/// generated code is built with.
inline index_t conv2d_chunk_columns(index_t Cg, index_t KH, index_t KW, index_t OH, index_t OW) {
  const index_t P = conv2d_chunk_rows(Cg, KH, KW, OH, OW) * OW;
  return (P + kMaxGemmCols - 1) / kMaxGemmCols * kMaxGemmCols;
}

/// A depthwise convolution (depthwise_conv2d_f32) works on each channel's
/// zero-padded input split into its SH x SW stride phases: phase (a, b)
/// row i, column j holds the padded input's row i * SH + a, column
/// j * SW + b, so tap (kh, kw) reads phase
/// (kh * DH % SH, kw * DW % SW) shifted by (kh * DH / SH) rows and
/// (kw * DW / SW) columns for every output at once. The output plane is
/// taken as OH flat rows of `columns` (OW wanted; the rest are computed
/// and dropped), `outputs` floats rounded up to whole blocks of
/// kDepthwiseVectors vectors of the widest target (16 floats); each phase
/// holds `phase` floats, zeros past its rows, so the shifted reads of the
/// last block stay inside it.
constexpr index_t kDepthwiseVectors = 4, kDepthwiseBlock = kDepthwiseVectors * 16;
struct DepthwisePlanes {
  index_t rows, columns, outputs, phase;
};
inline DepthwisePlanes depthwise_planes(const Conv2DParams &p) {
  const index_t rows = p.OH + (p.KH - 1) * p.DH / p.SH, columns = p.OW + (p.KW - 1) * p.DW / p.SW;
  const index_t outputs = (p.OH * columns + kDepthwiseBlock - 1) / kDepthwiseBlock * kDepthwiseBlock;
  const index_t shift = (p.KH - 1) * p.DH / p.SH * columns + (p.KW - 1) * p.DW / p.SW;
  return {rows, columns, outputs, outputs + shift};
}

/// Scratch floats conv2d_f32 needs per thread: one chunk's column matrix,
/// or for a depthwise convolution one channel's stride phases and output
/// plane (depthwise_conv2d_f32).
inline index_t conv2d_f32_scratch_floats(const Conv2DParams &p) {
  const index_t Cg = p.C / p.G;
  if (Cg == 1) {
    const DepthwisePlanes planes = depthwise_planes(p);
    return p.SH * p.SW * planes.phase + planes.outputs;
  }
  return Cg * p.KH * p.KW * conv2d_chunk_columns(Cg, p.KH, p.KW, p.OH, p.OW);
}

/// Depthwise convolution (one input channel per group: C = G, O a
/// multiple of it), NCHW, without im2col or GEMM. Each input channel's
/// stride phases (DepthwisePlanes) are built once in `scratch`, zeros
/// where the window hits padding; then each of its output channels goes
/// kLanes outputs at a time across the flat output plane, every output the
/// bias plus its KH x KW taps in window order (the GEMM's order; a tap in
/// the padding adds w * 0, as in the GEMM and ONNX Runtime). One vector
/// covers several rows of a small plane, and every tap is one unaligned
/// load: 2.5-6x the row-by-row kernel this replaced on MobileNet's shapes,
/// and 6x the GEMM on 14x14 and 7x7 planes (one output channel per block
/// of kGemmRows), measured.
inline void depthwise_conv2d_f32(const float *x, const float *w, const float *b, float *scratch, float *y,
                                 const Conv2DParams &p, float lo, float hi) {
  const index_t C = p.C, H = p.H, W = p.W, KH = p.KH, KW = p.KW, OH = p.OH, OW = p.OW, SH = p.SH, SW = p.SW;
  const index_t multiplier = p.O / C;
  const DepthwisePlanes planes = depthwise_planes(p);
  const index_t columns = planes.columns;
  // The phases' padding is the same zeros for every channel: each thread
  // writes them once (on its first channel), then only the image parts.
  float *phases = scratch + thread_index() * conv2d_f32_scratch_floats(p), *out = phases + SH * SW * planes.phase;
  bool zeroed = false;
  QNN_RT_PARALLEL_FOR
  for (index_t plane = 0; plane < p.N * C; ++plane) {
    if (!zeroed)
      std::memset(phases, 0, SH * SW * planes.phase * sizeof(float));
    zeroed = true;
    const float *image = x + plane * H * W;
    for (index_t a = 0; a < SH; ++a)
      for (index_t c = 0; c < SW; ++c) {
        // Phase rows [firstRow, endRow) and columns [firstColumn,
        // endColumn) read the image (row i * SH + a - PT, column j * SW +
        // c - PL); the rest is padding.
        float *phase = phases + (a * SW + c) * planes.phase;
        const index_t firstColumn = clamp_index(ceil_div(p.PL - c, SW), 0, columns);
        const index_t endColumn = clamp_index(ceil_div(W + p.PL - c, SW), firstColumn, columns);
        const index_t firstRow = clamp_index(ceil_div(p.PT - a, SH), 0, planes.rows);
        const index_t endRow = clamp_index(ceil_div(H + p.PT - a, SH), firstRow, planes.rows);
        with_stride(SW, [&](auto stride) {
          for (index_t i = firstRow; i < endRow; ++i)
            for (index_t j = firstColumn; j < endColumn; ++j)
              phase[i * columns + j] = image[(i * SH + a - p.PT) * W + j * stride + c - p.PL];
        });
      }
    // Output channel o = c * multiplier + m: plane * multiplier + m of y.
    for (index_t m = 0; m < multiplier; ++m) {
      const index_t o = plane % C * multiplier + m;
      const float *taps = w + o * KH * KW;
      const float bias = b ? b[o] : 0.0f;
      // kDepthwiseVectors independent sums in registers at a time (one
      // would wait on each add); tap (kh, kw) reads phase (rowPhase,
      // colPhase) = (kh * DH % SH, kw * DW % SW) at shift (rowShift,
      // colShift) = (kh * DH / SH, kw * DW / SW), kept without dividing.
      with_multiply_add([&](auto fma) {
        for (index_t q0 = 0; q0 < OH * columns; q0 += kDepthwiseVectors * kLanes) {
#if defined(__GNUC__) || defined(__clang__)
          floatv acc[kDepthwiseVectors];
          for (floatv &sum : acc)
            sum = bias - floatv{}; // b - (+0) is b, -0 included
#else
          float acc[kDepthwiseVectors][kLanes];
          for (auto &sums : acc)
            for (float &sum : sums)
              sum = bias;
#endif
          for (index_t kh = 0, rowPhase = 0, rowShift = 0; kh < KH; ++kh) {
            for (index_t kw = 0, colPhase = 0, colShift = 0; kw < KW; ++kw) {
              const float tap = taps[kh * KW + kw];
              const float *in =
                  phases + (rowPhase * SW + colPhase) * planes.phase + rowShift * columns + colShift + q0;
              for (index_t v = 0; v < kDepthwiseVectors; ++v) {
#if defined(__GNUC__) || defined(__clang__)
                floatv x;
                __builtin_memcpy(&x, in + v * kLanes, sizeof x);
                acc[v] = fma(tap - floatv{}, x, acc[v]);
#else
                for (index_t l = 0; l < kLanes; ++l)
                  acc[v][l] = fma(tap, in[v * kLanes + l], acc[v][l]);
#endif
              }
              for (colPhase += p.DW; colPhase >= SW; colPhase -= SW)
                ++colShift;
            }
            for (rowPhase += p.DH; rowPhase >= SH; rowPhase -= SH)
              ++rowShift;
          }
          for (index_t v = 0; v < kDepthwiseVectors; ++v)
            for (index_t l = 0; l < kLanes; ++l)
              out[q0 + v * kLanes + l] = clamp_output(acc[v][l], lo, hi);
        }
      });
      for (index_t oh = 0; oh < OH; ++oh)
        std::memcpy(y + ((plane * multiplier + m) * OH + oh) * OW, out + oh * columns, OW * sizeof(float));
    }
  }
}

/// Rows of input channel c of a chunk's column matrix (its KH * KW rows,
/// `stride` floats apart): output rows [r0, r0 + rows) of the window values
/// from `xc` (the channel's plane), zeros where the window hits padding
/// and past the chunk's rows * OW columns.
inline void im2col_channel(const float *xc, float *cols, index_t stride, const Conv2DParams &p, index_t c,
                           index_t r0, index_t rows) {
  const index_t H = p.H, W = p.W, OW = p.OW;
  for (index_t kh = 0; kh < p.KH; ++kh)
    for (index_t kw = 0; kw < p.KW; ++kw) {
      float *row = cols + ((c * p.KH + kh) * p.KW + kw) * stride;
      const ColumnRange in = im2col_columns(W, OW, kw, p.SW, p.PL, p.DW);
      for (index_t r = 0; r < rows; ++r) {
        const index_t ih = (r0 + r) * p.SH - p.PT + kh * p.DH;
        float *out = row + r * OW;
        im2col_span(ih >= 0 && ih < H ? xc + ih * W - p.PL + kw * p.DW : nullptr, 0, OW, in, p.SW,
                    [&](index_t ow, float v) { out[ow] = v; }, [&](index_t ow) { out[ow] = 0.0f; });
      }
      // The last panel's unused columns, read by the GEMM but never
      // stored.
      for (index_t q = rows * OW; q < stride; ++q)
        row[q] = 0.0f;
    }
}

/// Convolution as im2col + GEMM over chunks of output rows. The chunk's
/// column matrix [Cg*KH*KW][columns] (zero where the window hits padding)
/// is written row by row, contiguously, and multiplied by the weights
/// [Og][Cg*KH*KW] a panel of kGemmCols columns at a time, each panel read
/// with the matrix's row stride. A 1x1, stride-1, unpadded convolution's
/// column matrix is the input itself: read in place. Threads take whole
/// (chunk, output-channel part) units, each building its chunk's columns in
/// its own scratch: a layer with fewer chunks than threads splits its
/// output channels instead (its columns are then built once per part: a
/// copy of K x P floats against Og / parts x K x P multiply-adds). With
/// each output clamped to [lo, hi] as it is stored (clamp_output). A depthwise
/// convolution goes to depthwise_conv2d_f32.
inline void conv2d_f32(const float *x, const float *w, const float *b, float *scratch, float *y,
                       const Conv2DParams &p, float lo, float hi) {
  const index_t N = p.N, C = p.C, H = p.H, W = p.W, O = p.O, KH = p.KH, KW = p.KW, OH = p.OH, OW = p.OW;
  const index_t SH = p.SH, SW = p.SW, PT = p.PT, PL = p.PL, G = p.G;
  const index_t Cg = C / G, Og = O / G, K = Cg * KH * KW;
  if (Cg == 1)
    return depthwise_conv2d_f32(x, w, b, scratch, y, p, lo, hi);
  const index_t chunk = conv2d_chunk_rows(Cg, KH, KW, OH, OW), chunks = (OH + chunk - 1) / chunk;
  const index_t rowBlocks = (Og + kGemmRows - 1) / kGemmRows;
  const index_t wanted = chunks >= QNN_RT_THREADS ? 1 : (QNN_RT_THREADS + chunks - 1) / chunks;
  const index_t parts = wanted < rowBlocks ? wanted : rowBlocks;
  const bool direct = KH == 1 && KW == 1 && SH == 1 && SW == 1 && PT == 0 && PL == 0 && OH == H && OW == W;
  for (index_t n = 0; n < N; ++n)
    for (index_t g = 0; g < G; ++g)
      QNN_RT_PARALLEL_FOR
      for (index_t u = 0; u < chunks * parts; ++u) {
        float *cols = scratch + thread_index() * conv2d_f32_scratch_floats(p);
        const float *xg = x + (n * C + g * Cg) * H * W;
        const index_t r0 = u / parts * chunk, part = u % parts;
        const index_t rows = OH - r0 < chunk ? OH - r0 : chunk, P = rows * OW;
        const index_t panels = (P + kGemmCols - 1) / kGemmCols, stride = panels * kGemmCols;
        // Read in place: the panels whose kGemmCols columns all lie in the
        // input planes (the others only on the last chunk).
        const index_t inPlacePanels = direct ? (H * W - r0 * OW) / kGemmCols : 0;
        for (index_t c = 0; c < Cg && inPlacePanels < panels; ++c)
          im2col_channel(xg + c * H * W, cols, stride, p, c, r0, rows);
        // This part's blocks of kGemmRows output channels.
        const index_t firstBlock = part * rowBlocks / parts, endBlock = (part + 1) * rowBlocks / parts;
        for (index_t blk = firstBlock; blk < endBlock; ++blk) {
          const index_t o = g * Og + blk * kGemmRows;
          const index_t block = (g + 1) * Og - o < kGemmRows ? (g + 1) * Og - o : kGemmRows;
          for (index_t pi = 0; pi < panels; ++pi) {
            const index_t q0 = pi * kGemmCols;
            const bool inPlace = pi < inPlacePanels;
            // Streams the next block's weights (the kGemmRows * K floats
            // after this block's).
            gemm_panel({w + o * K, K, 1}, b ? b + o : nullptr, inPlace ? xg + r0 * OW + q0 : cols + q0,
                       inPlace ? H * W : stride, y + (n * O + o) * OH * OW + r0 * OW + q0, OH * OW, block, K,
                       P - q0 < kGemmCols ? P - q0 : kGemmCols, lo, hi, false,
                       prefetch_within(w, O * K, (o + kGemmRows) * K, K, kGemmRows));
          }
        }
      }
}

/// Scratch floats conv3d_f32 needs per thread: one chunk's column matrix of
/// one output depth slice (conv2d_f32's with KD times the rows).
inline index_t conv3d_f32_scratch_floats(const Conv2DParams &p, index_t KD) {
  const index_t Cg = p.C / p.G;
  return Cg * KD * p.KH * p.KW * conv2d_chunk_columns(Cg * KD, p.KH, p.KW, p.OH, p.OW);
}

/// 3-D convolution (ONNX Conv of [N, C, D, H, W] by [O, C/G, KD, KH, KW])
/// as conv2d_f32's im2col + GEMM, one output depth slice at a time. `p` is
/// the convolution of one depth slice (N, C, O, G and the H x W window);
/// D, KD, OD, SD, PD and DD are the depth axis' input size, kernel size,
/// output size, stride, front padding and dilation. Slice od's column
/// matrix holds, for each input channel c and kernel depth j in the
/// weights' order, the 2-D window rows (im2col_channel) of input slice
/// od * SD - PD + j * DD, zeros where that slice is padding; so each
/// output is the bias plus K = C/G * KD * KH * KW products in (c, j, kh,
/// kw) order, clamped to [lo, hi]. Threads take (slice, chunk) units.
inline void conv3d_f32(const float *x, const float *w, const float *b, float *scratch, float *y,
                       const Conv2DParams &p, index_t D, index_t KD, index_t OD, index_t SD, index_t PD, index_t DD,
                       float lo, float hi) {
  const index_t C = p.C, HW = p.H * p.W, O = p.O, OW = p.OW, OHW = p.OH * p.OW, G = p.G;
  const index_t Cg = C / G, Og = O / G, taps = p.KH * p.KW, K = Cg * KD * taps;
  const index_t chunk = conv2d_chunk_rows(Cg * KD, p.KH, p.KW, p.OH, OW), chunks = (p.OH + chunk - 1) / chunk;
  const index_t rowBlocks = (Og + kGemmRows - 1) / kGemmRows;
  for (index_t n = 0; n < p.N; ++n)
    for (index_t g = 0; g < G; ++g)
      QNN_RT_PARALLEL_FOR
      for (index_t u = 0; u < OD * chunks; ++u) {
        float *cols = scratch + thread_index() * conv3d_f32_scratch_floats(p, KD);
        const index_t od = u / chunks, r0 = u % chunks * chunk;
        const index_t rows = p.OH - r0 < chunk ? p.OH - r0 : chunk, P = rows * OW;
        const index_t panels = (P + kGemmCols - 1) / kGemmCols, stride = panels * kGemmCols;
        for (index_t c = 0; c < Cg; ++c)
          for (index_t j = 0; j < KD; ++j) {
            const index_t id = od * SD - PD + j * DD;
            if (id >= 0 && id < D) {
              im2col_channel(x + ((n * C + g * Cg + c) * D + id) * HW, cols, stride, p, c * KD + j, r0, rows);
            } else {
              float *slice = cols + (c * KD + j) * taps * stride;
              for (index_t q = 0; q < taps * stride; ++q)
                slice[q] = 0.0f;
            }
          }
        for (index_t blk = 0; blk < rowBlocks; ++blk) {
          const index_t o = g * Og + blk * kGemmRows;
          const index_t block = (g + 1) * Og - o < kGemmRows ? (g + 1) * Og - o : kGemmRows;
          for (index_t pi = 0; pi < panels; ++pi) {
            const index_t q0 = pi * kGemmCols;
            gemm_panel({w + o * K, K, 1}, b ? b + o : nullptr, cols + q0, stride,
                       y + ((n * O + o) * OD + od) * OHW + r0 * OW + q0, OD * OHW, block, K,
                       P - q0 < kGemmCols ? P - q0 : kGemmCols, lo, hi, false,
                       prefetch_within(w, O * K, (o + kGemmRows) * K, K, kGemmRows));
          }
        }
      }
}

/// Output channels of the weight and bias tables whose output channels are
/// GEMM panels (channels-last 1x1 and pixel-rows convolutions): whole
/// panels of the widest target, zero-filled, so every panel's columns are
/// readable.
constexpr index_t panel_padded_channels(index_t O) { return (O + kMaxGemmCols - 1) / kMaxGemmCols * kMaxGemmCols; }

/// 1x1, stride-1, unpadded, ungrouped convolution of a channels-last float
/// tensor into a channels-last one: y[p][o] = b[o] + sum_c x[p][c] * w[o][c]
/// (c in order, as conv2d_f32 sums), clamped to [lo, hi]. `wt` holds the
/// weights transposed, [C][panel_padded_channels(O)], `b` (or null)
/// that many floats. It is the NCHW GEMM with the roles of weights and
/// pixels exchanged: a block of kGemmRows pixels' rows (each pixel's
/// channels, contiguous) against panels of kGemmCols output channels, so
/// each output is the same sum in the same order. Threads take whole blocks
/// of pixels: the rows the convolutions around it write and read.
inline void pointwise_conv_f32_channels_last(const float *x, const float *wt, const float *b, float *y, index_t P,
                                             index_t C, index_t O, float lo, float hi) {
  const index_t OP = panel_padded_channels(O), rowBlocks = (P + kGemmRows - 1) / kGemmRows;
  QNN_RT_PARALLEL_FOR
  for (index_t rb = 0; rb < rowBlocks; ++rb) {
    const index_t p0 = rb * kGemmRows, rows = P - p0 < kGemmRows ? P - p0 : kGemmRows;
    for (index_t q0 = 0; q0 < O; q0 += kGemmCols)
      gemm_panel({x + p0 * C, C, 1}, b ? b + q0 : nullptr, wt + q0, OP, y + p0 * O + q0, O, rows, C,
                 O - q0 < kGemmCols ? O - q0 : kGemmCols, lo, hi, /*columnBias=*/true,
                 prefetch_within(x, P * C, (p0 + kGemmRows) * C, C, kGemmRows));
  }
}

/// Index in a pixel-rows convolution's packed weights of w[o][k] (K = Cg *
/// KH * KW): panels of kMaxGemmCols output channels, each [K][kMaxGemmCols]
/// contiguous, so a GEMM panel streams one run of memory.
constexpr index_t pixel_rows_weight_index(index_t o, index_t k, index_t K) {
  return o / kMaxGemmCols * K * kMaxGemmCols + k * kMaxGemmCols + o % kMaxGemmCols;
}

/// The input a pixel-rows convolution reads: each channel's plane with its
/// padding, `rows` x `columns` (every row and column a window reaches),
/// `plane` floats apart (a multiple of 2, so the k offsets after the planes
/// are aligned).
struct PaddedPlanes {
  index_t rows, columns, plane;
};
inline PaddedPlanes padded_planes(const Conv2DParams &p) {
  const index_t rows = (p.OH - 1) * p.SH + (p.KH - 1) * p.DH + 1, columns = (p.OW - 1) * p.SW + (p.KW - 1) * p.DW + 1;
  return {rows, columns, (rows * columns + 1) / 2 * 2};
}

/// Scratch floats conv2d_f32_pixel_rows needs, shared by all threads: the
/// padded planes (padded_planes) and the K offsets of the window's taps.
inline index_t conv2d_pixel_rows_scratch_floats(const Conv2DParams &p) {
  const index_t K = p.C * p.KH * p.KW;
  return p.C * padded_planes(p).plane + K * (sizeof(index_t) / sizeof(float));
}

/// An ungrouped convolution with the GEMM's roles exchanged: rows of output
/// pixels, panels of output channels from the packed weights `wp`
/// (pixel_rows_weight_index, panel_padded_channels(O) of them,
/// zero-filled) and `b` (that many floats, or null). The column matrix is
/// implicit: the input is copied once into zero-padded planes, where
/// output pixel (oh, ow)'s tap k = (c, kh, kw) is at the pixel's offset
/// (oh * SH * columns + ow * SW) plus the tap's (c * plane + kh * DH *
/// columns + kw * DW); a padding tap reads a zero, as conv2d_f32's column
/// matrix holds one. Each output is conv2d_f32's sum in the same order, so
/// the values are bit-identical. A small image fills row blocks of
/// kGemmRows pixels far better than column panels of kGemmCols (a 7x7 image
/// uses 49 of 56 rows, against 49 of 64 columns); the padded planes are
/// about KH * KW / (SH * SW) times smaller than a column matrix (9x for a
/// 3x3 window at stride 1), so they stay in the cache for every panel; and
/// the weights stream as contiguous panels, the next one prefetched while
/// the current one's row blocks run. Threads copy the planes by channels,
/// then take whole (panel, row block) units, each stored transposed
/// through a register-block tile.
inline void conv2d_f32_pixel_rows(const float *x, const float *wp, const float *b, float *scratch, float *y,
                                  const Conv2DParams &p, float lo, float hi) {
  const index_t C = p.C, H = p.H, W = p.W, O = p.O, OH = p.OH, OW = p.OW, K = C * p.KH * p.KW;
  const index_t P = OH * OW, panels = (O + kGemmCols - 1) / kGemmCols, rowBlocks = (P + kGemmRows - 1) / kGemmRows;
  const PaddedPlanes padded = padded_planes(p);
  index_t *tapOffsets = reinterpret_cast<index_t *>(scratch + C * padded.plane);
  // Image rows [firstRow, endRow) and columns [firstColumn, endColumn) of
  // a padded plane hold the input; the rest is zeros.
  const index_t firstRow = p.PT < padded.rows ? p.PT : padded.rows;
  const index_t endRow = clamp_index(H + p.PT, firstRow, padded.rows);
  const index_t firstColumn = p.PL < padded.columns ? p.PL : padded.columns;
  const index_t endColumn = clamp_index(W + p.PL, firstColumn, padded.columns);
  for (index_t n = 0; n < p.N; ++n) {
    QNN_RT_PARALLEL_FOR
    for (index_t c = 0; c < C; ++c) {
      for (index_t kh = 0; kh < p.KH; ++kh)
        for (index_t kw = 0; kw < p.KW; ++kw)
          tapOffsets[(c * p.KH + kh) * p.KW + kw] = c * padded.plane + kh * p.DH * padded.columns + kw * p.DW;
      float *plane = scratch + c * padded.plane;
      const float *image = x + (n * C + c) * H * W;
      for (index_t i = 0; i < padded.rows; ++i) {
        float *row = plane + i * padded.columns;
        if (i < firstRow || i >= endRow) {
          std::memset(row, 0, padded.columns * sizeof(float));
          continue;
        }
        std::memset(row, 0, firstColumn * sizeof(float));
        std::memcpy(row + firstColumn, image + (i - p.PT) * W + firstColumn - p.PL,
                    (endColumn - firstColumn) * sizeof(float));
        std::memset(row + endColumn, 0, (padded.columns - endColumn) * sizeof(float));
      }
    }
    QNN_RT_PARALLEL_FOR
    for (index_t u = 0; u < panels * rowBlocks; ++u) {
      const index_t q0 = u / rowBlocks * kGemmCols, p0 = u % rowBlocks * kGemmRows;
      const index_t rows = P - p0 < kGemmRows ? P - p0 : kGemmRows;
      const index_t cols = O - q0 < kGemmCols ? O - q0 : kGemmCols;
      index_t pixelOffsets[kGemmRows];
      for (index_t r = 0; r < rows; ++r)
        pixelOffsets[r] = (p0 + r) / OW * p.SH * padded.columns + (p0 + r) % OW * p.SW;
      // Each of a panel's row blocks streams its share of the next
      // panel's K * kMaxGemmCols weights: K * step floats from share * K
      // on.
      const index_t step = (kMaxGemmCols + rowBlocks - 1) / rowBlocks;
      const index_t share = u % rowBlocks * step < kMaxGemmCols ? u % rowBlocks * step : kMaxGemmCols - 1;
      float tile[kGemmRows * kGemmCols];
      gemm_panel({scratch, 0, 0, pixelOffsets, tapOffsets}, b ? b + q0 : nullptr,
                 wp + pixel_rows_weight_index(q0, 0, K), kMaxGemmCols, tile, kGemmCols, rows, K, cols, lo, hi,
                 /*columnBias=*/true,
                 prefetch_within(wp, panel_padded_channels(O) * K,
                                 pixel_rows_weight_index(q0 + kGemmCols, 0, K) + share * K, K, step));
      for (index_t q = 0; q < cols; ++q)
        for (index_t r = 0; r < rows; ++r)
          y[(n * O + q0 + q) * P + p0 + r] = tile[r * kGemmCols + q];
    }
  }
}

/// Y[M,N] = alpha * op(A) * op(B) + beta * C, C of shape [CR, CC] with CR in
/// {1, M} and CC in {1, N} (numpy broadcast), or absent. Every output sums
/// its products in k order from 0; with B not transposed a whole row of Y
/// accumulates at once over contiguous rows of B (qnnc stores constant B
/// that way), which vectorizes and adds in the same order.
inline void gemm_f32(const float *a, const float *b, const float *c, float *y, index_t M,
                     index_t N, index_t K, bool trans_a, bool trans_b, float alpha, float beta,
                     index_t CR, index_t CC) {
  // Each thread takes one range of whole cache lines of columns of every
  // row: rows of B stay contiguous reads.
  const index_t columns = ((N + QNN_RT_THREADS - 1) / QNN_RT_THREADS + 15) / 16 * 16;
  QNN_RT_PARALLEL_FOR
  for (index_t j0 = 0; j0 < N; j0 += columns) {
    const index_t j1 = N - j0 < columns ? N : j0 + columns;
    for (index_t i = 0; i < M; ++i) {
      float *yi = y + i * N;
      if (!trans_b) {
        for (index_t j = j0; j < j1; ++j)
          yi[j] = 0.0f;
        with_multiply_add([&](auto fma) {
          for (index_t k = 0; k < K; ++k) {
            const float av = trans_a ? a[k * M + i] : a[i * K + k];
            const float *bk = b + k * N;
            index_t j = j0;
#if defined(__GNUC__) || defined(__clang__)
            for (; j + kLanes <= j1; j += kLanes) {
              floatv yv, bv;
              __builtin_memcpy(&yv, yi + j, sizeof yv);
              __builtin_memcpy(&bv, bk + j, sizeof bv);
              yv = fma(av - floatv{}, bv, yv);
              __builtin_memcpy(yi + j, &yv, sizeof yv);
            }
#endif
            for (; j < j1; ++j)
              yi[j] = multiply_add(av, bk[j], yi[j]);
          }
        });
      } else {
        for (index_t j = j0; j < j1; ++j) {
          float acc = 0.0f;
          for (index_t k = 0; k < K; ++k)
            acc = multiply_add(trans_a ? a[k * M + i] : a[i * K + k], b[j * K + k], acc);
          yi[j] = acc;
        }
      }
      for (index_t j = j0; j < j1; ++j) {
        float r = alpha * yi[j];
        if (c)
          r += beta * c[(CR == 1 ? 0 : i) * CC + (CC == 1 ? 0 : j)];
        yi[j] = r;
      }
    }
  }
}

/// Y[i] = A[i] * B[i] for a stack of `batch` products, A [M, K], B [K, N]
/// each; an operand that is not `batched` is one matrix for every product.
inline void batch_matmul_f32(const float *a, const float *b, float *y, index_t batch, index_t M, index_t N,
                             index_t K, bool aBatched, bool bBatched) {
  for (index_t i = 0; i < batch; ++i)
    gemm_f32(a + (aBatched ? i * M * K : 0), b + (bBatched ? i * K * N : 0), nullptr, y + i * M * N, M, N, K,
             false, false, 1.0f, 0.0f, 1, 1);
}

inline void batch_norm_f32(const float *x, const float *scale, const float *bias,
                           const float *mean, const float *var, float eps, float *y, index_t N,
                           index_t C, index_t HW) {
  QNN_RT_PARALLEL_FOR
  for (index_t nc = 0; nc < N * C; ++nc) {
    const index_t c = nc % C;
    for (index_t i = 0; i < HW; ++i)
      y[nc * HW + i] = batch_norm_value(x[nc * HW + i], scale[c], bias[c], mean[c], var[c], eps);
  }
}

/// Training-mode batch normalization (ONNX BatchNormalization with
/// training_mode = 1): per channel the mean and population variance of x
/// over N and HW (summed in double, rounded to float), y normalized by them
/// as batch_norm_value does, and the running statistics
/// mean * momentum + batch mean * (1 - momentum), the same for the variance.
inline void batch_norm_training_f32(const float *x, const float *scale, const float *bias, const float *mean,
                                    const float *var, float eps, float momentum, float *y, float *running_mean,
                                    float *running_var, index_t N, index_t C, index_t HW) {
  QNN_RT_PARALLEL_FOR
  for (index_t c = 0; c < C; ++c) {
    double sum = 0, squares = 0;
    for (index_t n = 0; n < N; ++n)
      for (index_t i = 0; i < HW; ++i)
        sum += x[(n * C + c) * HW + i];
    const double count = static_cast<double>(N * HW), batchMean = sum / count;
    for (index_t n = 0; n < N; ++n)
      for (index_t i = 0; i < HW; ++i) {
        const double d = x[(n * C + c) * HW + i] - batchMean;
        squares += d * d;
      }
    const float m = static_cast<float>(batchMean), v = static_cast<float>(squares / count);
    for (index_t n = 0; n < N; ++n)
      for (index_t i = 0; i < HW; ++i)
        y[(n * C + c) * HW + i] = batch_norm_value(x[(n * C + c) * HW + i], scale[c], bias[c], m, v, eps);
    running_mean[c] = mean[c] * momentum + m * (1.0f - momentum);
    running_var[c] = var[c] * momentum + v * (1.0f - momentum);
  }
}

/// max(0, x) as ONNX Runtime computes it: NaN and -0 pass through.
inline void relu_f32(const float *x, float *y, index_t n) {
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < n; ++i)
    y[i] = x[i] < 0.0f ? 0.0f : x[i];
}

inline void sign_f32(const float *x, float *y, index_t n) {
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < n; ++i)
    y[i] = x[i] > 0.0f ? 1.0f : (x[i] < 0.0f ? -1.0f : (x[i] == 0.0f ? 0.0f : x[i])); // ORT: NaN stays, -0 is +0
}

inline void clip_f32(const float *x, float *y, index_t n, float lo, float hi) {
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < n; ++i)
    y[i] = clamp_output(x[i], lo, hi);
}

/// Elementwise op on 4-D broadcast views: dims D0..D3 of the result, element
/// strides of each operand (0 along broadcast dimensions). Any element type.
template <class T, class Op>
inline void broadcast_elements(const T *a, const T *b, T *y, index_t D0, index_t D1, index_t D2, index_t D3,
                               index_t A0, index_t A1, index_t A2, index_t A3, index_t B0, index_t B1, index_t B2,
                               index_t B3, Op op) {
  QNN_RT_PARALLEL_FOR
  for (index_t r = 0; r < D0 * D1 * D2; ++r) {
    const index_t i0 = r / (D1 * D2), i1 = r / D2 % D1, i2 = r % D2;
    const T *ar = a + i0 * A0 + i1 * A1 + i2 * A2, *br = b + i0 * B0 + i1 * B1 + i2 * B2;
    T *yr = y + r * D3;
    // Contiguous and per-row-constant operands get loops the compiler
    // vectorizes; the operation per element is the same.
    if (A3 == 1 && B3 == 1)
      for (index_t i3 = 0; i3 < D3; ++i3)
        yr[i3] = op(ar[i3], br[i3]);
    else if (A3 == 1 && B3 == 0)
      for (index_t i3 = 0; i3 < D3; ++i3)
        yr[i3] = op(ar[i3], *br);
    else
      for (index_t i3 = 0; i3 < D3; ++i3)
        yr[i3] = op(ar[i3 * A3], br[i3 * B3]);
  }
}

#define QNN_RT_BROADCAST_OP(NAME, T, EXPR)                                                                     \
  inline void NAME(const T *a, const T *b, T *y, index_t D0, index_t D1, index_t D2, index_t D3, index_t A0,     \
                   index_t A1, index_t A2, index_t A3, index_t B0, index_t B1, index_t B2, index_t B3) {         \
    broadcast_elements(a, b, y, D0, D1, D2, D3, A0, A1, A2, A3, B0, B1, B2, B3, [](T l, T r) { return EXPR; }); \
  }
QNN_RT_BROADCAST_OP(add_f32, float, l + r)
QNN_RT_BROADCAST_OP(sub_f32, float, l - r)
QNN_RT_BROADCAST_OP(mul_f32, float, l * r)
QNN_RT_BROADCAST_OP(prelu_f32, float, l < 0.0f ? l * r : l)
// float64 graphs (ONNX's double tests, PyTorch's float64 exports).
QNN_RT_BROADCAST_OP(add_f64, double, l + r)
QNN_RT_BROADCAST_OP(sub_f64, double, l - r)
QNN_RT_BROADCAST_OP(mul_f64, double, l * r)
#undef QNN_RT_BROADCAST_OP

#if defined(__GNUC__) || defined(__clang__)
/// kLanes values of the pooling kernels' element types (float, int32,
/// uint8, int8) as one vector.
template <class T>
struct Lanes {
  typedef T type __attribute__((vector_size(kLanes * sizeof(T))));
};

/// Lanes 0, 2, ... of the 2 * kLanes - 1 values a[0..kLanes) b[0..kLanes -
/// 1) whose b starts one value before a's end: every other value of a
/// stretch that ends on a wanted one (nothing past it is read).
template <class V, std::size_t... I>
inline V even_lanes(V a, V b, std::index_sequence<I...>) {
  return __builtin_shufflevector(a, b, (2 * I + (2 * I >= kLanes ? 1 : 0))...);
}

/// src[0], src[stride], ..., src[(kLanes - 1) * stride] as one vector.
template <class T, class Stride>
inline typename Lanes<T>::type load_strided(const T *src, Stride stride) {
  typename Lanes<T>::type v;
  if constexpr (std::is_same_v<Stride, std::integral_constant<index_t, 1>>) {
    std::memcpy(&v, src, sizeof v);
  } else if constexpr (std::is_same_v<Stride, std::integral_constant<index_t, 2>>) {
    typename Lanes<T>::type b;
    std::memcpy(&v, src, sizeof v);
    std::memcpy(&b, src + kLanes - 1, sizeof b);
    v = even_lanes(v, b, std::make_index_sequence<kLanes>{});
  } else {
    for (index_t i = 0; i < kLanes; ++i)
      v[i] = src[i * stride];
  }
  return v;
}
#endif

/// A 2-D pooling window: kernel, strides, top / left padding, dilations.
struct PoolWindow {
  index_t KH, KW, SH, SW, PT, PL, DH, DW;
};

/// f(ih, iw) for each tap of output (oh, ow)'s window inside the H x W
/// input, in row-major window order.
template <class F>
inline void for_window_taps(const PoolWindow &w, index_t H, index_t W, index_t oh, index_t ow, F f) {
  for (index_t kh = 0; kh < w.KH; ++kh) {
    const index_t ih = oh * w.SH - w.PT + kh * w.DH;
    if (ih < 0 || ih >= H)
      continue;
    for (index_t kw = 0; kw < w.KW; ++kw) {
      const index_t iw = ow * w.SW - w.PL + kw * w.DW;
      if (iw >= 0 && iw < W)
        f(ih, iw);
    }
  }
}

/// Max pooling for float, int32, uint8 or int8 tensors; padded positions
/// never win.
/// Taps in row-major window order, best = best > tap ? best : tap, as ONNX
/// Runtime computes it: a NaN tap wins unless a later tap is a number.
template <class T>
inline void max_pool(const T *x, T *y, index_t NC, index_t H, index_t W, index_t OH, index_t OW,
                     index_t KH, index_t KW, index_t SH, index_t SW, index_t PT, index_t PL,
                     index_t DH, index_t DW) {
  // Output columns [owLo, owHi) have every tap inside the row: there the
  // taps go one at a time over the whole span (stride-SW loads, no bounds
  // tests, vectorizable), in the same order as the checked loop, so the
  // result (NaN included) is the same.
  const index_t owLo = clamp_index(ceil_div(PL, SW), 0, OW);
  const index_t owHi = clamp_index(ceil_div(W + PL - (KW - 1) * DW, SW), owLo, OW);
  QNN_RT_PARALLEL_FOR
  for (index_t row = 0; row < NC * OH; ++row) {
    const index_t p = row / OH, oh = row % OH;
    T *yrow = y + row * OW;
    auto checked = [&](index_t ow) {
      bool any = false;
      T best = T();
      for_window_taps({KH, KW, SH, SW, PT, PL, DH, DW}, H, W, oh, ow, [&](index_t ih, index_t iw) {
        const T v = x[(p * H + ih) * W + iw];
        if (!any || !(best > v))
          best = v;
        any = true;
      });
      yrow[ow] = best;
    };
    for (index_t ow = 0; ow < owLo; ++ow)
      checked(ow);
    bool rowInside = false;
    for (index_t kh = 0; kh < KH; ++kh)
      rowInside |= oh * SH - PT + kh * DH >= 0 && oh * SH - PT + kh * DH < H;
    if (!rowInside) // every tap is padding: as the checked loop says
      for (index_t ow = owLo; ow < owHi; ++ow)
        checked(ow);
    const index_t span = rowInside ? owHi - owLo : 0;
    // f(tap) for each tap of the row's windows inside the image, in the
    // checked loop's order: tap + ow * SW is column ow's input.
    auto forTaps = [&](auto f) {
      for (index_t kh = 0; kh < KH; ++kh) {
        const index_t ih = oh * SH - PT + kh * DH;
        if (ih < 0 || ih >= H)
          continue;
        for (index_t kw = 0; kw < KW; ++kw)
          f(x + (p * H + ih) * W - PL + kw * DW);
      }
    };
#if defined(__GNUC__) || defined(__clang__)
    // Otherwise kLanes columns per vector, taps in the checked loop's order
    // (the row's last vector overlaps the one before it: the same values
    // again), so the result, NaN included, is the same.
    const bool vectors = span >= kLanes;
    with_stride(SW, [&](auto stride) {
      for (index_t j = 0; vectors && j < span; j += kLanes) {
        const index_t ow0 = owLo + (span - j < kLanes ? span - kLanes : j);
        typename Lanes<T>::type best{};
        bool first = true;
        forTaps([&](const T *tap) {
          const auto v = load_strided(tap + ow0 * stride, stride);
          best = first ? v : best > v ? best : v;
          first = false;
        });
        std::memcpy(yrow + ow0, &best, sizeof best);
      }
    });
#else
    const bool vectors = false;
#endif
    // Rows narrower than a vector (or no vector types): spans of kLanes
    // columns in a local accumulator, a tap at a time over the span (no
    // aliasing with x, so the loops vectorize), in the same order.
    for (index_t ow0 = owLo; !vectors && ow0 < owLo + span; ow0 += kLanes) {
      const index_t count = owLo + span - ow0 < kLanes ? owLo + span - ow0 : kLanes;
      T best[kLanes] = {};
      bool first = true;
      forTaps([&](const T *tap) {
        const T *src = tap + ow0 * SW;
        with_stride(SW, [&](auto stride) {
          if (first)
            for (index_t j = 0; j < count; ++j)
              best[j] = src[j * stride];
          else
            for (index_t j = 0; j < count; ++j)
              best[j] = best[j] > src[j * stride] ? best[j] : src[j * stride];
        });
        first = false;
      });
      for (index_t j = 0; j < count; ++j)
        yrow[ow0 + j] = best[j];
    }
    for (index_t ow = owHi; ow < OW; ++ow)
      checked(ow);
  }
}

/// ONNX MaxPool's Indices output, as the ONNX reference computes it: for
/// each window the flat index into x (N and C included) of the first of its
/// taps inside the image (row-major window order) that holds their maximum
/// by `>` (a NaN is kept only as the first tap), h * W + w within its
/// plane, or h + w * H with `column_major` (storage_order = 1). A window
/// without a tap inside the image counts h = w = -1.
template <class T>
inline void max_pool_indices(const T *x, std::int64_t *indices, index_t NC, index_t H, index_t W, index_t OH,
                             index_t OW, index_t KH, index_t KW, index_t SH, index_t SW, index_t PT, index_t PL,
                             index_t DH, index_t DW, bool column_major) {
  QNN_RT_PARALLEL_FOR
  for (index_t row = 0; row < NC * OH; ++row) {
    const index_t p = row / OH, oh = row % OH;
    for (index_t ow = 0; ow < OW; ++ow) {
      index_t bestH = -1, bestW = -1;
      T best = T();
      for_window_taps({KH, KW, SH, SW, PT, PL, DH, DW}, H, W, oh, ow, [&](index_t ih, index_t iw) {
        const T v = x[(p * H + ih) * W + iw];
        if (bestH < 0 || v > best) {
          best = v;
          bestH = ih;
          bestW = iw;
        }
      });
      indices[row * OW + ow] = p * H * W + (column_major ? bestH + bestW * H : bestH * W + bestW);
    }
  }
}

/// Average pooling of a float [NC, H, W] tensor (2-D window, no dilation);
/// with `channelsLast`, of a channels-last [NC / C, H, W, C] one into a
/// channels-last result. Each output is the same sum, taps in the same
/// order, in both layouts.
inline void avg_pool_f32(const float *x, float *y, index_t NC, index_t H, index_t W, index_t OH,
                         index_t OW, index_t KH, index_t KW, index_t SH, index_t SW, index_t PT,
                         index_t PL, index_t PB, index_t PR, bool count_include_pad, bool channelsLast = false,
                         index_t C = 1) {
  // The taps inside the image are summed; `count` is the divisor.
  auto window = [&](index_t oh, index_t ow, auto tap) {
    index_t count = 0;
    const index_t h0 = oh * SH - PT, w0 = ow * SW - PL;
    for (index_t ih = h0; ih < h0 + KH; ++ih)
      for (index_t iw = w0; iw < w0 + KW; ++iw)
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
          tap(ih * W + iw);
          ++count;
        }
    if (count_include_pad) {
      // The window clipped to the padded input, as ONNX counts it.
      const index_t hs = h0 < -PT ? -PT : h0, he = h0 + KH > H + PB ? H + PB : h0 + KH;
      const index_t ws = w0 < -PL ? -PL : w0, we = w0 + KW > W + PR ? W + PR : w0 + KW;
      count = (he - hs) * (we - ws);
    }
    return static_cast<float>(count);
  };
  if (channelsLast) {
    // Whole output rows per thread, all channels of a pixel at once.
    QNN_RT_PARALLEL_FOR
    for (index_t row = 0; row < NC / C * OH; ++row) {
      const index_t n = row / OH, oh = row % OH;
      for (index_t ow = 0; ow < OW; ++ow) {
        float *yp = y + (row * OW + ow) * C;
        for (index_t c = 0; c < C; ++c)
          yp[c] = 0.0f;
        const float count = window(oh, ow, [&](index_t pixel) {
          const float *xp = x + (n * H * W + pixel) * C;
          for (index_t c = 0; c < C; ++c)
            yp[c] += xp[c];
        });
        for (index_t c = 0; c < C; ++c)
          yp[c] /= count;
      }
    }
    return;
  }
  QNN_RT_PARALLEL_FOR
  for (index_t p = 0; p < NC; ++p)
    for (index_t oh = 0; oh < OH; ++oh)
      for (index_t ow = 0; ow < OW; ++ow) {
        float sum = 0.0f;
        const float count = window(oh, ow, [&](index_t pixel) { sum += x[p * H * W + pixel]; });
        y[(p * OH + oh) * OW + ow] = sum / count;
      }
}

/// Mean over the HW pixels of each channel of a float [NC, HW] tensor, or,
/// with `channelsLast`, of a channels-last [NC / C, HW, C] one; pixels
/// summed in order either way.
inline void global_avg_pool_f32(const float *x, float *y, index_t NC, index_t HW, bool channelsLast = false,
                                index_t C = 1) {
  if (channelsLast) {
    // Blocks of channels: a pixel's run of them is one contiguous read.
    constexpr index_t kChannels = 64;
    const index_t blocks = (C + kChannels - 1) / kChannels;
    QNN_RT_PARALLEL_FOR
    for (index_t nb = 0; nb < NC / C * blocks; ++nb) {
      const index_t n = nb / blocks, c0 = nb % blocks * kChannels, count = C - c0 < kChannels ? C - c0 : kChannels;
      float sum[kChannels];
      for (index_t c = 0; c < count; ++c)
        sum[c] = 0.0f;
      for (index_t i = 0; i < HW; ++i)
        for (index_t c = 0; c < count; ++c)
          sum[c] += x[(n * HW + i) * C + c0 + c];
      for (index_t c = 0; c < count; ++c)
        y[n * C + c0 + c] = sum[c] / static_cast<float>(HW);
    }
    return;
  }
  QNN_RT_PARALLEL_FOR
  for (index_t p = 0; p < NC; ++p) {
    float sum = 0.0f;
    for (index_t i = 0; i < HW; ++i)
      sum += x[p * HW + i];
    y[p] = sum / static_cast<float>(HW);
  }
}

/// A tensor's `n` bytes, of any element type, into another buffer (a
/// reshape that does not alias its input; the returned tensor when it was
/// not computed into the output buffer: the input itself, a constant).
inline void copy_bytes(const void *x, void *y, index_t n) {
  QNN_RT_SERIAL
  if (x != y)
    std::memmove(y, x, static_cast<std::size_t>(n));
}

/// ONNX Pad's modes: `value` outside the input, the input mirrored about
/// its edge (the edge itself not repeated; pads below the dimension), or
/// its edge repeated.
constexpr index_t kPadConstant = 0, kPadReflect = 1, kPadEdge = 2;

/// Padding of H and W: x [NC, H, W] -> y [NC, H + PT + PB, W + PL + PR].
template <class T>
inline void pad_elements(const T *x, T *y, index_t NC, index_t H, index_t W, index_t PT, index_t PL, index_t PB,
                         index_t PR, T value, index_t mode) {
  const index_t OH = H + PT + PB, OW = W + PL + PR;
  // The input index an output index reads along a dimension of size n, or
  // -1 for `value`.
  auto source = [mode](index_t i, index_t n) -> index_t {
    if (i >= 0 && i < n)
      return i;
    if (mode == kPadEdge)
      return i < 0 ? 0 : n - 1;
    if (mode == kPadReflect)
      return i < 0 ? -i : 2 * (n - 1) - i;
    return -1;
  };
  QNN_RT_PARALLEL_FOR
  for (index_t p = 0; p < NC; ++p)
    for (index_t oh = 0; oh < OH; ++oh) {
      const index_t ih = source(oh - PT, H);
      for (index_t ow = 0; ow < OW; ++ow) {
        const index_t iw = source(ow - PL, W);
        y[(p * OH + oh) * OW + ow] = ih >= 0 && iw >= 0 ? x[(p * H + ih) * W + iw] : value;
      }
    }
}

inline void pad_f32(const float *x, float *y, index_t NC, index_t H, index_t W, index_t PT, index_t PL,
                    index_t PB, index_t PR, float value, index_t mode) {
  pad_elements(x, y, NC, H, W, PT, PL, PB, PR, value, mode);
}

/// Axes transpose_f32 permutes; a tensor of lower rank is given leading
/// axes of size 1.
constexpr index_t kTransposeRank = 6;

/// numpy's transpose: x of dims D0..D5 (row-major), y's axis i is x's axis
/// P_i. Threads take rows of y's last two axes.
inline void transpose_f32(const float *x, float *y, index_t D0, index_t D1, index_t D2, index_t D3, index_t D4,
                          index_t D5, index_t P0, index_t P1, index_t P2, index_t P3, index_t P4, index_t P5) {
  const index_t dims[kTransposeRank] = {D0, D1, D2, D3, D4, D5}, perm[kTransposeRank] = {P0, P1, P2, P3, P4, P5};
  index_t stride[kTransposeRank], od[kTransposeRank], os[kTransposeRank];
  stride[kTransposeRank - 1] = 1;
  for (index_t a = kTransposeRank - 1; a > 0; --a)
    stride[a - 1] = stride[a] * dims[a];
  for (index_t a = 0; a < kTransposeRank; ++a) {
    od[a] = dims[perm[a]];
    os[a] = stride[perm[a]];
  }
  QNN_RT_PARALLEL_FOR
  for (index_t row = 0; row < od[0] * od[1] * od[2] * od[3]; ++row) {
    index_t offset = 0, rest = row;
    for (index_t a = 3; a >= 0; --a) {
      offset += rest % od[a] * os[a];
      rest /= od[a];
    }
    float *out = y + row * od[4] * od[5];
    for (index_t i4 = 0; i4 < od[4]; ++i4)
      for (index_t i5 = 0; i5 < od[5]; ++i5)
        *out++ = x[offset + i4 * os[4] + i5 * os[5]];
  }
}

/// Copies one concat input [outer, inner] into the output [outer, out_inner]
/// starting at column `offset`.
inline void concat_slice_f32(const float *x, float *y, index_t outer, index_t inner,
                             index_t out_inner, index_t offset) {
  QNN_RT_PARALLEL_FOR
  for (index_t o = 0; o < outer; ++o)
    std::memcpy(y + o * out_inner + offset, x + o * inner, static_cast<std::size_t>(inner) * sizeof(float));
}

inline void softmax_f32(const float *x, float *y, index_t outer, index_t len, index_t inner) {
  QNN_RT_PARALLEL_FOR
  for (index_t oi = 0; oi < outer * inner; ++oi) {
    const index_t o = oi / inner, i = oi % inner;
    const float *xs = x + o * len * inner + i;
    float *ys = y + o * len * inner + i;
    float mx = xs[0];
    for (index_t k = 1; k < len; ++k)
      mx = xs[k * inner] > mx ? xs[k * inner] : mx;
    float sum = 0.0f;
    for (index_t k = 0; k < len; ++k) {
      ys[k * inner] = std::exp(xs[k * inner] - mx);
      sum += ys[k * inner];
    }
    for (index_t k = 0; k < len; ++k)
      ys[k * inner] /= sum;
  }
}

/// y = float(acc) * scale[c] + bias[c] over [N, C, HW]: multiply and add
/// rounded separately, as the unfused ops round.
inline void scale_bias_i32(const std::int32_t *x, const float *scale, const float *bias, float *y, index_t N,
                           index_t C, index_t HW) {
  QNN_RT_PARALLEL_FOR
  for (index_t nc = 0; nc < N * C; ++nc) {
    const std::int32_t *xc = x + nc * HW;
    float *yc = y + nc * HW;
    const float s = scale[nc % C], b = bias[nc % C];
    for (index_t i = 0; i < HW; ++i) {
      const float scaled = static_cast<float>(xc[i]) * s;
      yc[i] = scaled + b;
    }
  }
}

inline void to_float_i32(const std::int32_t *x, float *y, index_t n) {
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < n; ++i)
    y[i] = static_cast<float>(x[i]);
}

} // namespace qnn_rt

#endif
