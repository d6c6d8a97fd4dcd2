"""Benchmark models, generated with random weights at bench time (not
committed): a Bi-Real-18 / ReActNet-shaped binary ResNet-18 at 224x224 (W1A1,
or 2-bit N2UQ activations with binary or 2-bit weights) and single binary 3x3 conv layers with
their float twins."""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from torch_bnn import N2UQ, QONNX_OPSETS, BinaryConv, random_binary_, sign  # noqa: E402


def binary_weights(conv, bits=1):
    """+-1 weights, or for bits > 1 random odd integers in [-(2^bits - 1),
    2^bits - 1] (a sum of `bits` +-1 branches)."""
    random_binary_(conv.weight)
    if bits > 1:
        with torch.no_grad():
            top = 2 ** bits - 1
            conv.weight.copy_(2 * torch.randint(0, top + 1, conv.weight.shape).float() - top)
    return conv


def random_bn(bn):
    with torch.no_grad():
        bn.running_mean.uniform_(-2, 2)
        bn.running_var.uniform_(1, 30)
        bn.weight.uniform_(0.2, 1.0)
        bn.bias.uniform_(-0.5, 0.5)
    return bn


def n2uq_2bit():
    """A frozen 2-bit N2UQ activation with random increasing thresholds."""
    act = N2UQ(2)
    with torch.no_grad():
        act.frozen = torch.sort(torch.empty(3).uniform_(-1.5, 1.5)).values
    return act


class BiRealConv(nn.Module):
    """Sign (or a 2-bit N2UQ activation) -> binary 3x3 conv -> BN, plus a
    float shortcut (AvgPool + 1x1 conv + BN when downsampling)."""

    def __init__(self, cin, cout, stride, act_bits=1, weight_bits=1):
        super().__init__()
        self.act = sign if act_bits == 1 else n2uq_2bit()
        self.conv = binary_weights(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), weight_bits)
        self.bn = random_bn(nn.BatchNorm2d(cout))
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.AvgPool2d(stride), nn.Conv2d(cin, cout, 1, bias=False),
                                      random_bn(nn.BatchNorm2d(cout)))

    def forward(self, x):
        short = x if self.down is None else self.down(x)
        return self.bn(self.conv(self.act(x))) + short


class BiReal18(nn.Module):
    def __init__(self, act_bits=1, weight_bits=1):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), random_bn(nn.BatchNorm2d(64)),
                                  nn.ReLU(), nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            for i in range(4):  # two basic blocks of two 3x3 convs, each with its shortcut
                layers.append(BiRealConv(cin, cout, stride if i == 0 else 1, act_bits, weight_bits))
                cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, 1000)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


class BinaryLayer(nn.Module):
    """One binary 3x3 conv: Sign then +-1 weights."""

    def __init__(self, c, binary=True):
        super().__init__()
        self.binary = binary
        self.conv = binary_weights(nn.Conv2d(c, c, 3, 1, 1, bias=False))

    def forward(self, x):
        return self.conv(sign(x) if self.binary else x)


def export(model, shape, path):
    torch.manual_seed(0)
    model.eval()
    torch.onnx.export(model, torch.randn(*shape), path, opset_version=13, input_names=["x"], output_names=["y"],
                      custom_opsets=QONNX_OPSETS)


def macs(model, shape):
    """(binary MACs, fp32 MACs) of one inference: binary = convs with +-1
    weights fed by Sign (or by levels: the caller multiplies by the planes)."""
    counts = {"binary": 0, "float": 0}
    hooks = []
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            def hook(mod, inp, out, mod_ref=m):
                per_out = mod_ref.weight[0].numel()
                kind = "binary" if getattr(mod_ref, "is_binary", False) else "float"
                counts[kind] += out.numel() * per_out
            hooks.append(m.register_forward_hook(hook))
    for m in model.modules():
        if isinstance(m, BiRealConv):
            m.conv.is_binary = True
        if isinstance(m, BinaryLayer) and m.binary:
            m.conv.is_binary = True
        if isinstance(m, BinaryConv):
            m.is_binary = True
    with torch.no_grad():
        model.eval()(torch.zeros(*shape))
    for h in hooks:
        h.remove()
    return counts["binary"], counts["float"]
