// Runtime headers and output templates, embedded at build time.
#ifndef QNNC_COMPILER_RUNTIMEFILES_H
#define QNNC_COMPILER_RUNTIMEFILES_H

#include <vector>

namespace qnnc::runtime_files {
struct File {
  const char *name;
  const char *contents;
};
extern const char *const modelHeader; // @NAME@ etc. substituted
extern const char *const harness;
extern const char *const cmakeLists;
extern const std::vector<File> headers; // runtime/qnn_runtime/*.h
} // namespace qnnc::runtime_files

#endif
