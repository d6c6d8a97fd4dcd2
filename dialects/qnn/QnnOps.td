// Operations of the qnn dialect. Float operations follow ONNX semantics on
// NCHW tensors; binary operations compute exactly what the float model with
// Sign activations and +-1 weights computes.
#ifndef QNN_OPS_TD
#define QNN_OPS_TD

include "dialects/qnn/QnnBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

// +-1 weights: i1 elements (true = -1) until qnn-pack-weights packs them
// into the kernels' layout.
def Qnn_BinaryWeights : AnyAttrOf<[ElementsAttr, Qnn_PackedBinaryWeightsAttr, Qnn_HuffmanBinaryWeightsAttr]>;

// The KernelOpInterface methods of an op whose one layout flag covers its
// input and result (qnn-assign-layouts).
defvar ChannelsLastTied = ["acceptsChannelsLast", "producesChannelsLast", "channelsLastTiedOperand"];

defvar ConvAttrs = (ins DenseI64ArrayAttr:$strides,
                        DenseI64ArrayAttr:$pads,       // top, left, bottom, right
                        DenseI64ArrayAttr:$dilations,
                        I64Attr:$group);
// The clamp a float convolution applies to each output as it stores it
// (qnn_rt::clamp_output): none, a lower bound (Relu) or both (Clip).
defvar OutputClamp = (ins OptionalAttr<F32Attr>:$clamp_min, OptionalAttr<F32Attr>:$clamp_max);

//===----------------------------------------------------------------------===//
// Float operations
//===----------------------------------------------------------------------===//

