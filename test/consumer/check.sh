#!/bin/sh
# The CMake package as a user gets it: qnnc installed to a prefix, this
# folder's application configured against it (find_package(qnnc),
# qnnc_add_model), built and run.  check.sh QNNC_BUILD_DIR WORK_DIR
set -eu
build=$1 work=$2
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$(dirname "$0")" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build"
out=$("$work/build/classify")
echo "$out"
# ONNX Runtime classifies 9105 of them right with this model (e2e shipped_model).
case "$out" in
  *" 9105 of 10000 "*) ;;
  *) echo "check.sh: expected ONNX Runtime's 9105 of 10000" >&2; exit 1 ;;
esac
