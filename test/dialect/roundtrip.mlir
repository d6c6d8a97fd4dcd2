// RUN: qnnc-opt %s | qnnc-opt | FileCheck %s

// CHECK-LABEL: func @binary_layer
func.func @binary_layer(%x: tensor<1x70x5x5xf32>) -> !qnn.binary<1x8x3x3> {
  // CHECK: qnn.binarize %{{.*}} : (tensor<1x70x5x5xf32>) -> !qnn.binary<1x70x5x5>
  %b = qnn.binarize %x : (tensor<1x70x5x5xf32>) -> !qnn.binary<1x70x5x5>
  // CHECK: qnn.binary_conv2d
  // CHECK-SAME: group = 2
  // CHECK-SAME: -> tensor<1x8x3x3xi32>
  %acc = qnn.binary_conv2d %b {weight = dense<true> : tensor<8x35x3x3xi1>, strides = array<i64: 2, 2>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 2 : i64}
      : (!qnn.binary<1x70x5x5>) -> tensor<1x8x3x3xi32>
  // CHECK: qnn.threshold
  %t = qnn.threshold %acc {thresholds = #qnn.thresholds<[-1, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 7],
      [false, true, false, false, false, false, false, false]>}
      : (tensor<1x8x3x3xi32>) -> !qnn.binary<1x8x3x3>
  return %t : !qnn.binary<1x8x3x3>
}

// CHECK-LABEL: func @float_ops
func.func @float_ops(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>, %c: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: qnn.gemm
  %y = qnn.gemm %x, %w, %c {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32}
      : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: qnn.softmax
  %s = qnn.softmax %y {axis = 1 : i64} : tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// CHECK-LABEL: func @lowbit_layer
func.func @lowbit_layer(%x: tensor<1x2x4x4xf32>, %t: tensor<1x3xf32>) -> tensor<1x3x4x4xf32> {
  // CHECK: qnn.multi_threshold %{{.*}}, %{{.*}} {out_bias = 0.000000e+00 : f32, out_scale = 1.000000e+00 : f32}
  %m = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<1x3xf32>) -> tensor<1x2x4x4xf32>
  // CHECK: qnn.quantize_levels %{{.*}} : (tensor<1x2x4x4xf32>) -> !qnn.levels<1x2x4x4, 2>
  %l = qnn.quantize_levels %m {thresholds = array<f32: 0.5, 1.5, 2.5, 0.5, 1.5, 2.5>}
      : (tensor<1x2x4x4xf32>) -> !qnn.levels<1x2x4x4, 2>
  // CHECK: qnn.bitserial_conv2d %{{.*}} : (!qnn.levels<1x2x4x4, 2>) -> tensor<1x3x4x4xi32>
  %acc = qnn.bitserial_conv2d %l {weight = dense<true> : tensor<3x2x3x3xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x2x4x4, 2>) -> tensor<1x3x4x4xi32>
  // CHECK: qnn.threshold_levels %{{.*}} -> !qnn.levels<1x3x4x4, 3>
  %k = qnn.threshold_levels %acc {thresholds = #qnn.thresholds<[0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6],
      [false, true, false]>} : (tensor<1x3x4x4xi32>) -> !qnn.levels<1x3x4x4, 3>
  // CHECK: qnn.levels_to_float %{{.*}} {bias = -3.500000e+00 : f32, scale = 1.000000e+00 : f32}
  %f = qnn.levels_to_float %k {scale = 1.0 : f32, bias = -3.5 : f32} : (!qnn.levels<1x3x4x4, 3>) -> tensor<1x3x4x4xf32>
  return %f : tensor<1x3x4x4xf32>
}

// CHECK-LABEL: func @int8_layer
func.func @int8_layer(%x: tensor<1x2x3x3xf32>) -> tensor<1x1x3x3xf32> {
  // CHECK: qnn.quantize_linear %{{.*}} -> tensor<1x2x3x3xui8>
  %q = qnn.quantize_linear %x {axis = 0 : i64, scale = array<f32: 0.5>, zero_point = array<i64: 128>} : (tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xui8>
  // CHECK: qnn.qconv2d %{{.*}} -> tensor<1x1x3x3xi32>
  %acc = qnn.qconv2d %q {weight = dense<[[[[3]], [[-4]]]]> : tensor<1x2x1x1xi8>, input_zero_point = 128 : i64,
      strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xui8>) -> tensor<1x1x3x3xi32>
  %f = qnn.to_float %acc : (tensor<1x1x3x3xi32>) -> tensor<1x1x3x3xf32>
  %q2 = qnn.quantize_linear %f {axis = 0 : i64, scale = array<f32: 2.0>, zero_point = array<i64: 0>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xi8>
  // CHECK: qnn.dequantize_linear %{{.*}} : (tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xf32>
  %d = qnn.dequantize_linear %q2 {scale = array<f32: 2.0>, zero_point = array<i64: 0>, axis = 0 : i64}
      : (tensor<1x1x3x3xi8>) -> tensor<1x1x3x3xf32>
  return %d : tensor<1x1x3x3xf32>
}
