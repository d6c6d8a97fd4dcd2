#!/usr/bin/python3
"""End-to-end tests: qnnc's generated code against ONNX Runtime.

1. Exported binary networks (Bi-Real, Larq, binary MLP; random weights) built
   with g++ and clang++ at -Wall -Wextra -Werror, outputs within 1e-3 of ORT
   on random inputs.
2. The shipped Fashion-MNIST model on the 10,000 test images: same class as
   ORT on >= 99.9%, accuracy within 0.1 points, and a clean ASan + UBSan run.
3. QONNX networks (MultiThreshold, Quant, BipolarQuant) against ORT running
   the same network with the QONNX ops written as standard ops from the
   spec; the shipped 2-bit N2UQ model on the 10,000 test images likewise.
4. An 8-bit CNN (QDQ and QLinearConv forms) against ORT's int8 execution.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tools"))
import e2e_lib  # noqa: E402

RESULTS = []


def check(name, ok, detail):
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}: {name}: {detail}", flush=True)


def evaluator_identical(qnnc, model, inputs, got, d, name):
    """The compiler's own evaluation of the model (qnnc --evaluate, the
    runtime kernels run inside qnnc) against the generated code's outputs
    `got` on the same inputs: byte for byte."""
    src, dst = os.path.join(d, "evaluate_in.bin"), os.path.join(d, "evaluate_out.bin")
    # The input as the model reads it: the outputs' type for a float64 one.
    e2e_lib.input_array(inputs, np.float64 if got.dtype == np.float64 else None).tofile(src)
    e2e_lib.run([qnnc, model, f"--evaluate={src}", "-o", dst])
    evaluated = np.fromfile(dst, dtype=got.dtype)
    same = evaluated.tobytes() == np.ascontiguousarray(got).tobytes()
    check(f"{name}: qnnc --evaluate = generated code", same,
          f"{len(inputs)} inputs, outputs byte-identical" if same else
          f"{np.mean(evaluated.reshape(len(inputs), -1).argmax(1) == got.argmax(1)):.4%} same predictions")


def exported_models(qnnc, work):
    warnings.filterwarnings("ignore")
    import models
    rng = np.random.default_rng(1)
    for name in models.MODELS:
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        onnx_path = os.path.join(d, name + ".onnx")
        shape = models.export(name, onnx_path)
        ir = e2e_lib.run([qnnc, onnx_path, "--emit=mlir"])
        counts = {op: ir.count(f"qnn.{op} ") for op in models.EXPECTED_BINARY_OPS[name]}
        check(f"{name} binary ops", counts == models.EXPECTED_BINARY_OPS[name], str(counts))
        inputs = rng.standard_normal((8, *shape)).astype(np.float32)
        ref, _ = e2e_lib.run_ort(onnx_path, inputs, d)
        for cxx in ("g++", "clang++-19"):
            try:
                exe = e2e_lib.compile_model(qnnc, onnx_path, os.path.join(d, "out_" + cxx), cxx=cxx)
                got = e2e_lib.run_qnnc_output(exe, inputs, d)
                err = e2e_lib.relative_error(got, ref)
                check(f"{name} [{cxx}]", err <= 1e-3, f"max relative error {err:.2e}")
                if cxx == "g++":
                    evaluator_identical(qnnc, onnx_path, inputs, got, d, name)
            except RuntimeError as e:
                check(f"{name} [{cxx}]", False, str(e))


def shipped_model(qnnc, work):
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn", "fashion_bnn.onnx")
    d = os.path.join(work, "fashion")
    os.makedirs(d, exist_ok=True)
    images, labels = e2e_lib.fashion_test_set()
    ref, _ = e2e_lib.run_ort(model, images, d)
    for cxx in ("g++", "clang++-19"):
        exe = e2e_lib.compile_model(qnnc, model, os.path.join(d, "out_" + cxx), cxx=cxx)
        got = e2e_lib.run_qnnc_output(exe, images, d)
        agree = float(np.mean(got.argmax(1) == ref.argmax(1)))
        acc_q, acc_o = float(np.mean(got.argmax(1) == labels)), float(np.mean(ref.argmax(1) == labels))
        check(f"fashion_bnn agreement [{cxx}]", agree >= 0.999, f"{agree:.4%} of 10,000 images")
        check(f"fashion_bnn accuracy [{cxx}]", abs(acc_q - acc_o) <= 0.001,
              f"qnnc {acc_q:.4f}, ORT {acc_o:.4f}")
        if cxx == "g++":
            evaluator_identical(qnnc, model, images, got, d, "fashion_bnn (10,000 test images)")
    sanitize = "-Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all"
    exe = e2e_lib.compile_model(qnnc, model, os.path.join(d, "out_asan"), cxx="clang++-19", flags=sanitize)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=1")
    try:
        got = e2e_lib.run_qnnc_output(exe, images, d, tag="asan", env=env)
        agree = float(np.mean(got.argmax(1) == ref.argmax(1)))
        check("fashion_bnn under ASan+UBSan", agree >= 0.999, f"clean run, agreement {agree:.4%}")
    except RuntimeError as e:
        check("fashion_bnn under ASan+UBSan", False, str(e)[-2000:])


def qonnx_reference_model(model_path, work):
    """The QONNX model at `model_path` with its QONNX ops rewritten into
    standard ops (tools/qonnx_reference.py), saved for ORT."""
    import qonnx_reference
    return qonnx_reference.save_as_standard_onnx(
        model_path, os.path.join(work, os.path.basename(model_path).replace(".onnx", "_reference.onnx")))


def qonnx_network(qnnc, d, name, model, inputs, expected, why):
    """One QONNX network: its qnn ops after the pipeline (`expected` counts;
    "weight_offsets" counts the convolutions with offset weights), its
    outputs against the spec reference (QONNX ops as standard ops in ORT),
    and the compiler's evaluation against its generated code."""
    import onnx
    path = os.path.join(d, name + ".onnx")
    onnx.save(model, path)
    ref, _ = e2e_lib.run_ort(qonnx_reference_model(path, d), inputs, d)
    ir = e2e_lib.run([qnnc, path, "--emit=mlir"])
    counts = {op: ir.count("weight_offsets = array<i32:" if op == "weight_offsets" else f"qnn.{op} ")
              for op in expected}
    check(f"{name} integer layers", counts == expected, f"{counts}: {why}")
    got = e2e_lib.run_qnnc_output(e2e_lib.compile_model(qnnc, path, os.path.join(d, "out_" + name)), inputs, d)
    err = e2e_lib.relative_error(got, ref)
    check(f"{name} vs spec reference", err <= 1e-5, f"max relative error {err:.2e} on {len(inputs)} random inputs")
    evaluator_identical(qnnc, path, inputs, got, d, name)


def qonnx_networks(qnnc, work):
    import qonnx_models as qm
    d = os.path.join(work, "qonnx")
    os.makedirs(d, exist_ok=True)
    inputs = 2 * np.random.default_rng(2).standard_normal((32, 1, 3, 12, 12)).astype(np.float32)
    qonnx_network(qnnc, d, "qonnx_net", qm.qonnx_net(), inputs,
                  {"conv2d": 1, "bitserial_conv2d": 2, "binary_conv2d": 1, "threshold": 1, "threshold_levels": 2},
                  "float only the first conv, levels bit-serial, BipolarQuant binary, all thresholds folded")
    # Signed 4-bit and ternary Quant weights (zero and even levels) run
    # integer: bit-serial with per-channel weight offsets, no float conv.
    qonnx_network(qnnc, d, "qonnx_grid_net", qm.qonnx_grid_net(), inputs,
                  {"conv2d": 0, "bitserial_conv2d": 2, "weight_offsets": 2},
                  "both convolutions bit-serial on offset grids")


