// --compress=cluster with calibration inputs: what each binary
// convolution's input looks like (the statistics qnn-cluster-kernels
// replaces sequences by), and how many sequences each layer keeps under
// --max-accuracy-drop, measured in the compiler's Evaluator.
#ifndef QNNC_COMPILER_CLUSTERSEARCH_H
#define QNNC_COMPILER_CLUSTERSEARCH_H

#include "compiler/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace qnnc {

/// Runs `module` (after qnn-recognize-binary) on the calibration inputs and
/// leaves on each qnn.binary_conv2d the tap statistics of its input
/// (qnn.input_tap_means, qnn.input_tap_moments).
mlir::LogicalResult attachTapStatistics(mlir::ModuleOp module, const float *inputs, int64_t count);

struct ClusterSearchOptions {
  double maxAccuracyDrop = 0; // top-1 points on the calibration set
  int64_t sensitivityImages = 256;
  bool quiet = false;
};

/// One binary convolution: what each number of kept sequences would store
/// and how much it alone perturbs the model (KL on the sensitivity inputs).
struct ClusterLayer {
  std::string name;
  std::vector<int64_t> weightShape;
  int64_t packedBytes = 0; // the plain bit-packed words
  struct Choice {
    int64_t keep = 0; // 0: every sequence (lossless Huffman)
    int64_t bytes = 0;
    double sensitivity = 0;
  };
  std::vector<Choice> choices;
  unsigned chosen = 0;
  double accuracyAlone = 0; // the model with only this layer at its choice
};

struct ClusterSearchResult {
  std::vector<ClusterLayer> layers;
  double maxAccuracyDrop = 0;
  bool labelled = false; // accuracy vs labels, else vs the uncompressed model's top-1
  int64_t images = 0, sensitivityImages = 0;
  double referenceAccuracy = 0, accuracy = 0; // uncompressed, chosen
  int64_t packedBytes = 0, bytes = 0;
};

/// Picks each binary convolution's kept sequences (statistics attached):
/// the fewest Huffman-coded bytes whose top-1 on the calibration set is at
/// most maxAccuracyDrop points below the uncompressed model's, and leaves
/// them on the ops as qnn.cluster_keep.
mlir::FailureOr<ClusterSearchResult> searchClusterKeeps(mlir::ModuleOp module, const float *inputs, int64_t count,
                                                        llvm::ArrayRef<int32_t> labels,
                                                        const ClusterSearchOptions &options);

/// --time-layers with coded weights: what decoding adds per inference to
/// each binary convolution named in `layers` (its time coded minus packed,
/// each the least of three rounds over up to 64 inputs), and the coded
/// inference's time. `module`: after the qnn pipeline.
struct DecodeTiming {
  std::vector<double> decodeMicros; // per layer
  double inferenceMicros = 0;
  std::string measuredOn; // the evaluator's instruction set
};
mlir::FailureOr<DecodeTiming> timeDecoding(mlir::ModuleOp module, llvm::ArrayRef<std::string> layers,
                                           Compression compression, const float *inputs, int64_t count);

} // namespace qnnc

#endif
