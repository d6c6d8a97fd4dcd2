// The discardable attributes quantization decisions travel in on qnn.conv2d
// and qnn.gemm (dialects/qnn/Rationale.md), and the one rule for which
// calibrated input ranges qnn-quantize quantizes.
#ifndef QNNC_PASSES_QUANTIZATIONATTRS_H
#define QNNC_PASSES_QUANTIZATIONATTRS_H

#include "mlir/IR/BuiltinAttributes.h"

#include <cmath>

namespace qnnc {

/// [lo, hi] of an op's input over the calibration inputs (calibration).
constexpr llvm::StringLiteral kInputRangeAttr = "qnn.input_range";
/// [weight bits, input bits], 0 = float (qnn-assign-bits, or the user).
constexpr llvm::StringLiteral kBitsAttr = "qnn.bits";
/// The measured choices qnn-assign-bits picks from.
constexpr llvm::StringLiteral kBitChoicesAttr = "qnn.bit_choices";

/// A range qnn-quantize turns into unsigned levels: lo >= 0, 0 < hi finite.
inline bool quantizableRange(mlir::DenseF32ArrayAttr range) {
  return range && range.size() == 2 && range[0] >= 0.0f && range[1] > 0.0f && std::isfinite(range[1]);
}

} // namespace qnnc

#endif
