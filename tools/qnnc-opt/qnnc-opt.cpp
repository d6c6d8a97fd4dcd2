// qnnc-opt: mlir-opt with the qnn dialect, every qnnc pass and qnnc's
// pipeline (--qnn-pipeline), for lit.
#include "compiler/Pipeline.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  registry.insert<qnnc::qnn::QnnDialect, mlir::func::FuncDialect, mlir::arith::ArithDialect,
                  mlir::emitc::EmitCDialect>();
  qnnc::registerQnncPasses();
  qnnc::registerQnnPipeline();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, "qnnc optimizer driver\n", registry));
}
