#!/usr/bin/python3
"""qnnc vs ONNX Runtime, same ONNX files, same inputs, one thread each, in
the same run; plus this core's measured peaks and callgrind instruction
counts (repeatable on a noisy machine).

    /usr/bin/python3 bench/run_bench.py [--qnnc build/tools/qnnc] [--target native]
"""
import argparse
import importlib.util
import os
import re
import subprocess
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import e2e_lib  # noqa: E402
import onnx  # noqa: E402
import qonnx_reference  # noqa: E402


def measure_peaks(work, target):
    exe = os.path.join(work, "peak")
    arch = {"x86-64-v3": "-march=x86-64-v3", "x86-64-v4": "-march=x86-64-v4 -mavx512vpopcntdq"}.get(target, "")
    e2e_lib.run(["g++", "-O3", "-std=c++17", *arch.split(), os.path.join(HERE, "peak.cpp"), "-o", exe])
    # The best of five runs: a run that shares its core for a moment reads
    # low, and a low peak would overstate every "of limit" figure.
    binary = fp32 = 0.0
    for _ in range(5):
        out = e2e_lib.run([exe])
        binary = max(binary, float(re.search(r"binary_peak_macs_per_s (\S+)", out).group(1)))
        fp32 = max(fp32, float(re.search(r"fp32_peak_macs_per_s (\S+)", out).group(1)))
    isa = re.search(r"\((.*)\)", out).group(1)
    return binary, fp32, isa


def probe_cores(work):
    """Cross-core round trip (ns) and each core's time on a fixed loop
    (ms): what a 2-thread run can get from this machine right now."""
    exe = os.path.join(work, "cores")
    if not os.path.exists(exe):
        e2e_lib.run(["g++", "-O2", "-std=c++17", "-pthread", os.path.join(HERE, "cores.cpp"), "-o", exe])
    out = e2e_lib.run([exe])
    values = dict(re.findall(r"(\w+) ([0-9.]+)", out))
    return float(values["cross_core_round_trip_ns"]), float(values["core0_ms"]), float(values["core1_ms"])


def time_qnnc(exe, x, work, repeats):
    """Mean time of model_run as the harness measures it (file I/O excluded,
    like ORT's session.run timing)."""
    src = os.path.join(work, "bench_in.bin")
    np.repeat(x, repeats, axis=0).astype(np.float32).tofile(src)
    dst = os.path.join(work, "bench_out.bin")
    out = e2e_lib.run([exe, src, dst], env=dict(os.environ, QNNC_TIMING="1"))
    ms = float(re.search(r"model_run_ms_per_run ([0-9.]+)", out).group(1))
    return ms, np.fromfile(dst, dtype=np.float32).reshape(repeats, -1)[0]


def callgrind_instructions(exe, x, work):
    src = os.path.join(work, "cg_in.bin")
    x.astype(np.float32).tofile(src)
    out = os.path.join(work, "callgrind.out")
    p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", exe, src,
                        os.path.join(work, "cg_out.bin")], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    m = re.search(r"Collected : (\d+)", p.stdout)
    return int(m.group(1)) if m else None


def op_profile(qnnc, onnx_path, shape, target, work, repeats):
    """Per-kernel shares of model_run from a build with QNNC_PROFILE=ON
    (each op timed by the generated code's profiling marks)."""
    exe = e2e_lib.compile_model(qnnc, onnx_path, os.path.join(work, "profiled"), flags="-O3",
                                extra=[f"--target={target}"], cmake_args=["-DQNNC_PROFILE=ON"])
    x = np.random.default_rng(0).standard_normal((repeats, *shape)).astype(np.float32)
    src = os.path.join(work, "profile_in.bin")
    x.tofile(src)
    out = e2e_lib.run([exe, src, os.path.join(work, "profile_out.bin")], env=dict(os.environ, QNNC_PROFILE="1"))
    by_kernel = {}
    for ms, kernel in re.findall(r"op_profile \d+ ([0-9.]+) [0-9.]+% (\S+)", out):
        by_kernel[kernel] = by_kernel.get(kernel, 0.0) + float(ms)
    return sorted(by_kernel.items(), key=lambda kv: -kv[1])


