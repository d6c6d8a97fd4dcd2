#!/usr/bin/env python3
"""The ONNX backend conformance suite (Debian's libonnx-testdata: node,
simple, pytorch-converted, pytorch-operator) against qnnc.

A test is in scope when every node of its model is an operator qnnc reads
(`qnnc --list-ops`). Its model then runs with the test's own tensors: the
first input stays the model's input, of whatever element type, every other
input becomes an initializer holding the test's value, and qnnc's
evaluator (byte-identical to the generated code, e2e) computes the outputs
of each data set from the input's own bytes (a model without inputs: from
none), which must match the test's expected outputs, every one in order:
read as the expected element types, integers exactly,
floats to relative 1e-4, absolute 1e-5, NaN where it has NaN. An in-scope model qnnc cannot compile must get one line
`qnnc: error: ...` and exit 1. No test may give a wrong result, crash, or
say more than one line.

The README's operator table is this runner's output (--update-readme
rewrites it, --check-readme fails when it differs), never written by hand.

With --sanitize, the generated code of every passing test's model and of
the shipped models is built once with ASan and UBSan and run on NaN,
+-Inf, +-FLT_MAX, denormal and mixed inputs (sanitized_extremes.py).

  run_conformance.py --qnnc build/tools/qnnc --work DIR [--sanitize]
                     [--check-readme README.md | --update-readme README.md]
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys

import numpy as np
import onnx
from onnx import numpy_helper

import sanitized_extremes

DATA = "/usr/include/onnx/backend/test/data"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SUITES = ("node", "simple", "pytorch-converted", "pytorch-operator")
BEGIN = "<!-- conformance table: test/conformance/run_conformance.py --update-readme writes it -->"
END = "<!-- end of conformance table -->"


def op_name(node):
    return node.op_type if node.domain in ("", "ai.onnx") else f"{node.domain}:{node.op_type}"


def has_subgraph(model):
    return any(a.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
               for n in model.graph.node for a in n.attribute)


def default_opset(model):
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def data_sets(test_dir, model):
    """[(inputs by graph input name, expected outputs in order)] of the test;
    None when they are not tensors (sequences, optionals)."""
    initialized = {t.name for t in model.graph.initializer}
    inputs = [i.name for i in model.graph.input if i.name not in initialized]
    sets = []
    for d in sorted(glob.glob(os.path.join(test_dir, "test_data_set_*"))):
        read = lambda kind: [numpy_helper.to_array(onnx.load_tensor(f))
                             for f in sorted(glob.glob(os.path.join(d, f"{kind}_*.pb")),
                                             key=lambda p: int(re.search(r"_(\d+)\.pb$", p).group(1)))]
        try:
            values, expected = read("input"), read("output")
        except (ValueError, onnx.onnx_cpp2py_export.checker.ValidationError, TypeError):
            return None
        if len(values) != len(inputs):
            return None
        sets.append((dict(zip(inputs, values)), expected))
    return sets


def freeze(model, keep, values):
    """The model with every graph input but `keep` an initializer of the
    test's value."""
    frozen = onnx.ModelProto()
    frozen.CopyFrom(model)
    graph = frozen.graph
    # Before IR version 4 every initializer is also a graph input.
    kept = [i for i in graph.input if i.name == keep or i.name not in values or frozen.ir_version < 4]
    for name, value in values.items():
        if name != keep:
            graph.initializer.append(numpy_helper.from_array(value, name))
    del graph.input[:]
    graph.input.extend(kept)
    return frozen


def matches(got, expected):
    if got.size != expected.size:
        return False
    expected = expected.ravel()
    if not np.issubdtype(expected.dtype, np.floating):
        return bool(np.array_equal(got, expected))
    nan = np.isnan(expected)
    return bool(np.array_equal(nan, np.isnan(got)) and
                np.allclose(got[~nan], expected[~nan], rtol=1e-4, atol=1e-5))


def run_test(qnnc, test_dir, model, work, keep_as):
    """(outcome, detail): outcome is pass, wrong, rejected or unclean. A
    passing test's model (its first data set's) is kept at `keep_as`."""
    sets = data_sets(test_dir, model)
    # The first input (qnnc says what it makes of its type).
    keep = (list(sets[0][0]) or [None])[0]
    path = os.path.join(work, "model.onnx")
    first = freeze(model, keep, sets[0][0])
    onnx.save(first, path)
    src, dst = os.path.join(work, "in.bin"), os.path.join(work, "out.bin")
    for values, expected in sets:
        # A second data set of other frozen values needs its own model.
        if values is not sets[0][0]:
            onnx.save(freeze(model, keep, values), path)
        x = values[keep] if keep else np.zeros(0, np.float32)
        np.ascontiguousarray(x).tofile(src)
        p = subprocess.run([qnnc, path, "--evaluate", src, "-o", dst], capture_output=True, text=True)
        lines = p.stderr.strip().splitlines()
        if p.returncode != 0:
            clean = p.returncode == 1 and len(lines) == 1 and lines[0].startswith("qnnc: error: ")
            return ("rejected" if clean else "unclean"), (lines[0] if clean else f"exit {p.returncode}: {p.stderr[-400:]}")
        # The outputs' bytes, one after another, as the element types the
        # test expects.
        data = open(dst, "rb").read()
        if len(data) != sum(e.nbytes for e in expected):
            return "wrong", f"{len(data)} output bytes, expected {sum(e.nbytes for e in expected)}"
        at = 0
        for k, e in enumerate(expected):
            got = np.frombuffer(data, dtype=e.dtype, count=e.size, offset=at)
            at += e.nbytes
            if not matches(got, e):
                return "wrong", f"output {k} differs"
    onnx.save(first, keep_as)
    return "pass", ""


