// RUN: qnnc-opt %s -split-input-file -qnn-recognize-binary | FileCheck %s

// CHECK-LABEL: func @conv
// CHECK: %[[B:.*]] = qnn.binarize %arg0
// CHECK: %[[ACC:.*]] = qnn.binary_conv2d %[[B]] {{.*}}weight = dense<{{\[\[\[\[}}false]], {{\[\[}}true]]]]> : tensor<1x2x1x1xi1>
// CHECK: %[[F:.*]] = qnn.to_float %[[ACC]]
// CHECK: qnn.add %[[F]]
// CHECK-NOT: qnn.sign
// CHECK-NOT: qnn.conv2d
func.func @conv(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %s = qnn.sign %x : tensor<1x2x3x3xf32>
  %w = arith.constant dense<[[[[1.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %y = qnn.conv2d %s, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// Weights of magnitude alpha per output channel (BatchNorm folded by the
// exporter) become a binary GEMM and one float scale per channel.
// CHECK-LABEL: func @scaled_gemm
// CHECK: qnn.binary_dense {{.*}}weight = dense<{{\[\[}}false, true], [true, false]]> : tensor<2x2xi1>
// CHECK: %[[SCALE:.*]] = arith.constant dense<[2.500000e-01, 3.000000e+00]> : tensor<2xf32>
// CHECK: qnn.mul %{{.*}}, %[[SCALE]]
func.func @scaled_gemm(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %s = qnn.sign %x : tensor<1x2xf32>
  // transB = 0: B is [K, O]; column o holds channel o.
  %w = arith.constant dense<[[0.25, -3.0], [-0.25, 3.0]]> : tensor<2x2xf32>
  %y = qnn.gemm %s, %w {trans_a = false, trans_b = false, alpha = 1.0 : f32, beta = 1.0 : f32}
      : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Weights that are not +-alpha per channel, or an input that is not a Sign,
// stay in float (which is exact as well).
// CHECK-LABEL: func @not_binary
// CHECK-NOT: qnn.binary
// CHECK: qnn.gemm
// CHECK: qnn.gemm
func.func @not_binary(%x: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %s = qnn.sign %x : tensor<1x2xf32>
  %w = arith.constant dense<[[1.0, -1.0], [0.5, 1.0]]> : tensor<2x2xf32>
  %w2 = arith.constant dense<[[1.0, -1.0], [1.0, 1.0]]> : tensor<2x2xf32>
  %y = qnn.gemm %s, %w {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32}
      : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %z = qnn.gemm %x, %w2 {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32}
      : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// Flatten between the Sign and the GEMM: flatten the float input instead.
// CHECK-LABEL: func @flattened_sign
// CHECK: %[[F:.*]] = qnn.reshape %arg0 : (tensor<1x2x1x2xf32>) -> tensor<1x4xf32>
// CHECK: %[[B:.*]] = qnn.binarize %[[F]]
// CHECK: qnn.binary_dense %[[B]]
// CHECK-NOT: qnn.sign
func.func @flattened_sign(%x: tensor<1x2x1x2xf32>) -> tensor<1x1xf32> {
  %s = qnn.sign %x : tensor<1x2x1x2xf32>
  %f = qnn.reshape %s : (tensor<1x2x1x2xf32>) -> tensor<1x4xf32>
  %w = arith.constant dense<[[1.0, -1.0, 1.0, 1.0]]> : tensor<1x4xf32>
  %y = qnn.gemm %f, %w {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32}
      : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// A multi-threshold becomes 2-bit levels (3 thresholds, the shared [1, 3]
// row repeated per channel); the conv of its output (out_scale 0.5, bias 0)
// with +-2 weights becomes a bit-serial conv scaled by 0.5 * 2 = 1 per
// channel, so no mul remains.
// CHECK-LABEL: func @levels_conv
// CHECK: %[[L:.*]] = qnn.quantize_levels %arg0 {thresholds = array<f32: 0.000000e+00, 1.000000e+00, 2.000000e+00, 0.000000e+00, 1.000000e+00, 2.000000e+00>} : (tensor<1x2x3x3xf32>) -> !qnn.levels<1x2x3x3, 2>
// CHECK: %[[ACC:.*]] = qnn.bitserial_conv2d %[[L]] {{.*}}weight = dense<{{\[\[\[\[}}false]], {{\[\[}}true]]]]> : tensor<1x2x1x1xi1>
// CHECK-NEXT: qnn.to_float %[[ACC]]
// CHECK-NOT: qnn.mul
// CHECK-NOT: qnn.levels_to_float
// CHECK-NOT: qnn.conv2d
func.func @levels_conv(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %t = arith.constant dense<[[0.0, 1.0, 2.0]]> : tensor<1x3xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 0.5 : f32, out_bias = 0.0 : f32}
      : (tensor<1x2x3x3xf32>, tensor<1x3xf32>) -> tensor<1x2x3x3xf32>
  %w = arith.constant dense<[[[[2.0]], [[-2.0]]]]> : tensor<1x2x1x1xf32>
  %y = qnn.conv2d %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// out_bias != 0 would make zero padding a non-level: the conv stays float
// and reads the levels back as floats.
// CHECK-LABEL: func @biased_levels
// CHECK: %[[L:.*]] = qnn.quantize_levels
// CHECK: %[[F:.*]] = qnn.levels_to_float %[[L]] {bias = -1.000000e+00 : f32, scale = 1.000000e+00 : f32}
// CHECK: qnn.conv2d %[[F]]
func.func @biased_levels(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %t = arith.constant dense<[[0.0], [1.0]]> : tensor<2x1xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = -1.0 : f32}
      : (tensor<1x2x3x3xf32>, tensor<2x1xf32>) -> tensor<1x2x3x3xf32>
  %w = arith.constant dense<[[[[1.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %y = qnn.conv2d %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// A bipolar activation (one threshold, outputs -s / +s: scale 2s, bias -s)
// feeds a binary convolution through levels_to_binary, scaled by s = 1.5.
// CHECK-LABEL: func @bipolar_levels
// CHECK: %[[L:.*]] = qnn.quantize_levels %arg0 {{.*}} -> !qnn.levels<1x2x3x3, 1>
// CHECK: %[[B:.*]] = qnn.levels_to_binary %[[L]] : (!qnn.levels<1x2x3x3, 1>) -> !qnn.binary<1x2x3x3>
// CHECK: %[[ACC:.*]] = qnn.binary_conv2d %[[B]]
// CHECK: %[[S:.*]] = arith.constant dense<1.500000e+00> : tensor<1x1x1xf32>
// CHECK: qnn.mul %{{.*}}, %[[S]]
func.func @bipolar_levels(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %t = arith.constant dense<0.0> : tensor<1x1xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 3.0 : f32, out_bias = -1.5 : f32}
      : (tensor<1x2x3x3xf32>, tensor<1x1xf32>) -> tensor<1x2x3x3xf32>
  %w = arith.constant dense<[[[[1.0]], [[-1.0]]]]> : tensor<1x2x1x1xf32>
  %y = qnn.conv2d %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// 2-bit weights (0.5 * {-3, -1, 1, 3}) on 2-bit levels: two +-1 weight
// planes, n = b0 + 2 * b1 (b = +1 where the bit of (n + 3) / 2 is set):
// -3 -> (b0, b1) = (-1, -1), -1 -> (+1, -1), 1 -> (-1, +1), 3 -> (+1, +1).
// CHECK-LABEL: func @w2a2_conv
// CHECK: qnn.bitserial_conv2d {{.*}}weight = dense<{{\[\[\[\[\[}}true]], {{\[\[}}false]], {{\[\[}}true]], {{\[\[}}false]]]], {{\[\[\[\[}}true]], {{\[\[}}true]], {{\[\[}}false]], {{\[\[}}false]]]]]> : tensor<2x1x4x1x1xi1>
// CHECK: arith.constant dense<5.000000e-01> : tensor<1x1x1xf32>
func.func @w2a2_conv(%x: tensor<1x4x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %t = arith.constant dense<[[0.0, 1.0, 2.0]]> : tensor<1x3xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
      : (tensor<1x4x3x3xf32>, tensor<1x3xf32>) -> tensor<1x4x3x3xf32>
  %w = arith.constant dense<[[[[-1.5]], [[-0.5]], [[0.5]], [[1.5]]]]> : tensor<1x4x1x1xf32>
  %y = qnn.conv2d %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// Integer weight grids with zero or even values go bit-serial through
// per-channel offsets: channel 0 is ternary 0.25 * {1, 0, -1} (d = 1:
// n = 2q - 1 = {1, -1, -3}), channel 1 the integers {-4, 2, 7} (step 1 once
// 2 fails on 7; d = weight_grid_offset(-4, 7) = 3: n = {-11, 1, 11}, so the
// layer takes 4 planes). Plane 0 of n = 1, -1, -3 is set (-1) where bit 0 of
// (n + 15) / 2 = 8, 7, 6 is 0; the float step of each channel stays a mul.
// CHECK-LABEL: func @integer_grid_conv
// CHECK: qnn.bitserial_conv2d {{.*}}weight = dense<{{\[\[\[\[\[}}true]], {{\[\[}}false]], {{\[\[}}true]]], {{.*}} : tensor<4x2x3x1x1xi1>, weight_offsets = array<i32: 1, 3>}
// CHECK: arith.constant dense<{{\[\[\[}}2.500000e-01]], {{\[\[}}1.000000e+00]]]> : tensor<2x1x1xf32>
// CHECK-NOT: qnn.conv2d
func.func @integer_grid_conv(%x: tensor<1x3x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %t = arith.constant dense<[[0.0, 1.0, 2.0]]> : tensor<1x3xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
      : (tensor<1x3x3x3xf32>, tensor<1x3xf32>) -> tensor<1x3x3x3xf32>
  %w = arith.constant dense<[[[[0.25]], [[0.0]], [[-0.25]]], [[[-4.0]], [[2.0]], [[7.0]]]]> : tensor<2x3x1x1xf32>
  %y = qnn.conv2d %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x3x3x3xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Weights on no integer grid (1 and sqrt(1/2): no step of 1/k of the
// smaller, k <= 256, hits both exactly in float), and a grid wider than 8
// planes ({1, 511}: n = 2q - 511 reaches 511): both convolutions stay
// float. (Steps are found as exact float products: {1, 0.3} is 0.1 * {10, 3}
// exactly, {0, 300} is 300 * {0, 1}.)
// CHECK-LABEL: func @no_integer_grid
// CHECK: qnn.conv2d
// CHECK: qnn.conv2d
// CHECK-NOT: qnn.bitserial_conv2d
func.func @no_integer_grid(%x: tensor<1x2x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %t = arith.constant dense<[[0.0, 1.0, 2.0]]> : tensor<1x3xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
      : (tensor<1x2x3x3xf32>, tensor<1x3xf32>) -> tensor<1x2x3x3xf32>
  %w = arith.constant dense<[[[[1.0]], [[0.70710678]]]]> : tensor<1x2x1x1xf32>
  %y = qnn.conv2d %q, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  %v = arith.constant dense<[[[[1.0]], [[511.0]]]]> : tensor<1x2x1x1xf32>
  %z = qnn.conv2d %q, %v {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y, %z : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// -----

// A weight with no elements (qnnc-opt takes any IR; the importer rejects
// empty tensors) stays a float convolution instead of dividing by zero.
// CHECK-LABEL: func @empty_weight
// CHECK-SAME: qnn.float_layers = [{loc = {{.*}}, reason = "its weights are empty"}]
// CHECK: qnn.conv2d
// CHECK-NOT: qnn.binary_conv2d
func.func @empty_weight(%x: tensor<1x2x3x3xf32>) -> tensor<1x0x3x3xf32> {
  %s = qnn.sign %x : tensor<1x2x3x3xf32>
  %w = arith.constant dense<> : tensor<0x2x1x1xf32>
  %b = arith.constant dense<> : tensor<0xf32>
  %y = qnn.conv2d %s, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<0x2x1x1xf32>, tensor<0xf32>) -> tensor<1x0x3x3xf32>
  return %y : tensor<1x0x3x3xf32>
}

// -----

// Sign of a weight that is exactly 0 makes it ternary: the mean of two +-1
// kernels, A (0 as +1) and B (0 as -1), each a binary convolution of the
// one binarized input; their float sum (exact integers) times 1/2. The
// function records the layer and why.
// CHECK-LABEL: func @ternary_conv
// CHECK-SAME: qnn.ternary_layers = [{loc = {{.*}}, reason = "output channel 1 has a weight of exactly 0, so Sign(W) is ternary there (-1, 0, +1); it runs as two binary convolutions whose mean it is"}]
// CHECK: %[[B:.*]] = qnn.binarize %arg0
// CHECK: %[[A1:.*]] = qnn.binary_conv2d %[[B]] {{.*}}weight = dense<{{\[\[\[\[}}false]], {{\[\[}}true]]], {{\[\[\[}}false]], {{\[\[}}false]]]]> : tensor<2x2x1x1xi1>
// CHECK: %[[A2:.*]] = qnn.binary_conv2d %[[B]] {{.*}}weight = dense<{{\[\[\[\[}}false]], {{\[\[}}true]]], {{\[\[\[}}false]], {{\[\[}}true]]]]> : tensor<2x2x1x1xi1>
// CHECK: %[[F1:.*]] = qnn.to_float %[[A1]]
// CHECK: %[[F2:.*]] = qnn.to_float %[[A2]]
// CHECK: %[[SUM:.*]] = qnn.add %[[F1]], %[[F2]]
// CHECK: %[[HALF:.*]] = arith.constant dense<5.000000e-01> : tensor<2x1x1xf32>
// CHECK: qnn.mul %[[SUM]], %[[HALF]]
// CHECK-NOT: qnn.conv2d
func.func @ternary_conv(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %s = qnn.sign %x : tensor<1x2x3x3xf32>
  %w = arith.constant dense<[[[[0.5]], [[-0.25]]], [[[0.75]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %ws = qnn.sign %w : tensor<2x2x1x1xf32>
  %b = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %y = qnn.conv2d %s, %ws, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A weight 1e32 times another in one channel of a levels-fed convolution
// is no integer grid: the layer stays float. (The fuzzer found the ratio
// converted to int64 before the range check: undefined behaviour;
// test/fuzz/regressions/importer-quant-weight-ratio-overflow.onnx.)
// CHECK-LABEL: func @huge_weight_ratio
// CHECK-SAME: qnn.float_layers = [{loc = {{.*}}, reason = "its weights are not integers times one scale per output channel within 8 bit planes"}]
// CHECK: qnn.conv2d
// CHECK-NOT: qnn.bitserial_conv2d
func.func @huge_weight_ratio(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %t = arith.constant dense<[[0.0, 1.0, 2.0]]> : tensor<1x3xf32>
  %q = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
      : (tensor<1x1x3x3xf32>, tensor<1x3xf32>) -> tensor<1x1x3x3xf32>
  %w = arith.constant dense<[[[[1.0, 3.0e32, 1.0]]]]> : tensor<1x1x1x3xf32>
  %b = arith.constant dense<[0.0]> : tensor<1xf32>
  %y = qnn.conv2d %q, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 1, 0, 1>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x1x3x3xf32>, tensor<1x1x1x3xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// A 3-D convolution of a binary input stays float (no binary 3-D kernel),
// and says so.
// CHECK-LABEL: func @conv3d_of_sign
// CHECK-SAME: qnn.float_layers = [{loc = {{.*}}, reason = "3-D convolutions have no binary or low-bit kernels; it runs as a float qnn.conv3d"}]
// CHECK: qnn.conv3d
func.func @conv3d_of_sign(%x: tensor<1x2x3x3x3xf32>) -> tensor<1x1x3x3x3xf32> {
  %s = qnn.sign %x : tensor<1x2x3x3x3xf32>
  %w = arith.constant dense<1.0> : tensor<1x2x1x1x1xf32>
  %y = qnn.conv3d %s, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>,
      dilations = array<i64: 1, 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3x3xf32>, tensor<1x2x1x1x1xf32>) -> tensor<1x1x3x3x3xf32>
  return %y : tensor<1x1x3x3x3xf32>
}
