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
import os
import sys

import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fashion_train  # noqa: E402
from torch_bnn import BinaryConv, sign  # noqa: E402


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


if __name__ == "__main__":
    fashion_train.main(FashionBNN, "fashion_bnn.onnx", 12)
