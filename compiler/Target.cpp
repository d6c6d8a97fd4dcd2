#include "compiler/Target.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

namespace {

const qnnc::Target kTargets[] = {
    {"generic", ""},
    {"x86-64-v3", "-march=x86-64-v3"},
    {"x86-64-v4", "-march=x86-64-v4 -mavx512vpopcntdq"},
    {"aarch64", "-march=armv8-a"},
    {"cortex-m4", "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"},
    {"riscv64", "-march=rv64gc"},
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

const char *qnnc::targetNames() {
  return "generic, x86-64-v3 (AVX2), x86-64-v4 (AVX-512 + VPOPCNTDQ), aarch64 (NEON), cortex-m4, riscv64, native";
}
