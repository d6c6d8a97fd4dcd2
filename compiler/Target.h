// Code generation targets: which compiler flags the generated project uses,
// and so which runtime kernels (portable, AVX2, AVX-512, NEON) it compiles.
#ifndef QNNC_COMPILER_TARGET_H
#define QNNC_COMPILER_TARGET_H

#include <optional>
#include <string>

namespace qnnc {

struct Target {
  std::string name;      // generic, x86-64-v3, x86-64-v4, aarch64, cortex-m4, riscv64
  std::string archFlags; // compiler flags selecting the instruction set (GCC and Clang)
  std::string clangFlags; // and what Clang needs besides (see clangCodegenFlags)
  // LLVM output (--emit=llvm|obj): the triple ("" = the host's) and, for a
  // target without an OS, where its C and C++ headers are.
  std::string triple;
  std::string bareMetalSysroot; // e.g. /usr/lib/arm-none-eabi
  std::string multilib;         // libstdc++'s folder for this CPU and ABI
  int64_t threads = 1;          // kernels run on this many threads (OpenMP when > 1)
};

/// The target called `name`; "native" resolves to the best target for the
/// host. std::nullopt for an unknown name.
std::optional<Target> lookupTarget(const std::string &name);

/// The LLVM target triple of `target` (the host's for generic).
std::string targetTriple(const Target &target);

/// Flags Clang needs to make of the runtime kernels what GCC makes with
/// archFlags alone, for --emit=llvm|obj and for a generated project built
/// by Clang: an inline threshold that inlines the kernels into the model's
/// entry point with their shapes as constants, as they are written to be
/// (LLVM's default, 225, leaves the larger templates out of line with their
/// shapes as variables and per-pixel calls: 2x slower on the Fashion-MNIST
/// models), and the target's clangFlags.
std::string clangCodegenFlags(const Target &target);

/// Names accepted by lookupTarget, for --help and diagnostics.
const char *targetNames();

} // namespace qnnc

#endif
