// Measures this core's peaks: xnor + popcount + add on 64-bit lanes (binary
// MACs/s, with the instruction set the build selects) and fp32 multiply-add
// (MACs/s). Independent accumulators keep the loops throughput-bound.
#include <chrono>
#include <cstdint>
#include <cstdio>

#if defined(__AVX512F__) && defined(__AVX512VPOPCNTDQ__)
#include <immintrin.h>
static double binary_peak(long iters) {
  __m512i a[8], acc[8];
  for (int i = 0; i < 8; ++i) {
    a[i] = _mm512_set1_epi64(static_cast<long long>(0x5555555555555555ULL * (i + 1)));
    acc[i] = _mm512_setzero_si512();
  }
  const __m512i w = _mm512_set1_epi64(0x0123456789ABCDEFLL);
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < 8; ++i) {
      acc[i] = _mm512_add_epi64(acc[i], _mm512_popcnt_epi64(_mm512_xor_si512(a[i], w)));
      a[i] = _mm512_add_epi64(a[i], w); // keep inputs changing
    }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long long sink = 0;
  for (int i = 0; i < 8; ++i)
    sink += _mm512_reduce_add_epi64(acc[i]);
  std::fprintf(stderr, "%lld\n", sink & 1);
  return iters * 8.0 * 512 / s;
}
static const char *isa = "AVX-512 VPOPCNTQ";
#elif defined(__AVX2__)
#include <immintrin.h>
static double binary_peak(long iters) {
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                         2, 3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0F);
  __m256i a[6], acc[6];
  for (int i = 0; i < 6; ++i) {
    a[i] = _mm256_set1_epi64x(static_cast<long long>(0x5555555555555555ULL * (i + 1)));
    acc[i] = _mm256_setzero_si256();
  }
  const __m256i w = _mm256_set1_epi64x(0x0123456789ABCDEFLL);
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < 6; ++i) {
      const __m256i x = _mm256_xor_si256(a[i], w);
      const __m256i c = _mm256_add_epi8(_mm256_shuffle_epi8(table, _mm256_and_si256(x, low)),
                                        _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low)));
      acc[i] = _mm256_add_epi64(acc[i], _mm256_sad_epu8(c, _mm256_setzero_si256()));
      a[i] = _mm256_add_epi64(a[i], w);
    }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  alignas(32) long long lanes[4];
  long long sink = 0;
  for (int i = 0; i < 6; ++i) {
    _mm256_store_si256(reinterpret_cast<__m256i *>(lanes), acc[i]);
    sink += lanes[0];
  }
  std::fprintf(stderr, "%lld\n", sink & 1);
  return iters * 6.0 * 256 / s;
}
static const char *isa = "AVX2 nibble-table popcount";
#else
static double binary_peak(long iters) {
  uint64_t a[4] = {1, 2, 3, 4}, acc[4] = {};
  const uint64_t w = 0x0123456789ABCDEFULL;
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < 4; ++i) {
      acc[i] += __builtin_popcountll(a[i] ^ w);
      a[i] += w;
    }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "%llu\n", (unsigned long long)(acc[0] + acc[1] + acc[2] + acc[3]) & 1);
  return iters * 4.0 * 64 / s;
}
static const char *isa = "scalar popcount";
#endif

static double fma_peak(long iters) {
  // 16 independent vector-width accumulators; the compiler vectorizes.
  float acc[128], x[128];
  for (int i = 0; i < 128; ++i) {
    acc[i] = 0.0f;
    x[i] = 1.0f + i * 1e-6f;
  }
  auto t0 = std::chrono::steady_clock::now();
  for (long n = 0; n < iters; ++n)
    for (int i = 0; i < 128; ++i)
      acc[i] = acc[i] * 0.999999f + x[i];
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  float sink = 0;
  for (float v : acc)
    sink += v;
  std::fprintf(stderr, "%g\n", sink);
  return iters * 128.0 / s;
}

int main() {
  double bin = binary_peak(200000000 / 8);
  double fma = fma_peak(20000000);
  std::printf("binary_peak_macs_per_s %.4g (%s)\nfp32_peak_macs_per_s %.4g\n", bin, isa, fma);
}
