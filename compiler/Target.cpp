#include "compiler/Target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace {

const qnnc::Target kTargets[] = {
    {"generic", ""},
    {"x86-64-v3", "-march=x86-64-v3", "", "x86_64-linux-gnu"},
    // Clang splits the kernels' 512-bit vectors into 256-bit halves on
    // x86-64-v4 unless told otherwise; the float GEMM's 16 accumulators then
    // spill (the Bi-Real-18 stem 2.1x slower than GCC's).
    {"x86-64-v4", "-march=x86-64-v4 -mavx512vpopcntdq", "-mprefer-vector-width=512", "x86_64-linux-gnu"},
    {"aarch64", "-march=armv8-a", "", "aarch64-linux-gnu"},
    {"cortex-m4", "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16", "", "arm-none-eabi",
     "/usr/lib/arm-none-eabi", "thumb/v7e-m+fp/hard"},
    {"riscv64", "-march=rv64gc", "", "riscv64-linux-gnu"},
};

std::string hostTargetName() {
  llvm::Triple host(llvm::sys::getProcessTriple());
  if (host.isAArch64())
    return "aarch64";
  if (host.isRISCV64())
    return "riscv64";
  if (host.getArch() != llvm::Triple::x86_64)
    return "generic";
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f") && features.lookup("avx512bw") && features.lookup("avx512vl") &&
      features.lookup("avx512dq") && features.lookup("avx512vpopcntdq"))
    return "x86-64-v4";
  if (features.lookup("avx2") && features.lookup("bmi2") && features.lookup("fma"))
    return "x86-64-v3";
  return "generic";
}

} // namespace

std::optional<qnnc::Target> qnnc::lookupTarget(const std::string &name) {
  std::string resolved = name == "native" ? hostTargetName() : name;
  for (const Target &t : kTargets)
    if (t.name == resolved)
      return t;
  return std::nullopt;
}

std::string qnnc::targetTriple(const Target &target) {
  return target.triple.empty() ? llvm::sys::getDefaultTargetTriple() : target.triple;
}

std::string qnnc::clangCodegenFlags(const Target &target) {
  return "-mllvm -inline-threshold=2000" + (target.clangFlags.empty() ? "" : " " + target.clangFlags);
}

const char *qnnc::targetNames() {
  return "generic, x86-64-v3 (AVX2), x86-64-v4 (AVX-512 + VPOPCNTDQ), aarch64 (NEON), cortex-m4, riscv64, native";
}
