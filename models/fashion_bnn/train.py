#!/usr/bin/python3
"""Trains the shipped binary CNN on Fashion-MNIST and exports it to ONNX.

Float stem and classifier; binary 3x3 convolutions in between, binarized with
Sign (straight-through estimator) on both activations and weights; BatchNorm
between layers; Bi-Real-style float shortcuts around binary convs; one
BN -> Sign edge between two binary convs (what fold-thresholds turns into
integer thresholds).

    /usr/bin/python3 models/fashion_bnn/train.py --epochs 6 --threads 1 --out models/fashion_bnn/fashion_bnn.onnx

(the shipped model: seed 0, 6 epochs, about 5 minutes an epoch on one core)
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
from torch_bnn import BinaryConv, sign  # noqa: E402


def load(split):
    x, y = fashion_split(split)
    return torch.from_numpy(x), torch.from_numpy(y)


def bconv(cin, cout, stride=1):
    return BinaryConv(cin, cout, 3, stride=stride, padding=1, bias=False)


class FashionBNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 64, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(64)
        # 28x28 -> MaxPool -> 14x14, Bi-Real block with identity shortcut
        self.b1 = bconv(64, 64)
        self.b1_bn = nn.BatchNorm2d(64)
        # downsample block: binary stride-2 conv, real-valued shortcut
        self.b2 = bconv(64, 128, stride=2)
        self.b2_bn = nn.BatchNorm2d(128)
        self.b2_short = nn.Conv2d(64, 128, 1, stride=2, bias=False)
        self.b2_short_bn = nn.BatchNorm2d(128)
        # two binary convs with BN -> Sign between them, shortcut around both
        self.b3a = bconv(128, 128)
        self.b3a_bn = nn.BatchNorm2d(128)
        self.b3b = bconv(128, 128)
        self.b3b_bn = nn.BatchNorm2d(128)
        self.head_prelu = nn.PReLU(128)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(self.stem_bn(self.stem(x)), 2)          # 64x14x14
        x = x + self.b1_bn(self.b1(sign(x)))
        x = self.b2_short_bn(self.b2_short(x)) + self.b2_bn(self.b2(sign(x)))  # 128x7x7
        x = x + self.b3b_bn(self.b3b(sign(self.b3a_bn(self.b3a(sign(x))))))
        x = self.head_prelu(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)

    def freeze(self):
        for m in self.modules():
            if isinstance(m, BinaryConv):
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
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--out", default="fashion_bnn.onnx")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    xtr, ytr = load("train")
    xte, yte = load("test")
    model = FashionBNN()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    steps = args.epochs * ((len(xtr) + 127) // 128)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=steps)
    for epoch in range(args.epochs):
        model.train()
        t0 = time.time()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            idx = perm[i:i + 128]
            xb = xtr[idx]
            # light augmentation: random horizontal flip
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
                      input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})
    print("wrote", args.out)


if __name__ == "__main__":
    main()
