// Textual IR that MLIR 19 parses into attributes it cannot print: integer
// literals in a dense i1 array (`array<i1: 1, 1>`) give an attribute of two
// elements and no data, and whatever prints it -- the output, a diagnostic
// showing the op -- reads through a null pointer (llvm/llvm-project#173373,
// an error in the parser after LLVM 19). qnnc-opt and the IR fuzzer check a
// parsed module for such attributes before it is verified or printed.
#ifndef QNNC_COMPILER_IRINPUT_H
#define QNNC_COMPILER_IRINPUT_H

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

namespace qnnc {

/// Fails with an error at the file position of the first op (printing the
/// op would crash) holding a dense array attribute whose data does not match
/// its size, in its attributes, location, or result and argument types.
mlir::LogicalResult checkDenseArrays(mlir::Operation *root);

/// Parses each chunk of `source` (split at `splitMarker` unless it is
/// empty) unverified and runs checkDenseArrays on it, reporting its error on
/// stderr; a chunk that does not parse is left to the tool to report.
mlir::LogicalResult checkDenseArraysInSource(const llvm::MemoryBuffer &source, llvm::StringRef splitMarker,
                                             const mlir::DialectRegistry &registry, bool allowUnregistered);

} // namespace qnnc

#endif
