// Shared helpers of the qnnc runtime. Header-only, C++17, no heap, no
// exceptions; knows nothing of qnnc or MLIR.
#ifndef QNN_RUNTIME_COMMON_H
#define QNN_RUNTIME_COMMON_H

#include <cstddef>
#include <cstdint>
#include <type_traits>

// Threads: the generated project defines QNN_RT_THREADS (qnnc --threads)
// and builds with OpenMP when it is above 1. A generated model runs its whole
// op sequence on every thread of one parallel region (run_on_threads), so
// kernels are inlined into it with their shapes as constants, as on one
// thread. Inside, a kernel shares its loops among the threads with
// QNN_RT_PARALLEL_FOR (a static schedule; the implicit barrier at its end
// orders the ops) or runs on one of them, QNN_RT_SERIAL { ... }; nothing
// else in a kernel writes memory. Each output element is computed by one
// thread in one fixed order, so results do not depend on the thread count.
// Called outside a parallel region, both run the loop or block once.
#ifndef QNN_RT_THREADS
#define QNN_RT_THREADS 1
#endif
#if defined(_OPENMP) && QNN_RT_THREADS > 1
#include <omp.h>
#define QNN_RT_PRAGMA(x) _Pragma(#x)
#define QNN_RT_PARALLEL_FOR QNN_RT_PRAGMA(omp for schedule(static))
#define QNN_RT_SERIAL QNN_RT_PRAGMA(omp single)
#else
#define QNN_RT_PARALLEL_FOR
#define QNN_RT_SERIAL
#endif

// Per-op profile (opt-in): built with QNN_RT_PROFILE defined, generated code
// brackets each op's kernel calls with QNN_RT_OP_BEGIN / QNN_RT_OP_END, which
// add the op's wall time, as the first thread sees it, to qnn_rt::op_times;
// otherwise they are no-ops.
#ifdef QNN_RT_PROFILE
#include <chrono>
#define QNN_RT_OP_BEGIN(index) \
  (qnn_rt::thread_index() == 0 ? (void)(qnn_rt::op_start() = std::chrono::steady_clock::now()) : (void)0)
#define QNN_RT_OP_END(index, name) (qnn_rt::thread_index() == 0 ? qnn_rt::record_op(index, name) : (void)0)
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
inline double first_run_seconds[kMaxProfiledOps]; // the cold run's, kept aside
inline int profiled_ops = 0;                      // highest op index + 1
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

/// The calling thread's index in the model's parallel region (0 outside).
inline index_t thread_index() {
#if defined(_OPENMP) && QNN_RT_THREADS > 1
  return omp_get_thread_num();
#else
  return 0;
#endif
}

/// Runs a generated model's op sequence `ops(args...)` on every thread of
/// one parallel region of QNN_RT_THREADS threads, or once without OpenMP.
template <class... Args>
inline void run_on_threads(void (*ops)(Args...), Args... args) {
#if defined(_OPENMP) && QNN_RT_THREADS > 1
#pragma omp parallel num_threads(QNN_RT_THREADS)
#endif
  ops(args...);
}

inline int popcount64(std::uint64_t x) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__POPCNT__) || defined(__aarch64__) || defined(__riscv_zbb))
  return __builtin_popcountll(x); // an instruction (AArch64: NEON cnt + addv)
#elif UINTPTR_MAX == 0xFFFFFFFFu
  // 32-bit cores without one (Cortex-M4): each half to 4-bit counts in
  // 32-bit arithmetic, the halves' byte counts added (at most 16 a byte),
  // one 32-bit multiply to sum the bytes: no 64-bit shifts or multiply.
  std::uint32_t lo = static_cast<std::uint32_t>(x), hi = static_cast<std::uint32_t>(x >> 32);
  lo = lo - ((lo >> 1) & 0x55555555u);
  hi = hi - ((hi >> 1) & 0x55555555u);
  lo = (lo & 0x33333333u) + ((lo >> 2) & 0x33333333u);
  hi = (hi & 0x33333333u) + ((hi >> 2) & 0x33333333u);
  const std::uint32_t bytes = ((lo + (lo >> 4)) & 0x0F0F0F0Fu) + ((hi + (hi >> 4)) & 0x0F0F0F0Fu);
  return static_cast<int>((bytes * 0x01010101u) >> 24);
