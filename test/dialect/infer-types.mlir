// RUN: qnnc-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// Ops infer their result types from operands and attributes; a declared
// type that differs, or operands the op cannot combine, are errors.

// CHECK-LABEL: func.func @inferred
// CHECK: qnn.max_pool {{.*}} -> tensor<1x4x3x3xf32>
// CHECK: qnn.gemm {{.*}} -> tensor<2x5xf32>
// CHECK: qnn.concat {{.*}} -> tensor<1x8x6x6xf32>
// CHECK: qnn.binary_conv2d_sign {{.*}} -> !qnn.binary<1x2x6x6>
func.func @inferred(%x: tensor<1x4x6x6xf32>, %a: tensor<3x2xf32>, %b: tensor<3x5xf32>) {
  %p = qnn.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                        dilations = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x3x3xf32>
  %g = qnn.gemm %a, %b {trans_a = true, trans_b = false, alpha = 1.0 : f32, beta = 1.0 : f32}
       : (tensor<3x2xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %c = qnn.concat %x, %x {axis = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<1x4x6x6xf32>) -> tensor<1x8x6x6xf32>
  %s = qnn.binarize %x : (tensor<1x4x6x6xf32>) -> !qnn.binary<1x4x6x6>
  %t = qnn.binary_conv2d_sign %s {weight = dense<true> : tensor<2x4x3x3xi1>, strides = array<i64: 1, 1>,
                                  pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1,
                                  thresholds = #qnn.thresholds<[0, 0, 0, 0], [false, false]>}
       : (!qnn.binary<1x4x6x6>) -> !qnn.binary<1x2x6x6>
  return
}

// -----

func.func @pool_type(%x: tensor<1x4x6x6xf32>) {
  // expected-error @+2 {{'qnn.max_pool' op inferred type(s) 'tensor<1x4x3x3xf32>' are incompatible with return type(s) of operation 'tensor<1x4x6x6xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %p = qnn.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                        dilations = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @pool_window(%x: tensor<1x4x6x6xf32>) {
  // expected-error @+2 {{the window does not fit in the padded input}}
  // expected-error @+1 {{failed to infer returned types}}
  %p = qnn.max_pool %x {kernel = array<i64: 7, 7>, strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                        dilations = array<i64: 1, 1>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @gemm_inner(%a: tensor<3x2xf32>, %b: tensor<3x5xf32>) {
  // expected-error @+2 {{inner dimensions differ: 2 vs 3}}
  // expected-error @+1 {{failed to infer returned types}}
  %g = qnn.gemm %a, %b {trans_a = false, trans_b = false, alpha = 1.0 : f32, beta = 1.0 : f32}
       : (tensor<3x2xf32>, tensor<3x5xf32>) -> tensor<3x5xf32>
  return
}

// -----

func.func @concat_mismatch(%x: tensor<1x4x6x6xf32>, %y: tensor<1x4x5x6xf32>) {
  // expected-error @+2 {{inputs differ in dimension 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %c = qnn.concat %x, %y {axis = 1 : i64} : (tensor<1x4x6x6xf32>, tensor<1x4x5x6xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<2x3xf32>) {
  // expected-error @+2 {{perm must be a permutation of the dimensions}}
  // expected-error @+1 {{failed to infer returned types}}
  %t = qnn.transpose %x {perm = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %q: tensor<3xf32>) {
  // expected-error @+2 {{scale, bias, mean and variance must have shape [4]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.batch_norm %x, %p, %p, %q, %p {epsilon = 1.0e-5 : f32}
       : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @levels_to_binary_bits(%x: !qnn.levels<1x4x2x2, 2>) {
  // expected-error @+2 {{expects 1-bit levels}}
  // expected-error @+1 {{failed to infer returned types}}
  %b = qnn.levels_to_binary %x : (!qnn.levels<1x4x2x2, 2>) -> !qnn.binary<1x4x2x2>
  return
}

// -----

func.func @binary_conv_result(%x: !qnn.binary<1x4x6x6>) {
  // expected-error @+2 {{'qnn.binary_conv2d_sign' op inferred type(s) '!qnn.binary<1x2x5x5>' are incompatible with return type(s) of operation '!qnn.binary<1x2x6x6>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %t = qnn.binary_conv2d_sign %x {weight = dense<true> : tensor<2x4x3x3xi1>, strides = array<i64: 1, 1>,
                                  pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                  thresholds = #qnn.thresholds<[0, 0, 0, 0], [false, false]>}
       : (!qnn.binary<1x4x6x6>) -> !qnn.binary<1x2x6x6>
  return
}
