#!/bin/sh
# Each instruction set's copy of the evaluator's kernels (compiler/
# EvaluatorKernels.cpp) may define global symbols only in its own runtime
# namespace or in qnnc::eval: a shared weak symbol (a std:: template, say)
# could be linked from the AVX-512 copy into code that runs on any CPU.
# Arguments: NM, then pairs of namespace and object file.
nm_tool=$1
shift
status=0
while [ $# -ge 2 ]; do
  stray=$("$nm_tool" -C --defined-only "$2" | awk '$2 ~ /^[TWVuDBR]$/' | grep -v " $1::\| qnnc::eval::")
  if [ -n "$stray" ]; then
    echo "$2: symbols outside $1:"
    echo "$stray"
    status=1
  fi
  shift 2
done
[ $status -eq 0 ] && echo "evaluator kernel objects: no shared symbols"
exit $status