def qdq_int8(qnnc, work):
    """An 8-bit CNN in QDQ and in QLinearConv form: integer convolutions in
    qnnc, outputs against ORT's int8 execution of the same model, in LSBs of
    the quantized output."""
    import onnx
    import qdq_models
    d = os.path.join(work, "qdq")
    os.makedirs(d, exist_ok=True)
    inputs = np.random.default_rng(3).standard_normal((32, 1, 3, 16, 16)).astype(np.float32)
    for name, qlinear in (("qdq_cnn", False), ("qlinearconv_cnn", True)):
        path = os.path.join(d, name + ".onnx")
        model, out_scale = qdq_models.qdq_cnn(qlinear=qlinear)
        onnx.save(model, path)
        ir = e2e_lib.run([qnnc, path, "--emit=mlir"])
        counts = {op: ir.count(f"qnn.{op} ") for op in ("qconv2d", "conv2d")}
        check(f"{name} integer convolutions", counts == {"qconv2d": 3, "conv2d": 0}, str(counts))
        ref, _ = e2e_lib.run_ort(path, inputs, d)
        got = e2e_lib.run_qnnc_output(e2e_lib.compile_model(qnnc, path, os.path.join(d, "out_" + name)), inputs, d)
        evaluator_identical(qnnc, path, inputs, got, d, name)
        lsb = np.round(np.abs(got - ref) / out_scale)
        check(f"{name} vs ORT int8", lsb.max() <= 1,
              f"{int(np.sum(lsb == 0))} of {lsb.size} outputs equal, {int(np.sum(lsb == 1))} 1 LSB off, "
              f"max {int(lsb.max())} LSB")


def shipped_n2uq(qnnc, work):
    """The shipped W1A2 N2UQ model: predictions equal the float model's
    (QONNX ops from the spec in ORT) on >= 99.9% of the test images."""
    model = os.path.join(HERE, "..", "..", "models", "fashion_n2uq", "fashion_n2uq.onnx")
    d = os.path.join(work, "fashion_n2uq")
    os.makedirs(d, exist_ok=True)
    images, labels = e2e_lib.fashion_test_set()
    ref, _ = e2e_lib.run_ort(qonnx_reference_model(model, d), images, d)
    got = e2e_lib.run_qnnc_output(e2e_lib.compile_model(qnnc, model, os.path.join(d, "out")), images, d)
    agree = float(np.mean(got.argmax(1) == ref.argmax(1)))
    acc_q, acc_o = float(np.mean(got.argmax(1) == labels)), float(np.mean(ref.argmax(1) == labels))
    check("fashion_n2uq agreement with the float model", agree >= 0.999,
          f"{agree:.4%} of 10,000 images; accuracy qnnc {acc_q:.4f}, float {acc_o:.4f}")
    evaluator_identical(qnnc, model, images, got, d, "fashion_n2uq (10,000 test images)")


def ptq_fashion_models(qnnc, work):
    """Post-training quantization of the shipped float models (--bits,
    ranges from 1,000 training images): 8 bits within 0.5 points of the
    float model's accuracy on the 10,000 test images; 4 and 2 bits run with
    no float convolution (accuracies reported); the compiler's evaluation of
    the 4-bit model equals its generated code."""
    images, labels = e2e_lib.fashion_test_set()
    train, _ = e2e_lib.fashion_split("train")
    for name in ("fashion_cnn", "fashion_resnet"):
        model = os.path.join(HERE, "..", "..", "models", name, name + ".onnx")
        d = os.path.join(work, name)
        os.makedirs(d, exist_ok=True)
        calib = os.path.join(d, "calib.bin")
        np.ascontiguousarray(train[:1000], dtype=np.float32).tofile(calib)
        ref, _ = e2e_lib.run_ort(model, images, d)
        acc_float = float(np.mean(ref.argmax(1) == labels))
        for bits in (8, 4, 2):
            flags = [f"--bits={bits}", f"--calib={calib}"]
            ir = e2e_lib.run([qnnc, model, *flags, "--emit=mlir"])
            exe = e2e_lib.compile_model(qnnc, model, os.path.join(d, f"out{bits}"), extra=[*flags, "--target=native"])
            got = e2e_lib.run_qnnc_output(exe, images, d)
            acc = float(np.mean(got.argmax(1) == labels))
            detail = (f"accuracy {acc:.4f} vs float {acc_float:.4f}; {ir.count('qnn.bitserial_conv2d')} bit-serial "
                      f"and {ir.count('qnn.qconv2d ')} int8 convolutions, {ir.count('qnn.conv2d ')} float")
            if bits == 8:
                check(f"{name} --bits=8 within 0.5 points of float", abs(acc - acc_float) <= 0.005, detail)
            else:
                check(f"{name} --bits={bits} runs (accuracy reported)", ir.count("qnn.conv2d ") == 0, detail)
            if bits == 4:
                src, dst = os.path.join(d, "eval_in.bin"), os.path.join(d, "eval_out.bin")
                np.ascontiguousarray(images[:200], dtype=np.float32).tofile(src)
                e2e_lib.run([qnnc, model, *flags, f"--evaluate={src}", "-o", dst])
                same = np.fromfile(dst, dtype=np.float32).tobytes() == got[:200].astype(np.float32).tobytes()
                check(f"{name} --bits=4: qnnc --evaluate = generated code", same, "200 test images, byte for byte")


