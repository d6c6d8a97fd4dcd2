#!/usr/bin/python3
"""Compiles the shipped models (models/fashion_bnn, binary; models/fashion_n2uq,
W1A2 N2UQ) with qnnc, runs them and ONNX Runtime on the 10,000 Fashion-MNIST
test images (batch 1, single thread) and prints accuracy, agreement and the
speed ratio."""
import argparse
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402


def demo(qnnc, work, name, ort_model_for):
    """Compiles models/NAME/NAME.onnx, runs it on the 10,000 test images and
    compares with ONNX Runtime running ort_model_for(model)."""
    model = os.path.join(e2e_lib.ROOT, "models", name, name + ".onnx")
    work = os.path.join(work, name)
    os.makedirs(work, exist_ok=True)
    outdir = os.path.join(work, "out")
    print(f"== qnnc {model} -o {outdir}")
    exe = e2e_lib.compile_model(qnnc, model, outdir, cxx="g++", flags="-O3", extra=["--target=native"])
    images, labels = e2e_lib.fashion_test_set()
    src = os.path.join(work, "images.bin")
    images.tofile(src)
    timing = e2e_lib.run([exe, src, os.path.join(work, "qnnc_out.bin")], env=dict(os.environ, QNNC_TIMING="1"))
    qnnc_ms = float(re.search(r"model_run_ms_per_run ([0-9.]+)", timing).group(1))
    got = np.fromfile(os.path.join(work, "qnnc_out.bin"), dtype=np.float32).reshape(len(images), -1)
    ref, ort_ms = e2e_lib.run_ort(ort_model_for(model, work), images, work)
    acc_q = float(np.mean(got.argmax(1) == labels))
    acc_o = float(np.mean(ref.argmax(1) == labels))
    agree = float(np.mean(got.argmax(1) == ref.argmax(1)))
    report = open(os.path.join(outdir, "report.txt")).read()
    print(f"images:               {len(images)}")
    print(f"qnnc accuracy:        {acc_q:.4f}")
    print(f"ONNX Runtime accuracy:{acc_o:.4f}")
    print(f"same class as ORT:    {agree:.4%}")
    print(f"max relative error:   {e2e_lib.relative_error(got, ref):.2e}")
    print(report, end="")
    print(f"qnnc ms/image:        {qnnc_ms:.4f} (model_run only, 1 thread)")
    print(f"ORT ms/image:         {ort_ms:.4f} (session.run only, 1 thread)")
    print(f"speed ratio ORT/qnnc: {ort_ms / qnnc_ms:.2f}x\n")


def qonnx_as_standard(model, work):
    """ORT cannot run QONNX ops: it runs the spec written as standard ops."""
    import qonnx_reference
    return qonnx_reference.save_as_standard_onnx(model, os.path.join(work, "reference.onnx"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qnnc", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    demo(args.qnnc, args.work, "fashion_bnn", lambda model, work: model)
    demo(args.qnnc, args.work, "fashion_n2uq", qonnx_as_standard)


if __name__ == "__main__":
    main()
