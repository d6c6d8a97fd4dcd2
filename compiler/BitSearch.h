// Mixed-precision bit assignment (qnnc --bits=auto): per-layer weight and
// input widths for a float model under a budget. Sensitivity and cost are
// measured by compiling each candidate and running it in the compiler
// (Evaluator) on calibration inputs; qnn-assign-bits picks exactly.
#ifndef QNNC_COMPILER_BITSEARCH_H
#define QNNC_COMPILER_BITSEARCH_H

#include "compiler/Calibrate.h"
#include "passes/BitAssignment.h"

#include "mlir/IR/BuiltinOps.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qnnc {

struct BitSearchOptions {
  /// One budget: weight bytes or bit-ops (`budget` > 0), or the top-1
  /// points the model may lose on the calibration set.
  BitCost budgetKind = BitCost::Bytes;
  int64_t budget = 0;
  std::optional<double> maxAccuracyDrop;
  bool firstLastFloat = false; // the first and last layer: float, else 8 bits
  RangeMethod rangeMethod = RangeMethod::Percentile;
  int64_t sensitivityImages = 256; // the first N calibration inputs
  bool sweep = false;              // also measure the accuracy / size curve
  bool quiet = false;              // no progress on stderr
  /// The target's measured kernel costs (bench/kernel_costs.py): ns per
  /// MAC by (weight bits, input bits), 0 = float; empty: no estimate.
  std::map<std::pair<int64_t, int64_t>, double> nsPerMac;
  std::string costTarget; // what the table was measured on
  /// Time each layer of the chosen assignment in the evaluator (the one
  /// part of the report that differs from run to run).
  bool timeLayers = false;
};

/// A cost table as bench/kernel_costs.py writes it: {"target": NAME,
/// "ns_per_mac": {"W:A": ns, ...}}.
mlir::LogicalResult readCostTable(llvm::StringRef path, BitSearchOptions &options);

/// Explicit widths, one [weight bits, input bits] pair per convolution and
/// GEMM in program order (0: float), as qnn.bits for qnn-quantize; the
/// module must already be calibrated.
mlir::LogicalResult setLayerWidths(mlir::ModuleOp module, llvm::ArrayRef<std::pair<int64_t, int64_t>> widths);

/// Every qnn.conv2d / qnn.gemm, the units widths are assigned to.
struct LayerResult {
  std::string name, op; // the ONNX node, Conv or Gemm
  std::vector<int64_t> weightShape;
  int64_t macs = 0;
  bool searched = false; // false: fixed (first / last, or no usable range)
  std::vector<BitChoice> choices;
  std::vector<double> weightSensitivity, inputSensitivity; // at kWidths
  unsigned chosen = 0;
  int64_t measuredBytes = 0; // in the compiled assignment
  double estimatedMicros = -1;  // from the cost table (-1: none)
  double measuredMicros = -1;   // its kernels in the evaluator, per inference (-1: not timed)
};

/// A measured point of the accuracy / size trade-off.
struct TradeoffPoint {
  std::string label; // "auto" or "uniform W/A"
  int64_t bytes = 0, bitops = 0;
  double accuracy = 0;
};

struct BitSearchResult {
  std::vector<LayerResult> layers;
  std::string budget;           // as the user gave it
  bool labelled = false;        // accuracy vs labels (else vs the float model's top-1)
  int64_t images = 0, sensitivityImages = 0;
  double floatAccuracy = 0, accuracy = 0; // on the calibration set
  int64_t bytes = 0, bitops = 0;
  double seconds = 0; // of the search (progress only: the report files are deterministic)
  std::vector<int64_t> predictions; // the assignment's top-1 per calibration input
  std::string costTarget, measuredOn; // the cost table's target; the evaluator's instruction set
  std::vector<TradeoffPoint> sweep;
};

/// The candidate widths of a searched layer's weights and input.
inline constexpr int64_t kWidths[] = {1, 2, 4, 8};

/// Calibrates `module` (the imported float model), measures each layer's
/// choices, picks the assignment and leaves it on the module as
/// qnn.input_range + qnn.bits on every layer, for qnn-quantize. `inputs`
/// holds `count` input tensors; `labels` is empty or one class per input.
mlir::FailureOr<BitSearchResult> searchBits(mlir::ModuleOp module, const float *inputs, int64_t count,
                                            llvm::ArrayRef<int32_t> labels, const BitSearchOptions &options);

} // namespace qnnc

#endif
