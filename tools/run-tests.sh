#!/usr/bin/env bash
# Installs everything, builds qnnc and runs every test (lit, unit, end-to-end
# against ONNX Runtime). CI runs this through .ci/run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/install-deps.sh"
bash "$root/tools/build.sh"
cd "$root/build"
ctest --output-on-failure
