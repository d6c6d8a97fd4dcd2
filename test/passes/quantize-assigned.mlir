// qnn.bits = [weight bits, input bits] on an op overrides qnn-quantize's
// widths and its first/last rule; 0 leaves that side float.
// RUN: qnnc-opt %s -split-input-file -qnn-quantize=bits=2 -verify-diagnostics | FileCheck %s

// The first op (the pass would make it 8 bits) takes 2-bit weights and a
// float input: ternary steps max |w_o| per channel, no quantizer in front.
// CHECK-LABEL: func.func @weights_only
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}0.699996948]], {{\[\[}}-0.000000e+00]]], {{\[\[\[}}0.300003052]], {{\[\[}}0.000000e+00]]]]>
// CHECK-NOT: qnn.multi_threshold
// CHECK: qnn.conv2d %arg0, %[[W]]
// CHECK-NOT: qnn.bits
func.func @weights_only(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.7]], [[-0.1]]], [[[0.3]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %y = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          group = 1 : i64, qnn.input_range = array<f32: 0.0, 3.0>, qnn.bits = array<i64: 2, 0>}
      : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// 4-bit input levels of [0, 3] (15 thresholds, step 0.2), float weights.
// CHECK-LABEL: func.func @input_only
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}0.69999998
// CHECK: %[[T:.*]] = arith.constant dense<{{\[\[}}1.000000e-01, 3.000000e-01, 5.000000e-01
// CHECK-SAME: tensor<1x15xf32>
// CHECK: %[[Q:.*]] = qnn.multi_threshold %arg0, %[[T]] {out_bias = 0.000000e+00 : f32, out_scale = 2.000000e-01 : f32}
// CHECK: qnn.conv2d %[[Q]], %[[W]]
func.func @input_only(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.7]], [[-0.1]]], [[[0.3]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %y = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          group = 1 : i64, qnn.input_range = array<f32: 0.0, 3.0>, qnn.bits = array<i64: 0, 4>}
      : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// 8 and 8 on a convolution: QDQ onto the int8 kernels.
// CHECK-LABEL: func.func @both_eight
// CHECK: qnn.quantize_linear %arg0 {axis = 0 : i64, scale = array<f32: 0.0117647061>
// CHECK: qnn.conv2d
func.func @both_eight(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.7]], [[-0.1]]], [[[0.3]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %y = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          group = 1 : i64, qnn.input_range = array<f32: 0.0, 3.0>, qnn.bits = array<i64: 8, 8>}
      : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @bad_width(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.7]], [[-0.1]]], [[[0.3]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  // expected-error @+1 {{qnn.bits must be [weight bits, input bits], each 0 (float) or 1 to 8}}
  %y = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          group = 1 : i64, qnn.input_range = array<f32: 0.0, 3.0>, qnn.bits = array<i64: 3, 9>}
      : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// The step of least squared error, not max |w| / t: one weight of 1.0 and
// 23 of 0.2 at 2 bits. Step 1.0 rounds every 0.2 to 0 (error 23 x 0.04 =
// 0.92); step 0.23 clips the 1.0 to 0.23 and keeps the rest (0.6136, the
// least of the steps c x 1.0, c = 0.01 .. 1).
// CHECK-LABEL: func.func @clipped_step
// CHECK: %[[W:.*]] = arith.constant dense<0.229999542> : tensor<1x24x1x1xf32>
// CHECK: qnn.conv2d %arg0, %[[W]]
func.func @clipped_step(%x: tensor<1x24x1x1xf32>) -> tensor<1x1x1x1xf32> {
  %w = arith.constant dense<[[[[1.0]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]]]]> : tensor<1x24x1x1xf32>
  %y = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                           group = 1 : i64, qnn.input_range = array<f32: 0.0, 3.0>, qnn.bits = array<i64: 2, 0>}
      : (tensor<1x24x1x1xf32>, tensor<1x24x1x1xf32>) -> tensor<1x1x1x1xf32>
  return %y : tensor<1x1x1x1xf32>
}
