// Declarations of every qnnc pass; each is implemented in the file named
// after it in this folder and tested in test/passes/.
#ifndef QNNC_PASSES_TD
#define QNNC_PASSES_TD

include "mlir/Pass/PassBase.td"

def AssignBits : Pass<"qnn-assign-bits", "mlir::func::FuncOp"> {
  let summary = "Per-layer weight and input widths under a budget (exact multiple-choice knapsack)";
  let description = [{
    Every op carrying `qnn.bit_choices` (an array of `{w, a, bytes, bitops,
    sensitivity}`: widths 0 = float or 1 to 8, the choice's weight bytes and
    bit-operations, and its measured sensitivity) gets exactly one of them:
    the assignment of least total sensitivity whose total bytes (or
    bit-ops) stay within the budget, found exactly over the Pareto frontier
    of all assignments (no greedy step, no rounding of costs). The choice is
    written as `qnn.bits = array<i64: w, a>`, which qnn-quantize applies; the
    totals as `qnn.bit_assignment` on the function. A budget below the
    cheapest assignment is an error.
  }];
  let options = [
    Option<"budgetBytes", "budget-bytes", "int64_t", "0", "weight bytes the assignment may use">,
    Option<"budgetBitops", "budget-bitops", "int64_t", "0", "bit-operations (MACs x w x a) per inference it may use">,
  ];
}

def ClusterKernels : Pass<"qnn-cluster-kernels", "mlir::func::FuncOp"> {
  let summary = "Binary convolutions keep their most frequent kernel sequences, the others become the nearest kept";
  let description = [{
    After qnn-recognize-binary and before qnn-fold-thresholds (which then
    folds batch norms from the changed kernels). In each
    qnn.binary_conv2d(_sign, _affine) with i1 weights, the `keep` most
    frequent kernel sequences (3x3 slices: 9 bits; ties: the smaller
    sequence) stay, or as many as the op's `qnn.cluster_keep` says (the
    compiler's per-layer search sets it; 0: the layer stays as it is).
    Every other sequence is replaced by the kept one nearest in Hamming
    distance (ties: the more frequent). Where a qnn.binary_conv2d carries
    calibration statistics of its input (`qnn.input_tap_means` [C][T],
    `qnn.input_tap_moments` [C][T][T] within channels or [C T][C T] across
    them), the replacement is instead the kept sequence that changes the
    accumulator least in mean square; with moments across channels each
    output channel's slices are then chosen together (coordinate descent
    on the variance of its accumulator change, kept slices included). The
    mean change per output channel is taken back from the bias that
    follows (to_float -> mul -> add, else a new add). Lossy: what it costs
    in accuracy is measured by the caller.
  }];
  let options = [Option<"keep", "keep", "int64_t", "0",
                        "kernel sequences each layer keeps (0: only layers with qnn.cluster_keep)">];
}

def HuffmanCompress : Pass<"qnn-huffman-compress", "mlir::func::FuncOp"> {
  let summary = "Binary convolution weights as a canonical Huffman code of their kernel sequences";
  let description = [{
    Before qnn-pack-weights. The i1 weights [O, Cg, KH, KW] of each
    qnn.binary_conv2d(_sign, _affine) become `#qnn.huffman_binary_weights`:
    one symbol per (output, input channel) kernel slice (3x3: 9 bits), coded
    with the optimal canonical code for the layer's own histogram of at most
    12 bits per codeword (8 where that costs at most 1 %: the AVX-512
    decoder reads such codes from registers), into 128 interleaved lanes
    that decode side by side, where the stream with its decode table
    (counts per length, symbols) is smaller than the packed words. The
    kernel call decodes them into its arena scratch once per inference
    (`qnn_rt::decode_binary_weights`), so outputs are bit-identical.
  }];
  let dependentDialects = ["::qnnc::qnn::QnnDialect"];
}

