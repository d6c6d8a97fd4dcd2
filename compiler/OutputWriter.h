// Writes the generated C++ project: model source and header, the runtime
// headers, the harness and a CMakeLists.txt.
#ifndef QNNC_COMPILER_OUTPUTWRITER_H
#define QNNC_COMPILER_OUTPUTWRITER_H

#include "compiler/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace qnnc {

/// Prints the C++ of a module lowered by qnn-lower-to-emitc.
mlir::LogicalResult emitModelSource(mlir::ModuleOp module, llvm::raw_ostream &os);

/// Writes OUTDIR; `name` is the entry prefix used for the lowering, the
/// target decides the instruction-set flags of the generated CMakeLists.
mlir::LogicalResult writeOutputDirectory(mlir::ModuleOp module, const std::string &outDir,
                                         const std::string &name, const Target &target);

} // namespace qnnc

#endif
