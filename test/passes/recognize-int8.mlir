// RUN: qnnc-opt %s -split-input-file -qnn-recognize-int8 | FileCheck %s

// A QDQ convolution: uint8 activations (scale 0.5, zero point 128), int8
// weights with per-channel scales 0.1 / 0.2 -> an integer convolution scaled
// by 0.05 / 0.1 per channel, then the float bias.
// CHECK-LABEL: func @qdq_conv
// CHECK: %[[Q:.*]] = qnn.quantize_linear %arg0
// CHECK: %[[ACC:.*]] = qnn.qconv2d %[[Q]] {{.*}}input_zero_point = 128 : i64{{.*}}weight = dense<{{\[\[\[\[}}3]], {{\[\[}}-4]]], {{\[\[\[}}-5]], {{\[\[}}6]]]]> : tensor<2x2x1x1xi8>
// CHECK: %[[F:.*]] = qnn.to_float %[[ACC]]
// CHECK: %[[S:.*]] = arith.constant dense<{{\[\[\[}}5.000000e-02]], {{\[\[}}1.000000e-01]]]> : tensor<2x1x1xf32>
// CHECK: qnn.mul %[[F]], %[[S]]
// CHECK: qnn.add
// CHECK-NOT: qnn.dequantize_linear
// CHECK-NOT: qnn.conv2d
func.func @qdq_conv(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %q = qnn.quantize_linear %x {axis = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xui8>
  %d = qnn.dequantize_linear %q {scale = array<f32: 0.5>, zero_point = array<i64: 128>, axis = 0 : i64}
      : (tensor<1x2x3x3xui8>) -> tensor<1x2x3x3xf32>
  %wq = arith.constant dense<[[[[3]], [[-4]]], [[[-5]], [[6]]]]> : tensor<2x2x1x1xi8>
  %w = qnn.dequantize_linear %wq {scale = array<f32: 0.1, 0.2>, zero_point = array<i64: 0, 0>, axis = 0 : i64}
      : (tensor<2x2x1x1xi8>) -> tensor<2x2x1x1xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %y = qnn.conv2d %d, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Asymmetric weights (zero point 1) stay float: the dequantize folds later.
// CHECK-LABEL: func @asymmetric_weights
// CHECK-NOT: qnn.qconv2d
// CHECK: qnn.conv2d
func.func @asymmetric_weights(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %q = qnn.quantize_linear %x {axis = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 0>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xi8>
  %d = qnn.dequantize_linear %q {scale = array<f32: 0.5>, zero_point = array<i64: 0>, axis = 0 : i64}
      : (tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xf32>
  %wq = arith.constant dense<3> : tensor<1x1x1x1xi8>
  %w = qnn.dequantize_linear %wq {scale = array<f32: 0.1>, zero_point = array<i64: 1>, axis = 0 : i64}
      : (tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xf32>
  %y = qnn.conv2d %d, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}
