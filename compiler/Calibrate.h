// Calibration for post-training quantization: the ranges of the tensors a
// float model's convolutions and GEMMs read, measured by running the model
// in the compiler (Evaluator) on calibration inputs.
#ifndef QNNC_COMPILER_CALIBRATE_H
#define QNNC_COMPILER_CALIBRATE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"

namespace qnnc {

/// How the top of a range is chosen: the largest value seen, or the
/// 99.99th percentile of all values (a few outliers then saturate instead
/// of stretching every step).
enum class RangeMethod { MinMax, Percentile };

/// Runs `module` (the imported float model; left as it was) on `count`
/// input tensors at `inputs` and sets `qnn.input_range = [lo, hi]` on each
/// of its qnn.conv2d and qnn.gemm ops: the smallest value their input took,
/// and the top by `method`. What qnn-quantize reads.
mlir::LogicalResult calibrate(mlir::ModuleOp module, const float *inputs, int64_t count, RangeMethod method);

} // namespace qnnc

#endif
