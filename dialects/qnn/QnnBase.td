// The qnn dialect and its binary tensor type.
#ifndef QNN_BASE_TD
#define QNN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"

def Qnn_Dialect : Dialect {
  let name = "qnn";
  let cppNamespace = "::qnnc::qnn";
  let summary = "Binary and low-bit quantized neural network operations";
  let description = [{
    Tensor-level operations with ONNX semantics (NCHW, static shapes) plus
    the binary operations the compiler recognizes: values in {-1, 0, +1}
    bit-packed along channels, xnor/popcount convolutions into exact int32
    accumulators, and per-channel integer thresholds.
  }];
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class Qnn_Type<string name, string typeMnemonic> : TypeDef<Qnn_Dialect, name> {
  let mnemonic = typeMnemonic;
}

def Qnn_BinaryTensorType : Qnn_Type<"BinaryTensor", "binary"> {
  let summary = "bit-packed tensor of values in {-1, 0, +1}";
  let description = [{
    A tensor whose elements are -1 or +1 (and 0 where ONNX's Sign(0) = 0 or
    zero padding asks for it). The runtime stores it as two bit planes, each
    packed along the channel dimension (NHWC order, little-endian within a
    64-bit word): a sign plane (bit 1 means -1) and a nonzero plane (bit 0
    means the value is 0). Example: `!qnn.binary<1x64x14x14>`.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape);
  let hasCustomAssemblyFormat = 1;
  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    int64_t getNumElements() const;
  }];
}

def Qnn_BinaryTensor : Type<CPred<"::llvm::isa<::qnnc::qnn::BinaryTensorType>($_self)">,
                            "bit-packed binary tensor", "::qnnc::qnn::BinaryTensorType">;

def Qnn_LevelsTensorType : Qnn_Type<"LevelsTensor", "levels"> {
  let summary = "tensor of unsigned k-bit levels stored as k bit planes";
  let description = [{
    A tensor whose elements are integers 0 .. 2^bits - 1 (the number of
    thresholds a low-bit activation reached). The runtime stores `bits` bit
    planes, plane j holding bit j of every element, each packed along the
    channel dimension like a binary tensor's nonzero plane (NHWC order,
    64-bit words), so a k-bit x 1-bit product is k binary products.
    Example: `!qnn.levels<1x64x14x14, 2>`.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape, "unsigned":$bits);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Qnn_LevelsTensor : Type<CPred<"::llvm::isa<::qnnc::qnn::LevelsTensorType>($_self)">,
                            "bit-plane tensor of k-bit levels", "::qnnc::qnn::LevelsTensorType">;

def Qnn_F32Tensor : RankedTensorOf<[F32]>;
def Qnn_I32Tensor : RankedTensorOf<[I32]>;
def Qnn_NumericTensor : RankedTensorOf<[F32, I32]>;
def Qnn_Int8Tensor : RankedTensorOf<[I8, UI8]>;
def Qnn_IntegerTensor : RankedTensorOf<[I8, UI8, I32, I64]>;

class Qnn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Qnn_Dialect, mnemonic, traits>;

#endif
