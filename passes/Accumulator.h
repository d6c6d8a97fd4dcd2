// Replacing a float convolution / GEMM by an exact integer accumulator, for
// the passes that recognize binary, low-bit and 8-bit layers.
#ifndef QNNC_PASSES_ACCUMULATOR_H
#define QNNC_PASSES_ACCUMULATOR_H

#include "dialects/qnn/QnnDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"

namespace qnnc {

/// to_float(acc) * scale + bias replaces `op`'s float result; the scale
/// (empty: 1) broadcasts along the output channels (`channelShape`), and so
/// does a conv's [O] bias. Given several accumulators, their float sum (exact
/// while it stays below 2^24) takes the place of to_float(acc).
inline void replaceWithAccumulator(mlir::RewriterBase &b, mlir::Operation *op, mlir::ValueRange accs,
                                   llvm::ArrayRef<float> scale, llvm::ArrayRef<int64_t> channelShape,
                                   mlir::Value bias) {
  using namespace mlir;
  auto floatType = cast<RankedTensorType>(op->getResult(0).getType());
  Value result;
  for (Value acc : accs) {
    Value term = b.create<qnn::ToFloatOp>(op->getLoc(), floatType, acc);
    result = result ? b.create<qnn::AddOp>(op->getLoc(), floatType, result, term) : term;
  }
  if (!scale.empty()) {
    auto scaleType = RankedTensorType::get(channelShape, b.getF32Type());
    Value s = b.create<arith::ConstantOp>(op->getLoc(), DenseElementsAttr::get(scaleType, scale));
    result = b.create<qnn::MulOp>(op->getLoc(), floatType, result, s);
  }
  if (bias) {
    if (floatType.getRank() == 4)
      bias = b.create<qnn::ReshapeOp>(op->getLoc(), RankedTensorType::get(channelShape, b.getF32Type()), bias);
    result = b.create<qnn::AddOp>(op->getLoc(), floatType, result, bias);
  }
  b.replaceOp(op, result);
}

} // namespace qnnc

#endif
