// What the machine's two cores give a 2-thread run, measured next to it:
// the round trip of one cache line between cores 0 and 1 (two threads
// pinned there hand a counter back and forth) and each core's own speed on
// a fixed xor/popcount loop (a core the hypervisor shares with another
// guest runs it slower). On this project's cloud VMs both change from
// minute to minute (round trips of 170-450 ns were seen), so the 2-thread
// speed-up is only meaningful with these beside it.
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <thread>

static bool pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

alignas(64) static std::atomic<long> turn{0};

static double round_trip_ns(long trips) {
  turn = 0;
  std::thread echo([trips] {
    pin(1);
    for (long i = 0; i < trips; ++i) {
      while (turn.load(std::memory_order_acquire) != 2 * i + 1) {
      }
      turn.store(2 * i + 2, std::memory_order_release);
    }
  });
  pin(0);
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < trips; ++i) {
    turn.store(2 * i + 1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 2 * i + 2) {
    }
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  echo.join();
  return s / trips * 1e9;
}

// Scalar xor/popcount/add chains: the same instruction mix on any x86-64.
static double core_ms(int cpu) {
  double ms = 0;
  std::thread run([&] {
    pin(cpu);
    std::uint64_t a = 1, b = 2, c = 3, d = 4;
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < 50000000; ++i) {
      a += __builtin_popcountll(a ^ 0x0123456789ABCDEFULL);
      b += __builtin_popcountll(b ^ 0x0F1E2D3C4B5A6978ULL);
      c += __builtin_popcountll(c ^ 0x7654321076543210ULL);
      d += __builtin_popcountll(d ^ 0x5555AAAA5555AAAAULL);
    }
    ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "%llu\n", static_cast<unsigned long long>((a + b + c + d) & 1));
  });
  run.join();
  return ms;
}

int main() {
  if (std::thread::hardware_concurrency() < 2) {
    std::printf("cores: fewer than 2 CPUs\n");
    return 0;
  }
  const double trip = round_trip_ns(200000);
  const double c0 = core_ms(0), c1 = core_ms(1);
  std::printf("cross_core_round_trip_ns %.0f\ncore0_ms %.1f\ncore1_ms %.1f\n", trip, c0, c1);
}