def Quantize : Pass<"qnn-quantize", "mlir::func::FuncOp"> {
  let summary = "Post-training quantization: a float model's convolutions and GEMMs onto integer grids";
  let description = [{
    Every `qnn.conv2d` and `qnn.gemm` that carries `qnn.input_range` (the
    calibrated [lo, hi] of its input, lo >= 0: what calibration measured)
    gets `bits`-bit weights and activations; the first and the last of them
    8 bits, or stay float with `first-last=float`. An 8-bit convolution goes
    QDQ (uint8 input of step hi / 255, int8 weights of per-channel scales
    max |w_o| / 127), which qnn-recognize-int8 runs on the int8 kernels.
    Otherwise activations: a `qnn.multi_threshold` into unsigned levels of
    step s = hi / (2^A - 1) with thresholds (k - 1/2) s, k = 1 .. 2^A - 1
    (round to nearest, saturating at hi), out_scale s, out_bias 0; weights:
    per output channel symmetric, w = s_o * clamp(round(w / s_o), -t, t),
    t = 2^(W-1) - 1, with the step s_o (to 16 significant bits) of least
    squared error among c * max |w_o| / t, c = 0.01 .. 1 (1 bit: +-mean
    |w_o|).
    qnn-recognize-binary then runs the convolutions bit-serially on these
    integer grids (weight offsets for the zero). Ops whose input range is
    not non-negative, or all zero, stay float.

    An op's own `qnn.bits = array<i64: W, A>` (set by qnn-assign-bits)
    overrides the widths and the first/last rule for that op; 0 leaves that
    side float (weights or input alone are how sensitivity is measured).
  }];
  let options = [
    Option<"bits", "bits", "int64_t", "8", "bits of weights and activations (1 to 8)">,
    Option<"firstLast", "first-last", "std::string", "\"8\"",
           "the first and last quantized op: 8 (bits) or float (left as they are)">,
  ];
  let dependentDialects = ["::qnnc::qnn::QnnDialect", "::mlir::arith::ArithDialect"];
}

def RecognizeBinary : Pass<"qnn-recognize-binary", "mlir::func::FuncOp"> {
  let summary = "Turn Sign- and multi-threshold-fed convolutions/GEMMs with +-1 weights into binary ops";
  let description = [{
    `qnn.conv2d(qnn.sign(x), W)` and `qnn.gemm(qnn.sign(x), W)` whose weights
    are constants in {-1, +1} become `qnn.binary_conv2d` / `qnn.binary_dense`
    on `qnn.binarize(x)`, followed by `qnn.to_float` and the float bias.
    The result is bit-exact: every product is -1, 0 or +1 and sums of
    integers below 2^24 are exact in float32.

    Every `qnn.multi_threshold` becomes `qnn.levels_to_float` of
    `qnn.quantize_levels` (k-bit levels in bit planes), and a convolution of
    such levels (out_bias 0) with +-alpha weights becomes
    `qnn.bitserial_conv2d` scaled by out_scale * alpha.

    A convolution of `qnn.sign(x)` whose weights are ternary (-alpha, 0 or
    +alpha per output channel, e.g. Sign of a weight that is exactly 0)
    becomes two `qnn.binary_conv2d` of +-1 kernels whose mean the weights
    are (0 as +1 in one, -1 in the other), their float sum scaled by
    alpha / 2: exact, as the float convolution is. It gets an entry in the
    function's `qnn.ternary_layers` ({loc, reason}; the report lists them).

    A convolution or GEMM whose input is binary or levels but which stays
    float (its weights are not +-alpha per output channel) gets an entry in
    the function's `qnn.float_layers` ({loc, reason}; the compile report
    lists them) and, with `float-layers=warn` or `error`, a diagnostic
    saying why.
  }];
  let options = [Option<"floatLayers", "float-layers", "std::string", "\"record\"",
                        "binary- or levels-fed layers that stay float: record (in qnn.float_layers), "
                        "warn, or error">];
  let dependentDialects = ["::qnnc::qnn::QnnDialect", "::mlir::arith::ArithDialect"];
}