def Qnn_Conv2DOp
    : Qnn_KernelOp<"conv2d", [Pure, InferTypeOpAdaptor], !listconcat(["getScratchBytes"], ChannelsLastTied)> {
  let summary = "2-D float convolution (ONNX Conv, NCHW, OIHW weights)";
  let description = [{
    With `clamp_min` / `clamp_max`, each output is clamped as it is stored,
    with qnn.clip's comparison (qnn-fuse-epilogues joins a following
    qnn.relu as clamp_min = 0, a qnn.clip as both). A 1x1,
    stride-1, unpadded, ungrouped one with constant weights can run on
    channels-last tensors: qnn-assign-layouts makes it a qnn.pointwise_conv.
  }];
  let arguments = !con((ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$weight,
                            Optional<Qnn_F32Tensor>:$bias), ConvAttrs, OutputClamp);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Qnn_Conv3DOp : Qnn_KernelOp<"conv3d", [Pure, InferTypeOpAdaptor], ["getScratchBytes"]> {
  let summary = "3-D float convolution (ONNX Conv, NCDHW, OIDHW weights)";
  let description = [{
    `strides` and `dilations` per depth, height and width; `pads` the
    front, top and left ones, then the back, bottom and right ones (ONNX's
    order). Runs as qnn.conv2d's im2col + GEMM, one output depth slice at a
    time (qnn_rt::conv3d_f32).
  }];
  let arguments = !con((ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$weight,
                            Optional<Qnn_F32Tensor>:$bias), ConvAttrs);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Qnn_PointwiseConvOp : Qnn_KernelOp<"pointwise_conv", [Pure], ChannelsLastTied> {
  let summary = "1x1 float convolution of channels-last tensors, weights stored transposed";
  let description = [{
    The qnn.conv2d (1x1, stride 1, no padding, one group) that
    qnn-assign-layouts gives channels-last input and output: `weight_t` is
    its weights transposed, [C][OP] with OP the output channels rounded up
    to whole GEMM panels (qnn_rt::panel_padded_channels), zero-filled,
    `bias` (optional) padded likewise. Each output is the same sum in the
    same order as qnn.conv2d's, so the values are bit-identical; clamped as
    qnn.conv2d's.
  }];
  let arguments = !con((ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$weight_t, Optional<Qnn_F32Tensor>:$bias),
                       OutputClamp);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight_t (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qnn_PixelRowsConvOp : Qnn_KernelOp<"pixel_rows_conv", [Pure], ["getScratchBytes"]> {
  let summary = "Ungrouped float convolution with output pixels as the GEMM's rows, weights packed in panels";
  let description = [{
    The qnn.conv2d (one group, constant weights) that qnn-pixel-rows-convs
    runs with the GEMM's roles exchanged (qnn_rt::conv2d_f32_pixel_rows):
    `weight_panels` is its weights [O][K], K = C * KH * KW, in panels of 32
    output channels, [ceil(O / 32)][K][32], zero past O; `bias` (optional)
    O rounded up to whole panels, zero-filled; `kernel_shape` is [KH, KW].
    Each output is the same sum in the same order as qnn.conv2d's, so the
    values are bit-identical; clamped as qnn.conv2d's.
  }];
  let arguments = !con((ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$weight_panels, Optional<Qnn_F32Tensor>:$bias,
                            DenseI64ArrayAttr:$kernel_shape, DenseI64ArrayAttr:$strides,
                            DenseI64ArrayAttr:$pads, DenseI64ArrayAttr:$dilations), OutputClamp);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight_panels (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qnn_GemmOp : Qnn_KernelOp<"gemm", [Pure, InferTypeOpAdaptor]> {
  let summary = "Y = alpha * op(A) * op(B) + beta * C (ONNX Gemm)";
  let description = [{
    Canonicalization stores a constant transposed B as its transpose, the
    layout the kernel streams; the result is unchanged.
  }];
  let hasCanonicalizer = 1;
  let arguments = (ins Qnn_F32Tensor:$a, Qnn_F32Tensor:$b, Optional<Qnn_F32Tensor>:$c,
                       BoolAttr:$trans_a, BoolAttr:$trans_b, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $c^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Qnn_BatchMatMulOp : Qnn_KernelOp<"batch_matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "a stack of matrix products: Y[i] = A[i or 0] * B[i or 0]";
  let description = [{
    A [Ba, M, K] and B [Bb, K, N] with Ba and Bb the stack's size or 1 (one
    matrix for every product); Y [max(Ba, Bb), M, N]. ONNX MatMul of rank
    > 2 operands, their batch dimensions flattened.
  }];
  let arguments = (ins Qnn_F32Tensor:$a, Qnn_F32Tensor:$b);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$a `,` $b attr-dict `:` functional-type(operands, results)";
}

def Qnn_BatchNormOp : Qnn_ElementwiseOp<"batch_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "inference batch normalization over axis 1";
  let arguments = (ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$scale, Qnn_F32Tensor:$bias,
                       Qnn_F32Tensor:$mean, Qnn_F32Tensor:$variance, F32Attr:$epsilon);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:` functional-type(operands, results)
  }];
}

def Qnn_BatchNormTrainingOp : Qnn_KernelOp<"batch_norm_training", [Pure, InferTypeOpAdaptor]> {
  let summary = "training-mode batch normalization over axis 1, with running statistics";
  let description = [{
    ONNX BatchNormalization with training_mode = 1: the output is normalized
    by the mean and population variance of the input over every axis but
    1; `running_mean` and `running_variance` are `mean` and `variance`
    times `momentum` plus the batch's statistics times 1 - momentum.
  }];
  let arguments = (ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$scale, Qnn_F32Tensor:$bias,
                       Qnn_F32Tensor:$mean, Qnn_F32Tensor:$variance, F32Attr:$epsilon, F32Attr:$momentum);
  let results = (outs Qnn_F32Tensor:$output, Qnn_F32Tensor:$running_mean, Qnn_F32Tensor:$running_variance);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:` functional-type(operands, results)
  }];
}

class Qnn_UnaryF32Op<string mnemonic, string desc> : Qnn_ElementwiseOp<mnemonic, [Pure, SameOperandsAndResultType]> {
  let summary = desc;
  let arguments = (ins Qnn_F32Tensor:$input);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Qnn_ReluOp : Qnn_UnaryF32Op<"relu", "max(x, 0)">;
def Qnn_SignOp : Qnn_UnaryF32Op<"sign", "ONNX Sign: -1, 0 or +1 as float">;

def Qnn_ClipOp : Qnn_ElementwiseOp<"clip", [Pure, SameOperandsAndResultType]> {
  let summary = "min(max(x, min), max)";
  let description = [{
    Of a float32, uint8 or int8 tensor; on integers the bounds are whole
    numbers (the importer's), each past the type's range meaning none.
  }];
  let arguments = (ins Qnn_ClipTensor:$input, F32Attr:$min, F32Attr:$max);
  let results = (outs Qnn_ClipTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class Qnn_BroadcastOp<string mnemonic, string desc, Type tensor>
    : Qnn_ElementwiseOp<mnemonic, [Pure, ResultsBroadcastableShape, InferTypeOpAdaptor,
                                   AllElementTypesMatch<["lhs", "rhs", "output"]>]> {
  let summary = desc # " with multidirectional (numpy) broadcasting";
  let arguments = (ins tensor:$lhs, tensor:$rhs);
  let results = (outs tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

// On integers Add, Sub and Mul wrap around (qnn_rt::add_int ...); float64
// has its own kernels (qnn_rt::add_f64 ...).
def Qnn_AddOp : Qnn_BroadcastOp<"add", "lhs + rhs", Qnn_AnyElementTensor>;
def Qnn_SubOp : Qnn_BroadcastOp<"sub", "lhs - rhs", Qnn_AnyElementTensor>;
def Qnn_MulOp : Qnn_BroadcastOp<"mul", "lhs * rhs", Qnn_AnyElementTensor>;
def Qnn_PReluOp : Qnn_BroadcastOp<"prelu", "lhs < 0 ? lhs * rhs : lhs", Qnn_F32Tensor>;

def Qnn_MaxPoolOp : Qnn_KernelOp<"max_pool", [Pure, InferTypeOpAdaptor]> {
  let summary = "2-D max pooling; padding never wins (ONNX MaxPool)";
  let arguments = (ins Qnn_NumericTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations);
  let results = (outs Qnn_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_MaxPoolIndicesOp : Qnn_KernelOp<"max_pool_indices", [Pure, InferTypeOpAdaptor]> {
  let summary = "where each window of a 2-D max pooling has its maximum (ONNX MaxPool's Indices)";
  let description = [{
    The flat index into the input (batch and channel included) of the first
    tap inside the image holding the window's maximum, row-major within a
    plane (h * W + w), or column-major with `column_major` (ONNX
    storage_order = 1: h + w * H). The same windows as `qnn.max_pool` of the
    same attributes.
  }];
  let arguments = (ins Qnn_NumericTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$column_major);
  let results = (outs TensorOf<[I64]>:$indices);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_AvgPoolOp : Qnn_KernelOp<"avg_pool", [Pure, InferTypeOpAdaptor], ChannelsLastTied> {
  let summary = "2-D average pooling (ONNX AveragePool)";
  let arguments = (ins Qnn_F32Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$count_include_pad);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_GlobalAvgPoolOp
    : Qnn_KernelOp<"global_avg_pool", [Pure, InferTypeOpAdaptor], ["acceptsChannelsLast"]> {
  let summary = "mean over H and W, keeping them as size 1";
  let arguments = (ins Qnn_F32Tensor:$input);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_ReshapeOp : Qnn_KernelOp<"reshape", [Pure]> {
  let summary = "same elements in the same order, new shape";
  let arguments = (ins Qnn_AnyElementTensor:$input);
  let results = (outs Qnn_AnyElementTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Qnn_PadOp : Qnn_KernelOp<"pad", [Pure, InferTypeOpAdaptor]> {
  let summary = "padding of the two spatial dimensions of NCHW";
  let description = [{
    ONNX Pad's modes: `constant` (`value` outside the input), `reflect`
    (mirrored about the edge, the edge not repeated: each pad below its
    dimension), `edge` (the edge repeated). Of any element type; on
    integers `value` is a whole number within the type.
  }];
  let arguments = (ins Qnn_PadTensor:$input, DenseI64ArrayAttr:$pads, // top, left, bottom, right
                       F32Attr:$value, DefaultValuedStrAttr<StrAttr, "constant">:$mode);
  let results = (outs Qnn_PadTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_TransposeOp : Qnn_KernelOp<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "permute dimensions: output dim i is input dim perm[i]";
  let arguments = (ins Qnn_F32Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_ConcatOp : Qnn_KernelOp<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "concatenate along an axis";
  let arguments = (ins Variadic<Qnn_F32Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type(operands, results)";
}

def Qnn_SoftmaxOp : Qnn_KernelOp<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one axis (ONNX Softmax-13)";
  let arguments = (ins Qnn_F32Tensor:$input, I64Attr:$axis);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Qnn_ToFloatOp : Qnn_KernelOp<"to_float", [Pure, InferTypeOpAdaptor]> {
  let summary = "exact int32 accumulator to float32";
  let arguments = (ins Qnn_I32Tensor:$input);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_ScaleBiasOp : Qnn_KernelOp<"scale_bias", [Pure, InferTypeOpAdaptor]> {
  let summary = "float(acc) * scale[c] + bias[c] per channel (axis 1), in one pass";
  let description = [{
    The float epilogue of a binary layer: to_float, then a per-channel
    multiply, then a per-channel add, rounded exactly as those three ops
    would round (multiply and add are separate float32 operations).
  }];
  let arguments = (ins Qnn_I32Tensor:$input, DenseF32ArrayAttr:$scale, DenseF32ArrayAttr:$bias);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_MultiThresholdOp : Qnn_Op<"multi_threshold", [Pure, InferTypeOpAdaptor]> {
  let summary = "QONNX MultiThreshold: out_scale * (thresholds reached) + out_bias";
  let description = [{
    For each element of channel c (axis 1), counts the thresholds t of row c
    of `thresholds` ([C, T], or [1, T] shared by all channels) with
    x >= t, and returns out_scale * count + out_bias.
  }];
  let arguments = (ins Qnn_F32Tensor:$input, Qnn_F32Tensor:$thresholds, F32Attr:$out_scale,
                       F32Attr:$out_bias);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = [{
    $input `,` $thresholds attr-dict `:` functional-type(operands, results)
  }];
}

//===----------------------------------------------------------------------===//
// Binary operations
//===----------------------------------------------------------------------===//

def Qnn_BinarizeOp : Qnn_KernelOp<"binarize", [Pure, InferTypeOpAdaptor], ["acceptsChannelsLast"]> {
  let summary = "ONNX Sign of a float tensor, bit-packed (Sign(0) = 0 kept exact)";
  let arguments = (ins Qnn_F32Tensor:$input);
  let results = (outs Qnn_BinaryTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_BinaryConv2DOp : Qnn_KernelOp<"binary_conv2d", [Pure, InferTypeOpAdaptor], ["getScratchBytes"]> {
  let summary = "xnor-popcount 2-D convolution into an exact int32 accumulator";
  let description = [{
    `weight` holds the +-1 kernel (OIHW, I = C / group) as i1, true meaning
    -1. Zero padding and zero inputs contribute 0, exactly as in the float
    convolution of the Sign-ed input with the +-1 weights.
  }];
  let arguments = !con((ins Qnn_BinaryTensor:$input, Qnn_BinaryWeights:$weight), ConvAttrs);
  let results = (outs Qnn_I32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_BinaryConv2DSignOp : Qnn_KernelOp<"binary_conv2d_sign", [Pure, InferTypeOpAdaptor], ["getScratchBytes"]> {
  let summary = "qnn.binary_conv2d followed by qnn.threshold, writing packed bits directly";
  let description = [{
    The accumulator of each output never reaches memory: the kernel compares
    it with the channel's thresholds (as `qnn.threshold` does) and sets the
    output's sign and nonzero bits, so consecutive binary layers exchange
    packed bits only.
  }];
  let arguments = !con((ins Qnn_BinaryTensor:$input, Qnn_BinaryWeights:$weight), ConvAttrs,
                       (ins Qnn_ThresholdsAttr:$thresholds));
  let results = (outs Qnn_BinaryTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Qnn_BinaryConv2DAffineOp
    : Qnn_KernelOp<"binary_conv2d_affine", [Pure, InferTypeOpAdaptor],
                   ["canRunInPlace", "acceptsChannelsLast", "producesChannelsLast", "getScratchBytes"]> {
  let summary = "qnn.binary_conv2d followed by qnn.scale_bias and an optional residual add, in one kernel";
  let description = [{
    output = (float(acc) * scale[c] + bias[c]) + residual, each operation a
    separate float32 rounding as in the unfused ops, so the results are
    bit-identical to them; the int32 accumulator never reaches memory. The
    output may take the residual's buffer.
  }];
  let arguments = !con((ins Qnn_BinaryTensor:$input, Optional<Qnn_F32Tensor>:$residual, Qnn_BinaryWeights:$weight),
                       ConvAttrs, (ins DenseF32ArrayAttr:$scale, DenseF32ArrayAttr:$bias));
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input (`,` $residual^)? attr-dict `:` functional-type(operands, results)";
}

def Qnn_BinaryDenseOp : Qnn_KernelOp<"binary_dense", [Pure, InferTypeOpAdaptor]> {
  let summary = "xnor-popcount matrix product [N,K] x [O,K]^T into int32";
  let arguments = (ins Qnn_BinaryTensor:$input, Qnn_BinaryWeights:$weight);
  let results = (outs Qnn_I32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_ThresholdOp : Qnn_KernelOp<"threshold", [Pure, InferTypeOpAdaptor]> {
  let summary = "per-channel integer thresholds on an accumulator, giving -1/0/+1";
  let description = [{
    `thresholds` has two per channel (axis 1): the output is the channel's
    level minus 1, that is -1, 0 or +1 (see `#qnn.thresholds`). This is
    Sign of any monotone per-channel function of the accumulator, ties
    included.
  }];
  let arguments = (ins Qnn_I32Tensor:$input, Qnn_ThresholdsAttr:$thresholds);
  let results = (outs Qnn_BinaryTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Low-bit (k-bit level) operations
//===----------------------------------------------------------------------===//

def Qnn_QuantizeLevelsOp : Qnn_KernelOp<"quantize_levels", [Pure]> {
  let summary = "float tensor -> k-bit levels: the number of thresholds reached";
  let description = [{
    Element x of channel c becomes the number of t in
    thresholds[c * T .. c * T + T) with x >= t (T = thresholds / channels,
    at most 2^bits - 1); NaN reaches none.
  }];
  let arguments = (ins Qnn_F32Tensor:$input, DenseF32ArrayAttr:$thresholds);
  let results = (outs Qnn_LevelsTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Qnn_ThresholdLevelsOp : Qnn_KernelOp<"threshold_levels", [Pure]> {
  let summary = "int32 accumulator -> k-bit levels through per-channel integer thresholds";
  let description = [{
    The level of each accumulator under its channel's thresholds (see
    `#qnn.thresholds`, at most 2^bits - 1 per channel). This is any
    monotone per-channel function of the accumulator followed by a
    multi-threshold, ties included.
  }];
  let arguments = (ins Qnn_I32Tensor:$input, Qnn_ThresholdsAttr:$thresholds);
  let results = (outs Qnn_LevelsTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Qnn_LevelsToFloatOp : Qnn_KernelOp<"levels_to_float", [Pure, InferTypeOpAdaptor]> {
  let summary = "k-bit levels n -> float32 scale * n + bias";
  let arguments = (ins Qnn_LevelsTensor:$input, F32Attr:$scale, F32Attr:$bias);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_LevelsToBinaryOp : Qnn_KernelOp<"levels_to_binary", [Pure, InferTypeOpAdaptor]> {
  let summary = "1-bit levels n -> the binary tensor 2n - 1 (values -1, +1)";
  let description = [{
    A bipolar activation (QONNX BipolarQuant, a one-threshold multi-threshold
    with outputs -s / +s) as a binary tensor: level 1 is +1 and level 0 is -1.
  }];
  let arguments = (ins Qnn_LevelsTensor:$input);
  let results = (outs Qnn_BinaryTensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_BitserialConv2DOp : Qnn_KernelOp<"bitserial_conv2d", [Pure, InferTypeOpAdaptor], ["getScratchBytes"]> {
  let summary = "k-bit levels x m-bit weights 2-D convolution, bit-serially, into int32";
  let description = [{
    acc = sum_i sum_j 2^(i+j) * conv(plane_j, weight_i): each bit plane of
    the levels (values 0/1) is convolved with each +-1 weight plane on the
    binary kernels. `weight` holds +-1 kernels as i1 (true meaning -1),
    either OIHW (one plane) or [m, O, I, H, W]: m planes, plane i weighing
    2^i, so the planes spell odd integers n in [-(2^m - 1), 2^m - 1]. With
    `weight_offsets` (an odd d per output channel, |d| <= 511) the weights
    are (n + d) / 2: any integer grid, zero and even values included
    (ternary, signed or unsigned k-bit), computed as
    (sum n x + d * sum x) / 2 from the window's sum of levels. Zero padding
    contributes 0.
  }];
  let arguments = !con((ins Qnn_LevelsTensor:$input, Qnn_BinaryWeights:$weight), ConvAttrs,
                       (ins OptionalAttr<DenseI32ArrayAttr>:$weight_offsets));
  let results = (outs Qnn_I32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

def Qnn_BitserialConv2DAffineOp
    : Qnn_KernelOp<"bitserial_conv2d_affine", [Pure, InferTypeOpAdaptor],
                   ["canRunInPlace", "acceptsChannelsLast", "producesChannelsLast", "getScratchBytes"]> {
  let summary = "qnn.bitserial_conv2d followed by qnn.scale_bias and an optional residual add, in one kernel";
  let description = [{
    As qnn.binary_conv2d_affine for a bit-serial convolution: output =
    (float(acc) * scale[c] + bias[c]) + residual, each operation a separate
    float32 rounding, the int32 accumulator never in memory; the output may
    take the residual's buffer.
  }];
  let arguments = !con((ins Qnn_LevelsTensor:$input, Optional<Qnn_F32Tensor>:$residual, Qnn_BinaryWeights:$weight),
                       ConvAttrs, (ins DenseF32ArrayAttr:$scale, DenseF32ArrayAttr:$bias,
                                   OptionalAttr<DenseI32ArrayAttr>:$weight_offsets));
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input (`,` $residual^)? attr-dict `:` functional-type(operands, results)";
}

//===----------------------------------------------------------------------===//
// 8-bit (ONNX QuantizeLinear / DequantizeLinear) operations
//===----------------------------------------------------------------------===//

def Qnn_QuantizeLinearOp : Qnn_KernelOp<"quantize_linear", [Pure]> {
  let summary = "ONNX QuantizeLinear: saturate(round(x / scale) + zero_point), per tensor or along `axis`";
  let description = [{
    Rounds half to even; saturates to the result's element type (i8:
    [-128, 127], ui8: [0, 255]). One scale and zero point for the tensor,
    or one per index of dimension `axis` (unused with one).
  }];
  let arguments = (ins Qnn_F32Tensor:$input, DenseF32ArrayAttr:$scale, DenseI64ArrayAttr:$zero_point,
                       I64Attr:$axis);
  let results = (outs Qnn_Int8Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

def Qnn_DequantizeLinearOp : Qnn_KernelOp<"dequantize_linear", [Pure, InferTypeOpAdaptor]> {
  let summary = "ONNX DequantizeLinear: (x - zero_point) * scale, per tensor or along `axis`";
  let arguments = (ins Qnn_IntegerTensor:$input, DenseF32ArrayAttr:$scale, DenseI64ArrayAttr:$zero_point,
                       I64Attr:$axis);
  let results = (outs Qnn_F32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def Qnn_QConv2DOp : Qnn_ScratchOp<"qconv2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "8-bit 2-D convolution into an exact int32 accumulator";
  let description = [{
    acc = sum (x - input_zero_point) * w over the window, zero padding
    meaning x = input_zero_point (the float model pads with 0.0, which
    quantizes to the zero point). `weight` holds the int8 kernel (OIHW).
  }];
  let arguments = !con((ins Qnn_Int8Tensor:$input, ElementsAttr:$weight, I64Attr:$input_zero_point), ConvAttrs);
  let results = (outs Qnn_I32Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` functional-type(operands, results)";
}

#endif
