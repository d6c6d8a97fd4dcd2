// The runtime kernels the Evaluator calls, by the names KernelCalls give
// them, compiled once per instruction set qnnc can generate code for on its
// host (x86-64: baseline, x86-64-v3, x86-64-v4): the evaluator takes the
// host's best, as `--target native` does. The kernels compute every element
// the same way on every instruction set, so the choice changes speed only.
//
// Each instruction set's copy lives in its own namespace (EvaluatorKernels.cpp
// renames qnn_rt), and this interface passes nothing but plain data, so no
// code built for one instruction set can be linked into another's calls.
#ifndef QNNC_COMPILER_EVALUATORKERNELS_H
#define QNNC_COMPILER_EVALUATORKERNELS_H

#include <cstddef>
#include <cstdint>

namespace qnnc::eval {

/// One kernel argument as the kernel receives it: a pointer, an integer or
/// bool, a float, or a qnn_rt::Conv2DParams (copied from `params`).
struct Arg {
  void *pointer = nullptr;
  int64_t integer = 0;
  float real = 0;
  const void *params = nullptr;
};

struct Kernel {
  const char *name;
  /// Calls the kernel with `count` arguments; trailing parameters left out
  /// get their value-initialized defaults (false, 0, null), as the C++
  /// default arguments the generated code relies on.
  void (*call)(const Arg *args, size_t count);
  size_t arity;
};

struct KernelTable {
  const Kernel *kernels;
  size_t size;
};

KernelTable baselineKernels();
#ifdef QNNC_EVAL_X86_ISAS
KernelTable x86_64_v3Kernels();
KernelTable x86_64_v4Kernels();
#endif

/// The kernels for the host's instruction set (decided once).
KernelTable hostKernels();

} // namespace qnnc::eval

#endif