def chromium_renders(html, work, charts):
    """Loads `html` in headless Chromium: the DOM it builds must hold each
    chart (an <svg id=...> with marks), and a screenshot must be drawn."""
    browser = next((b for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    if browser is None:
        return False, "no chromium on PATH (tools/install-deps.sh installs it)"
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={work}/chromium"]
    dom = subprocess.run([*flags, "--dump-dom", "file://" + os.path.abspath(html)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, timeout=120).stdout
    shot = os.path.join(work, "report.png")
    subprocess.run([*flags, f"--screenshot={shot}", "--window-size=1200,1600", "file://" + os.path.abspath(html)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    missing = [c for c in charts if f'<svg id="{c}"' not in dom]
    marks = dom.count("<rect") + dom.count("<circle")
    drawn = os.path.exists(shot) and os.path.getsize(shot) > 20000
    ok = not missing and marks > 0 and drawn
    return ok, (f"charts {charts} in the rendered DOM (missing: {missing}), {marks} marks, screenshot "
                f"{os.path.getsize(shot) if os.path.exists(shot) else 0} bytes")


def mixed_precision(qnnc, work):
    """--bits=auto on both shipped float models, budgets from uniform PTQ:
    at the weight bytes of uniform 4-bit at least as accurate, at those of
    uniform 2-bit clearly more accurate (10,000 test images, generated code
    built and run); the budget holds in the generated .cpp; the evaluator's
    predictions on the calibration set are the generated code's; the same
    inputs give byte-identical outputs; the report renders."""
    images, labels = e2e_lib.fashion_test_set()
    train, train_labels = e2e_lib.fashion_split("train")
    for name in ("fashion_cnn", "fashion_resnet"):
        model = os.path.join(HERE, "..", "..", "models", name, name + ".onnx")
        d = os.path.join(work, "auto_" + name)
        os.makedirs(d, exist_ok=True)
        calib, calib_labels = os.path.join(d, "calib.bin"), os.path.join(d, "calib_labels.bin")
        np.ascontiguousarray(train[:1000], dtype=np.float32).tofile(calib)
        np.ascontiguousarray(train_labels[:1000], dtype=np.int32).tofile(calib_labels)
        test_in, test_out = os.path.join(d, "test.bin"), os.path.join(d, "uniform.bin")
        np.ascontiguousarray(images, dtype=np.float32).tofile(test_in)
        for bits in (4, 2):
            flags = [f"--bits={bits}", f"--calib={calib}"]
            cpp = os.path.join(d, f"uniform{bits}.cpp")
            with open(cpp, "w") as f:
                f.write(e2e_lib.run([qnnc, model, *flags, "--emit=cpp"]))
            budget = e2e_lib.weight_array_bytes(cpp)
            e2e_lib.run([qnnc, model, *flags, f"--evaluate={test_in}", "-o", test_out])
            uniform = float(np.mean(np.fromfile(test_out, dtype=np.float32).reshape(len(images), -1).argmax(1) == labels))
            out = os.path.join(d, f"auto{bits}")
            exe = e2e_lib.compile_model(qnnc, model, out, extra=[
                "--bits=auto", f"--calib={calib}", f"--calib-labels={calib_labels}", f"--budget-bytes={budget}", "-q",
                "--target=native"])
            with open(os.path.join(out, "report.json")) as f:
                report = json.load(f)
            got = e2e_lib.run_qnnc_output(exe, images, d).argmax(1)
            acc = float(np.mean(got == labels))
            margin = 0.0 if bits == 4 else 0.05
            check(f"{name} --bits=auto at uniform {bits}-bit bytes", acc >= uniform + margin,
                  f"test accuracy {acc:.4f} vs uniform {bits}-bit {uniform:.4f} at {budget} weight bytes (auto uses "
                  f"{report['weight_bytes']}); widths " +
                  " ".join(f"{l['weight_bits']}/{l['input_bits']}" for l in report["layers"]))
            in_cpp = e2e_lib.weight_array_bytes(os.path.join(out, "model.cpp"))
            per_layer = sum(l["bytes"] for l in report["layers"])
            check(f"{name} --bits=auto budget {budget} bytes holds in the generated code",
                  in_cpp == report["weight_bytes"] == per_layer <= budget,
                  f"weight arrays in model.cpp {in_cpp} bytes, report {report['weight_bytes']} (layers sum {per_layer})")
            on_calib = e2e_lib.run_qnnc_output(exe, train[:1000], d).argmax(1)
            check(f"{name} --bits=auto: the evaluator's calibration predictions are the generated code's",
                  on_calib.tolist() == report["predictions"],
                  f"1,000 calibration inputs; accuracy {report['accuracy']:.4f} both")
    # The cheap model: determinism, the other budgets, --sweep and the page.
    model = os.path.join(HERE, "..", "..", "models", "fashion_cnn", "fashion_cnn.onnx")
    d = os.path.join(work, "auto_fashion_cnn")
    calib, calib_labels = os.path.join(d, "calib.bin"), os.path.join(d, "calib_labels.bin")
    common = ["--bits=auto", f"--calib={calib}", f"--calib-labels={calib_labels}", "-q"]
    outs = [os.path.join(d, f"again{i}") for i in (1, 2)]
    for o in outs:
        e2e_lib.run([qnnc, model, *common, "--budget-bytes=40000", "-o", o])
    same = all(open(os.path.join(outs[0], f), "rb").read() == open(os.path.join(outs[1], f), "rb").read()
               for f in ("model.cpp", "report.json", "report.html"))
    check("--bits=auto: same inputs, byte-identical model.cpp, report.json, report.html", same, "two runs")
    o = os.path.join(d, "bitops")
    costs = os.path.join(d, "costs.json")
    with open(costs, "w") as f:  # a synthetic table: 1 ns per 1000 MACs at every width
        json.dump({"target": "synthetic", "ns_per_mac": {f"{w}:{a}": 0.001 for w in (0, 1, 2, 4, 8)
                                                          for a in (0, 1, 2, 4, 8)}}, f)
    e2e_lib.run([qnnc, model, *common, "--budget-bitops=200000000", f"--cost-table={costs}", "--time-layers",
                 "-o", o])
    with open(os.path.join(o, "report.json")) as f:
        report = json.load(f)
    check("--bits=auto --budget-bitops holds", report["bitops"] <= 200000000 and
          report["bitops"] == sum(l["bitops"] for l in report["layers"]),
          f"{report['bitops']} bit-ops, accuracy {report['accuracy']:.4f} on the calibration set")
    estimated = all(abs(l["estimated_us"] - l["macs"] * 1e-6) < 1e-9 for l in report["layers"])
    timed = all(l["measured_us"] > 0 for l in report["layers"])
    check("--bits=auto report: estimated time from the cost table, measured time per layer", estimated and timed,
          ", ".join(f"{l['name']} {l['estimated_us']:.1f}/{l['measured_us']:.1f} us" for l in report["layers"]))
    o = os.path.join(d, "drop")
    e2e_lib.run([qnnc, model, *common, "--max-accuracy-drop=1", "--sweep", "-o", o])
    with open(os.path.join(o, "report.json")) as f:
        report = json.load(f)
    uniform8 = next(p["bytes"] for p in report["sweep"] if p["label"] == "uniform 8/8")
    check("--bits=auto --max-accuracy-drop=1", report["accuracy"] >= report["float_accuracy"] - 0.01 and
          report["weight_bytes"] <= uniform8,
          f"calibration accuracy {report['accuracy']:.4f} vs float {report['float_accuracy']:.4f}, "
          f"{report['weight_bytes']} weight bytes (uniform 8-bit {uniform8})")
    ok, detail = chromium_renders(os.path.join(o, "report.html"), d, ["widths", "bytes", "tradeoff"])
    check("report.html renders in headless Chromium with its charts", ok, detail)


def huffman_compression(qnnc, work):
    """--compress=huffman on the shipped binary models (the W1A2 one's +-1
    kernels on its bit-serial convolutions) and the wider CNN: outputs byte-identical
    to the packed build on the 10,000 test images (1 and 2 threads, and in
    qnnc's evaluator); the weights shrink; every layer's Huffman code within
    3 % of its entropy bound (report.json)."""
    images, _ = e2e_lib.fashion_test_set()
    for name in ("fashion_bnn", "fashion_bnn_wide", "fashion_n2uq"):
        model = os.path.join(HERE, "..", "..", "models", name, name + ".onnx")
        d = os.path.join(work, "huffman_" + name)
        os.makedirs(d, exist_ok=True)
        outs, stored = {}, {}
        for tag, extra in (("packed", []), ("huffman", ["--compress=huffman"]),
                           ("huffman_2threads", ["--compress=huffman", "--threads=2"])):
            out = os.path.join(d, tag)
            exe = e2e_lib.compile_model(qnnc, model, out, extra=["--target=native", *extra])
            outs[tag] = e2e_lib.run_qnnc_output(exe, images, d).tobytes()
            stored[tag] = e2e_lib.binary_weight_bytes(os.path.join(out, "model.cpp"))
        src, dst = os.path.join(d, "eval_in.bin"), os.path.join(d, "eval_out.bin")
        np.ascontiguousarray(images[:500], dtype=np.float32).tofile(src)
        e2e_lib.run([qnnc, model, "--compress=huffman", f"--evaluate={src}", "-o", dst])
        evaluated = np.fromfile(dst, dtype=np.float32).tobytes() == outs["packed"][:len(open(dst, "rb").read())]
        check(f"{name} --compress=huffman is bit-identical", outs["packed"] == outs["huffman"] == outs["huffman_2threads"]
              and evaluated, f"10,000 test images, 1 and 2 threads; evaluator on 500: {evaluated}; binary weight "
              f"bytes {stored['packed']} -> {stored['huffman']} ({stored['packed'] / stored['huffman']:.3f}x)")
        again = os.path.join(d, "huffman_again")
        e2e_lib.run([qnnc, model, "--compress=huffman", "--target=native", "-o", again])
        same = all(open(os.path.join(d, "huffman", f), "rb").read() == open(os.path.join(again, f), "rb").read()
                   for f in ("model.cpp", "report.json"))
        check(f"{name} --compress=huffman: same model and flags, same output", same, "model.cpp, report.json of two runs")
        with open(os.path.join(d, "huffman", "report.json")) as f:
            layers = json.load(f)["binary_layers"]
        check(f"{name}: Huffman within 3 % of the entropy bound on every binary layer",
              all(l["huffman_bits"] <= 1.03 * l["entropy_bits"] for l in layers),
              ", ".join(f"{l['name']} {l['entropy_bits']:.3f}/{l['huffman_bits']:.3f}" for l in layers))


def kernel_clustering(qnnc, work):
    """--compress=cluster --max-accuracy-drop=P on the shipped binary models,
    calibrated on the last 10,000 training images with their labels: the
    weights the report states are those in model.cpp, the generated code's
    top-1 on the calibration set is the one the compiler measured, and on
    the 10,000 test images the loss stays within 0.5 points while the
    binary weights shrink (P, the sensitivity inputs, the least ratio and
    the most loss in test images per model are the README's figures: the
    W1A2 model does not yet reach 1.5x within 0.5 points)."""
    train, train_labels = e2e_lib.fashion_split("train")
    images, labels = e2e_lib.fashion_test_set()
    for name, drop, sensitivity, least_ratio, most_lost in (("fashion_bnn", 0.5, 2000, 1.5, 50),
                                                            ("fashion_bnn_wide", 0.4, 256, 1.5, 50),
                                                            ("fashion_n2uq", 0.5, 256, 1.25, 50)):
        model = os.path.join(HERE, "..", "..", "models", name, name + ".onnx")
        d = os.path.join(work, "cluster_" + name)
        os.makedirs(d, exist_ok=True)
        calib, calib_labels = os.path.join(d, "calib.bin"), os.path.join(d, "calib_labels.bin")
        np.ascontiguousarray(train[-10000:], dtype=np.float32).tofile(calib)
        np.ascontiguousarray(train_labels[-10000:], dtype=np.int32).tofile(calib_labels)
        packed = e2e_lib.compile_model(qnnc, model, os.path.join(d, "packed"), extra=["--target=native"])
        out = os.path.join(d, "clustered")
        exe = e2e_lib.compile_model(qnnc, model, out, extra=[
            "--target=native", "--compress=cluster", f"--max-accuracy-drop={drop}", f"--calib={calib}",
            f"--calib-labels={calib_labels}", f"--sensitivity-inputs={sensitivity}", "-q"])
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        c = report["clustering"]
        stored = e2e_lib.binary_weight_bytes(os.path.join(out, "model.cpp"))
        packed_bytes = e2e_lib.binary_weight_bytes(os.path.join(d, "packed", "model.cpp"))
        check(f"{name} --compress=cluster: report bytes are model.cpp's",
              stored == c["bytes"] == sum(l["stored_bytes"] for l in report["binary_layers"]) and
              packed_bytes == c["packed_bytes"], f"{stored} stored, {packed_bytes} packed")
        on_calib = e2e_lib.run_qnnc_output(exe, train[-10000:], d, "calib").argmax(1)
        calib_accuracy = float((on_calib == train_labels[-10000:]).mean())
        check(f"{name} --compress=cluster: the generated code's calibration top-1 is the compiler's",
              calib_accuracy == c["accuracy"], f"{calib_accuracy:.4f} vs {c['accuracy']:.4f} (uncompressed "
              f"{c['uncompressed_accuracy']:.4f})")
        before = int((e2e_lib.run_qnnc_output(packed, images, d, "packed").argmax(1) == labels).sum())
        after = int((e2e_lib.run_qnnc_output(exe, images, d, "clustered").argmax(1) == labels).sum())
        ratio = packed_bytes / stored
        kept = ", ".join(f"{l['name']} {l['kept_sequences']}" for l in report["binary_layers"])
        check(f"{name} --compress=cluster --max-accuracy-drop={drop}: at most {most_lost} of {len(labels)} test "
              f"images lost, binary weights >= {least_ratio}x smaller", before - after <= most_lost and
              ratio >= least_ratio, f"top-1 {before / len(labels):.4f} -> {after / len(labels):.4f}, "
              f"{packed_bytes} -> {stored} bytes ({ratio:.3f}x); kept: {kept}")
    # Determinism: the same flags twice (1,000 calibration inputs).
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn", "fashion_bnn.onnx")
    d = os.path.join(work, "cluster_again")
    os.makedirs(d, exist_ok=True)
    calib = os.path.join(d, "calib.bin")
    np.ascontiguousarray(train[:1000], dtype=np.float32).tofile(calib)
    runs = []
    for tag in ("first", "second"):
        o = os.path.join(d, tag)
        e2e_lib.run([qnnc, model, "--compress=cluster", "--max-accuracy-drop=1", f"--calib={calib}", "-q", "-o", o])
        runs.append([open(os.path.join(o, f), "rb").read() for f in ("model.cpp", "report.json", "report.html")])
    check("--compress=cluster --max-accuracy-drop: same model and flags, same output", runs[0] == runs[1],
          "model.cpp, report.json, report.html of two runs")


def compressed_rodata(qnnc, work):
    """The AArch64 object of a clustered, Huffman-coded model: its binary
    weight symbols hold exactly the bytes report.json states (packed and
    coded), and its .rodata shrinks by their difference, up to the 64-byte
    alignment of each added table."""
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn_wide", "fashion_bnn_wide.onnx")
    d = os.path.join(work, "rodata")
    sizes = {}
    for tag, extra in (("packed", []), ("coded", ["--compress=cluster", "--cluster-keep=64"])):
        out = os.path.join(d, tag)
        shutil.rmtree(out, ignore_errors=True)
        e2e_lib.run([qnnc, model, "--target=aarch64", "-o", out, *extra])
        obj = os.path.join(out, "model.o")
        e2e_lib.run(["aarch64-linux-gnu-g++", "-O2", "-std=c++17", "-c", f"-I{out}", os.path.join(out, "model.cpp"),
                     "-o", obj])
        # The compiler's constants and the weights' own section.
        rodata = sum(int(n) for n in re.findall(r"^\.rodata\S*\s+(\d+)", e2e_lib.run(["aarch64-linux-gnu-size", "-A", obj]),
                                                 re.M))
        symbols = re.findall(r"^[0-9a-f]+ ([0-9a-f]+) \w (\S+)$", e2e_lib.run(["aarch64-linux-gnu-nm", "-S", obj]), re.M)
        weights = [int(size, 16) for size, name in symbols if re.search(r"_(bits|huffman_counts|huffman_symbols)$", name)]
        with open(os.path.join(out, "report.json")) as f:
            layers = json.load(f)["binary_layers"]
        sizes[tag] = (rodata, sum(weights), len(weights), sum(l["stored_bytes"] for l in layers))
    (rodata_p, weights_p, _, report_p), (rodata_c, weights_c, arrays_c, report_c) = sizes["packed"], sizes["coded"]
    check("aarch64 object: binary weight symbols hold the bytes report.json states",
          weights_p == report_p and weights_c == report_c,
          f"packed {weights_p} (report {report_p}), coded {weights_c} (report {report_c})")
    saved, shrink = weights_p - weights_c, rodata_p - rodata_c
    check("aarch64 object: .rodata shrinks by the reported saving", saved - 64 * arrays_c <= shrink <= saved,
          f".rodata {rodata_p} -> {rodata_c} bytes ({rodata_p / rodata_c:.3f}x); binary weights {weights_p} -> "
          f"{weights_c} ({weights_p / weights_c:.3f}x, as reported)")


def no_heap(qnnc, work):
    """model_run allocates nothing: the generated code linked with a harness
    that counts malloc/calloc/realloc/aligned_alloc/new calls."""
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn", "fashion_bnn.onnx")
    out = os.path.join(work, "no_heap")
    e2e_lib.run([qnnc, model, "-o", out, "--target=native"])
    exe = os.path.join(out, "no_heap")
    e2e_lib.run(["g++", "-O2", "-std=c++17", f"-I{out}", os.path.join(HERE, "no_heap.cpp"),
                 os.path.join(out, "model.cpp"), "-o", exe,
                 "-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=aligned_alloc"])
    p = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    check("no heap allocation in model_run", p.returncode == 0, p.stdout.strip())


def cpu_has(flag):
    with open("/proc/cpuinfo") as f:
        return any(flag in line.split() for line in f if line.startswith("flags"))


def cpu_runs_x86_64_v4():
    """Whether this CPU runs qnnc's x86-64-v4 target (/proc/cpuinfo's
    spellings of what x86-64-v4 + VPOPCNTDQ needs)."""
    return all(cpu_has(f) for f in ("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512_vpopcntdq"))


def targets_bit_identical(qnnc, work):
    """The shipped model built for each x86 target gives bit-identical
    outputs: generic and AVX2 (and AVX-512 where the CPU has it), kernels
    on 2 threads, and its weights as source text in place of the binary
    file (device targets: device_targets)."""
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn", "fashion_bnn.onnx")
    d = os.path.join(work, "targets")
    os.makedirs(d, exist_ok=True)
    images, _ = e2e_lib.fashion_test_set()
    images = images[:300]
    outputs = {}
    builds = [("generic", "generic", 1, []), ("x86-64-v3", "x86-64-v3", 1, []), ("x86-64-v4", "x86-64-v4", 1, []),
              ("x86-64-v3 on 2 threads", "x86-64-v3", 2, []),
              ("generic with weights as text", "generic", 1, ["--weights=text"])]
    for name, target, threads, extra in builds:
        # Every target builds warning-free; it runs where the CPU can.
        exe = e2e_lib.compile_model(qnnc, model, os.path.join(d, name.replace(" ", "_")),
                                    flags="-Wall -Wextra -Werror",
                                    extra=[f"--target={target}", f"--threads={threads}", *extra])
        if target == "x86-64-v4" and not cpu_runs_x86_64_v4():
            print("SKIP: running the x86-64-v4 build: this CPU has no AVX-512 VPOPCNTDQ", flush=True)
            continue
        outputs[name] = e2e_lib.run_qnnc_output(exe, images, d, tag=name.replace(" ", "_"))
    for name, out in outputs.items():
        if name != "generic":
            same = bool(np.array_equal(out.view(np.uint32), outputs["generic"].view(np.uint32)))
            check(f"{name} output bit-identical to generic", same, f"{len(images)} images")


def device_targets(qnnc, work):
    """The shipped binary models give outputs bit-identical to the portable
    build on this host on every device target, both as C++ built by the
    target's GCC and as an object LLVM made for the target (--emit=obj),
    each with the toolchain file qnnc writes (OUTDIR's default build):
    AArch64 (NEON) and RV64GC Linux under qemu-user, a Cortex-M4F without an
    OS (startup code, linker script, newlib over semihosting) on
    qemu-system-arm's MPS2 AN386 board, and this host's best instruction set
    (its C++ build is targets_bit_identical's)."""
    images, _ = e2e_lib.fashion_test_set()
    images = images[:300]
    for name in ("fashion_bnn", "fashion_n2uq"):
        model = os.path.join(HERE, "..", "..", "models", name, name + ".onnx")
        d = os.path.join(work, "devices_" + name)
        os.makedirs(d, exist_ok=True)
        host = e2e_lib.compile_model(qnnc, model, os.path.join(d, "generic"), extra=["--target=generic"])
        expected = e2e_lib.run_qnnc_output(host, images, d, "generic")
        for target in ("native", "aarch64", "riscv64", "cortex-m4"):
            for emit in ("dir", "obj") if target != "native" else ("obj",):
                tag = f"{target}_{emit}"
                exe = e2e_lib.compile_model(qnnc, model, os.path.join(d, tag), cxx=None,
                                            extra=[f"--target={target}", f"--emit={emit}"])
                if target == "cortex-m4":
                    got = e2e_lib.run_bare_metal(exe, images, d, tag)
                else:
                    runner = [] if target == "native" else [f"qemu-{target}"]
                    got = e2e_lib.run_qnnc_output(exe, images, d, tag, runner=runner)
                where = {"cortex-m4": "qemu mps2-an386, no OS", "native": "this host"}.get(target, f"qemu-{target}")
                path = "LLVM object" if emit == "obj" else "C++"
                check(f"{name} on {target} ({where}), {path}, bit-identical to generic",
                      bool(np.array_equal(got.view(np.uint32), expected.view(np.uint32))), f"{len(images)} images")


def object_links_with_c_alone(qnnc, work):
    """--emit=obj needs no C++ compiler: the object references no C++
    runtime, and the C harness with a C compiler's link alone runs it to the
    C++ build's outputs."""
    d = os.path.join(work, "object_c_only")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    images, _ = e2e_lib.fashion_test_set()
    images = images[:200]
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn", "fashion_bnn.onnx")
    expected = e2e_lib.run_qnnc_output(
        e2e_lib.compile_model(qnnc, model, os.path.join(d, "cpp"), extra=["--target=native"]), images, d, "cpp")
    out = os.path.join(d, "obj")
    e2e_lib.run([qnnc, model, "--emit=obj", "--target=native", "-o", out])
    undefined = subprocess.run(["nm", "-u", os.path.join(out, "model.o")], capture_output=True, text=True,
                               check=True).stdout.split()
    cxx_symbols = [s for s in undefined if s.startswith("_Z") or "cxa" in s or "gxx" in s]
    check("--emit=obj object references no C++ runtime", not cxx_symbols, f"undefined: {' '.join(undefined)}")
    exe = os.path.join(out, "model_main_c")
    e2e_lib.run(["gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", os.path.join(out, "model_main.c"),
                 os.path.join(out, "model.o"), "-lm", "-o", exe])
    got = e2e_lib.run_qnnc_output(exe, images, d, "c_only")
    check("--emit=obj + C harness linked by gcc alone bit-identical to the C++ build",
          bool(np.array_equal(got.view(np.uint32), expected.view(np.uint32))), f"{len(images)} images")
    # The harness's input and output errors: a message and exit status 1.
    src = os.path.join(d, "c_only_in.bin")
    trailing = os.path.join(d, "trailing.bin")
    with open(trailing, "wb") as f:
        f.write(open(src, "rb").read() + b"\0\0\0")
    for what, args, message in (("trailing bytes", [trailing, os.path.join(d, "o.bin")], "ends inside a tensor"),
                                ("a directory as input", [d, os.path.join(d, "o.bin")], "cannot read"),
                                ("a full disk", [src, "/dev/full"], "cannot write")):
        p = subprocess.run([exe, *args], capture_output=True, text=True)
        check(f"model_main reports {what}", p.returncode == 1 and message in p.stderr,
              f"exit {p.returncode}: {p.stderr.strip()}")


def microcontroller_fit(qnnc, work):
    """The Fashion-MNIST binary model for microcontrollers (fashion_bnn_m4)
    on a Cortex-M4 linked for 256 KiB of flash and 64 KiB of RAM, on both
    paths: it links (the linker script checks flash, .data + .bss and the
    room left for stack and heap), runs under qemu bit-identically to the
    host, and the RAM it measured (static data, heap and stack high-water
    marks of the whole program) fits; tools/device_report.py writes the
    figures into report.json."""
    import device_report
    images, _ = e2e_lib.fashion_test_set()
    images = images[:100]
    model = os.path.join(HERE, "..", "..", "models", "fashion_bnn_m4", "fashion_bnn_m4.onnx")
    d = os.path.join(work, "microcontroller")
    os.makedirs(d, exist_ok=True)
    host = e2e_lib.compile_model(qnnc, model, os.path.join(d, "generic"), extra=["--target=generic"])
    expected = e2e_lib.run_qnnc_output(host, images, d, "generic")
    for emit in ("dir", "obj"):
        measured, got = device_report.measure(qnnc, model, "cortex-m4", emit, images.reshape(len(images), -1), d,
                                              flash_bytes=256 * 1024, ram_bytes=64 * 1024)
        report = json.load(open(os.path.join(d, f"cortex-m4_{emit}", "report.json")))
        check(f"fashion_bnn_m4 on a 256 KiB / 64 KiB Cortex-M4 ({measured['path']}): bit-identical, fits",
              bool(np.array_equal(got.view(np.uint32), expected.view(np.uint32)))
              and measured["program_flash_bytes"] <= 256 * 1024 and measured["program_ram_bytes"] <= 64 * 1024
              and report["target"]["measured"] == measured,
              f"flash {measured['program_flash_bytes']} B, RAM {measured['program_ram_bytes']} B (arena "
              f"{measured['arena_bytes']}, stack {measured['program_stack_high_water_bytes']}, heap "
              f"{measured['program_heap_bytes']}), {measured['instructions_per_inference']:,} instructions per "
              f"inference, {len(images)} images")


def nan_semantics(qnnc, work):
    """Relu, float Sign, QuantizeLinear and MaxPool of NaN, -0 and +-inf
    give ONNX Runtime's bits (Relu passes NaN and -0; Sign passes NaN and
    gives +0 for -0; QuantizeLinear of NaN is the type's lowest value;
    MaxPool's NaN wins unless a later tap is a number): single-node graphs
    through the evaluator, which runs the generated code's kernels."""
    from onnx import helper, TensorProto
    import onnx
    d = os.path.join(work, "nan")
    os.makedirs(d, exist_ok=True)
    x = np.array([[np.nan, -np.nan, -0.0, 0.0, -1.5, 2.5, np.inf, -np.inf]], dtype=np.float32)
    info = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 8]) for n in ("x", "y")]
    graphs = {
        "relu": ([helper.make_node("Relu", ["x"], ["y"])], []),
        "sign": ([helper.make_node("Sign", ["x"], ["y"])], []),
        "qdq_int8": ([helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
                      helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
                     [helper.make_tensor("s", TensorProto.FLOAT, [], [0.5]),
                      helper.make_tensor("z", TensorProto.INT8, [], [3])]),
        "qdq_uint8": ([helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
                       helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
                      [helper.make_tensor("s", TensorProto.FLOAT, [], [0.5]),
                       helper.make_tensor("z", TensorProto.UINT8, [], [128])]),
    }
    for name, (nodes, inits) in graphs.items():
        m = helper.make_model(helper.make_graph(nodes, name, info[:1], info[1:], inits),
                              opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        path = os.path.join(d, name + ".onnx")
        onnx.save(m, path)
        ref, _ = e2e_lib.run_ort(path, x[None], d)
        x.tofile(os.path.join(d, "in.bin"))
        e2e_lib.run([qnnc, path, "--evaluate", os.path.join(d, "in.bin"), "-o", os.path.join(d, "out.bin")])
        got = np.fromfile(os.path.join(d, "out.bin"), dtype=np.float32)
        check(f"{name} of NaN, -0 and +-inf bit-identical to ORT",
              bool(np.array_equal(got.view(np.uint32), ref.ravel().view(np.uint32))),
              f"qnnc {got.tolist()} ORT {ref.ravel().tolist()}")
    # MaxPool: windows of NaNs among numbers in every order, over the
    # kernel's border (checked) and interior (vector) paths. ORT's own order
    # of the taps differs in padded 2-D windows (not compared).
    rng = np.random.default_rng(1)
    px = rng.standard_normal((1, 1, 1, 40)).astype(np.float32)
    px[rng.random(px.shape) < 0.3] = np.nan
    px[0, 0, 0, :8] = [np.nan, 1, 1, np.nan, np.nan, np.nan, -np.inf, np.nan]
    pool = helper.make_node("MaxPool", ["x"], ["y"], kernel_shape=[1, 2], strides=[1, 2])
    m = helper.make_model(helper.make_graph([pool], "maxpool", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, list(px.shape))], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)]),
        opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    path = os.path.join(d, "maxpool.onnx")
    onnx.save(m, path)
    ref, _ = e2e_lib.run_ort(path, px[None], d)
    px.tofile(os.path.join(d, "in.bin"))
    e2e_lib.run([qnnc, path, "--evaluate", os.path.join(d, "in.bin"), "-o", os.path.join(d, "out.bin")])
    got = np.fromfile(os.path.join(d, "out.bin"), dtype=np.float32)
    check("MaxPool of NaNs among numbers bit-identical to ORT",
          bool(np.array_equal(got.view(np.uint32), ref.ravel().view(np.uint32))),
          f"{int(np.isnan(ref).sum())} NaN of {ref.size} outputs")


def ceil_mode_pooling(qnnc, work):
    """MaxPool and AveragePool (count_include_pad 0) with ceil_mode = 1 match
    ONNX Runtime over sizes, windows, strides and pads, including the cases
    where the last window is dropped (evaluator, the generated code's
    kernels)."""
    import itertools
    import onnx
    from onnx import helper, TensorProto
    d = os.path.join(work, "ceil_mode")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    wrong, cases = [], 0
    for op, size, k, stride, pad in itertools.product(("MaxPool", "AveragePool"), (5, 6, 13), (2, 3), (2, 3), (0, 1)):
        node = helper.make_node(op, ["x"], ["y"], kernel_shape=[k, k], strides=[stride, stride],
                                pads=[pad] * 4, ceil_mode=1)
        g = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, size, size])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)])
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        path, src, dst = (os.path.join(d, f) for f in ("m.onnx", "in.bin", "out.bin"))
        onnx.save(m, path)
        x = rng.standard_normal((1, 2, size, size)).astype(np.float32)
        ref, _ = e2e_lib.run_ort(path, x[None], d)
        x.tofile(src)
        e2e_lib.run([qnnc, path, "--evaluate", src, "-o", dst])
        got = np.fromfile(dst, dtype=np.float32)
        cases += 1
        if got.size != ref.size or not np.allclose(got, ref.ravel(), rtol=1e-6, atol=1e-6):
            wrong.append(f"{op} {size} k{k} s{stride} p{pad}")
    check("ceil_mode pooling matches ORT", not wrong, f"{cases} cases, wrong: {wrong}")