def RecognizeInt8 : Pass<"qnn-recognize-int8", "mlir::func::FuncOp"> {
  let summary = "Turn QDQ convolutions (8-bit activations and weights) into integer convolutions";
  let description = [{
    `qnn.conv2d(dequantize_linear(x_q), dequantize_linear(W_q))` with a
    per-tensor activation scale s_x and zero point, int8 weights with zero
    points 0 and per-tensor or per-output-channel scales s_w becomes
    `qnn.qconv2d(x_q, W_q)` (exact int32) followed by
    `to_float(acc) * (s_x * s_w[o]) + bias`. Other dequantize_linear ops stay
    (constant ones fold).
  }];
  let dependentDialects = ["::qnnc::qnn::QnnDialect", "::mlir::arith::ArithDialect"];
}

def FoldThresholds : Pass<"qnn-fold-thresholds", "mlir::func::FuncOp"> {
  let summary = "Fold monotone per-channel float chains + Sign into integer thresholds";
  let description = [{
    `qnn.binarize(f(qnn.to_float(acc)))`, where `f` is a chain of
    `qnn.batch_norm` and `qnn.add`/`qnn.sub`/`qnn.mul` by per-channel
    constants and `acc` is a binary accumulator, becomes
    `qnn.threshold(acc)`. The thresholds are found by evaluating the chain
    with the runtime's own float arithmetic at every accumulator value the
    producer can reach, so ties (Sign(0) = 0), gamma < 0 and gamma = 0 are
    decided exactly as the unfolded code decides them. `qnn.max_pool` of
    `qnn.to_float` is first moved onto the integers (max commutes with an
    exact monotone conversion).
  }];
  let dependentDialects = ["::qnnc::qnn::QnnDialect"];
}

def FuseEpilogues : Pass<"qnn-fuse-epilogues", "mlir::func::FuncOp"> {
  let summary = "Fuse the epilogues of binary layers into single kernels";
  let description = [{
    The float epilogue of a binary layer (XNOR-Net scale, exporter-folded
    BatchNorm, bias: to_float + per-channel mul/add) becomes one
    `qnn.scale_bias` pass over the accumulator instead of three; exact, the
    fused kernel rounds the multiply and the add separately. A scale_bias of
    a `qnn.binary_conv2d`, and then a residual add of the same shape, join
    the convolution as `qnn.binary_conv2d_affine` (no int32 tensor, one pass
    over the float output, bit-identical); so does a bare `qnn.to_float`
    of one, as scale 1 and bias -0 (exact for every accumulator), once no
    scale or bias is left to fuse. A `qnn.threshold` of a
    `qnn.binary_conv2d` becomes `qnn.binary_conv2d_sign`, which writes packed
    bits directly. A `qnn.relu` of a float `qnn.conv2d` becomes its
    `clamp_min = 0`, a `qnn.clip` (ReLU6) its `clamp_min` and `clamp_max`:
    clamped as stored with qnn.clip's comparison, same values, one pass
    over the tensor less.
  }];
  let dependentDialects = ["::qnnc::qnn::QnnDialect"];
}

def PackWeights : Pass<"qnn-pack-weights", "mlir::func::FuncOp"> {
  let summary = "Pack the +-1 weights of binary and bit-serial ops into the kernels' layout";
  let description = [{
    Replaces the i1 weights (true = -1) of `qnn.binary_conv2d`,
    `qnn.binary_conv2d_sign`, `qnn.binary_dense` and `qnn.bitserial_conv2d`
    by `#qnn.packed_binary_weights`: the words the runtime's own packer
    (`qnn_rt::pack_binary_weights`) produces, so the layout has one
    definition and the packing is visible in the IR.
  }];
  let dependentDialects = ["::qnnc::qnn::QnnDialect"];
}

