// Running a planned module in the Evaluator on calibration inputs and
// scoring what comes out: what --bits=auto and --compress=cluster measure.
#ifndef QNNC_COMPILER_MEASURE_H
#define QNNC_COMPILER_MEASURE_H

#include "passes/BitAssignment.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cstdint>
#include <vector>

namespace qnnc {

/// What a search over a model works from: the model, its calibration
/// inputs (`count` tensors) and labels (empty: none), and whether it
/// reports progress on stderr.
struct CalibratedSearch {
  mlir::ModuleOp module;
  const float *inputs;
  int64_t count;
  llvm::ArrayRef<int32_t> labels;
  bool quiet;

  void progress(const llvm::Twine &message) const;
};

/// The outputs of a run over calibration inputs, one row per input.
struct Outputs {
  std::vector<float> values;
  int64_t classes = 0;

  int64_t top1(int64_t i) const;
};

/// The first `images` of `inputs` through `planned` (planned for one thread).
mlir::FailureOr<Outputs> evaluateInputs(mlir::ModuleOp planned, const float *inputs, int64_t images);

/// Top-1 accuracy over the first `count` rows: against `labels`, or
/// agreement with `reference`'s top-1 when there are none.
double top1Accuracy(const Outputs &outputs, int64_t count, llvm::ArrayRef<int32_t> labels, const Outputs &reference);

/// Mean KL divergence of the softmax of `outputs` from `reference`'s over
/// the first `images` rows: how much a change perturbs the model.
double meanDivergence(const Outputs &reference, const Outputs &outputs, int64_t images);

/// Microseconds per inference in each of `groups` groups of ops over the
/// first `runs` inputs: the time from one op's results to the next's goes
/// to the op, and the op to group groupOf(op) (none when that is -1).
mlir::FailureOr<std::vector<double>> timeByGroup(mlir::ModuleOp planned, const float *inputs, int64_t runs,
                                                 size_t groups,
                                                 llvm::function_ref<int64_t(mlir::Operation *)> groupOf);

/// Bisection along `frontier` (ascending cost, sensitivity falling, so
/// accuracy taken to rise): the cheapest point whose measured accuracy is
/// at least `allowed`, among measured points only; frontier.size() when
/// even the last falls short.
mlir::FailureOr<size_t> cheapestAccurate(llvm::ArrayRef<BitAssignment> frontier, double allowed,
                                         llvm::function_ref<mlir::FailureOr<double>(size_t)> accuracyAt);

} // namespace qnnc

#endif
