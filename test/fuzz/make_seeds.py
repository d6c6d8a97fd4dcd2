#!/usr/bin/env python3
"""Seed corpora for the fuzzers: make_seeds.py SOURCE_DIR OUT_DIR writes
OUT_DIR/importer (binary ONNX: the shipped models, the lit tests' .pbtxt
models, the ONNX backend suite's models under 64 KiB, and every input the
fuzzers found failing, test/fuzz/regressions/importer-*) and
OUT_DIR/ir_parser (each split-input-file case of the lit tests' .mlir, and
test/fuzz/regressions/ir_parser-*). Every fuzz run starts by running them
all, so a fixed finding stays fixed."""
import glob
import os
import re
import sys

import onnx
from google.protobuf import text_format

src, out = sys.argv[1], sys.argv[2]
importer, parser = os.path.join(out, "importer"), os.path.join(out, "ir_parser")
for d in (importer, parser):
    os.makedirs(d, exist_ok=True)


def write(directory, name, data):
    with open(os.path.join(directory, re.sub(r"[^A-Za-z0-9_.-]", "_", name)), "wb") as f:
        f.write(data)


for path in glob.glob(os.path.join(src, "models", "*", "*.onnx")):
    write(importer, os.path.basename(path), open(path, "rb").read())
for path in glob.glob(os.path.join(src, "test", "**", "*.pbtxt"), recursive=True):
    model = onnx.ModelProto()
    try:
        text_format.Parse(open(path).read(), model)
    except text_format.ParseError:
        continue
    write(importer, os.path.relpath(path, src) + ".onnx", model.SerializeToString())
for path in glob.glob("/usr/include/onnx/backend/test/data/*/*/model.onnx"):
    if os.path.getsize(path) < 65536:
        write(importer, os.path.relpath(path, "/usr/include/onnx/backend/test/data"), open(path, "rb").read())
for fuzzer, directory in (("importer", importer), ("ir_parser", parser)):
    for path in glob.glob(os.path.join(src, "test", "fuzz", "regressions", fuzzer + "-*")):
        write(directory, os.path.basename(path), open(path, "rb").read())
for path in glob.glob(os.path.join(src, "test", "**", "*.mlir"), recursive=True):
    for i, case in enumerate(open(path).read().split("// -----")):
        write(parser, f"{os.path.relpath(path, src)}.{i}", case.encode())
print(f"{len(os.listdir(importer))} importer seeds, {len(os.listdir(parser))} parser seeds in {out}")
