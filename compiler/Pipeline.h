// Which passes run, in what order.
#ifndef QNNC_COMPILER_PIPELINE_H
#define QNNC_COMPILER_PIPELINE_H

#include "mlir/Pass/PassManager.h"

namespace qnnc {

/// Recognition and folding on the imported qnn IR; binary convolutions
/// keep `clusterKeep` kernel sequences each where it is > 0, or as many as
/// their qnn.cluster_keep says (before thresholds are folded from them).
/// `floatLayers`: what becomes of binary- or levels-fed layers that stay
/// float (qnn-recognize-binary's float-layers: record, warn or error).
void buildQnnPipeline(mlir::OpPassManager &pm, int64_t clusterKeep = 0, llvm::StringRef floatLayers = "record");

/// How binary weights are stored in the generated code (cluster: after
/// qnn-cluster-kernels, Huffman-coded).
enum class Compression { None, Huffman, Cluster };

/// Packed (or coded) weights, tensor layouts and the arena plan for
/// `threads` threads: the qnn IR the lowering (or the Evaluator) takes.
void buildPlanPipeline(mlir::OpPassManager &pm, int64_t threads, Compression compression = Compression::None);

/// qnn IR -> EmitC, entry point `<name>_run`, kernels on `threads` threads.
void buildEmitCPipeline(mlir::OpPassManager &pm, const std::string &name, int64_t threads,
                        Compression compression = Compression::None);

/// Registers `qnn-pipeline` (both of the above, exactly as qnnc runs them,
/// with options entry-name, threads and compress) for qnnc-opt.
void registerQnnPipeline();

} // namespace qnnc

#endif