def alternate_builds(qnnc, onnx_path, shape, work, repeats, builds, rounds=5):
    """model_run time of each build of one model ({name: qnnc flags}; same
    run, alternating, best of `rounds` each: this machine's speed changes
    from minute to minute) and whether all outputs are bit-identical."""
    x = np.random.default_rng(0).standard_normal((1, *shape)).astype(np.float32)
    times, outputs = {}, {}
    exes = {name: e2e_lib.compile_model(qnnc, onnx_path, os.path.join(work, name), flags="-O3", extra=extra)
            for name, extra in builds.items()}
    for _ in range(rounds):
        for name, exe in exes.items():
            ms, out = time_qnnc(exe, x, os.path.join(work, name), repeats)
            times[name] = min(times.get(name, ms), ms)
            outputs[name] = out
    first = next(iter(outputs.values()))
    return times, all(np.array_equal(first.view(np.uint32), o.view(np.uint32)) for o in outputs.values())


def shipped_module(name, cls):
    """An untrained instance of a shipped model's class, from its training
    script (models/NAME/train.py)."""
    spec = importlib.util.spec_from_file_location(name + "_train", os.path.join(HERE, "..", "models", name, "train.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return getattr(script, cls)()


def torchvision_macs(model, tv):
    """(binary MACs, fp32 MACs) of one inference of a torchvision model:
    SignConv's convolutions binary (they call F.conv2d, not their module),
    every other Conv2d / Linear float."""
    import torch
    counts = {"binary": 0, "float": 0}
    hooks = []
    for m in model.modules():
        kind = ("binary" if isinstance(m, tv.SignConv) else
                "float" if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear)) else None)
        if kind:
            weight = m.conv.weight if kind == "binary" else m.weight
            hooks.append(m.register_forward_hook(
                lambda mod, inp, out, kind=kind, per_out=weight[0].numel(): counts.__setitem__(
                    kind, counts[kind] + out.numel() * per_out)))
    with torch.no_grad():
        model.eval()(torch.zeros(*tv.SHAPE))
    for h in hooks:
        h.remove()
    return counts["binary"], counts["float"]


