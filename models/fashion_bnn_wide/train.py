#!/usr/bin/python3
"""Trains the shipped wider binary CNN on Fashion-MNIST and exports it to
ONNX: the larger binary model for kernel clustering and Huffman compression
(five binary 3x3 convolutions of 128 output channels).

Float stem (64 channels) and classifier; binary 3x3 convolutions with Sign
(straight-through estimator) on activations and weights; BatchNorm after
each; Bi-Real-style float shortcuts around the 128 -> 128 convolutions.

    /usr/bin/python3 models/fashion_bnn_wide/train.py --epochs 4 --threads 1 --out models/fashion_bnn_wide/fashion_bnn_wide.onnx

(the shipped model: seed 0, 4 epochs)
"""
import os
import sys

import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fashion_train  # noqa: E402
from torch_bnn import BinaryConv, sign  # noqa: E402


class FashionBNNWide(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(1, 64, 3, padding=1, bias=False)
        self.stem_bn = nn.BatchNorm2d(64)
        # 14x14: 64 -> 128, then 7x7: four 128 -> 128 with identity shortcuts
        self.b1 = BinaryConv(64, 128, 3, stride=2, padding=1, bias=False)
        self.b1_bn = nn.BatchNorm2d(128)
        self.b1_short = nn.Conv2d(64, 128, 1, stride=2, bias=False)
        self.b1_short_bn = nn.BatchNorm2d(128)
        self.blocks = nn.ModuleList(BinaryConv(128, 128, 3, padding=1, bias=False) for _ in range(4))
        self.bns = nn.ModuleList(nn.BatchNorm2d(128) for _ in range(4))
        self.head_prelu = nn.PReLU(128)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(self.stem_bn(self.stem(x)), 2)  # 64x14x14
        x = self.b1_short_bn(self.b1_short(x)) + self.b1_bn(self.b1(sign(x)))  # 128x7x7
        for conv, bn in zip(self.blocks, self.bns):
            x = x + bn(conv(sign(x)))
        x = self.head_prelu(x)
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))

    def freeze(self):
        for m in self.modules():
            if isinstance(m, BinaryConv):
                m.freeze()


if __name__ == "__main__":
    fashion_train.main(FashionBNNWide, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion_bnn_wide.onnx"), 4)
