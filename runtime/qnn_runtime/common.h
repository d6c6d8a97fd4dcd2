// Shared helpers of the qnnc runtime. Header-only, C++17, no heap, no
// exceptions; knows nothing of qnnc or MLIR.
#ifndef QNN_RUNTIME_COMMON_H
#define QNN_RUNTIME_COMMON_H

#include <cstddef>
#include <cstdint>

// Data-parallel kernels: the generated project defines QNN_RT_THREADS (qnnc
// --threads) and builds with OpenMP when it is above 1. Each output element
// is computed by one thread in one fixed order, so results do not depend on
// the thread count.
#ifndef QNN_RT_THREADS
#define QNN_RT_THREADS 1
#endif
#if defined(_OPENMP) && QNN_RT_THREADS > 1
#include <omp.h>
#define QNN_RT_PRAGMA(x) _Pragma(#x)
#define QNN_RT_PARALLEL_FOR QNN_RT_PRAGMA(omp parallel for num_threads(QNN_RT_THREADS) schedule(static))
#else
#define QNN_RT_PARALLEL_FOR
#endif

// Per-op profile (opt-in): built with QNN_RT_PROFILE defined, generated code
// brackets each op's kernel calls with QNN_RT_OP_BEGIN / QNN_RT_OP_END, which
// add the op's wall time to qnn_rt::op_times; otherwise they are no-ops.
#ifdef QNN_RT_PROFILE
#include <chrono>
#define QNN_RT_OP_BEGIN(index) (qnn_rt::op_start() = std::chrono::steady_clock::now())
#define QNN_RT_OP_END(index, name) qnn_rt::record_op(index, name)
#else
#define QNN_RT_OP_BEGIN(index) ((void)0)
#define QNN_RT_OP_END(index, name) ((void)0)
#endif

namespace qnn_rt {

using index_t = std::int64_t;

#ifdef QNN_RT_PROFILE
struct OpTime {
  const char *name; // "kernel op-location"
  double seconds;   // summed over all runs
};
constexpr int kMaxProfiledOps = 4096;
inline OpTime op_times[kMaxProfiledOps];
inline int profiled_ops = 0; // highest op index + 1
inline std::chrono::steady_clock::time_point &op_start() {
  static std::chrono::steady_clock::time_point start;
  return start;
}
inline void record_op(int index, const char *name) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - op_start()).count();
  if (index < 0 || index >= kMaxProfiledOps)
    return;
  op_times[index].name = name;
  op_times[index].seconds += seconds;
  profiled_ops = index + 1 > profiled_ops ? index + 1 : profiled_ops;
}
#endif

/// Typed view of the tensor at `offset` bytes into the caller's arena.
template <class T>
inline T *arena_at(void *arena, index_t offset) {
  return reinterpret_cast<T *>(static_cast<unsigned char *>(arena) + offset);
}

/// The calling thread's index within a QNN_RT_PARALLEL_FOR (0 outside).
inline index_t thread_index() {
#if defined(_OPENMP) && QNN_RT_THREADS > 1
  return omp_get_thread_num();
#else
  return 0;
#endif
}

inline int popcount64(std::uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
  return __builtin_popcountll(x);
#else
  x = x - ((x >> 1) & 0x5555555555555555ULL);
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
#endif
}

/// Shape and window of a 2-D convolution over NCHW input [N, C, H, W] with
/// O output channels, a KH x KW kernel, output [N, O, OH, OW], strides
/// SH/SW, top/left pads PT/PL (bottom/right follow from OH/OW), dilations
/// DH/DW and G groups. Every convolution kernel takes one; generated code
/// holds one `static const` instance per layer.
struct Conv2DParams {
  index_t N, C, H, W, O, KH, KW, OH, OW, SH, SW, PT, PL, DH, DW, G;
};

/// Number of 64-bit words that hold `bits` bits.
constexpr index_t words_for(index_t bits) { return (bits + 63) / 64; }

/// Bytes every tensor, bit plane and scratch block in the arena is aligned to.
constexpr index_t kArenaAlignment = 64;
constexpr index_t align_arena(index_t bytes) { return (bytes + kArenaAlignment - 1) / kArenaAlignment * kArenaAlignment; }

/// Words of one bit plane of a binary or levels tensor [N, C, spatial]:
/// [N][spatial][words_for(C)].
constexpr index_t bit_plane_words(index_t N, index_t C, index_t spatial) { return N * spatial * words_for(C); }

/// Words from one bit plane of a tensor to the next in the arena (each plane
/// aligned): the `planeWords` argument of the binary and low-bit kernels.
constexpr index_t bit_plane_stride(index_t N, index_t C, index_t spatial) {
  return align_arena(bit_plane_words(N, C, spatial) * 8) / 8;
}

/// ceil(a / b) for b > 0 and any sign of a.
constexpr index_t ceil_div(index_t a, index_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

constexpr index_t clamp_index(index_t v, index_t lo, index_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/// One row of a convolution's column matrix: window offset (kh, kw) of one
/// input plane xc [H][W] over output rows [r0, r0 + rows), in column order:
/// value(x) where the window reads the image, pad() where it reads padding.
/// The in-image span of each row is computed once, so the copy loop has no
/// bounds checks.
template <class T, class Value, class Pad>
inline void im2col_row(const T *xc, index_t H, index_t W, index_t OW, index_t r0, index_t rows, index_t kh,
                       index_t kw, index_t SH, index_t SW, index_t PT, index_t PL, index_t DH, index_t DW, Value value,
                       Pad pad) {
  // Output columns [owLo, owHi) read inside the image.
  const index_t owLo = clamp_index(ceil_div(PL - kw * DW, SW), 0, OW);
  const index_t owHi = clamp_index(ceil_div(W + PL - kw * DW, SW), owLo, OW);
  for (index_t r = 0; r < rows; ++r) {
    const index_t ih = (r0 + r) * SH - PT + kh * DH;
    if (ih < 0 || ih >= H) {
      for (index_t ow = 0; ow < OW; ++ow)
        pad();
      continue;
    }
    const T *src = xc + ih * W - PL + kw * DW;
    index_t ow = 0;
    for (; ow < owLo; ++ow)
      pad();
    for (; ow < owHi; ++ow)
      value(src[ow * SW]);
    for (; ow < OW; ++ow)
      pad();
  }
}

} // namespace qnn_rt

#endif
