#!/usr/bin/python3
"""What Huffman-coded binary weights cost in time: the ResNet-18-shaped
binary net (Bi-Real-18 W1A1, 224x224, random weights) with packed weights
against the same net with every binary layer Huffman-coded (clustered to 64
kept sequences, so that each layer's code is smaller than its packed words
and is used: random weights are incompressible; their codes fit 8 bits, so
the AVX-512 decoder looks them up in registers), decoded once per layer per
inference. Same run, one thread, alternating, best of five each.

    /usr/bin/python3 bench/compression.py [--qnnc build/tools/qnnc] [--target native]
"""
import argparse
import json
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import e2e_lib  # noqa: E402
import run_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qnnc", default=os.path.join(HERE, "..", "build", "tools", "qnnc"))
    ap.add_argument("--target", default="native")
    ap.add_argument("--work", default=os.path.join(HERE, "..", "build", "bench_compression"))
    ap.add_argument("--repeats", type=int, default=40)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    target = e2e_lib.run([args.qnnc, "--print-target", args.target]).strip()
    warnings.filterwarnings("ignore")
    import torch
    import models
    torch.manual_seed(0)
    path = os.path.join(args.work, "bireal18.onnx")
    models.export(models.BiReal18(), (1, 3, 224, 224), path)
    x = np.random.default_rng(0).standard_normal((1, 1, 3, 224, 224)).astype(np.float32)
    variants = {"packed": [], "huffman": ["--compress=cluster", "--cluster-keep=64"]}
    exes, reports = {}, {}
    for name, flags in variants.items():
        out = os.path.join(args.work, name)
        exes[name] = e2e_lib.compile_model(args.qnnc, path, out, flags="-O3", extra=[f"--target={target}", *flags])
        with open(os.path.join(out, "report.json")) as f:
            reports[name] = json.load(f)["binary_layers"]
    best = {}
    for _ in range(5):
        for name, exe in exes.items():
            ms, _ = run_bench.time_qnnc(exe, x, os.path.join(args.work, name), args.repeats)
            best[name] = min(best.get(name, ms), ms)
    sequences = sum(layer["sequences"] for layer in reports["huffman"])
    stored = {name: sum(layer["stored_bytes"] for layer in r) for name, r in reports.items()}
    print(f"target {target}; Bi-Real-18 W1A1 224x224, one thread, best of 5 x {args.repeats} runs")
    for name in variants:
        print(f"  {name:8} {best[name]:8.3f} ms  binary weights {stored[name]:,} bytes")
    extra = best["huffman"] - best["packed"]
    print(f"huffman / packed = {best['huffman'] / best['packed']:.3f}; decoding {sequences:,} kernel sequences "
          f"costs {extra:.3f} ms = {1e6 * extra / sequences:.2f} ns per sequence")


if __name__ == "__main__":
    main()
