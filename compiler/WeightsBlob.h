// Weights as binary data: the constant arrays of a lowered module moved
// into one file of bytes that the generated C++ includes with the
// assembler's .incbin, so that a model's source stays small and its build
// does not parse millions of decimal literals.
#ifndef QNNC_COMPILER_WEIGHTSBLOB_H
#define QNNC_COMPILER_WEIGHTSBLOB_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace qnnc {

/// Moves the initial value of every constant array global of `module`
/// (EmitC, after qnn-lower-to-emitc) into the returned bytes, each at a
/// 64-byte aligned offset in the target's byte order (little-endian). Each
/// global becomes an extern declaration of a local symbol that a top-level
/// asm statement defines with `.incbin QNNC_WEIGHTS_FILE, offset, size`; the
/// macro defaults to `defaultFile`, which the assembler looks for in the
/// include path (GCC and Clang pass -I on to it). Empty when no global moved.
std::string moveWeightsToBlob(mlir::ModuleOp module, llvm::StringRef defaultFile);

} // namespace qnnc

#endif
