// The qnn dialect: types and operations (generated from QnnBase.td/QnnOps.td).
#ifndef QNNC_DIALECTS_QNN_QNNDIALECT_H
#define QNNC_DIALECTS_QNN_QNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/qnn/KernelCall.h"
#include <optional>

#define GET_ATTRDEF_CLASSES
#include "dialects/qnn/QnnAttrs.h.inc"

#include "dialects/qnn/QnnDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/qnn/QnnTypes.h.inc"

#include "dialects/qnn/QnnInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/qnn/QnnOps.h.inc"

namespace qnnc::qnn {

/// Output length of a convolution or pooling window along one dimension;
/// <= 0 when the window does not fit.
inline int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                int64_t padBegin, int64_t padEnd, int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = in + padBegin + padEnd;
  if (stride <= 0 || padded < span)
    return 0;
  return (padded - span) / stride + 1;
}

/// [N, C, spatial] view of a shape with channels on axis 1: how the kernels
/// see NCHW tensors, and binary and levels tensors' bit planes.
struct ChannelView {
  int64_t n, c, spatial;
};
inline ChannelView channelView(llvm::ArrayRef<int64_t> shape) {
  if (shape.size() < 2)
    return {1, shape.empty() ? 1 : shape[0], 1};
  return {shape[0], shape[1], mlir::ShapedType::getNumElements(shape.drop_front(2))};
}

/// The logical shape of weights: a tensor type, i1 elements, packed or
/// Huffman-coded binary weights.
inline llvm::ArrayRef<int64_t> weightShape(mlir::Attribute weight) {
  if (auto packed = llvm::dyn_cast<PackedBinaryWeightsAttr>(weight))
    return packed.getShape();
  if (auto coded = llvm::dyn_cast<HuffmanBinaryWeightsAttr>(weight))
    return coded.getShape();
  return llvm::cast<mlir::ShapedType>(llvm::cast<mlir::TypedAttr>(weight).getType()).getShape();
}
inline llvm::ArrayRef<int64_t> weightShape(mlir::Type weight) { return llvm::cast<mlir::ShapedType>(weight).getShape(); }
inline llvm::ArrayRef<int64_t> weightShape(mlir::Value weight) { return weightShape(weight.getType()); }

/// [O, Cg, KH, KW] (or [O, K]) of a convolution's weights: bit-serial
/// weights of several bit planes carry the plane count as a leading
/// dimension, which this drops.
template <class Weight>
llvm::ArrayRef<int64_t> kernelShape(Weight weight) {
  auto shape = weightShape(weight);
  return shape.size() == 5 ? shape.drop_front() : shape;
}

/// Bit planes of bit-serial weights (1 for +-1 weights).
template <class Weight>
int64_t weightPlanes(Weight weight) {
  auto shape = weightShape(weight);
  return shape.size() == 5 ? shape[0] : 1;
}

/// How an element-wise op with numpy broadcasting walks its operands: the
/// output's dimensions with each operand's element stride along them (0
/// where it broadcasts). The kernels take 4: beyond that, adjacent
/// dimensions that every operand reads alike (contiguously, or broadcast)
/// are merged, outermost first, until 4 remain or none can merge (fewer
/// dimensions would leave the kernels fewer rows to share among threads).
struct BroadcastView {
  llvm::SmallVector<int64_t> dims;
  llvm::SmallVector<llvm::SmallVector<int64_t>> strides;
};
BroadcastView broadcastView(llvm::ArrayRef<int64_t> out, llvm::ArrayRef<llvm::ArrayRef<int64_t>> operands);

/// The C++ name of an element type of the model's input and output tensors
/// and of the kernels' buffers (float, double, uint8_t, int8_t, int32_t, int64_t;
/// integers signless or unsigned as the importer types them); "" for any
/// other type.
llvm::StringRef cElementTypeName(mlir::Type element);

/// `t` as a tensor a generated model can take or give (a ranked tensor of
/// a cElementTypeName type), else null.
inline mlir::RankedTensorType graphTensorType(mlir::Type t) {
  auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(t);
  return tensor && !cElementTypeName(tensor.getElementType()).empty() ? tensor : mlir::RankedTensorType();
}

/// Bytes of a tensor's elements, unaligned.
inline int64_t tensorBytes(mlir::RankedTensorType tensor) {
  return tensor.getNumElements() * (tensor.getElementTypeBitWidth() / 8);
}

/// A PlacementAttr offset for a result written to graph output `k`'s
/// buffer, and the output an offset names (none for an arena offset).
inline int64_t outputPlacement(unsigned k) { return -1 - static_cast<int64_t>(k); }
inline std::optional<unsigned> placedOutput(int64_t offset) {
  return offset < 0 ? std::optional<unsigned>(static_cast<unsigned>(-1 - offset)) : std::nullopt;
}

/// Whether qnn-assign-layouts stores this float tensor channels-last (its
/// producer carries `qnn.channels_last`); function arguments never are.
bool isChannelsLast(mlir::Value value);

} // namespace qnnc::qnn

#endif
