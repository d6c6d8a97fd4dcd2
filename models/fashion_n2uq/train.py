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
import os
import sys

import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fashion_train  # noqa: E402
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


if __name__ == "__main__":
    fashion_train.main(FashionN2UQ, "fashion_n2uq.onnx", 5, custom_opsets=QONNX_OPSETS)
