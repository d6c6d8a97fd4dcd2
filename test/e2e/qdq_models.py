"""An 8-bit QDQ CNN written with onnx.helper, as ONNX Runtime's static
quantizer lays it out: QuantizeLinear -> DequantizeLinear on activations
(uint8, per tensor), int8 weights (7-bit range, reduce_range) with
per-output-channel scales, int32 biases; scales calibrated on random inputs with a numpy float forward."""
import numpy as np
import onnx
from onnx import helper, numpy_helper


def _conv(x, w, b, stride, pad):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = (h + 2 * pad - k) // stride + 1, (wd + 2 * pad - k) // stride + 1
    cols = np.stack([xp[:, :, i:i + stride * oh:stride, j:j + stride * ow:stride]
                     for i in range(k) for j in range(k)], axis=2)  # n, c, k*k, oh, ow
    return np.einsum("nckhw,ock->nohw", cols, w.reshape(o, c, k * k)) + b[None, :, None, None]


def _uint8_params(values):
    lo, hi = min(float(values.min()), 0.0), max(float(values.max()), 0.0)
    scale = np.float32((hi - lo) / 255.0)
    return scale, np.uint8(np.clip(np.round(-lo / scale), 0, 255))


def qdq_cnn(seed=0, shape=(1, 3, 16, 16), qlinear=False):
    """The network in QDQ form, or (qlinear) in operator form: QLinearConv
    between one QuantizeLinear and one DequantizeLinear (the ReLUs are the
    uint8 outputs' saturation at zero point 0). Returns the model and the
    scale of its last quantized tensor."""
    rng = np.random.default_rng(seed)
    layers = [(3, 16, 1, True), (16, 24, 2, True), (24, 24, 1, False)]  # cin, cout, stride, relu
    calib = rng.standard_normal((16, *shape[1:])).astype(np.float32)
    nodes, inits = [], []

    def init(name, value):
        inits.append(numpy_helper.from_array(value, name))
        return name

    def params(values, name):
        s, z = _uint8_params(values)
        init(name + "_s", np.array(s, np.float32))
        init(name + "_z", np.array(z, np.uint8))
        return s

    def qdq(x, values, name):
        s = params(values, name)
        nodes.append(helper.make_node("QuantizeLinear", [x, name + "_s", name + "_z"], [name + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"], [name + "_dq"]))
        return name + "_dq", s

    if qlinear:
        sx = params(calib, "in")
        nodes.append(helper.make_node("QuantizeLinear", ["x", "in_s", "in_z"], ["in_q"]))
        x, x_params = "in_q", "in"
    else:
        x, sx = qdq("x", calib, "in")
    act = calib
    for i, (cin, cout, stride, relu) in enumerate(layers):
        w = rng.normal(0, 1.0 / np.sqrt(cin * 9), (cout, cin, 3, 3)).astype(np.float32)
        b = rng.normal(0, 0.1, cout).astype(np.float32)
        # 7-bit weights (ORT's reduce_range): u8 x s8 pairs then fit the int16
        # sums of ORT's AVX2 kernels, which saturate beyond.
        sw = (np.abs(w).reshape(cout, -1).max(1) / 63.0).astype(np.float32)
        wq = np.clip(np.round(w / sw[:, None, None, None]), -63, 63).astype(np.int8)
        bq = np.round(b / (sx * sw)).astype(np.int32)
        p = f"conv{i}"
        init(p + "_wq", wq), init(p + "_ws", sw), init(p + "_wz", np.zeros(cout, np.int8))
        act = _conv(act, (wq * sw[:, None, None, None]).astype(np.float32), (bq * sx * sw).astype(np.float32),
                    stride, 1)
        if relu:
            act = np.maximum(act, 0)
        if qlinear:
            init(p + "_bq", bq)
            sx = params(act, p + "_out")
            nodes.append(helper.make_node(
                "QLinearConv", [x, x_params + "_s", x_params + "_z", p + "_wq", p + "_ws", p + "_wz", p + "_out_s",
                                p + "_out_z", p + "_bq"], [p + "_q"], pads=[1] * 4, strides=[stride] * 2, name=p))
            x, x_params = p + "_q", p + "_out"
            continue
        init(p + "_bq", bq), init(p + "_bs", (sx * sw).astype(np.float32)), init(p + "_bz", np.zeros(cout, np.int32))
        nodes.append(helper.make_node("DequantizeLinear", [p + "_wq", p + "_ws", p + "_wz"], [p + "_w"], axis=0))
        nodes.append(helper.make_node("DequantizeLinear", [p + "_bq", p + "_bs", p + "_bz"], [p + "_b"], axis=0))
        nodes.append(helper.make_node("Conv", [x, p + "_w", p + "_b"], [p + "_y"], pads=[1] * 4,
                                      strides=[stride] * 2, name=p))
        y = p + "_y"
        if relu:
            nodes.append(helper.make_node("Relu", [y], [p + "_relu"]))
            y = p + "_relu"
        x, sx = qdq(y, act, p + "_out")
    if qlinear:
        nodes.append(helper.make_node("DequantizeLinear", [x, x_params + "_s", x_params + "_z"], ["y"]))
        x = "y"
    out_shape = [1, *act.shape[1:]]
    graph = helper.make_graph(nodes, "qdq_cnn", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info(x, onnx.TensorProto.FLOAT, out_shape)], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m, sx
