// Reading per-channel float constants off the IR, for the passes that fold
// or fuse per-channel arithmetic, and writing the per-channel tables the
// layout passes give the GEMM kernels.
#ifndef QNNC_PASSES_CHANNELCONSTANTS_H
#define QNNC_PASSES_CHANNELCONSTANTS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <optional>

namespace qnnc {

/// The values of a float32 constant.
inline std::optional<llvm::SmallVector<float>> constantF32(mlir::Value v) {
  mlir::DenseElementsAttr attr;
  if (!mlir::matchPattern(v, mlir::m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return llvm::SmallVector<float>(attr.getValues<float>());
}

/// Whether a value of this shape broadcasts along axis 1 of a tensor of
/// rank `rank` with `channels` channels (scalars included).
inline bool broadcastsPerChannel(llvm::ArrayRef<int64_t> shape, int64_t rank, int64_t channels) {
  if ((int64_t)shape.size() > rank)
    return false;
  int64_t channelDim = (int64_t)shape.size() - (rank - 1); // position of axis 1
  for (int64_t i = 0; i < (int64_t)shape.size(); ++i)
    if (shape[i] != 1 && !(i == channelDim && shape[i] == channels))
      return false;
  return true;
}

/// Per-channel values of a constant operand that broadcasts along axis 1 of
/// a tensor of rank `rank` with `channels` channels (scalars included).
inline std::optional<llvm::SmallVector<float>> perChannel(mlir::Value v, int64_t rank, int64_t channels) {
  auto values = constantF32(v);
  if (!values || !broadcastsPerChannel(llvm::cast<mlir::RankedTensorType>(v.getType()).getShape(), rank, channels))
    return std::nullopt;
  if (values->size() == 1)
    values->assign(channels, (*values)[0]);
  return values;
}

/// A float32 constant of `shape` holding `data`, created at b's insertion
/// point.
inline mlir::Value createF32Constant(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<int64_t> shape,
                                     llvm::ArrayRef<float> data) {
  auto type = mlir::RankedTensorType::get(shape, b.getF32Type());
  return b.create<mlir::arith::ConstantOp>(loc, mlir::DenseElementsAttr::get(type, data)).getResult();
}

/// A bias table zero-padded to `padded` output channels (whole GEMM
/// panels, which the kernels read whole).
inline mlir::Value createPaddedBias(mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<float> bias,
                                    int64_t padded) {
  llvm::SmallVector<float> values(padded, 0.0f);
  llvm::copy(bias, values.begin());
  return createF32Constant(b, loc, {padded}, values);
}

} // namespace qnnc

#endif
