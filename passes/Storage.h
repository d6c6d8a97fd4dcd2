// How tensors are laid out in the arena (the runtime's layouts, see
// qnn_runtime/common.h); shared by plan-memory (sizes) and lower-to-emitc
// (plane strides).
#ifndef QNNC_PASSES_STORAGE_H
#define QNNC_PASSES_STORAGE_H

#include "dialects/qnn/QnnDialect.h"

#include "qnn_runtime/common.h"

namespace qnnc::storage {

/// The runtime's bit_plane_stride of a binary or levels tensor: words from
/// one bit plane to the next, channels on axis 1.
inline int64_t planeStrideWords(mlir::Type type) {
  qnn::ChannelView v = qnn::channelView(llvm::cast<mlir::ShapedType>(type).getShape());
  return qnn_rt::bit_plane_stride(v.n, v.c, v.spatial);
}

/// Arena bytes of a tensor: every bit plane of a binary (2) or levels (bits)
/// tensor, each aligned.
inline int64_t storageBytes(mlir::Type type) {
  if (llvm::isa<qnn::BinaryTensorType>(type))
    return 2 * planeStrideWords(type) * 8;
  if (auto levels = llvm::dyn_cast<qnn::LevelsTensorType>(type))
    return levels.getBits() * planeStrideWords(type) * 8;
  auto tensor = llvm::cast<mlir::RankedTensorType>(type);
  return qnn_rt::align_arena(qnn::tensorBytes(tensor));
}

} // namespace qnnc::storage

#endif
