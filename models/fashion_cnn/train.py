#!/usr/bin/python3
"""Trains the shipped float CNN on Fashion-MNIST and exports it to ONNX: the
model qnnc's post-training quantization (--bits) starts from.

Three 3x3 conv -> BatchNorm -> ReLU stages (32, 64, 128 channels; max-pool
after the first two), global average pool, one linear classifier. All
float32: no quantization in training.

    /usr/bin/python3 models/fashion_cnn/train.py --epochs 8 --threads 1 --out models/fashion_cnn/fashion_cnn.onnx

(the shipped model: seed 0, 8 epochs)
"""
import os
import sys

import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import fashion_train  # noqa: E402


def stage(cin, cout):
    return [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(*stage(1, 32), nn.MaxPool2d(2), *stage(32, 64), nn.MaxPool2d(2),
                                      *stage(64, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        return self.fc(self.features(x))

    def freeze(self):
        """Nothing to freeze: the weights are the float model."""


if __name__ == "__main__":
    fashion_train.main(FashionCNN, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fashion_cnn.onnx"), 8)