def reason_class(detail):
    """A rejection's diagnostic without its file and node."""
    return re.sub(r"^qnnc: error: [^:]*: (node '[^']*' \([^)]*\): |graph '[^']*': )?", "", detail)


def table(results):
    """The README's table: per supported operator, the opsets of its
    in-scope tests and how many pass and are rejected."""
    rows = collections.OrderedDict()
    for r in results:
        for op in r["ops"]:
            row = rows.setdefault(op, {"opsets": set(), "pass": 0, "rejected": 0})
            row["opsets"].add(r["opset"])
            row["pass" if r["outcome"] == "pass" else "rejected"] += 1
    lines = ["| operator | opsets of its tests | tests | pass | rejected |", "|---|---|---|---|---|"]
    for op in sorted(rows):
        row = rows[op]
        opsets = sorted(row["opsets"])
        span = f"{opsets[0]}" if len(opsets) == 1 else f"{opsets[0]}–{opsets[-1]}"
        lines.append(f"| {op} | {span} | {row['pass'] + row['rejected']} | {row['pass']} | {row['rejected']} |")
    total = collections.Counter(r["outcome"] for r in results)
    lines.append("")
    lines.append(f"{len(results)} tests in scope: {total['pass']} pass, {total['rejected']} rejected with one "
                 f"diagnostic line, {total['wrong']} wrong, {total['unclean']} crashed or unclean.")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qnnc", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--check-readme")
    ap.add_argument("--update-readme")
    ap.add_argument("--sanitize", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    passing = os.path.join(args.work, "passing")
    os.makedirs(passing, exist_ok=True)
    supported = set(subprocess.run([args.qnnc, "--list-ops"], capture_output=True, text=True,
                                   check=True).stdout.split())
    results = []
    for suite in SUITES:
        for test_dir in sorted(glob.glob(os.path.join(DATA, suite, "*"))):
            model_path = os.path.join(test_dir, "model.onnx")
            if not os.path.exists(model_path):
                continue
            model = onnx.load(model_path)
            ops = sorted({op_name(n) for n in model.graph.node})
            if not ops or has_subgraph(model) or not set(ops) <= supported:
                continue
            # Tests of sequences or optionals: no tensors for the harness.
            if not data_sets(test_dir, model):
                continue
            name = f"{suite}/{os.path.basename(test_dir)}"
            keep_as = os.path.join(passing, name.replace("/", "__") + ".onnx")
            outcome, detail = run_test(args.qnnc, test_dir, model, args.work, keep_as)
            results.append({"name": name, "ops": ops, "opset": default_opset(model), "outcome": outcome,
                            "detail": detail})
            if args.verbose or outcome in ("wrong", "unclean"):
                print(f"{outcome.upper()}: {name} ({', '.join(ops)}){': ' + detail if detail else ''}", flush=True)
    reasons = collections.Counter(reason_class(r["detail"]) for r in results if r["outcome"] == "rejected")
    print("rejections by reason:")
    for reason, count in reasons.most_common():
        print(f"  {count:3d}  {reason}")
    text = table(results)
    print(text)
    status = 0
    if args.update_readme or args.check_readme:
        readme_path = args.update_readme or args.check_readme
        with open(readme_path) as f:
            readme = f.read()
        if BEGIN not in readme or END not in readme:
            print(f"run_conformance: {readme_path} has no conformance table markers", file=sys.stderr)
            return 1
        head, rest = readme.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        updated = f"{head}{BEGIN}\n{text}\n{END}{tail}"
        if args.update_readme:
            with open(readme_path, "w") as f:
                f.write(updated)
        elif updated != readme:
            print(f"run_conformance: {readme_path}'s conformance table is out of date "
                  "(run with --update-readme)", file=sys.stderr)
            status = 1
    counts = collections.Counter(r["outcome"] for r in results)
    bad = counts["wrong"] + counts["unclean"]
    if args.sanitize:
        models = [(r["name"], os.path.join(passing, r["name"].replace("/", "__") + ".onnx"))
                  for r in results if r["outcome"] == "pass"]
        models += [(os.path.basename(p), p) for p in sorted(glob.glob(os.path.join(ROOT, "models", "*", "*.onnx")))]
        ok, detail = sanitized_extremes.run(args.qnnc, models, os.path.join(args.work, "sanitized"))
        print(f"{'PASS' if ok else 'FAIL'}: generated code under ASan+UBSan on extreme inputs: {detail}")
        bad += not ok
    print(f"{counts['pass']} passed, {bad} failed, {counts['rejected']} rejected with a diagnostic")
    return 1 if bad else status


if __name__ == "__main__":
    sys.exit(main())
