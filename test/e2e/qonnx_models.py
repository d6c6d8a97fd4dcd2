"""QONNX test networks written with onnx.helper (random weights): every
QONNX quantizer on weights and on activations, between convolutions that
qnnc runs bit-serially, in binary or in float."""
import numpy as np
import onnx
from onnx import helper, numpy_helper

DOMAIN = "qonnx.custom_op.general"


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, base):
        self.count += 1
        return f"{base}{self.count}"

    def const(self, value, base="c"):
        n = self.name(base)
        self.inits.append(numpy_helper.from_array(np.asarray(value, np.float32), n))
        return n

    def node(self, op, inputs, domain="", **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    def quant(self, x, scale, zeropt, bits, **attrs):
        return self.node("Quant", [x, self.const(scale), self.const(zeropt), self.const(bits)], DOMAIN, **attrs)

    def bipolar(self, x, scale):
        return self.node("BipolarQuant", [x, self.const(scale)], DOMAIN)

    def conv(self, x, weight, pad, stride=1):
        return self.node("Conv", [x, weight], pads=[pad] * 4, strides=[stride] * 2)

    def bn(self, x, c):
        r = self.rng
        return self.node("BatchNormalization",
                         [x, self.const(r.uniform(0.5, 2.0, c) * r.choice([-1, 1], c)),
                          self.const(r.normal(0, 0.5, c)), self.const(r.normal(0, 2.0, c)),
                          self.const(r.uniform(1.0, 20.0, c))])

    def model(self, out, in_shape, out_shape):
        graph = helper.make_graph(
            self.nodes, "qonnx_net", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, in_shape)],
            [helper.make_tensor_value_info(out, onnx.TensorProto.FLOAT, out_shape)], self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid(DOMAIN, 1)])
        onnx.checker.check_model(m)
        return m


def qonnx_net(seed=0):
    """x -> conv (4-bit Quant weights) -> BN -> 2-bit unsigned Quant ->
    conv (2-bit weights 0.5 * {-3, -1, 1, 3}: W2A2) -> BN -> MultiThreshold ->
    conv (BipolarQuant weights, per-channel scale) -> BN -> BipolarQuant ->
    conv (+-1 weights) -> BN -> 3-bit signed narrow Quant (FLOOR) ->
    GlobalAveragePool -> Gemm."""
    b = Builder(seed)
    r = b.rng
    y = b.conv("x", b.quant(b.const(r.normal(0, 0.3, (16, 3, 3, 3))), 0.05, 0.0, 4), 1)
    y = b.quant(b.bn(y, 16), 0.25, 0.0, 2, signed=0)
    y = b.conv(y, b.const(0.5 * r.choice([-3.0, -1.0, 1.0, 3.0], (24, 16, 3, 3))), 1, 2)
    thresholds = np.sort(r.normal(0, 1.5, (24, 3)), axis=1)
    y = b.node("MultiThreshold", [b.bn(y, 24), b.const(thresholds)], DOMAIN, out_scale=1.0, out_bias=0.0,
               out_dtype="UINT2")
    y = b.conv(y, b.bipolar(b.const(r.normal(0, 1, (32, 24, 3, 3))), r.uniform(0.5, 1.5, (32, 1, 1, 1))), 1)
    y = b.bipolar(b.bn(y, 32), 1.0)
    y = b.conv(y, b.const(r.choice([-1.0, 1.0], (32, 32, 3, 3))), 1)
    y = b.quant(b.bn(y, 32), 0.5, 0.0, 3, signed=1, narrow=1, rounding_mode="FLOOR")
    y = b.node("Flatten", [b.node("GlobalAveragePool", [y])])
    y = b.node("Gemm", [y, b.const(r.normal(0, 0.5, (10, 32))), b.const(r.normal(0, 0.1, 10))], transB=1)
    return b.model(y, [1, 3, 12, 12], [1, 10])


def qonnx_grid_net(seed=1):
    """Integer weight grids with zero and even values, all bit-serial through
    per-channel weight offsets: x -> 4-bit unsigned Quant -> conv (signed
    4-bit Quant weights, per-channel scales) -> BN -> 2-bit unsigned Quant ->
    conv (ternary weights: 2-bit signed narrow Quant) -> BN -> 3-bit signed
    Quant -> GlobalAveragePool -> Gemm."""
    b = Builder(seed)
    r = b.rng
    y = b.quant("x", 0.25, 0.0, 4, signed=0)
    y = b.conv(y, b.quant(b.const(r.normal(0, 0.4, (16, 3, 3, 3))), r.uniform(0.05, 0.2, (16, 1, 1, 1)), 0.0, 4), 1)
    y = b.quant(b.bn(y, 16), 0.25, 0.0, 2, signed=0)
    y = b.conv(y, b.quant(b.const(r.normal(0, 1, (24, 16, 3, 3))), 0.75, 0.0, 2, signed=1, narrow=1), 1, 2)
    y = b.quant(b.bn(y, 24), 0.5, 0.0, 3, signed=1)
    y = b.node("Flatten", [b.node("GlobalAveragePool", [y])])
    y = b.node("Gemm", [y, b.const(r.normal(0, 0.5, (10, 24))), b.const(r.normal(0, 0.1, 10))], transB=1)
    return b.model(y, [1, 3, 12, 12], [1, 10])
