"""QONNX custom ops rewritten into standard ONNX ops, following the QONNX
spec, so that ONNX Runtime can run a QONNX model as the float reference
qnnc's output is compared with.

    MultiThreshold(x, T[C|1, n]) = out_scale * sum_i (x >= T[c, i]) + out_bias
    Quant(x, s, z, b)   = (round(clip(x / s + z, min_int, max_int)) - z) * s
                          (ROUND = half to even, as ONNX Round; CEIL; FLOOR)
    BipolarQuant(x, s)  = (x >= 0 ? 1 : -1) * s
"""
import numpy as np
import onnx
from onnx import helper, numpy_helper

QONNX_DOMAINS = ("qonnx.custom_op.general", "finn.custom_op.general")


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _multi_threshold(node, inits, rank, new_inits):
    """x >= t as GreaterOrEqual on an extra trailing axis, counted with
    ReduceSum, then scaled and shifted."""
    a = _attrs(node)
    x, t_name = node.input
    t = numpy_helper.to_array(inits[t_name]).astype(np.float32)
    p = node.output[0] + "__mt"
    # [C|1, n] -> [1, C|1, 1.., n] to broadcast against x[..., None].
    t = t.reshape(1, t.shape[0], *([1] * (rank - 2)), t.shape[1])
    new_inits += [numpy_helper.from_array(t, p + "_t"),
                  numpy_helper.from_array(np.array([-1], np.int64), p + "_axis"),
                  numpy_helper.from_array(np.array(a.get("out_scale", 1.0), np.float32), p + "_scale"),
                  numpy_helper.from_array(np.array(a.get("out_bias", 0.0), np.float32), p + "_bias")]
    return [helper.make_node("Unsqueeze", [x, p + "_axis"], [p + "_x"]),
            helper.make_node("GreaterOrEqual", [p + "_x", p + "_t"], [p + "_ge"]),
            helper.make_node("Cast", [p + "_ge"], [p + "_n"], to=onnx.TensorProto.FLOAT),
            helper.make_node("ReduceSum", [p + "_n", p + "_axis"], [p + "_sum"], keepdims=0),
            helper.make_node("Mul", [p + "_sum", p + "_scale"], [p + "_scaled"]),
            helper.make_node("Add", [p + "_scaled", p + "_bias"], [node.output[0]])]


def _int_range(signed, narrow, bits):
    if signed:
        return -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - (2 if narrow else 1)


def _quant(node, inits, new_inits):
    a = _attrs(node)
    x, scale, zeropt, bits = node.input
    b = int(numpy_helper.to_array(inits[bits]))
    lo, hi = _int_range(a.get("signed", 1), a.get("narrow", 0), b)
    mode = a.get("rounding_mode", b"ROUND").decode().upper()
    p = node.output[0] + "__q"
    new_inits += [numpy_helper.from_array(np.array(lo, np.float32), p + "_lo"),
                  numpy_helper.from_array(np.array(hi, np.float32), p + "_hi")]
    rounding = {"ROUND": "Round", "CEIL": "Ceil", "FLOOR": "Floor"}[mode]
    return [helper.make_node("Div", [x, scale], [p + "_div"]),
            helper.make_node("Add", [p + "_div", zeropt], [p + "_shift"]),
            helper.make_node("Clip", [p + "_shift", p + "_lo", p + "_hi"], [p + "_clip"]),
            helper.make_node(rounding, [p + "_clip"], [p + "_int"]),
            helper.make_node("Sub", [p + "_int", zeropt], [p + "_centred"]),
            helper.make_node("Mul", [p + "_centred", scale], [node.output[0]])]


def _bipolar_quant(node, new_inits):
    x, scale = node.input
    p = node.output[0] + "__bq"
    new_inits += [numpy_helper.from_array(np.array(0.0, np.float32), p + "_zero"),
                  numpy_helper.from_array(np.array(1.0, np.float32), p + "_one"),
                  numpy_helper.from_array(np.array(-1.0, np.float32), p + "_minus_one")]
    return [helper.make_node("GreaterOrEqual", [x, p + "_zero"], [p + "_ge"]),
            helper.make_node("Where", [p + "_ge", p + "_one", p + "_minus_one"], [p + "_sign"]),
            helper.make_node("Mul", [p + "_sign", scale], [node.output[0]])]


def _rank(value, nodes, graph, new_inits, opsets):
    """Rank of `value` as shape inference sees it through the (standard)
    nodes rewritten so far."""
    partial = helper.make_model(helper.make_graph(nodes, "partial", graph.input, [], [*graph.initializer, *new_inits]),
                                opset_imports=opsets)
    inferred = onnx.shape_inference.infer_shapes(partial).graph
    for v in [*inferred.input, *inferred.value_info]:
        if v.name == value and v.type.tensor_type.HasField("shape"):
            return len(v.type.tensor_type.shape.dim)
    raise ValueError(f"cannot infer the rank of {value}")


def save_as_standard_onnx(src, dst):
    """Writes the QONNX model at `src` with its QONNX ops as standard ops to
    `dst` (what ORT runs as the reference); returns `dst`."""
    onnx.save(to_standard_onnx(onnx.load(src)), dst)
    return dst


def to_standard_onnx(model):
    """A copy of `model` with every QONNX node replaced by standard ops."""
    graph = model.graph
    opsets = [o for o in model.opset_import if o.domain in ("", "ai.onnx")]
    inits = {t.name: t for t in graph.initializer}
    # Identity of an initializer (PyTorch shares equal tensors that way).
    for n in graph.node:
        if n.op_type == "Identity" and n.input[0] in inits:
            inits[n.output[0]] = inits[n.input[0]]
    nodes, new_inits = [], []
    for n in graph.node:
        if n.domain in QONNX_DOMAINS and n.op_type == "MultiThreshold":
            nodes += _multi_threshold(n, inits, _rank(n.input[0], nodes, graph, new_inits, opsets), new_inits)
        elif n.domain in QONNX_DOMAINS and n.op_type == "Quant":
            nodes += _quant(n, inits, new_inits)
        elif n.domain in QONNX_DOMAINS and n.op_type == "BipolarQuant":
            nodes += _bipolar_quant(n, new_inits)
        elif n.domain in QONNX_DOMAINS:
            raise ValueError(f"no reference for QONNX op {n.op_type}")
        else:
            nodes.append(n)
    out = helper.make_model(
        helper.make_graph(nodes, graph.name, graph.input, graph.output, [*graph.initializer, *new_inits]),
        opset_imports=opsets)
    out.ir_version = model.ir_version
    onnx.checker.check_model(out)
    return out
