// libFuzzer target: bytes as an ONNX model (binary protobuf) through the
// importer and, when it imports, through qnnc's whole pipeline down to the
// C++ source, as `qnnc MODEL -o OUTDIR` compiles it. Any input must end in
// a diagnostic or a module, never a crash, hang or sanitizer report.
// Models below opset 11 are left out: the importer hands them to libonnx's
// version converter in a forked child (its crashes are the child's, and
// lit's fuzz_findings.test checks they become diagnostics), and a fork per
// input of an ASan process runs 10x slower than the whole import.
#include "compiler/OutputWriter.h"
#include "compiler/Pipeline.h"
#include "frontends/onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/onnx_pb.h>

#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  onnx::ModelProto model;
  if (size <= INT32_MAX && model.ParseFromArray(data, static_cast<int>(size)))
    for (const auto &o : model.opset_import())
      if ((o.domain().empty() || o.domain() == "ai.onnx") && o.version() < qnnc::kMinOnnxOpset)
        return 0;
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
