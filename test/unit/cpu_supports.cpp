// cpu_supports FEATURE: exit 0 when this CPU has the instruction-set
// feature (GCC/Clang __builtin_cpu_supports names), 77 (ctest's "skipped")
// when it does not. Gates the SIMD kernel tests.
#include <cstdio>
#include <cstring>

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cpu_supports avx2|avx512\n");
    return 2;
  }
  __builtin_cpu_init();
  if (std::strcmp(argv[1], "avx2") == 0)
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2") ? 0 : 77;
  if (std::strcmp(argv[1], "avx512") == 0)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
                   __builtin_cpu_supports("avx512vpopcntdq")
               ? 0
               : 77;
  std::fprintf(stderr, "cpu_supports: unknown feature '%s'\n", argv[1]);
  return 2;
}
