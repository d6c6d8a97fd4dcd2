#!/usr/bin/env bash
# Builds qnnc's fuzzers (test/fuzz: Clang, with ASan and UBSan over all of
# qnnc) in build-fuzz/ and runs each on its seed corpus for SECONDS:
#   bash tools/fuzz.sh [SECONDS]          60 each: CI's short run
#   bash tools/fuzz.sh 3600 -runs=1000000 the long run (README), or any libFuzzer flags
# Prints a final "N passed, N failed" line over the fuzzers; a crash, hang,
# leak or sanitizer report fails and leaves its input in build-fuzz/crashes/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
build=$root/build-fuzz
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_C_COMPILER=clang-19 -DQNNC_FUZZ=ON >/dev/null
ninja -C "$build" importer_fuzzer ir_parser_fuzzer fuzz_seeds | tail -1
passed=0 failed=0
for fuzzer in importer ir_parser; do
  corpus=$build/corpus/$fuzzer
  mkdir -p "$corpus" "$build/crashes"
  log=$build/$fuzzer.log
  # allow_user_poisoning=0: LLVM's allocators poison their free space from
  # the inline code compiled into qnnc (with ASan) but not from the LLVM and
  # MLIR library (without), whose writes then look like use-after-poison.
  if ASAN_OPTIONS=detect_leaks=1:allow_user_poisoning=0 "$build/test/fuzz/${fuzzer}_fuzzer" "$corpus" "$build/test/fuzz/seeds/$fuzzer" \
       -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
       -artifact_prefix="$build/crashes/$fuzzer-" -print_final_stats=1 "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    tail -40 "$log"
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "$fuzzer fuzzer: $runs executions in ${seconds} s at most, $(grep -o 'cov: [0-9]*' "$log" | tail -1), corpus $(ls "$corpus" | wc -l) inputs"
done
echo "fuzzers: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
