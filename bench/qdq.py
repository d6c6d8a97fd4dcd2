"""The int8 twin of a float ONNX model, for ONNX Runtime's int8 path: the
layout ORT's static QDQ quantizer writes (uint8 activations per tensor
around every Conv / Gemm, int8 weights per output channel in the 7-bit
reduce_range, int32 biases), so ORT fuses each into QLinearConv /
QLinearMatMul. Scales are fixed, not calibrated: only speed is measured."""
import numpy as np
import onnx
from onnx import helper, numpy_helper

ACT_SCALE, ACT_ZERO = np.float32(1 / 16), np.uint8(128)


def to_qdq(model):
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    nodes, new_inits = [], [numpy_helper.from_array(np.array(ACT_SCALE), "qdq_s"),
                            numpy_helper.from_array(np.array(ACT_ZERO), "qdq_z")]

    def qdq(name):
        nodes.append(helper.make_node("QuantizeLinear", [name, "qdq_s", "qdq_z"], [name + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear", [name + "_q", "qdq_s", "qdq_z"], [name + "_dq"]))
        return name + "_dq"

    for n in graph.node:
        if n.op_type not in ("Conv", "Gemm") or n.input[1] not in inits:
            nodes.append(n)
            continue
        w = numpy_helper.to_array(inits[n.input[1]]).astype(np.float32)
        axis = 0 if n.op_type == "Conv" or any(a.name == "transB" and a.i for a in n.attribute) else 1
        wt = np.moveaxis(w, axis, 0)
        sw = (np.abs(wt).reshape(wt.shape[0], -1).max(1) / 63.0 + 1e-12).astype(np.float32)
        wq = np.clip(np.round(wt / sw.reshape(-1, *[1] * (w.ndim - 1))), -63, 63).astype(np.int8)
        p = n.name or n.output[0]
        new_inits += [numpy_helper.from_array(np.moveaxis(wq, 0, axis), p + "_wq"),
                      numpy_helper.from_array(sw, p + "_ws"),
                      numpy_helper.from_array(np.zeros(len(sw), np.int8), p + "_wz")]
        nodes.append(helper.make_node("DequantizeLinear", [p + "_wq", p + "_ws", p + "_wz"], [p + "_w"], axis=axis))
        inputs = [qdq(n.input[0]), p + "_w"]
        if len(n.input) > 2 and n.input[2]:
            b = numpy_helper.to_array(inits[n.input[2]]).astype(np.float32)
            bs = (ACT_SCALE * sw).astype(np.float32)
            new_inits += [numpy_helper.from_array(np.round(b / bs).astype(np.int32), p + "_bq"),
                          numpy_helper.from_array(bs, p + "_bs"),
                          numpy_helper.from_array(np.zeros(len(sw), np.int32), p + "_bz")]
            nodes.append(helper.make_node("DequantizeLinear", [p + "_bq", p + "_bs", p + "_bz"], [p + "_b"], axis=0))
            inputs.append(p + "_b")
        out = n.output[0]
        nodes.append(helper.make_node(n.op_type, inputs, [out + "_f"], name=p, **{
            a.name: helper.get_attribute_value(a) for a in n.attribute}))
        nodes.append(helper.make_node("QuantizeLinear", [out + "_f", "qdq_s", "qdq_z"], [out + "_oq"]))
        nodes.append(helper.make_node("DequantizeLinear", [out + "_oq", "qdq_s", "qdq_z"], [out]))
    quantized = {n.input[1] for n in graph.node if n.op_type in ("Conv", "Gemm")}
    kept = [t for t in graph.initializer if t.name not in quantized]
    out = helper.make_model(helper.make_graph(nodes, graph.name + "_qdq", graph.input, graph.output,
                                              [*kept, *new_inits]), opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(out)
    return out
