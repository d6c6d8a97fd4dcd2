#!/usr/bin/python3
"""Trains the shipped 2-bit N2UQ network (W1A2) on Fashion-MNIST and exports
it to ONNX with QONNX MultiThreshold activations.

Float first layer (3x3 conv + BN + N2UQ); then +-1-weight 3x3 convolutions,
each followed by BatchNormalization and a 2-bit N2UQ activation (learned
thresholds, output levels 0..3); the last layer is a +-1-weight 7x7
convolution to the 10 classes with BN. Between the first and the last layer
qnnc runs integers only: bit-serial binary convolutions and per-channel
integer thresholds.

    /usr/bin/python3 models/fashion_n2uq/train.py --epochs 5 --threads 2 --out models/fashion_n2uq/fashion_n2uq.onnx

(the shipped model: seed 0, 5 epochs, a few minutes an epoch on two cores)
"""
import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from e2e_lib import fashion_split  # noqa: E402
from torch_bnn import QONNX_OPSETS, N2UQ, BinaryConv  # noqa: E402


def block(cin, cout, stride):
    return nn.Sequential(BinaryConv(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), N2UQ(2))


class FashionN2UQ(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), N2UQ(2),  # 32x28x28
            block(32, 64, 2),     # 64x14x14
            block(64, 64, 1),
            block(64, 128, 2),    # 128x7x7
            block(128, 128, 1),
            BinaryConv(128, 10, 7, bias=False), nn.BatchNorm2d(10))  # 10x1x1

    def forward(self, x):
        return self.features(x).flatten(1)

    def freeze(self):
        for m in self.modules():
            if isinstance(m, (BinaryConv, N2UQ)):
                m.freeze()


def evaluate(model, x, y):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), 1000):
            correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / len(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--out", default="fashion_n2uq.onnx")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    xtr, ytr = (torch.from_numpy(a) for a in fashion_split("train"))
    xte, yte = (torch.from_numpy(a) for a in fashion_split("test"))
    model = FashionN2UQ()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = args.epochs * ((len(xtr) + 127) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=max(steps, 1))
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            idx = perm[i:i + 128]
            xb = xtr[idx]
            flip = torch.rand(len(xb)) < 0.5
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = F.cross_entropy(model(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
        acc = evaluate(model, xte, yte)
        print(f"epoch {epoch + 1}: loss {loss.item():.3f} test acc {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)
    model.freeze()
    print(f"frozen test acc {evaluate(model, xte, yte):.4f}")
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), args.out, opset_version=13,
                      input_names=["image"], output_names=["logits"], custom_opsets=QONNX_OPSETS,
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", args.out)


if __name__ == "__main__":
    main()
