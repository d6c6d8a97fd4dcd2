#include "compiler/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Transforms/Passes.h"

void qnnc::buildQnnPipeline(mlir::OpPassManager &pm) {
  auto &fn = pm.nest<mlir::func::FuncOp>();
  fn.addPass(createRecognizeBinary());
  fn.addPass(createRecognizeInt8());
  fn.addPass(createFoldThresholds());
  fn.addPass(createFuseEpilogues());
  fn.addPass(mlir::createCanonicalizerPass());
  fn.addPass(mlir::createCSEPass());
}

void qnnc::buildEmitCPipeline(mlir::OpPassManager &pm, const std::string &name, int64_t threads) {
  pm.addPass(createPlanMemory(PlanMemoryOptions{threads}));
  pm.addPass(createLowerToEmitC(LowerToEmitCOptions{name}));
}