def float_model_on_x86_targets(qnnc, path, x, ref, d, what, kernel, calls_expected):
    """A float model compiled for generic, x86-64-v3 (1 and 2 threads) and
    x86-64-v4 (where the CPU runs it): the generic build calls `kernel`
    `calls_expected` times and matches ORT's `ref` to 1e-5, every build
    gives its bits, and so does the compiler's evaluator."""
    outputs = {}
    for target, threads in (("generic", 1), ("x86-64-v3", 1), ("x86-64-v3", 2), ("x86-64-v4", 1)):
        name = f"{target}_{threads}"
        exe = e2e_lib.compile_model(qnnc, path, os.path.join(d, name), extra=[f"--target={target}", f"--threads={threads}"])
        if target == "x86-64-v4" and not cpu_runs_x86_64_v4():
            continue
        outputs[name] = e2e_lib.run_qnnc_output(exe, x, d, tag=name)
    with open(os.path.join(d, "generic_1", "model.cpp")) as f:
        calls = f.read().count(f"{kernel}(")
    err = e2e_lib.relative_error(outputs["generic_1"], ref)
    check(f"{what} match ORT", calls == calls_expected and err <= 1e-5,
          f"{calls} {kernel} calls, max relative error {err:.1e}, output {ref.shape}, {len(x)} inputs")
    same = [name for name, out in outputs.items()
            if np.array_equal(out.view(np.uint32), outputs["generic_1"].view(np.uint32))]
    check(f"{what} bit-identical on every target and on 2 threads", len(same) == len(outputs),
          f"identical to generic: {same}")
    evaluator_identical(qnnc, path, x, outputs["generic_1"], d, what)


