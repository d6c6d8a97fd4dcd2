#!/usr/bin/python3
"""The target's kernel cost table for `qnnc --bits=auto --cost-table=FILE`:
ns per multiply-accumulate of a 3x3 convolution (64 -> 64 channels, 28x28,
padding 1) for each weight and input width pair W:A in {1, 2, 4, 8}^2 and
float (0:0). Each pair is compiled by qnnc (`--bits=W:A`) and timed inside
the generated code (a QNNC_PROFILE build: the convolution's kernel alone,
mean over the runs after the first).

    /usr/bin/python3 bench/kernel_costs.py [--qnnc build/tools/qnnc] [--target native] [--out FILE]

Cross targets: build for the target and run model_main under its emulator
or on the device (--runner 'qemu-aarch64 -L /usr/aarch64-linux-gnu'); the
table then holds that target's costs.
"""
import argparse
import json
import os
import re
import shlex
import sys

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import e2e_lib  # noqa: E402

CHANNELS, SIZE = 64, 28
WIDTHS = (1, 2, 4, 8)


class ReluConv(nn.Module):
    """A non-negative input (what --bits quantizes to unsigned levels) into
    one 3x3 convolution."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(CHANNELS, CHANNELS, 3, 1, 1, bias=False)

    def forward(self, x):
        return self.conv(torch.relu(x))


def conv_ms(qnnc, model, calib, pair, target, work, runner, runs):
    """Mean ms per run of the convolution kernel(s) of `model` at widths `pair`."""
    out = os.path.join(work, pair.replace(":", "_"))
    exe = e2e_lib.compile_model(qnnc, model, out, flags="-O3", cmake_args=["-DQNNC_PROFILE=ON"],
                                extra=[f"--bits={pair}", f"--calib={calib}", f"--target={target}"])
    src = os.path.join(work, "runs.bin")
    np.random.default_rng(1).standard_normal((runs, 1, CHANNELS, SIZE, SIZE)).astype(np.float32).tofile(src)
    log = e2e_lib.run([*runner, exe, src, os.path.join(work, "out.bin")], env=dict(os.environ, QNNC_PROFILE="1"))
    kernels = re.findall(r"op_profile \d+ ([0-9.]+) [0-9.]+% (\S+)", log)
    return sum(float(ms) for ms, kernel in kernels if "conv" in kernel)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--qnnc", default=os.path.join(HERE, "..", "build", "tools", "qnnc"))
    ap.add_argument("--target", default="native")
    ap.add_argument("--runner", default="", help="command prefix that runs the target's binaries")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--work", default=os.path.join(HERE, "..", "build", "kernel_costs"))
    ap.add_argument("--out", default="-")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    torch.manual_seed(0)
    model = os.path.join(args.work, "relu_conv.onnx")
    torch.onnx.export(ReluConv().eval(), torch.randn(1, CHANNELS, SIZE, SIZE), model, opset_version=13)
    calib = os.path.join(args.work, "calib.bin")
    np.random.default_rng(0).standard_normal((16, 1, CHANNELS, SIZE, SIZE)).astype(np.float32).tofile(calib)
    macs = CHANNELS * CHANNELS * 9 * SIZE * SIZE
    target = e2e_lib.run([args.qnnc, "--print-target", args.target]).strip()
    costs = {}
    for pair in ["0:0"] + [f"{w}:{a}" for w in WIDTHS for a in WIDTHS]:
        ms = conv_ms(args.qnnc, model, calib, pair, args.target, args.work, shlex.split(args.runner), args.runs)
        costs[pair] = round(1e6 * ms / macs, 6)
        print(f"{pair}: {ms:.4f} ms, {costs[pair]:.6f} ns per MAC", file=sys.stderr)
    table = {"target": target, "layer": f"3x3 conv {CHANNELS}->{CHANNELS} at {SIZE}x{SIZE}", "ns_per_mac": costs}
    text = json.dumps(table, indent=2) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
    else:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
