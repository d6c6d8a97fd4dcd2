// Writes the generated project: the model (C++ source and the runtime
// headers, or an object file LLVM made from them) and header, the harness
// and a CMakeLists.txt.
#ifndef QNNC_COMPILER_OUTPUTWRITER_H
#define QNNC_COMPILER_OUTPUTWRITER_H

#include "compiler/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <utility>
#include <vector>

namespace qnnc {

/// Prints the C++ of a module lowered by qnn-lower-to-emitc.
mlir::LogicalResult emitModelSource(mlir::ModuleOp module, llvm::raw_ostream &os);

/// The model's C++ translation unit: `source` includes "<name>.h".
struct GeneratedModel {
  std::string name; // the entry prefix used for the lowering
  std::string source;
  std::string header;
  std::string weights; // the bytes <name>.weights holds; empty: all in `source`
  int64_t arenaBytes = 0, arenaLowerBound = 0;
  std::vector<std::pair<std::string, std::string>> substitutions; // @NAME@ etc. in the templates
};

enum class WeightsForm {
  Binary, // <name>.weights, included by the assembler (.incbin): ELF toolchains
  Text,   // decimal literals in the source: any C++ compiler
};

/// The source, header and weights of a module lowered by qnn-lower-to-emitc.
mlir::FailureOr<GeneratedModel> generateModel(mlir::ModuleOp module, const std::string &name,
                                              WeightsForm weightsForm);

enum class ModelForm {
  Source, // <name>.cpp and qnn_runtime/, built by a C++ compiler
  Object, // <name>.o from LLVM (qnnc --emit=obj): a C compiler links it
};

/// Writes OUTDIR; the target decides the instruction-set flags of the
/// generated CMakeLists (or the object's triple and CPU) and its toolchain
/// file.
mlir::LogicalResult writeOutputDirectory(const GeneratedModel &model, const std::string &outDir,
                                         const Target &target, ModelForm form);

} // namespace qnnc

#endif