def pixel_rows_convs(qnnc, work):
    """Deep float convolutions of small images run as pixel rows
    (qnn-pixel-rows-convs): one with strides and padding, one dilated
    with a partial panel of output channels; they match
    ONNX Runtime and give bit-identical outputs on every x86 target, on 2
    threads and in the compiler's evaluator."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    d = os.path.join(work, "pixel_rows")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.05, name)
               for name, shape in (("w1", (128, 128, 3, 3)), ("b1", (128,)), ("w2", (40, 128, 3, 3)), ("b2", (40,)))]
    g = helper.make_graph([helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], pads=[1] * 4, strides=[2, 2]),
                           helper.make_node("Relu", ["c1"], ["r1"]),
                           helper.make_node("Conv", ["r1", "w2", "b2"], ["y"], pads=[2] * 4, dilations=[2, 2])],
                          "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 128, 61, 61])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], weights)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    path = os.path.join(d, "m.onnx")
    onnx.save(m, path)
    x = rng.standard_normal((2, 1, 128, 61, 61)).astype(np.float32)
    ref, _ = e2e_lib.run_ort(path, x, d)
    float_model_on_x86_targets(qnnc, path, x, ref, d, "pixel-rows convolutions", "qnn_rt::conv2d_f32_pixel_rows", 2)


def volumetric_layers(qnnc, work):
    """3-D convolutions (grouped, strided, dilated, padded; qnn.conv3d) and
    3-D pooling (max with ceil_mode, average without the padding; separable
    2-D pooling) match ONNX Runtime, give bit-identical outputs on every x86
    target and on 2 threads, and in the compiler's evaluator."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    d = os.path.join(work, "volumetric")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    weights = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32) * 0.2, name)
               for name, shape in (("w1", (12, 2, 3, 3, 3)), ("b1", (12,)), ("w2", (10, 12, 2, 3, 3)))]
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], group=2, pads=[1, 2, 1, 1, 2, 1], strides=[1, 2, 1],
                          dilations=[1, 2, 1]),
         helper.make_node("Relu", ["c1"], ["r1"]),
         helper.make_node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2, 3], strides=[2, 2, 2], ceil_mode=1),
         helper.make_node("Conv", ["p1", "w2"], ["c2"], pads=[0, 1, 1, 1, 1, 1]),
         helper.make_node("AveragePool", ["c2"], ["y"], kernel_shape=[2, 3, 3], pads=[1, 1, 1, 0, 1, 1])],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 9, 21, 19])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], weights)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    path = os.path.join(d, "m.onnx")
    onnx.save(m, path)
    x = rng.standard_normal((2, 1, 4, 9, 21, 19)).astype(np.float32)
    ref, _ = e2e_lib.run_ort(path, x, d)
    float_model_on_x86_targets(qnnc, path, x, ref, d, "3-D convolution and pooling", "qnn_rt::conv3d_f32", 2)


