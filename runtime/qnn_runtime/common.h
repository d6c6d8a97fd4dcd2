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

namespace qnn_rt {

using index_t = std::int64_t;

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

/// Number of 64-bit words that hold `bits` bits.
constexpr index_t words_for(index_t bits) { return (bits + 63) / 64; }

/// ceil(a / b) for b > 0 and any sign of a.
constexpr index_t ceil_div(index_t a, index_t b) { return a >= 0 ? (a + b - 1) / b : -(-a / b); }

constexpr index_t clamp_index(index_t v, index_t lo, index_t hi) { return v < lo ? lo : v > hi ? hi : v; }

} // namespace qnn_rt

#endif
