// Reading per-channel float constants off the IR, for the passes that fold
// or fuse per-channel arithmetic.
#ifndef QNNC_PASSES_CHANNELCONSTANTS_H
#define QNNC_PASSES_CHANNELCONSTANTS_H

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

} // namespace qnnc

#endif
