#!/usr/bin/env bash
# Installs everything, builds qnnc and runs every test (lit, unit,
# conformance, end-to-end against ONNX Runtime), then the fuzzers' short run
# on qnnc built with ASan and UBSan. CI runs this through .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/install-deps.sh"
bash "$root/tools/build.sh"
status=0
(cd "$root/build" && ctest --output-on-failure) || status=1
bash "$root/tools/fuzz.sh" 60 || status=1
exit $status