def typed_graphs(qnnc, work):
    """Graphs whose input and output are integers or float64, through the
    operators ONNX Runtime also runs on them: uint8 through Clip, MaxPool
    and Pad; int32 through Add, Sub and Mul (wrapping past 2^31) and an edge
    Pad; int64 through Mul and Add (wrapping past 2^63); int8 through Clip,
    a reshape and MaxPool; float64 through Mul (to 1e303), Sub and Add (of
    a denormal). Each matches ONNX Runtime exactly, from the
    generated code (its header declaring the types) and from the compiler's
    evaluator. (uint8 / int8 Add, Sub and Mul, which ONNX Runtime does not
    implement, are checked against the backend suite's expected outputs in
    the conformance runner and by the unit tests.)"""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    d = os.path.join(work, "typed_graphs")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    const = lambda name, value: numpy_helper.from_array(np.asarray(value), name)
    cases = {
        "uint8": (TensorProto.UINT8, np.uint8, (1, 3, 6, 6), [
            helper.make_node("Clip", ["x", "lo", "hi"], ["c"]),
            helper.make_node("MaxPool", ["c"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
            helper.make_node("Pad", ["p", "pads"], ["y"], mode="reflect")],
            [const("lo", np.uint8(9)), const("hi", np.uint8(250)),
             const("pads", np.array([0, 0, 1, 2, 0, 0, 2, 1], np.int64))]),
        "int32": (TensorProto.INT32, np.int32, (1, 2, 3, 4), [
            helper.make_node("Add", ["x", "b"], ["a"]),
            helper.make_node("Mul", ["a", "m"], ["s"]),
            helper.make_node("Sub", ["s", "x"], ["q"]),
            helper.make_node("Pad", ["q", "pads"], ["y"], mode="edge")],
            [const("b", np.array([2 ** 30, -7], np.int32).reshape(1, 2, 1, 1)), const("m", np.int32(3)),
             const("pads", np.array([0, 0, 2, 1, 0, 0, 0, 1], np.int64))]),
        "int64": (TensorProto.INT64, np.int64, (2, 5), [
            helper.make_node("Mul", ["x", "m"], ["a"]),
            helper.make_node("Add", ["a", "b"], ["y"])],
            [const("m", np.array([3, -7, 2 ** 40, 1, -1], np.int64)), const("b", np.int64(2 ** 62))]),
        "int8": (TensorProto.INT8, np.int8, (2, 3, 4, 4), [
            helper.make_node("Clip", ["x", "lo"], ["c"]),
            helper.make_node("Reshape", ["c", "shape"], ["r"]),
            helper.make_node("MaxPool", ["r"], ["y"], kernel_shape=[3, 3], pads=[1, 1, 1, 1])],
            [const("lo", np.int8(-100)), const("shape", np.array([2, 3, 2, 8], np.int64))]),
        "float64": (TensorProto.DOUBLE, np.float64, (2, 3, 4), [
            helper.make_node("Mul", ["x", "m"], ["a"]),
            helper.make_node("Sub", ["a", "x"], ["s"]),
            helper.make_node("Add", ["s", "b"], ["y"])],
            [const("m", np.array([1 / 3, 1e300, -2.5, 7], np.float64)), const("b", np.float64(1e-310))]),
    }
    for name, (onnx_type, dtype, shape, nodes, inits) in cases.items():
        g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", onnx_type, list(shape))],
                              [helper.make_tensor_value_info("y", onnx_type, None)], inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
        m.ir_version = 8
        path = os.path.join(d, f"{name}.onnx")
        onnx.save(m, path)
        if dtype == np.float64:
            x = rng.standard_normal((3, *shape)) * 1e3
            c_type = "double"
        else:
            info = np.iinfo(dtype)
            x = rng.integers(info.min, info.max, size=(3, *shape), dtype=dtype, endpoint=True)
            c_type = f"{np.dtype(dtype).name}_t"
        ref, _ = e2e_lib.run_ort(path, x, d, output_dtype=dtype, input_dtype=dtype)
        exe = e2e_lib.compile_model(qnnc, path, os.path.join(d, name))
        got = e2e_lib.run_qnnc_output(exe, x, d, tag=name, output_dtype=dtype, input_dtype=dtype)
        with open(os.path.join(d, name, "model.h")) as f:
            declared = f"MODEL_INPUT0_TYPE {c_type}" in f.read()
        # Bit for bit, float64 too: one rounding per operation either side.
        same = np.array_equal(got.view(np.uint8), ref.view(np.uint8))
        check(f"{name} graph matches ORT exactly", declared and same,
              f"header declares {c_type}: {declared}, {int(np.sum(got != ref))} of {ref.size} differ")
        evaluator_identical(qnnc, path, x, got, d, f"{name} graph")


def several_inputs_and_outputs(qnnc, work):
    """A graph of three inputs (two float32, one int32) and six outputs: a
    convolution of their sum, an int32 product, an input passed through, a
    max pool, the convolution again and the int64 Indices of a padded,
    dilated max pool with storage_order = 1. The generated <name>_run takes
    them in the graph's order; model_main reads records of every input and
    writes every output of each, as ONNX Runtime computes them (the float
    ones to 1e-5, the others exactly), on the portable and the native
    target with 2 threads; the evaluator gives the same bytes. A graph
    without inputs (a Constant) runs once, as does one whose input is an
    empty tensor."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    d = os.path.join(work, "several_inputs_and_outputs")
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    nodes = [helper.make_node("Add", ["x", "b"], ["s"]),
             helper.make_node("Conv", ["s", "w"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["conv"]),
             helper.make_node("Mul", ["n", "n"], ["square"]),
             helper.make_node("MaxPool", ["x"], ["pool"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("MaxPool", ["b"], ["pool2", "where"], kernel_shape=[2, 3], pads=[1, 0, 1, 2],
                              dilations=[2, 1], storage_order=1)]
    inputs = [("x", TensorProto.FLOAT, np.float32, (1, 2, 6, 6)), ("b", TensorProto.FLOAT, np.float32, (1, 2, 6, 6)),
              ("n", TensorProto.INT32, np.int32, (2, 3))]
    outputs = [("conv", TensorProto.FLOAT, np.float32), ("square", TensorProto.INT32, np.int32),
               ("b", TensorProto.FLOAT, np.float32), ("pool", TensorProto.FLOAT, np.float32),
               ("conv", TensorProto.FLOAT, np.float32), ("where", TensorProto.INT64, np.int64)]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, t, list(s)) for n, t, _, s in inputs],
                          [helper.make_tensor_value_info(n, t, None) for n, t, _ in outputs],
                          [numpy_helper.from_array(w, "w")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 8
    path = os.path.join(d, "several.onnx")
    onnx.save(m, path)
    records = 3
    values = [rng.standard_normal((records, *s)).astype(dt) if dt == np.float32 else
              rng.integers(-50000, 50000, size=(records, *s), dtype=dt) for _, _, dt, s in inputs]
    src = os.path.join(d, "in.bin")
    with open(src, "wb") as f:
        for r in range(records):
            for v in values:
                f.write(np.ascontiguousarray(v[r]).tobytes())
    spec = ";".join(f"{np.dtype(dt).name}:{','.join(map(str, s))}" for _, _, dt, s in inputs)
    ort_out = os.path.join(d, "ort.bin")
    e2e_lib.run(["node", os.path.join(e2e_lib.ROOT, "tools", "ort_run.js"), path, src, ort_out, spec])
    ort_bytes = open(ort_out, "rb").read()
    sizes = [len(ort_bytes) // records]

    def split(data):
        """Each record's outputs, as arrays of their types, in order."""
        got, at = [], 0
        for _ in range(records):
            for name, _, dt in outputs:
                count = {"conv": 4 * 36, "square": 6, "b": 72, "pool": 18, "where": 2 * 6 * 6}[name]
                got.append(np.frombuffer(data, dtype=dt, count=count, offset=at))
                at += count * np.dtype(dt).itemsize
        return got, at == len(data)

    ref, whole = split(ort_bytes)
    check("several inputs and outputs: ORT writes them all", whole, f"{len(ort_bytes)} bytes, {sizes[0]} a record")
    for target, threads in (("generic", 1), ("native", 2)):
        out = os.path.join(d, f"{target}_{threads}")
        exe = e2e_lib.compile_model(qnnc, path, out, extra=[f"--target={target}", f"--threads={threads}"])
        with open(os.path.join(out, "model.h")) as f:
            declared = ("void model_run(const float *input0, const float *input1, const int32_t *input2, "
                        "float *output0, int32_t *output1, float *output2, float *output3, float *output4, "
                        "int64_t *output5, void *arena);") in f.read()
        dst = os.path.join(out, "out.bin")
        e2e_lib.run([exe, src, dst])
        got_bytes = open(dst, "rb").read()
        got, whole = split(got_bytes)
        worst = max(e2e_lib.relative_error(g, r) if g.dtype == np.float32 else float(not np.array_equal(g, r))
                    for g, r in zip(got, ref))
        check(f"several inputs and outputs ({target}, {threads} threads) match ORT",
              declared and whole and worst <= 1e-5, f"header as expected: {declared}, worst relative error {worst:.2e}")
        if target == "generic":
            e2e_lib.run([qnnc, path, f"--evaluate={src}", "-o", os.path.join(d, "evaluated.bin")])
            same = open(os.path.join(d, "evaluated.bin"), "rb").read() == got_bytes
            check("several inputs and outputs: qnnc --evaluate = generated code", same, f"{len(got_bytes)} bytes")

    def run_once(name, graph, opset):
        """The graph's generated project built and run on an empty file;
        its output file."""
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
        m.ir_version = 8
        path = os.path.join(d, f"{name}.onnx")
        onnx.save(m, path)
        exe = e2e_lib.compile_model(qnnc, path, os.path.join(d, name))
        dst = os.path.join(d, f"{name}.bin")
        e2e_lib.run([exe, "/dev/null", dst])
        return dst

    k = np.array([[0.5, -3.0], [7.0, 1e-3]], np.float32)
    dst = run_once("constant", helper.make_graph(
        [helper.make_node("Constant", [], ["k"], value=numpy_helper.from_array(k))], "c", [],
        [helper.make_tensor_value_info("k", TensorProto.FLOAT, None)]), 13)
    got = np.fromfile(dst, dtype=np.float32)
    check("a graph without inputs runs once on an empty file", np.array_equal(got, k.ravel()), str(got))

    # Empty tensors through a Reshape (allowzero): the project builds with
    # its zero-element buffers and runs once, writing nothing.
    dst = run_once("empty", helper.make_graph(
        [helper.make_node("Reshape", ["e", "shape"], ["r"], allowzero=1)], "empty",
        [helper.make_tensor_value_info("e", TensorProto.FLOAT, [0, 3, 4])],
        [helper.make_tensor_value_info("r", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(np.array([3, 4, 0], np.int64), "shape")]), 14)
    check("empty tensors build and run", os.path.getsize(dst) == 0, f"{os.path.getsize(dst)} output bytes")


def torchvision_models(qnnc, work):
    """torchvision's resnet18, mobilenet_v2 and squeezenet1_1 (float) and a
    Bi-Real-binarized resnet18, exported by torch.onnx as users export them:
    each compiles, builds and matches ONNX Runtime on random inputs (1e-4
    relative in float; top-1 and 1e-3 binarized). The binarized one runs
    every block convolution on binary kernels (--require-binary), its
    ternary layer4.0.conv1 as two, which report.json names with the reason.
    Its reference is ORT running the graph as written (optimizations
    disabled): ORT's own optimizations fold each BatchNorm into the
    convolution before it, whose rounding moves values that the next Sign
    thresholds, and flip signs (0.09 relative against PyTorch and against
    ORT as written); against that, top-1 must still agree. Their speed
    against ORT: bench/run_bench.py."""
    import torchvision_models as tv
    x = np.random.default_rng(0).standard_normal((4, *tv.SHAPE)).astype(np.float32)
    for name in (*tv.FLOAT_MODELS, tv.BINARIZED):
        d = os.path.join(work, "torchvision_" + name)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name + ".onnx")
        tv.export(name, path)
        binarized = name == tv.BINARIZED
        ref, _ = e2e_lib.run_ort(path, x, d, optimization="disabled" if binarized else "all")
        out = os.path.join(d, "out")
        try:
            exe = e2e_lib.compile_model(qnnc, path, out, extra=["--require-binary"] if binarized else [])
            got = e2e_lib.run_qnnc_output(exe, x, d)
        except RuntimeError as e:
            check(f"torchvision {name}", False, str(e))
            continue
        err = e2e_lib.relative_error(got, ref)
        if not binarized:
            check(f"torchvision {name} vs ORT", err <= 1e-4, f"max relative error {err:.1e}, {len(x)} inputs")
            continue
        same_top1 = bool(np.array_equal(got.argmax(1), ref.argmax(1)))
        check(f"torchvision {name} vs ORT (graph as written)", same_top1 and err <= 1e-3,
              f"top-1 {'equal' if same_top1 else 'differs'}, max relative error {err:.1e}, {len(x)} inputs")
        optimized, _ = e2e_lib.run_ort(path, x, d)
        check(f"torchvision {name} top-1 vs ORT (optimized)", bool(np.array_equal(got.argmax(1), optimized.argmax(1))),
              f"max relative error {e2e_lib.relative_error(got, optimized):.1e} (ORT's BatchNorm folding)")
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        ternary = [(l["name"], l["reason"]) for l in report["ternary_layers"]]
        expected = f"/{tv.TERNARY_LAYER.split('.')[0]}/{tv.TERNARY_LAYER.rsplit('.', 1)[0]}/conv1/Conv"
        check(f"torchvision {name}: the ternary conv named with why, no float block conv",
              len(ternary) == 1 and ternary[0][0] == expected and
              f"output channel {tv.ZERO_AT[0]} has a weight of exactly 0" in ternary[0][1] and
              not report["float_layers"], str(ternary))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qnnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    exported_models(args.qnnc, args.work)
    qonnx_networks(args.qnnc, args.work)
    qdq_int8(args.qnnc, args.work)
    nan_semantics(args.qnnc, args.work)
    ceil_mode_pooling(args.qnnc, args.work)
    pixel_rows_convs(args.qnnc, args.work)
    volumetric_layers(args.qnnc, args.work)
    typed_graphs(args.qnnc, args.work)
    several_inputs_and_outputs(args.qnnc, args.work)
    torchvision_models(args.qnnc, args.work)
    if not os.environ.get("QNNC_E2E_SKIP_SHIPPED"):
        shipped_model(args.qnnc, args.work)
        targets_bit_identical(args.qnnc, args.work)
        device_targets(args.qnnc, args.work)
        object_links_with_c_alone(args.qnnc, args.work)
        microcontroller_fit(args.qnnc, args.work)
        no_heap(args.qnnc, args.work)
        shipped_n2uq(args.qnnc, args.work)
        ptq_fashion_models(args.qnnc, args.work)
        mixed_precision(args.qnnc, args.work)
        huffman_compression(args.qnnc, args.work)
        kernel_clustering(args.qnnc, args.work)
        compressed_rodata(args.qnnc, args.work)
    passed = sum(RESULTS)
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    return 0 if passed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