def bench_model(name, onnx_path, shape, qnnc, target, work, repeats, macs, ort_model=None):
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    exe = e2e_lib.compile_model(qnnc, onnx_path, os.path.join(d, "out"), flags="-O3", extra=[f"--target={target}"])
    x = np.random.default_rng(0).standard_normal((1, 1, *shape)).astype(np.float32)  # one input of [1, *shape]
    # Best of five invocations on both sides: this machine's speed drifts
    # within minutes, and a drift during one invocation is not the code's.
    qnnc_ms, got = time_qnnc(exe, x, d, repeats)
    ref, ort_ms = e2e_lib.run_ort(ort_model or onnx_path, np.repeat(x, repeats, axis=0), d)
    for _ in range(4):
        qnnc_ms = min(qnnc_ms, time_qnnc(exe, x, d, repeats)[0])
        ort_ms = min(ort_ms, e2e_lib.run_ort(ort_model or onnx_path, np.repeat(x, repeats, axis=0), d)[1])
    err = e2e_lib.relative_error(got[None], ref[:1])
    # valgrind stops at the first AVX-512 instruction: count an AVX2 build
    # of the same model instead (the column says which ISA was counted).
    counted = exe
    if target == "x86-64-v4":
        counted = e2e_lib.compile_model(qnnc, onnx_path, os.path.join(d, "out_counted"), flags="-O3",
                                        extra=["--target=x86-64-v3"])
    instructions = callgrind_instructions(counted, x, d)
    return {"name": name, "qnnc_ms": qnnc_ms, "ort_ms": ort_ms, "err": err, "instructions": instructions,
            "macs": macs, "report": open(os.path.join(d, "out", "report.txt")).read()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qnnc", default=os.path.join(HERE, "..", "build", "tools", "qnnc"))
    ap.add_argument("--target", default="native")
    ap.add_argument("--work", default=os.path.join(HERE, "..", "build", "bench"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    target = e2e_lib.run([args.qnnc, "--print-target", args.target]).strip()
    warnings.filterwarnings("ignore")
    import torch
    import models
    import qdq
    torch.manual_seed(0)

    bin_peak, fp_peak, isa = measure_peaks(args.work, target)
    print(f"target {target}; measured peaks on one core: xnor+popcount+add {bin_peak:.3g} binary MACs/s ({isa}), "
          f"fp32 multiply-add {fp_peak:.3g} MACs/s\n")

    results = []
    resnet = models.BiReal18()
    path = os.path.join(args.work, "bireal18.onnx")
    models.export(resnet, (1, 3, 224, 224), path)
    results.append(bench_model("bireal18_224", path, (3, 224, 224), args.qnnc, target, args.work, 20,
                               models.macs(resnet, (1, 3, 224, 224))))
    # W1A2 / W2A2: the same network with 2-bit N2UQ activations (two bit
    # planes per binary conv) and binary or 2-bit weights (one or two +-1
    # weight planes). Their ONNX holds QONNX MultiThreshold, which ORT cannot
    # run, so ORT runs the QONNX spec written as standard ops.
    for weight_bits in (1, 2):
        name = f"bireal18_w{weight_bits}a2"
        net = models.BiReal18(act_bits=2, weight_bits=weight_bits)
        net_path = os.path.join(args.work, name + ".onnx")
        models.export(net, (1, 3, 224, 224), net_path)
        ref_path = qonnx_reference.save_as_standard_onnx(net_path, os.path.join(args.work, name + "_reference.onnx"))
        bmacs, fmacs = models.macs(net, (1, 3, 224, 224))
        results.append(bench_model(name + "_224", net_path, (3, 224, 224), args.qnnc, target, args.work, 20,
                                   (2 * weight_bits * bmacs, fmacs), ort_model=ref_path))
    # ORT's int8 path on the same architecture: every Conv / Gemm in QDQ.
    int8_path = os.path.join(args.work, "bireal18_int8_qdq.onnx")
    onnx.save(qdq.to_qdq(onnx.load(path)), int8_path)
    x = np.random.default_rng(0).standard_normal((20, 1, 3, 224, 224)).astype(np.float32)
    ort_int8_ms = min(e2e_lib.run_ort(int8_path, x, args.work)[1] for _ in range(5))
    # The single layers: 256->256 at 14x14 and 28x28 (binary and
    # float), 64->64 at 56x56 (binary).
    for channels, hw, kinds in ((256, 14, (True, False)), (256, 28, (True, False)), (64, 56, (True,))):
        for binary in kinds:
            layer = models.BinaryLayer(channels, binary)
            name = f"conv{channels}_{hw}x{hw}_{'binary' if binary else 'float'}"
            path = os.path.join(args.work, name + ".onnx")
            models.export(layer, (1, channels, hw, hw), path)
            results.append(bench_model(name, path, (channels, hw, hw), args.qnnc, target, args.work, 50,
                                       models.macs(layer, (1, channels, hw, hw))))

    # The shipped Fashion-MNIST models (the main job's, 28x28): small images,
    # where per-row and per-call costs show (a max-pool regression once showed
    # only there). MACs from their training scripts' modules; the N2UQ model's
    # binary convolutions read 2 activation planes.
    for name, module, planes in (("fashion_bnn", "FashionBNN", 1), ("fashion_n2uq", "FashionN2UQ", 2)):
        path = os.path.join(HERE, "..", "models", name, name + ".onnx")
        bmacs, fmacs = models.macs(shipped_module(name, module), (1, 1, 28, 28))
        ref_path = (qonnx_reference.save_as_standard_onnx(path, os.path.join(args.work, name + "_reference.onnx"))
                    if planes > 1 else None)
        results.append(bench_model(name + "_28", path, (1, 28, 28), args.qnnc, target, args.work, 200,
                                   (planes * bmacs, fmacs), ort_model=ref_path))

    # torchvision's models as users export them (random weights; the e2e
    # test's exports): float, and resnet18 binarized Bi-Real style, whose
    # ORT reference is ORT's optimized graph (BatchNorm folding moves its
    # outputs: see test/e2e/run_e2e.py torchvision_models).
    sys.path.insert(0, os.path.join(HERE, "..", "test", "e2e"))
    import torchvision
    import torchvision_models as tv
    for name in (*tv.FLOAT_MODELS, tv.BINARIZED):
        path = os.path.join(args.work, f"tv_{name}.onnx")
        tv.export(name, path)
        module = tv.bireal_resnet18() if name == tv.BINARIZED else getattr(torchvision.models, name)()
        results.append(bench_model(f"tv_{name}", path, tv.SHAPE[1:], args.qnnc, target, args.work, 5,
                                   torchvision_macs(module, tv)))

    counted_isa = "x86-64-v3" if target == "x86-64-v4" else target
    print(f"instr: callgrind instructions of one inference, {counted_isa} build")
    print(f"{'model':24} {'qnnc ms':>9} {'ORT ms':>9} {'ORT/qnnc':>9} {'rel.err':>9} {'instr':>14} "
          f"{'limit ms':>9} {'of limit':>9}")
    for r in results:
        bmacs, fmacs = r["macs"]
        limit_ms = (bmacs / bin_peak + fmacs / fp_peak) * 1e3
        print(f"{r['name']:24} {r['qnnc_ms']:9.3f} {r['ort_ms']:9.3f} {r['ort_ms'] / r['qnnc_ms']:9.2f} "
              f"{r['err']:9.1e} {r['instructions'] or 0:14,d} {limit_ms:9.3f} {limit_ms / r['qnnc_ms']:9.1%}")
    print()
    for r in results:
        bmacs, fmacs = r["macs"]
        if bmacs:
            rate = bmacs / (r["qnnc_ms"] / 1e3)
            print(f"{r['name']}: {bmacs / 1e6:.0f}M binary MACs, {fmacs / 1e6:.0f}M fp32 MACs; binary part at "
                  f"{rate:.3g} MACs/s = {rate / bin_peak:.1%} of the measured xnor-popcount peak (whole model time)")
        arena = re.search(r"arena bytes: (\d+)", r["report"]).group(1)
        bound = re.search(r"lower bound bytes: (\d+)", r["report"]).group(1)
        print(f"  arena {arena} bytes, liveness lower bound {bound} bytes")
    bireal = os.path.join(args.work, "bireal18.onnx")
    shares = op_profile(args.qnnc, bireal, (3, 224, 224), target, os.path.join(args.work, "bireal18_224"), 5)
    total = sum(ms for _, ms in shares)
    print(f"\nbireal18_224 time by kernel (QNNC_PROFILE build, {total:.3f} ms per run):")
    for kernel, ms in shares:
        print(f"  {kernel:32} {ms:8.3f} ms {ms / total:6.1%}")
    # The LLVM path (--emit=obj: the object LLVM makes for the target, linked
    # by the C compiler) against the C++ path built by g++.
    for name, shape in (("bireal18", (3, 224, 224)), ("fashion_bnn", (1, 28, 28)), ("fashion_n2uq", (1, 28, 28))):
        path = bireal if name == "bireal18" else os.path.join(HERE, "..", "models", name, name + ".onnx")
        times, identical = alternate_builds(args.qnnc, path, shape, os.path.join(args.work, name + "_paths"),
                                            20 if name == "bireal18" else 200,
                                            {"cpp": [f"--target={target}"],
                                             "llvm_obj": [f"--target={target}", "--emit=obj"]})
        print(f"{name} LLVM path (--emit=obj) {times['llvm_obj']:.3f} ms vs C++ path (g++) {times['cpp']:.3f} ms: "
              f"{times['llvm_obj'] / times['cpp']:.2f}x the C++ time, outputs "
              f"{'bit-identical' if identical else 'DIFFERENT'}")
    before = probe_cores(args.work)
    times, identical = alternate_builds(args.qnnc, bireal, (3, 224, 224), os.path.join(args.work, "bireal18_224"),
                                        20, {"threads1": [f"--target={target}"],
                                             "threads2": [f"--target={target}", "--threads=2"]})
    after = probe_cores(args.work)
    t1, t2 = times["threads1"], times["threads2"]
    speedup = t1 / t2
    # Amdahl on 2 threads: S = 1 / (f + (1 - f) / 2), so f = 2 / S - 1; only
    # meaningful for 1 <= S <= 2.
    serial = f"{2 / speedup - 1:.1%}" if 1 <= speedup <= 2 else "undefined (S outside 1..2)"
    print(f"bireal18_224 --threads 2: {t2:.3f} ms vs {t1:.3f} ms on 1 thread = {speedup:.2f}x, outputs "
          f"{'bit-identical' if identical else 'DIFFERENT'}; Amdahl serial fraction 2/S - 1 = {serial}")
    # A shared (slower) core or a far one bounds the speed-up whatever the
    # code does: the probe says which the run had.
    for when, (trip, c0, c1) in (("before", before), ("after", after)):
        print(f"  cores {when}: cross-core round trip {trip:.0f} ns; fixed loop {c0:.0f} ms on core 0, "
              f"{c1:.0f} ms on core 1 (slower core {max(c0, c1) / min(c0, c1):.2f}x)")
    print(f"\nORT int8 (QDQ -> QLinearConv) on the ResNet-18 shape: {ort_int8_ms:.3f} ms")
    for r in results[:3]:
        print(f"  {r['name']}: qnnc {r['qnnc_ms']:.3f} ms = {ort_int8_ms / r['qnnc_ms']:.2f}x ORT int8")


if __name__ == "__main__":
    main()
