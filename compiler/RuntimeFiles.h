// Runtime headers and output templates, embedded at build time.
#ifndef QNNC_COMPILER_RUNTIMEFILES_H
#define QNNC_COMPILER_RUNTIMEFILES_H

#include <vector>

namespace qnnc::runtime_files {
struct File {
  const char *path; // relative to runtime/
  const char *contents;
};
extern const char *const modelHeader; // @NAME@ etc. substituted
extern const char *const harness;
extern const char *const cmakeLists;
extern const std::vector<File> headers;     // qnn_runtime/*.h
extern const std::vector<File> targetFiles; // targets/<target>/*
} // namespace qnnc::runtime_files

#endif
