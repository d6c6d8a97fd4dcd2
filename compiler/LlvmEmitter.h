// LLVM IR and object output: the model's C++ translation unit (its source,
// header and the runtime headers, held in memory) compiled by Clang and
// LLVM linked into qnnc, for the target's triple and CPU. One source of
// truth for both outputs: the object computes exactly what the C++ does.
#ifndef QNNC_COMPILER_LLVMEMITTER_H
#define QNNC_COMPILER_LLVMEMITTER_H

#include "compiler/Target.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"

namespace qnnc {

enum class LlvmOutput { IR, Object };

/// Compiles `source` (which includes "<name>.h", given as `header`) to
/// `outputPath` ("-": stdout) for `target`: textual LLVM IR of one module
/// holding the model and every kernel it calls, or an object file. `weights`
/// are the bytes the source's .incbin directives include (WeightsBlob.h);
/// an object holds them, IR cannot (it must be empty then). Clang's
/// diagnostics go to stderr.
mlir::LogicalResult compileWithLLVM(llvm::StringRef name, llvm::StringRef source, llvm::StringRef header,
                                    llvm::StringRef weights, const Target &target, LlvmOutput output,
                                    llvm::StringRef outputPath);

/// Bytes of an object file's allocated sections by kind: code, read-only
/// data, initialized data, zero-initialized data.
struct ObjectSections {
  int64_t text = 0, rodata = 0, data = 0, bss = 0;
};

/// The section sizes of the object file at `path`, or a diagnostic.
mlir::FailureOr<ObjectSections> objectSections(llvm::StringRef path);

} // namespace qnnc

#endif
