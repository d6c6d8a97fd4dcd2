// libFuzzer target: bytes as textual MLIR with the dialects qnnc-opt reads
// (qnn, func, arith, emitc), parsed and verified. Any input must end in a
// diagnostic or a verified module, never a crash, hang or sanitizer report.
// The module is checked as qnnc-opt checks it (compiler/IrInput.h) before
// the verifier, whose errors print the op, sees it.
#include "compiler/IrInput.h"
#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::DialectRegistry registry;
  registry.insert<qnnc::qnn::QnnDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::emitc::EmitCDialect>();
  mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::ParserConfig config(&context, /*verifyAfterParse=*/false);
  // MLIR's lexer reads up to a terminating NUL, as files read by
  // mlir-opt and qnnc-opt have one (MemoryBuffer adds it).
  const std::string text(reinterpret_cast<const char *>(data), size);
  auto module = mlir::parseSourceString<mlir::ModuleOp>(text, config, "fuzz.mlir");
  if (module && mlir::succeeded(qnnc::checkDenseArrays(*module)))
    (void)mlir::verify(*module);
  return 0;
}
