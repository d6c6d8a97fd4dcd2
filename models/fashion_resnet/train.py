#!/usr/bin/python3
"""Trains the shipped float ResNet on Fashion-MNIST and exports it to ONNX:
the deeper model for qnnc's post-training quantization (--bits).

A small ResNet: 3x3 stem (16 channels), three stages of two basic blocks
(16, 32, 64 channels; the second and third start with stride 2 and a 1x1
projection shortcut), BatchNorm and ReLU throughout, global average pool,
one linear classifier. All float32.

    /usr/bin/python3 models/fashion_resnet/train.py --epochs 6 --threads 1 --out models/fashion_resnet/fashion_resnet.onnx

(the shipped model: seed 0, 6 epochs)
"""
import os
import sys

import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fashion_train  # noqa: E402


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(y)) + self.shortcut(x))


class FashionResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        layers, cin = [], 16
        for cout, stride in ((16, 1), (32, 2), (64, 2)):
            layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))

    def freeze(self):
        """Nothing to freeze: the weights are the float model."""


if __name__ == "__main__":
    fashion_train.main(FashionResNet, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion_resnet.onnx"), 6)
