#!/usr/bin/python3
"""Records the current hashes in golden-sources.test: for each RUN line,
runs its qnnc command with the given binary and rewrites the check line that
follows. Use it only after checking that the generated code's outputs are
bit-identical to those of the previous hashes.

    test/emit/update_golden.py build/tools/qnnc
"""
import hashlib
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TEST = os.path.join(HERE, "golden-sources.test")


def main():
    qnnc = sys.argv[1]
    models = os.path.join(HERE, "..", "..", "models")
    lines = open(TEST).read().splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"# RUN: qnnc (\S+) (.*?) \| sha256sum \| FileCheck %s --check-prefix=(\w+)$", line)
        if not m:
            continue
        path = m.group(1).replace("%models", models).replace("%S", HERE)
        cpp = subprocess.run([qnnc, path, *m.group(2).split()], check=True, capture_output=True).stdout
        assert lines[i + 1].startswith(f"# {m.group(3)}: ")
        lines[i + 1] = f"# {m.group(3)}: {hashlib.sha256(cpp).hexdigest()[:16]}"
    open(TEST, "w").write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
