// The qnn dialect and its binary tensor type.
#ifndef QNN_BASE_TD
#define QNN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/CommonAttrConstraints.td"
include "dialects/qnn/QnnInterfaces.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

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
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  // What the passes hand each other on ops and on the module, typed and
  // named by the dialect (QnnDialect::get...AttrHelper()).
  let discardableAttrs = (ins
    // On every op qnn-plan-memory placed: where its results and scratch live.
    "::qnnc::qnn::PlacementAttr":$placement,
    // On the module, from qnn-plan-memory: arena size and its lower bound.
    "::qnnc::qnn::MemoryPlanAttr":$memory_plan,
    // On the lowered entry functions: the model's (inputs) -> (outputs) type.
    "::mlir::TypeAttr":$model_type,
    // On an op whose float result qnn-assign-layouts stores channels-last
    // (NHWC): every kernel that writes or reads it takes that layout.
    "::mlir::UnitAttr":$channels_last
  );
}

class Qnn_Attr<string name, string attrMnemonic> : AttrDef<Qnn_Dialect, name> {
  let mnemonic = attrMnemonic;
}

def Qnn_PlacementAttr : Qnn_Attr<"Placement", "placement"> {
  let summary = "arena offsets of an op's results and of its kernel's scratch";
  let description = [{
    `offsets` holds one byte offset into the arena per result; a negative
    one, -1 - k, means the result is written to the caller's buffer for
    graph output k (`outputPlacement(k)`, `placedOutput(offset)`). `scratch` is the byte
    offset of the kernel's scratch memory, or -1 when it needs none.
    Example: `#qnn.placement<offsets = [0], scratch = 128>`.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$offsets, "int64_t":$scratch);
  let assemblyFormat = "`<` `offsets` `=` `[` $offsets `]` `,` `scratch` `=` $scratch `>`";
}

def Qnn_MemoryPlanAttr : Qnn_Attr<"MemoryPlan", "memory_plan"> {
  let summary = "size of the static arena and the liveness lower bound";
  let description = [{
    `arena_bytes` is what one inference needs; `lower_bound` the most bytes
    live at any one op, which no placement can go below.
  }];
  let parameters = (ins "int64_t":$arena_bytes, "int64_t":$lower_bound);
  let assemblyFormat = "`<` struct(params) `>`";
}

def Qnn_ThresholdsAttr : Qnn_Attr<"Thresholds", "thresholds"> {
  let summary = "per-channel integer thresholds on an accumulator";
  let description = [{
    `values` holds T thresholds per channel ([C][T], ascending within a
    channel), `descending` one flag per channel. The level of accumulator
    `acc` in channel c is the number n of that channel's thresholds with
    acc >= t, or T - n where descending[c] (a falling float chain, gamma <
    0). Sign is T = 2: the value is level - 1 (-1, 0, +1; equal thresholds
    leave no 0); k-bit levels have T <= 2^k - 1. INT32_MIN is reached by
    every accumulator, INT32_MAX by none.
    Example: `#qnn.thresholds<[-1, 1, 0, 0], [false, true]>`.
  }];
  let parameters = (ins "::mlir::DenseI32ArrayAttr":$values, "::mlir::DenseBoolArrayAttr":$descending);
  let assemblyFormat = "`<` $values `,` $descending `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getChannels() const { return getDescending().size(); }
    int64_t getPerChannel() const { return getChannels() ? getValues().size() / getChannels() : 0; }
  }];
}

