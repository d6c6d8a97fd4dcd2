#!/usr/bin/env bash
# Installs everything qnnc needs on Debian 12, as root. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export DEBIAN_FRONTEND=noninteractive
pkgs=(
  build-essential cmake ninja-build ccache git
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools clang-19 libclang-rt-19-dev
  libclang-19-dev libclang-cpp19-dev libclang-common-19-dev
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  libgtest-dev
  g++-aarch64-linux-gnu qemu-user valgrind
  g++-riscv64-linux-gnu gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
  python3-onnx python3-numpy python3-torch python3-torchvision zlib1g-dev
  dataset-fashion-mnist
  chromium
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Node.js runs ONNX Runtime; Debian's nodejs only if the machine has none.
command -v npm >/dev/null || apt-get install -y -q nodejs npm
# ONNX Runtime: the reference and speed peer, from npm (its postinstall
# downloads extra binaries, hence --ignore-scripts).
ortdir="$here/third_party/onnxruntime"
if [ ! -e "$ortdir/node_modules/onnxruntime-node/package.json" ]; then
  mkdir -p "$ortdir"
  (cd "$ortdir" && npm install --silent --no-audit --no-fund --ignore-scripts onnxruntime-node@1.30.0)
fi
