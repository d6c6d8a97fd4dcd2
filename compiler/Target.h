// Code generation targets: which compiler flags the generated project uses,
// and so which runtime kernels (portable, AVX2, AVX-512, NEON) it compiles.
#ifndef QNNC_COMPILER_TARGET_H
#define QNNC_COMPILER_TARGET_H

#include <optional>
#include <string>

namespace qnnc {

struct Target {
  std::string name;      // generic, x86-64-v3, x86-64-v4, aarch64, cortex-m4, riscv64
  std::string archFlags; // compiler flags selecting the instruction set
  int64_t threads = 1;   // kernels run on this many threads (OpenMP when > 1)
};

/// The target called `name`; "native" resolves to the best target for the
/// host. std::nullopt for an unknown name.
std::optional<Target> lookupTarget(const std::string &name);

/// Names accepted by lookupTarget, for --help and diagnostics.
const char *targetNames();

} // namespace qnnc

#endif