def Qnn_PackedBinaryWeightsAttr : Qnn_Attr<"PackedBinaryWeights", "packed_binary_weights"> {
  let summary = "+-1 kernel weights in the runtime kernels' packed layout";
  let description = [{
    Written by qnn-pack-weights from i1 weights through the runtime's own
    packer (`qnn_rt::pack_binary_weights`). `shape` is the logical shape of
    the i1 weights it replaces: [O, Cg, KH, KW] (convolution), [O, K]
    (dense) or [m, O, Cg, KH, KW] (m bit-serial weight planes, plane i
    weighing 2^i). `words` holds `qnn_rt::binary_weight_halves` ui32
    values: per plane and block of 8 output channels (the last one padded
    with zero rows), word j of the 8 channels' rows side by side, a row
    being [KH][KW][words(Cg)] 64-bit words; each word as two ui32 halves
    (low first), bit c % 64 of word c / 64 set where the weight is -1.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape, "::mlir::DenseIntElementsAttr":$words);
  let assemblyFormat = "`<` `[` $shape `]` `,` $words `>`";
}

def Qnn_HuffmanBinaryWeightsAttr : Qnn_Attr<"HuffmanBinaryWeights", "huffman_binary_weights"> {
  let summary = "+-1 convolution weights as a canonical Huffman code of their kernel sequences";
  let description = [{
    Written by qnn-huffman-compress from i1 weights [O, Cg, KH, KW]
    (`shape`). Each (output, input channel) kernel slice is one symbol of
    `qnn_rt::binary_sequence_taps(KH, KW)` bits (3x3: 9; bit t is tap t, set
    where the weight is -1; slices of more than 12 taps go by runs), coded
    into 128 interleaved lanes (lane 64 k + l: output channels o with
    o % 2 = k, input channels c with c % 64 = l) of `stream` (ui16 chunks in
    the order `qnn_rt::HuffmanLanes` reads them; trailing zeros left out).
    `counts[L]` is the number of codewords of length L (L = 0 .. 12) and
    `symbols` the coded symbols in canonical order. The kernel decodes them
    into the packed layout (`qnn_rt::decode_binary_weights`) in its arena
    scratch.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$shape, "::mlir::DenseIntElementsAttr":$stream,
                        "::mlir::DenseIntElementsAttr":$counts, "::mlir::DenseIntElementsAttr":$symbols);
  let assemblyFormat = "`<` `[` $shape `]` `,` $stream `,` $counts `,` $symbols `>`";
}

class Qnn_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Qnn_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

// Both bit-packed types below are shaped types (ShapedTypeInterface):
// ranked and static, with a logical element type that says which values
// they hold (si2 for {-1, 0, +1}, ui<bits> for levels).
def Qnn_BinaryTensorType : Qnn_Type<"BinaryTensor", "binary", [ShapedTypeInterface]> {
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
    bool hasRank() const { return true; }
    ::mlir::ShapedType cloneWith(std::optional<::llvm::ArrayRef<int64_t>> shape, ::mlir::Type elementType) const;
    /// si2: the values -1, 0, +1.
    ::mlir::Type getElementType() const;
  }];
}

def Qnn_BinaryTensor : Type<CPred<"::llvm::isa<::qnnc::qnn::BinaryTensorType>($_self)">,
                            "bit-packed binary tensor", "::qnnc::qnn::BinaryTensorType">;

def Qnn_LevelsTensorType : Qnn_Type<"LevelsTensor", "levels", [ShapedTypeInterface]> {
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
  let extraClassDeclaration = [{
    bool hasRank() const { return true; }
    ::mlir::ShapedType cloneWith(std::optional<::llvm::ArrayRef<int64_t>> shape, ::mlir::Type elementType) const;
    /// ui<bits>: the levels 0 .. 2^bits - 1.
    ::mlir::Type getElementType() const;
  }];
}

def Qnn_LevelsTensor : Type<CPred<"::llvm::isa<::qnnc::qnn::LevelsTensorType>($_self)">,
                            "bit-plane tensor of k-bit levels", "::qnnc::qnn::LevelsTensorType">;

def Qnn_F32Tensor : RankedTensorOf<[F32]>;
def Qnn_I32Tensor : RankedTensorOf<[I32]>;
def Qnn_NumericTensor : RankedTensorOf<[F32, I32, UI8, I8]>;
// Every element type of the model's input and output tensors.
def Qnn_AnyElementTensor : RankedTensorOf<[F32, F64, I32, UI8, I8, I64]>;
def Qnn_PadTensor : RankedTensorOf<[F32, I32, UI8, I8, I64]>;
def Qnn_ClipTensor : RankedTensorOf<[F32, UI8, I8]>;
def Qnn_Int8Tensor : RankedTensorOf<[I8, UI8]>;
def Qnn_IntegerTensor : RankedTensorOf<[I8, UI8, I32, I64]>;

class Qnn_Op<string mnemonic, list<Trait> traits = []>
    : Op<Qnn_Dialect, mnemonic, traits>;

// An op that lowers to runtime kernel calls; `overrides` lists the
// KernelOpInterface methods it implements beyond buildKernelCall.
class Qnn_KernelOp<string mnemonic, list<Trait> traits = [], list<string> overrides = []>
    : Qnn_Op<mnemonic, traits # [DeclareOpInterfaceMethods<Qnn_KernelOpInterface, overrides>]>;
class Qnn_ElementwiseOp<string mnemonic, list<Trait> traits = []>
    : Qnn_KernelOp<mnemonic, traits, ["canRunInPlace"]>;
class Qnn_ScratchOp<string mnemonic, list<Trait> traits = []>
    : Qnn_KernelOp<mnemonic, traits, ["getScratchBytes"]>;

#endif