#else
  // Without one the builtin is a call to libgcc's __popcountdi2 (through
  // the PLT on x86-64 Linux); inline, the same arithmetic costs no call.
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

/// Index of element (n, c, p) of a float tensor [N, C, HW] (p the pixel
/// oh * W + ow) stored NCHW (channel planes) or channels-last (NHWC: a
/// pixel's channels contiguous). qnnc stores a float tensor channels-last
/// where every kernel that writes or reads it takes that layout
/// (qnn-assign-layouts); the kernels take one flag per float tensor.
constexpr index_t float_index(bool channelsLast, index_t n, index_t c, index_t p, index_t C, index_t HW) {
  return channelsLast ? (n * HW + p) * C + c : (n * C + c) * HW + p;
}

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

/// Calls body(stride) with strides 1 and 2 as compile-time constants, so
/// strided copy loops vectorize where the stride is a run-time value (a
/// kernel the compiler did not specialize to its call's constant shapes).
template <class Body>
inline void with_stride(index_t stride, Body body) {
  if (stride == 1)
    body(std::integral_constant<index_t, 1>{});
  else if (stride == 2)
    body(std::integral_constant<index_t, 2>{});
  else
    body(stride);
}

/// Output columns [lo, hi) of a convolution row whose kernel column kw
/// reads inside the image; the others read padding.
struct ColumnRange {
  index_t lo, hi;
};
inline ColumnRange im2col_columns(index_t W, index_t OW, index_t kw, index_t SW, index_t PL, index_t DW) {
  const index_t lo = clamp_index(ceil_div(PL - kw * DW, SW), 0, OW);
  return {lo, clamp_index(ceil_div(W + PL - kw * DW, SW), lo, OW)};
}

/// Output columns [begin, end) of one tap's row of a convolution's column
/// matrix: src is the tap's input row, offset so that src[ow * SW] is column
/// ow's value (nullptr when the whole row is padding), `in` its in-image
/// columns. Calls set(ow, value) where the window reads the image, pad(ow)
/// where it reads padding; the copy has no bounds checks.
template <class T, class Set, class Pad>
inline void im2col_span(const T *src, index_t begin, index_t end, ColumnRange in, index_t SW, Set set, Pad pad) {
  const index_t lo = src ? clamp_index(in.lo, begin, end) : end, hi = src ? clamp_index(in.hi, lo, end) : end;
  for (index_t ow = begin; ow < lo; ++ow)
    pad(ow);
  with_stride(SW, [&](auto stride) {
    for (index_t ow = lo; ow < hi; ++ow)
      set(ow, src[ow * stride]);
  });
  for (index_t ow = hi; ow < end; ++ow)
    pad(ow);
}

} // namespace qnn_rt

#ifdef QNN_RT_PROFILE
#include <cstdio>
// The harness's view of the profile (model_main.c is C). Not inline: the
// model's one translation unit defines them.
extern "C" {
/// After run `run` (0 = the first): the cold first run's times are set
/// aside, used only when it is the only run.
void qnn_rt_profile_end_run(long run) {
  if (run != 0)
    return;
  for (int i = 0; i < qnn_rt::profiled_ops; ++i) {
    qnn_rt::first_run_seconds[i] = qnn_rt::op_times[i].seconds;
    qnn_rt::op_times[i].seconds = 0;
  }
}
/// Each op's mean time over `runs` runs and share, on stderr:
/// "op_profile INDEX MS SHARE% KERNEL LOCATION".
void qnn_rt_profile_print(long runs) {
  const long timed = runs > 1 ? runs - 1 : 1;
  if (runs == 1)
    for (int i = 0; i < qnn_rt::profiled_ops; ++i)
      qnn_rt::op_times[i].seconds = qnn_rt::first_run_seconds[i];
  double total = 0;
  for (int i = 0; i < qnn_rt::profiled_ops; ++i)
    total += qnn_rt::op_times[i].seconds;
  for (int i = 0; i < qnn_rt::profiled_ops; ++i)
    if (qnn_rt::op_times[i].name)
      std::fprintf(stderr, "op_profile %d %.4f %.1f%% %s\n", i, 1e3 * qnn_rt::op_times[i].seconds / timed,
                   total > 0 ? 100 * qnn_rt::op_times[i].seconds / total : 0.0, qnn_rt::op_times[i].name);
}
}
#endif

#endif
