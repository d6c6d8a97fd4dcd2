// libFuzzer target: bytes as an ONNX model (binary protobuf) through the
// importer and, when it imports, through qnnc's whole pipeline down to the
// C++ source, as `qnnc MODEL -o OUTDIR` compiles it. Any input must end in
// a diagnostic or a module, never a crash, hang or sanitizer report.
#include "compiler/OutputWriter.h"
#include "compiler/Pipeline.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A fresh context each time: attributes and types interned by one input
  // would otherwise pile up over millions.
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) { return mlir::success(); });
  auto module = qnnc::importOnnxBuffer(context, llvm::StringRef(reinterpret_cast<const char *>(data), size),
                                       "fuzz.onnx", {});
  if (!module)
    return 0;
  mlir::PassManager pipeline(&context);
  qnnc::buildQnnPipeline(pipeline);
  qnnc::buildEmitCPipeline(pipeline, "model", /*threads=*/1);
  if (mlir::failed(pipeline.run(*module)))
    return 0;
  std::string source;
  llvm::raw_string_ostream os(source);
  (void)qnnc::emitModelSource(*module, os);
  return 0;
}
