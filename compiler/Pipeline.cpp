#include "compiler/Pipeline.h"

#include "passes/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void qnnc::buildQnnPipeline(mlir::OpPassManager &pm, int64_t clusterKeep, llvm::StringRef floatLayers) {
  auto &fn = pm.nest<mlir::func::FuncOp>();
  fn.addPass(createRecognizeBinary(RecognizeBinaryOptions{floatLayers.str()}));
  fn.addPass(createClusterKernels(ClusterKernelsOptions{clusterKeep}));
  fn.addPass(createRecognizeInt8());
  fn.addPass(createFoldThresholds());
  fn.addPass(createFuseEpilogues());
  fn.addPass(mlir::createCanonicalizerPass());
  fn.addPass(mlir::createCSEPass());
}

void qnnc::buildPlanPipeline(mlir::OpPassManager &pm, int64_t threads, Compression compression) {
  if (compression != Compression::None)
    pm.nest<mlir::func::FuncOp>().addPass(createHuffmanCompress());
  pm.nest<mlir::func::FuncOp>().addPass(createPackWeights());
  pm.nest<mlir::func::FuncOp>().addPass(createAssignLayouts());
  pm.nest<mlir::func::FuncOp>().addPass(createPixelRowsConvs());
  pm.addPass(createPlanMemory(PlanMemoryOptions{threads}));
}

void qnnc::buildEmitCPipeline(mlir::OpPassManager &pm, const std::string &name, int64_t threads,
                               Compression compression) {
  buildPlanPipeline(pm, threads, compression);
  pm.addPass(createLowerToEmitC(LowerToEmitCOptions{name}));
}

namespace {
struct QnnPipelineOptions : mlir::PassPipelineOptions<QnnPipelineOptions> {
  Option<std::string> entryName{*this, "entry-name", llvm::cl::desc("prefix of the entry point (<name>_run)"),
                                llvm::cl::init("model")};
  Option<int64_t> threads{*this, "threads", llvm::cl::desc("threads the kernels run on"), llvm::cl::init(1)};
  Option<std::string> compress{*this, "compress", llvm::cl::desc("binary weights: none or huffman"),
                               llvm::cl::init("none")};
};
} // namespace

void qnnc::registerQnnPipeline() {
  mlir::PassPipelineRegistration<QnnPipelineOptions>(
      "qnn-pipeline", "qnnc's whole pipeline: imported qnn IR -> EmitC, as `qnnc --emit=emitc` runs it",
      [](mlir::OpPassManager &pm, const QnnPipelineOptions &options) {
        buildQnnPipeline(pm);
        buildEmitCPipeline(pm, options.entryName, options.threads,
                           options.compress == "huffman" ? Compression::Huffman : Compression::None);
      });
}
