// Measures this core's peaks: xnor + popcount + accumulate on 64-bit lanes
// (binary MACs/s, with the instruction set the build selects) and fp32
// multiply-add (MACs/s). Each loop does only the work it rates, the way the
// kernels do it: input words loaded from an L1-resident buffer and xor-ed
// with several weight vectors, every popcount added to one of many
// independent accumulators, so the loops are throughput-bound and no kernel
// can beat them. (An earlier version also advanced its inputs with a vector
// add per popcount: a fourth instruction the kernels do not run, which
// understated the AVX-512 peak by 1.35x.)
#include <chrono>
#include <cstdint>
#include <cstdio>

// Input words; 4 KB stays in L1. The compiler barrier per pass keeps the
// loads from being hoisted.
alignas(64) static std::uint64_t inputs[512];
static void fill_inputs() {
  for (int i = 0; i < 512; ++i)
    inputs[i] = 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(i + 1);
}

#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
#include <immintrin.h>
static double binary_peak(long passes) {
  constexpr int kLoads = 4, kWeights = 3; // 12 accumulators
  __m512i acc[kLoads][kWeights];
  for (auto &row : acc)
    for (auto &a : row)
      a = _mm512_setzero_si512();
  const __m512i w[kWeights] = {_mm512_set1_epi64(0x0123456789ABCDEFLL), _mm512_set1_epi64(0x7654321076543210LL),
                               _mm512_set1_epi64(0x0F1E2D3C4B5A6978LL)};
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < passes; ++n) {
    for (int j = 0; j < 512; j += 8 * kLoads)
      for (int l = 0; l < kLoads; ++l) {
        const __m512i x = _mm512_load_si512(inputs + j + 8 * l);
        for (int k = 0; k < kWeights; ++k)
          acc[l][k] = _mm512_add_epi64(acc[l][k], _mm512_popcnt_epi64(_mm512_xor_si512(x, w[k])));
      }
    asm volatile("" ::: "memory");
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long long sink = 0;
  for (auto &row : acc)
    for (auto &a : row)
      sink += _mm512_reduce_add_epi64(a);
  std::fprintf(stderr, "%lld\n", sink & 1);
  return passes * (512.0 / 8) * kWeights * 512 / s;
}
static const char *isa = "AVX-512 VPOPCNTQ";
#elif defined(__AVX2__)
#include <immintrin.h>
static double binary_peak(long passes) {
  constexpr int kLoads = 2, kWeights = 3; // 6 accumulators, with the table constants 16 registers
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                         2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0F);
  __m256i acc[kLoads][kWeights];
  for (auto &row : acc)
    for (auto &a : row)
      a = _mm256_setzero_si256();
  const __m256i w[kWeights] = {_mm256_set1_epi64x(0x0123456789ABCDEFLL), _mm256_set1_epi64x(0x7654321076543210LL),
                               _mm256_set1_epi64x(0x0F1E2D3C4B5A6978LL)};
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < passes; ++n) {
    for (int j = 0; j < 512; j += 4 * kLoads)
      for (int l = 0; l < kLoads; ++l) {
        const __m256i x = _mm256_load_si256(reinterpret_cast<const __m256i *>(inputs + j + 4 * l));
        for (int k = 0; k < kWeights; ++k) {
          const __m256i d = _mm256_xor_si256(x, w[k]);
          const __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(d, low)),
                                            _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(d, 4), low)));
          acc[l][k] = _mm256_add_epi64(acc[l][k], _mm256_sad_epu8(c, _mm256_setzero_si256()));
        }
      }
    asm volatile("" ::: "memory");
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  alignas(32) long long lanes[4];
  long long sink = 0;
  for (auto &row : acc)
    for (auto &a : row) {
      _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), a);
      sink += lanes[0];
    }
  std::fprintf(stderr, "%lld\n", sink & 1);
  return passes * (512.0 / 4) * kWeights * 256 / s;
}
static const char *isa = "AVX2 nibble-table popcount";
#else
static double binary_peak(long passes) {
  constexpr int kWeights = 4;
  std::uint64_t acc[kWeights] = {};
  const std::uint64_t w[kWeights] = {0x0123456789ABCDEFULL, 0x7654321076543210ULL, 0x0F1E2D3C4B5A6978ULL,
                                     0x5555AAAA5555AAAAULL};
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < passes; ++n) {
    for (int j = 0; j < 512; ++j)
      for (int k = 0; k < kWeights; ++k)
        acc[k] += __builtin_popcountll(inputs[j] ^ w[k]);
    asm volatile("" ::: "memory");
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "%llu\n", (unsigned long long)(acc[0] + acc[1] + acc[2] + acc[3]) & 1);
  return passes * 512.0 * kWeights * 64 / s;
}
static const char *isa = "scalar popcount";
#endif

static double fma_peak(long iters) {
  // 12 independent accumulators of the widest vector the build has (GCC
  // vector extension): enough to cover the multiply-add latency on two
  // units, few enough to stay in 16 registers.
#if defined(__AVX512F__)
  constexpr int kLanes = 16;
#elif defined(__AVX__)
  constexpr int kLanes = 8;
#else
  constexpr int kLanes = 4;
#endif
  typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));
  constexpr int kAccumulators = 12;
  Vec acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i)
    for (int l = 0; l < kLanes; ++l)
      acc[i][l] = 1.0f + (i * kLanes + l) * 1e-6f;
  Vec scale, add;
  for (int l = 0; l < kLanes; ++l) {
    scale[l] = 0.999999f;
    add[l] = 1e-6f;
  }
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < kAccumulators; ++i)
      acc[i] = acc[i] * scale + add;
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  float sink = 0;
  for (int i = 0; i < kAccumulators; ++i)
    for (int l = 0; l < kLanes; ++l)
      sink += acc[i][l];
  std::fprintf(stderr, "%g\n", sink);
  return iters * double(kAccumulators) * kLanes / s;
}

int main() {
  fill_inputs();
  double bin = binary_peak(400000);
  double fma = fma_peak(20000000);
  std::printf("binary_peak_macs_per_s %.4g (%s)\nfp32_peak_macs_per_s %.4g\n", bin, isa, fma);
}
