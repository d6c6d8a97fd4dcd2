// Which passes run, in what order.
#ifndef QNNC_COMPILER_PIPELINE_H
#define QNNC_COMPILER_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace qnnc {

/// Recognition and folding on the imported qnn IR.
void buildQnnPipeline(mlir::OpPassManager &pm);

/// Packed weights, tensor layouts and the arena plan for `threads` threads:
/// the qnn IR the lowering (or the Evaluator) takes.
void buildPlanPipeline(mlir::OpPassManager &pm, int64_t threads);

/// qnn IR -> EmitC, entry point `<name>_run`, kernels on `threads` threads.
void buildEmitCPipeline(mlir::OpPassManager &pm, const std::string &name, int64_t threads);

/// Registers `qnn-pipeline` (both of the above, exactly as qnnc runs them,
/// with options entry-name and threads) for qnnc-opt.
void registerQnnPipeline();

} // namespace qnnc

#endif
