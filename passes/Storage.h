// How tensors are laid out in the arena; shared by plan-memory (sizes) and
// lower-to-emitc (pointers). Mirrors the runtime's layouts.
#ifndef QNNC_PASSES_STORAGE_H
#define QNNC_PASSES_STORAGE_H

#include "dialects/qnn/QnnDialect.h"

namespace qnnc::storage {

constexpr int64_t kAlignment = 64;

inline int64_t alignUp(int64_t x) { return (x + kAlignment - 1) / kAlignment * kAlignment; }

inline int64_t product(llvm::ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

inline int64_t wordsFor(int64_t bits) { return (bits + 63) / 64; }

/// [N, C, spatial] view of a tensor shape, channels on axis 1.
struct NCS {
  int64_t n, c, spatial;
};
inline NCS ncsOf(llvm::ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return {1, shape.empty() ? 1 : shape[0], 1};
  return {shape[0], shape[1], product(shape.drop_front(2))};
}

/// Bytes of one bit plane of a binary or levels tensor of this shape
/// ([N][spatial][words(C)] 64-bit words).
inline int64_t planeBytes(llvm::ArrayRef<int64_t> shape) {
  NCS v = ncsOf(shape);
  return v.n * v.spatial * wordsFor(v.c) * 8;
}
inline int64_t planeBytes(qnn::BinaryTensorType type) { return planeBytes(type.getShape()); }

/// Words from one bit plane of a levels tensor to the next (each aligned).
inline int64_t planeStrideWords(qnn::LevelsTensorType type) { return alignUp(planeBytes(type.getShape())) / 8; }

/// Arena bytes of a tensor: every bit plane of a binary (2) or levels (bits)
/// tensor, each aligned.
inline int64_t storageBytes(mlir::Type type) {
  if (auto binary = llvm::dyn_cast<qnn::BinaryTensorType>(type))
    return 2 * alignUp(planeBytes(binary));
  if (auto levels = llvm::dyn_cast<qnn::LevelsTensorType>(type))
    return levels.getBits() * planeStrideWords(levels) * 8;
  auto tensor = llvm::cast<mlir::RankedTensorType>(type);
  return alignUp(tensor.getNumElements() * (tensor.getElementTypeBitWidth() / 8));
}

/// Attribute names plan-memory writes for lower-to-emitc, and that both
/// leave on the module for the output writer.
inline constexpr const char *kOffsetAttr = "qnn.arena_offset";   // on ops: per result
inline constexpr const char *kScratchAttr = "qnn.scratch_offset"; // on ops
inline constexpr const char *kArenaBytesAttr = "qnn.arena_bytes"; // on the module
inline constexpr const char *kLowerBoundAttr = "qnn.arena_lower_bound";
inline constexpr const char *kInputShapeAttr = "qnn.input_shape"; // on the module, by lower-to-emitc
inline constexpr const char *kOutputShapeAttr = "qnn.output_shape";

} // namespace qnnc::storage

#endif
