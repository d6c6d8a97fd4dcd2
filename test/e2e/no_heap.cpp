// Proves a generated model allocates nothing on the heap: malloc, calloc,
// realloc, aligned_alloc and operator new are counted while model_run runs
// (link with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc).
#include "model.h"

#include <cstdio>
#include <cstdlib>
#include <new>

static bool counting = false;
static long allocations = 0;

extern "C" {
void *__real_malloc(std::size_t);
void *__real_calloc(std::size_t, std::size_t);
void *__real_realloc(void *, std::size_t);
void *__real_aligned_alloc(std::size_t, std::size_t);
void *__wrap_malloc(std::size_t n) { allocations += counting; return __real_malloc(n); }
void *__wrap_calloc(std::size_t n, std::size_t m) { allocations += counting; return __real_calloc(n, m); }
void *__wrap_realloc(void *p, std::size_t n) { allocations += counting; return __real_realloc(p, n); }
void *__wrap_aligned_alloc(std::size_t a, std::size_t n) { allocations += counting; return __real_aligned_alloc(a, n); }
}
void *operator new(std::size_t n) { allocations += counting; return __real_malloc(n ? n : 1); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }

alignas(64) static unsigned char arena[MODEL_ARENA_BYTES > 0 ? MODEL_ARENA_BYTES : 1];
static float input[MODEL_INPUT_SIZE], output[MODEL_OUTPUT_SIZE];

int main() {
  for (long i = 0; i < MODEL_INPUT_SIZE; ++i)
    input[i] = static_cast<float>((i * 37) % 11) - 5.0f;
  counting = true;
  for (int run = 0; run < 3; ++run)
    model_run(input, output, arena);
  counting = false;
  std::printf("heap allocations during model_run: %ld\n", allocations);
  return allocations == 0 ? 0 : 1;
}
