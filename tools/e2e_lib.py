"""Shared helpers for qnnc's end-to-end tests and demo: compile a model with
qnnc, build the generated project, run it and ONNX Runtime on the same
inputs."""
import gzip
import os
import re
import shutil
import struct
import subprocess

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION = "/usr/share/datasets/fashion-mnist"


def run(cmd, **kw):
    """Runs a command, raising with its output when it fails."""
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stdout}")
    return p.stdout


def compile_model(qnnc, model, outdir, cxx="g++", flags="-Wall -Wextra -Werror", extra=(), ldflags="",
                  cmake_args=()):
    """qnnc MODEL -o OUTDIR, then builds OUTDIR alone; returns model_main's path.
    `cxx` (and the C compiler of its family, for the harness) builds it;
    None: the target's toolchain file or CMake's default. `flags` go to both
    languages."""
    shutil.rmtree(outdir, ignore_errors=True)
    run([qnnc, model, "-o", outdir, *extra])
    build = os.path.join(outdir, "build")
    compilers = []
    if cxx:
        cc = cxx.replace("clang++", "clang").replace("g++", "gcc")
        compilers = [f"-DCMAKE_CXX_COMPILER={cxx}", f"-DCMAKE_C_COMPILER={cc}"]
    run(["cmake", "-S", outdir, "-B", build, "-G", "Ninja", *compilers,
         f"-DCMAKE_CXX_FLAGS={flags}", f"-DCMAKE_C_FLAGS={flags}", f"-DCMAKE_EXE_LINKER_FLAGS={ldflags}",
         "-DCMAKE_BUILD_TYPE=Release", *cmake_args])
    run(["cmake", "--build", build])
    return os.path.join(build, "model_main")


def input_array(inputs, dtype=None):
    """`inputs` as the model reads them: as `dtype` if given, else integer
    arrays in their own type and anything else as float32."""
    if dtype is None:
        dtype = inputs.dtype if np.issubdtype(inputs.dtype, np.integer) else np.float32
    return np.ascontiguousarray(inputs, dtype=dtype)


def run_qnnc_output(model_main, inputs, workdir, tag="qnnc", env=None, runner=(), output_dtype=np.float32,
                    input_dtype=None):
    """Runs the harness (through `runner`, e.g. qemu) on inputs [count, ...]
    (as input_array makes them); returns outputs [count, -1] of
    `output_dtype`."""
    src = os.path.join(workdir, f"{tag}_in.bin")
    dst = os.path.join(workdir, f"{tag}_out.bin")
    input_array(inputs, input_dtype).tofile(src)
    run([*runner, model_main, src, dst], env=env)
    return np.fromfile(dst, dtype=output_dtype).reshape(len(inputs), -1)


def bare_metal_command(model_main, src, dst, icount=False):
    """qemu-system-arm running a Cortex-M4 harness (--target=cortex-m4, built
    with its toolchain file) on the MPS2 AN386 board, files over
    semihosting; with `icount`, virtual time advances 1 ns per instruction
    (-icount shift=0), so the harness's times count instructions."""
    return ["qemu-system-arm", "-M", "mps2-an386", *(["-icount", "shift=0"] if icount else []), "-nographic",
            "-monitor", "none", "-serial", "none", "-semihosting-config",
            f"enable=on,target=native,arg=model_main,arg={os.path.abspath(src)},arg={os.path.abspath(dst)}",
            "-kernel", model_main]


def run_bare_metal(model_main, inputs, workdir, tag):
    """Runs a Cortex-M4 harness on qemu's MPS2 AN386 board; returns outputs
    [count, -1]."""
    src = os.path.join(workdir, f"{tag}_in.bin")
    dst = os.path.join(workdir, f"{tag}_out.bin")
    np.ascontiguousarray(inputs, dtype=np.float32).tofile(src)
    run(bare_metal_command(model_main, src, dst))
    return np.fromfile(dst, dtype=np.float32).reshape(len(inputs), -1)


C_SIZES = {"float": 4, "int32_t": 4, "uint32_t": 4, "int16_t": 2, "uint16_t": 2, "int8_t": 1, "uint8_t": 1,
           "uint64_t": 8}


def weight_array_bytes(cpp_path):
    """Bytes of the weight arrays in a generated model.cpp: those the
    emitter names *_bits, *_weights and *_weight_offsets."""
    with open(cpp_path) as f:
        source = f.read()
    return sum(C_SIZES[t] * int(n) for t, name, n in re.findall(r"(?:static|extern) const (\w+) (\w+)\[(\d+)\]", source)
               if re.search(r"_(bits|weights|weight_offsets)(_\d+)?$", name))


def binary_weight_bytes(cpp_path):
    """Bytes of the binary weights in a generated model.cpp: packed words
    (*_bits) or their Huffman code (*_bits stream, *_huffman_counts,
    *_huffman_symbols)."""
    with open(cpp_path) as f:
        source = f.read()
    return sum(C_SIZES[t] * int(n) for t, n in
               re.findall(r"(?:static|extern) const (\w+) \w+_(?:bits|huffman_counts|huffman_symbols)\[(\d+)\]", source))


def run_ort(model, inputs, workdir, optimization="all", output_dtype=np.float32, input_dtype=None):
    """ONNX Runtime, single thread, at graph `optimization` level (disabled:
    the graph as written), on inputs [count, ...] (as input_array makes
    them); returns (outputs [count, -1] of `output_dtype`, ms per run)."""
    src = os.path.join(workdir, "ort_in.bin")
    dst = os.path.join(workdir, "ort_out.bin")
    array = input_array(inputs, input_dtype)
    array.tofile(src)
    shape = ",".join(str(d) for d in inputs.shape[1:])
    out = run(["node", os.path.join(ROOT, "tools", "ort_run.js"), model, src, dst, shape],
              env=dict(os.environ, ORT_GRAPH_OPTIMIZATION=optimization, ORT_INPUT_TYPE=str(array.dtype)))
    ms = float(re.search(r"ort_ms_per_run ([0-9.]+)", out).group(1))
    return np.fromfile(dst, dtype=output_dtype).reshape(len(inputs), -1), ms


def relative_error(got, ref):
    """max |got - ref| / max |ref| over the whole output."""
    return float(np.max(np.abs(got - ref)) / max(float(np.max(np.abs(ref))), 1e-30))


def read_idx(path):
    """An idx (MNIST-format) array from a gzipped file."""
    with gzip.open(path, "rb") as f:
        magic = struct.unpack(">I", f.read(4))[0]
        ndim = magic & 0xFF
        shape = struct.unpack(">" + "I" * ndim, f.read(4 * ndim))
        return np.frombuffer(f.read(), dtype=np.uint8).reshape(shape)


def fashion_split(split):
    """Fashion-MNIST 'train' or 'test' images as [N, 1, 28, 28] float32 in
    [0, 1], and their labels."""
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(FASHION, f"{prefix}-images-idx3-ubyte.gz")).astype(np.float32) / 255.0
    y = read_idx(os.path.join(FASHION, f"{prefix}-labels-idx1-ubyte.gz")).astype(np.int64)
    return x[:, None], y


def fashion_test_set():
    """The 10,000 test images as [N, 1, 1, 28, 28]: one model input each."""
    x, y = fashion_split("test")
    return x[:, None], y
