#!/usr/bin/python3
"""Trains the shipped microcontroller-sized binary CNN on Fashion-MNIST and
exports it to ONNX: the Fashion-MNIST binary model for a Cortex-M4 with
256 KiB of flash and 64 KiB of RAM.

fashion_bnn's activations cannot fit 64 KiB: its 64-channel float stem
output at 28x28 is 196 KiB, and even fused with the max-pool its residual
stream at 14x14 (49 KiB of floats) plus the downsample block's shortcut
output (25 KiB) are live together. Here the float stem has 32 channels and
stride 2 (no max-pool), so the largest live set is the 14x14 stream
(25 KiB), its packed signs and the 7x7 shortcut output. Otherwise the same
recipe: binary 3x3 convolutions with Sign (straight-through estimator) on
activations and weights, BatchNorm after each, Bi-Real-style float
shortcuts, one BN -> Sign edge between two binary convolutions.

    /usr/bin/python3 models/fashion_bnn_m4/train.py --epochs 10 --threads 1 --out models/fashion_bnn_m4/fashion_bnn_m4.onnx

(the shipped model: seed 0, 10 epochs)
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


class FashionBNNM4(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 32, 3, stride=2, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(32)
        # 14x14: two Bi-Real blocks with identity shortcuts
        self.b1a = bconv(32, 32)
        self.b1a_bn = nn.BatchNorm2d(32)
        self.b1b = bconv(32, 32)
        self.b1b_bn = nn.BatchNorm2d(32)
        # downsample block: binary stride-2 conv, real-valued shortcut
        self.b2 = bconv(32, 64, stride=2)
        self.b2_bn = nn.BatchNorm2d(64)
        self.b2_short = nn.Conv2d(32, 64, 1, stride=2, bias=False)
        self.b2_short_bn = nn.BatchNorm2d(64)
        # 7x7: two binary convs with BN -> Sign between them, shortcut around both
        self.b3a = bconv(64, 64)
        self.b3a_bn = nn.BatchNorm2d(64)
        self.b3b = bconv(64, 64)
        self.b3b_bn = nn.BatchNorm2d(64)
        self.head_prelu = nn.PReLU(64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.stem_bn(self.stem(x))                                   # 32x14x14
        x = x + self.b1a_bn(self.b1a(sign(x)))
        x = x + self.b1b_bn(self.b1b(sign(x)))
        x = self.b2_short_bn(self.b2_short(x)) + self.b2_bn(self.b2(sign(x)))  # 64x7x7
        x = x + self.b3b_bn(self.b3b(sign(self.b3a_bn(self.b3a(sign(x))))))
        x = self.head_prelu(x)
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.fc(x)

    def freeze(self):
        for m in self.modules():
            if isinstance(m, BinaryConv):
                m.freeze()


if __name__ == "__main__":
    fashion_train.main(FashionBNNM4, "fashion_bnn_m4.onnx", 10)
