// qnnc-opt: mlir-opt with the qnn dialect, every qnnc pass and qnnc's
// pipeline (--qnn-pipeline), for lit. It reads its input once, checks it
// for what MLIR 19 parses but cannot print (compiler/IrInput.h), then runs
// as mlir-opt.
#include "compiler/IrInput.h"
#include "compiler/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  llvm::InitLLVM crashReports(argc, argv);
  mlir::DialectRegistry registry;
  registry.insert<qnnc::qnn::QnnDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::emitc::EmitCDialect>();
  qnnc::registerQnncPasses();
  qnnc::registerQnnPipeline();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  const auto [inputFile, outputFile] =
      mlir::registerAndParseCLIOptions(argc, argv, "qnnc optimizer driver\n", registry);
  const auto config = mlir::MlirOptMainConfig::createFromCLOptions();
  if (config.shouldShowDialects())
    return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
  std::string error;
  auto input = mlir::openInputFile(inputFile, &error);
  if (!input) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(qnnc::checkDenseArraysInSource(*input, config.inputSplitMarker(), registry,
                                                  config.shouldAllowUnregisteredDialects())))
    return 1;
  auto output = mlir::openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << error << "\n";
    return 1;
  }
  if (mlir::failed(mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}
