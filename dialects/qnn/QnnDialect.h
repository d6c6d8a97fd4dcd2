// The qnn dialect: types and operations (generated from QnnBase.td/QnnOps.td).
#ifndef QNNC_DIALECTS_QNN_QNNDIALECT_H
#define QNNC_DIALECTS_QNN_QNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/qnn/QnnDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/qnn/QnnTypes.h.inc"

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

/// Numpy broadcast of two shapes; failure when they are incompatible.
mlir::FailureOr<llvm::SmallVector<int64_t>> broadcastShapes(llvm::ArrayRef<int64_t> a,
                                                            llvm::ArrayRef<int64_t> b);

/// [O, Cg, KH, KW] (or [O, K]) of a convolution's weights: bit-serial
/// weights of several bit planes carry the plane count as a leading
/// dimension, which this drops.
inline llvm::ArrayRef<int64_t> kernelShape(mlir::Type weight) {
  auto shape = llvm::cast<mlir::ShapedType>(weight).getShape();
  return shape.size() == 5 ? shape.drop_front() : shape;
}

/// Bit planes of a bit-serial weight tensor (1 for +-1 weights).
inline int64_t weightPlanes(mlir::Type weight) {
  auto shape = llvm::cast<mlir::ShapedType>(weight).getShape();
  return shape.size() == 5 ? shape[0] : 1;
}

/// Shape of an operand that is either a ranked tensor or a binary tensor.
llvm::ArrayRef<int64_t> getShapeOf(mlir::Type type);

} // namespace qnnc::qnn

#endif