def AssignLayouts : Pass<"qnn-assign-layouts", "mlir::func::FuncOp"> {
  let summary = "Store float tensors channels-last (NHWC) where every kernel touching them can";
  let description = [{
    A 4-D float tensor is stored channels-last when its producer can write
    it that way and every user can read it so (KernelOpInterface:
    producesChannelsLast, acceptsChannelsLast); ops with one layout flag
    for an operand and their result (channelsLastTiedOperand: pooling, 1x1
    convolutions) make those tensors one group, stored channels-last only
    as a whole. Only the binary and bit-serial affine convolutions start
    such tensors, so this is the float stream between binary layers: their
    epilogue stores each pixel's channels as computed and the next Sign
    packs a word from 64 contiguous floats, where NCHW needs a transpose
    for both. The producer of each such tensor gets `qnn.channels_last`;
    a qnn.conv2d among them becomes qnn.pointwise_conv (transposed
    weights). The function's input and result stay NCHW. Values are
    unchanged: every channels-last kernel computes each element as its
    NCHW form does.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::qnnc::qnn::QnnDialect"];
}

def PixelRowsConvs : Pass<"qnn-pixel-rows-convs", "mlir::func::FuncOp"> {
  let summary = "Run deep float convolutions of small images with output pixels as the GEMM's rows";
  let description = [{
    A qnn.conv2d with one group, constant weights and bias, a window of at
    least `min-window` values (C * KH * KW) and at most `max-pixels` output
    pixels (OH * OW) becomes qnn.pixel_rows_conv, its weights packed into
    panels of output channels. The GEMM over a small image wastes part of
    each column panel (a 7x7 image fills 49 of 64 columns); pixel rows fill
    49 of 56 rows, and the weights stream as contiguous panels (512 -> 512
    3x3 at 7x7: 1.3x faster on AVX-512, 1.5x on AVX2), and its column
    matrix is implicit (zero-padded input planes read through offsets). The
    defaults are where the pixel-rows kernel measured faster in ResNet-18,
    SqueezeNet and MobileNet-v2 (x86-64-v4): with them ResNet-18's 56x56
    3x3 layers, SqueezeNet's deepest expand layers and MobileNet-v2's 1x1
    layers of 576 and 960 input channels run as pixel rows; shallower windows (ResNet-18's stem,
    its 1x1 downsamples) measured no faster. Values are unchanged: each
    output is the same sum in the same order.
  }];
  let options = [
    Option<"minWindow", "min-window", "int64_t", "512", "fewest window values (C * KH * KW)">,
    Option<"maxPixels", "max-pixels", "int64_t", "4096", "most output pixels (OH * OW)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::qnnc::qnn::QnnDialect"];
}

def PlanMemory : Pass<"qnn-plan-memory", "mlir::ModuleOp"> {
  let summary = "Assign every tensor of @main an offset in one static arena";
  let description = [{
    Tensors live from the op that defines them to their last use, kernel
    scratch only during its op; blocks are placed first-fit by offset, and an
    elementwise op writes in place over a same-typed input that dies there.
    Scratch sizes and in-place legality come from each op's
    KernelOpInterface. Writes `#qnn.placement` on ops (an offset per result,
    -1 for the value returned to the caller's output buffer, and the
    scratch offset) and `#qnn.memory_plan` (arena bytes and the liveness
    lower bound: the most bytes live at any op) on the module.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", "1",
           "threads the generated code runs kernels on (each needs its own scratch)">,
  ];
  let dependentDialects = ["::qnnc::qnn::QnnDialect"];
}

def LowerToEmitC : Pass<"qnn-lower-to-emitc", "mlir::ModuleOp"> {
  let summary = "Lower the model function to EmitC calls of runtime kernels";
  let description = [{
    Replaces `func.func @main` by `emitc.func @<name>_run(input, output,
    arena)` in one dialect conversion: constants become `emitc.global`
    arrays, tensors live at the arena offsets chosen by qnn-plan-memory, and
    one generic pattern turns each op's KernelOpInterface description into
    `emitc.call_opaque`s of runtime/qnn_runtime functions (constant tables
    and parameter structs as `static const` globals). Binary weights must
    have been packed by qnn-pack-weights.
  }];
  let options = [
    Option<"entryName", "entry-name", "std::string", "\"model\"",
           "prefix of the generated entry point (<name>_run)">,
  ];
  let dependentDialects = ["::mlir::emitc::EmitCDialect", "::qnnc::qnn::QnnDialect"];
}

#endif
