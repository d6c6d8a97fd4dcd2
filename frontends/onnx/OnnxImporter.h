// ONNX -> func.func @main of qnn ops. Knows nothing of passes or emission.
#ifndef QNNC_FRONTENDS_ONNX_ONNXIMPORTER_H
#define QNNC_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>
#include <vector>

namespace qnnc {

/// The ONNX opsets the importer reads; an older model goes through
/// libonnx's version converter (to kMinOnnxOpset) first, in a child process.
inline constexpr int kMinOnnxOpset = 11, kMaxOnnxOpset = 19;

struct OnnxImportOptions {
  /// Value for dynamic (symbolic) batch dimensions.
  int64_t batch = 1;
};

/// Reads an ONNX model (binary protobuf, or protobuf text format when the
/// file ends in .pbtxt / .textproto / .onnxtxt) and imports it. Problems are
/// reported as MLIR diagnostics located at the offending node
/// (NameLoc "node 'name' (OpType)" inside FileLineColLoc(path)); returns null
/// on error.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(mlir::MLIRContext &context, const std::string &path,
                                                 const OnnxImportOptions &options);

/// The same for a model already in memory; `path` names it in diagnostics
/// and decides the format as above.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBuffer(mlir::MLIRContext &context, llvm::StringRef bytes,
                                                   const std::string &path, const OnnxImportOptions &options);

/// The operators the importer reads, as "OpType" (default domain) or
/// "domain:OpType", in its dispatch table's order.
std::vector<std::string> supportedOnnxOps();

} // namespace qnnc

#endif
