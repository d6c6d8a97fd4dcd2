#!/usr/bin/env bash
# The main job: install, build qnnc, compile the shipped Fashion-MNIST binary
# CNN, build the generated project, run it on the 10,000 test images and
# compare accuracy and speed with ONNX Runtime.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/tools/install-deps.sh"
bash "$root/tools/build.sh"
/usr/bin/python3 "$root/tools/fashion_demo.py" --qnnc "$root/build/tools/qnnc" --work "$root/build/fashion_demo"
