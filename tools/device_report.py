#!/usr/bin/python3
"""What a compiled model needs on each device target, measured: qnnc builds
it for the target (the C++ or the LLVM object path), the build runs under
the target's emulator with stack measurement on, and each target's
report.json gets a "measured" section:

- flash: code and constants of the whole program (text + data initializers,
  Berkeley `size` of model_main) and of the model alone (also split into
  .text / .rodata / .data / .bss);
- RAM: the arena (and the rest of .data/.bss) plus the most stack one
  model_run used (stack painting in the harness); without an OS the whole
  program's stack and heap high-water marks (painted RAM read back at exit);
- Cortex-M4: instructions per inference under qemu -icount shift=0 (virtual
  time 1 ns per instruction, read from SysTick): a cycle estimate at one
  cycle per instruction (a Cortex-M4 takes more for loads, branches and
  divides), not a cycle-accurate count;
- whether the outputs are bit-identical to the portable host build.

    /usr/bin/python3 tools/device_report.py --qnnc build/tools/qnnc MODEL.onnx [--targets aarch64,riscv64,cortex-m4]
        [--emit obj|dir] [--flash-bytes 262144 --ram-bytes 65536] [--inputs FILE] [--work DIR]

Inputs: FILE (float32 tensors as model_main reads them) or, for a 28x28
model, the first --count Fashion-MNIST test images.
"""
import argparse
import glob
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

SIZE_TOOL = {"aarch64": "aarch64-linux-gnu-size", "riscv64": "riscv64-linux-gnu-size",
             "cortex-m4": "arm-none-eabi-size"}
RUNNER = {"aarch64": ["qemu-aarch64"], "riscv64": ["qemu-riscv64"]}


def berkeley_size(tool, path):
    """(text, data, bss) of an ELF file or object."""
    out = e2e_lib.run([tool, path]).splitlines()
    text, data, bss = (int(v) for v in out[1].split()[:3])
    return text, data, bss


def object_sections(tool, path):
    """Bytes of an object's code, constants, data and zeroed data, by
    section name (`size -A`)."""
    sizes = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for line in e2e_lib.run([tool, "-A", path]).splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1].isdigit():
            kind = fields[0].lstrip(".").split(".")[0]
            if kind in sizes:
                sizes[kind] += int(fields[1])
    return sizes


def value(log, name):
    m = re.search(rf"^{name} ([0-9.]+)$", log, re.M)
    return float(m.group(1)) if m else None


def measure(qnnc, model, target, emit, inputs, work, flash_bytes=None, ram_bytes=None):
    """Builds `model` for `target` and runs it on `inputs`; returns the
    measured figures and the outputs."""
    out = os.path.join(work, f"{target}_{emit}")
    cmake_args = ["-DQNNC_MEASURE_STACK=ON"]
    if flash_bytes:
        cmake_args.append(f"-DQNNC_FLASH_BYTES={flash_bytes}")
    if ram_bytes:
        cmake_args.append(f"-DQNNC_RAM_BYTES={ram_bytes}")
    exe = e2e_lib.compile_model(qnnc, model, out, cxx=None, flags="", extra=[f"--target={target}", f"--emit={emit}"],
                                cmake_args=cmake_args)
    src, dst = os.path.join(out, "inputs.bin"), os.path.join(out, "outputs.bin")
    inputs.tofile(src)
    if target == "cortex-m4":
        log = e2e_lib.run(e2e_lib.bare_metal_command(exe, src, dst, icount=True))
    else:
        log = e2e_lib.run([*RUNNER.get(target, []), exe, src, dst])
    outputs = np.fromfile(dst, dtype=np.float32).reshape(len(inputs), -1)
    size = SIZE_TOOL.get(target, "size")
    text, data, bss = berkeley_size(size, exe)
    report_path = os.path.join(out, "report.json")
    report = json.load(open(report_path))
    model_object = (os.path.join(out, "model.o") if emit == "obj"  # CMake's object suffix differs by system
                    else glob.glob(os.path.join(out, "build", "CMakeFiles", "model.dir", "model.cpp.o*"))[0])
    mtext, mdata, _ = berkeley_size(size, model_object)
    measured = {
        "how": "tools/device_report.py: " + ("qemu-system-arm -M mps2-an386 -icount shift=0" if target == "cortex-m4"
                                             else " ".join(RUNNER.get(target, ["this host"]))),
        "path": "LLVM object (--emit=obj)" if emit == "obj" else "C++ (the target's GCC)",
        "program_flash_bytes": text + data,
        "program_ram_static_bytes": data + bss,
        "model_flash_bytes": mtext + mdata,
        "model_object_bytes": object_sections(size, model_object),
        "arena_bytes": report["target"]["arena_bytes"],
    }
    if target == "cortex-m4":
        stack, heap = int(value(log, "ram_stack_bytes")), int(value(log, "ram_heap_bytes"))
        measured.update({
            "program_stack_high_water_bytes": stack, "program_heap_bytes": heap,
            "program_ram_bytes": data + bss + heap + stack,
            # 1 ns of virtual time per instruction (-icount shift=0).
            "instructions_per_inference": round(value(log, "model_run_ms_per_run") * 1e6),
            "cycles_per_inference_estimate": "instructions_per_inference at one cycle each: a lower bound",
        })
        if flash_bytes and ram_bytes:
            measured["limits"] = {"flash_bytes": flash_bytes, "ram_bytes": ram_bytes}
    else:
        measured["model_run_stack_high_water_bytes"] = int(value(log, "model_stack_bytes"))
        measured["ram_bytes"] = measured["arena_bytes"] + measured["model_run_stack_high_water_bytes"]
    report["target"]["measured"] = measured
    with open(report_path, "w") as f:
        json.dump(report, f, indent=2)
    return measured, outputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--qnnc", default=os.path.join(e2e_lib.ROOT, "build", "tools", "qnnc"))
    ap.add_argument("--targets", default="aarch64,riscv64,cortex-m4")
    ap.add_argument("--emit", default="obj", choices=("obj", "dir"))
    ap.add_argument("--flash-bytes", type=int, help="Cortex-M4: link for this much flash")
    ap.add_argument("--ram-bytes", type=int, help="Cortex-M4: link for this much RAM")
    ap.add_argument("--inputs", help="float32 input tensors (default: Fashion-MNIST test images)")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--work", default=os.path.join(e2e_lib.ROOT, "build", "device_report"))
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    if args.inputs:
        inputs = np.fromfile(args.inputs, dtype=np.float32)
    else:
        inputs = e2e_lib.fashion_test_set()[0][:args.count]
    host = e2e_lib.compile_model(args.qnnc, args.model, os.path.join(args.work, "generic"), extra=["--target=generic"])
    header = open(os.path.join(args.work, "generic", "model.h")).read()
    inputs = inputs.reshape(-1, int(re.search(r"MODEL_INPUT0_SIZE (\d+)", header).group(1)))
    expected = e2e_lib.run_qnnc_output(host, inputs, args.work, "generic")
    for target in args.targets.split(","):
        measured, got = measure(args.qnnc, args.model, target, args.emit, inputs, args.work, args.flash_bytes,
                                args.ram_bytes)
        same = np.array_equal(got.view(np.uint32), expected.view(np.uint32))
        print(f"{target} ({measured['path']}): " + ", ".join(f"{k} {v}" for k, v in measured.items()
                                                           if k not in ("how", "path", "limits",
                                                                        "cycles_per_inference_estimate"))
              + f"; outputs {'bit-identical' if same else 'DIFFERENT'} to the host's on {len(inputs)} inputs")
        if not same:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
