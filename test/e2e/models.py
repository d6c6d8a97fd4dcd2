"""Binary networks shaped like the ones people export, with random weights
and BatchNorm statistics, for the end-to-end tests."""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
from torch_bnn import random_binary_, sign  # noqa: E402


class BinaryConv2d(nn.Conv2d):
    """Conv whose weights are exactly +-1."""

    def __init__(self, *args, **kw):
        super().__init__(*args, bias=False, **kw)
        random_binary_(self.weight)


class BinaryLinear(nn.Linear):
    def __init__(self, *args, bias=False):
        super().__init__(*args, bias=bias)
        random_binary_(self.weight)


def randomize_bn(model):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            with torch.no_grad():
                m.running_mean.uniform_(-4, 4)
                m.running_var.uniform_(1, 20)
                m.weight.uniform_(-1.5, 1.5)  # gamma < 0 on about a third
                m.bias.uniform_(-1, 1)
    return model


class BiRealBlock(nn.Module):
    """Sign -> binary 3x3 conv -> BN -> + float shortcut (real-valued
    AvgPool + 1x1 conv + BN downsample when the shape changes)."""

    def __init__(self, cin, cout, stride=1, groups=1, dilation=1):
        super().__init__()
        self.conv = BinaryConv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation, groups=groups)
        self.bn = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.AvgPool2d(stride), nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        short = x if self.down is None else self.down(x)
        return self.bn(self.conv(sign(x))) + short


class BiReal(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32))
        self.blocks = nn.Sequential(BiRealBlock(32, 32), BiRealBlock(32, 70, stride=2),
                                    BiRealBlock(70, 70, groups=2), BiRealBlock(70, 70, dilation=2))
        self.fc = nn.Linear(70, 10)

    def forward(self, x):
        x = self.blocks(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class Larq(nn.Module):
    """BN -> Sign -> binary conv -> MaxPool, no shortcuts; binary dense head."""

    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(1, 64, 3, padding=1)
        self.bn0 = nn.BatchNorm2d(64)
        self.conv1 = BinaryConv2d(64, 64, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(64)
        self.conv2 = BinaryConv2d(64, 100, 3)
        self.bn2 = nn.BatchNorm2d(100)
        self.fc1 = BinaryLinear(100 * 6 * 6, 130)
        self.bn3 = nn.BatchNorm1d(130)
        self.fc2 = nn.Linear(130, 10)

    def forward(self, x):
        x = self.bn0(self.conv0(x))
        x = F.max_pool2d(self.conv1(sign(x)), 2)
        x = F.max_pool2d(self.conv2(sign(self.bn1(x))), 2)
        x = sign(self.bn2(x)).flatten(1)
        x = self.bn3(self.fc1(x))
        return torch.softmax(self.fc2(x), dim=1)


class BinaryMLP(nn.Module):
    """Sign -> Gemm / MatMul with +-1 weights, BN between."""

    def __init__(self):
        super().__init__()
        self.fc0 = nn.Linear(50, 200)
        self.bn0 = nn.BatchNorm1d(200)
        self.fc1 = BinaryLinear(200, 300, bias=True)
        self.bn1 = nn.BatchNorm1d(300)
        self.w2 = nn.Parameter(random_binary_(torch.empty(300, 65)))
        self.bn2 = nn.BatchNorm1d(65)
        self.fc3 = nn.Linear(65, 7)

    def forward(self, x):
        x = self.bn0(self.fc0(x))
        x = self.bn1(self.fc1(sign(x)))
        x = self.bn2(torch.matmul(sign(x), self.w2))  # exported as MatMul
        return self.fc3(x)


MODELS = {
    # name: (constructor, input shape, keep BatchNorm as its own node)
    "bireal": (BiReal, (1, 3, 32, 32), False),
    "bireal_bn": (BiReal, (1, 3, 32, 32), True),
    "larq": (Larq, (1, 1, 28, 28), True),
    "larq_fused": (Larq, (1, 1, 28, 28), False),
    "mlp": (BinaryMLP, (1, 50), True),
}

# Binary ops the compiled IR must contain: every binary layer recognized and
# every BN -> Sign between binary layers folded into thresholds.
EXPECTED_BINARY_OPS = {
    "bireal": {"binary_conv2d_affine": 4, "binary_conv2d": 0, "threshold": 0},
    "bireal_bn": {"binary_conv2d_affine": 4, "binary_conv2d": 0, "threshold": 0},
    "larq": {"binary_conv2d": 2, "binary_dense": 1, "threshold": 1},
    "larq_fused": {"binary_conv2d": 2, "binary_dense": 1, "threshold": 1},
    "mlp": {"binary_dense": 2, "threshold": 1},
}


def export(name, path, seed=0):
    """Exports MODELS[name] with random weights; returns its input shape.
    keep_bn exports BatchNorm nodes (TrainingMode.PRESERVE); otherwise the
    exporter folds BN into the preceding conv (binary weights become +-alpha)."""
    ctor, shape, keep_bn = MODELS[name]
    torch.manual_seed(seed)
    model = randomize_bn(ctor()).eval()
    mode = torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, torch.zeros(*shape), path, opset_version=13, training=mode,
                      input_names=["x"], output_names=["y"])
    return shape
