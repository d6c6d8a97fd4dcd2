// RUN: qnnc-opt %s -split-input-file -qnn-fold-thresholds | FileCheck %s

// One channel per case, accumulator range [-2, 2] (2 inputs x 1x1 kernel):
//   0: gamma > 0, threshold at 0.5       -> acc >= 1
//   1: gamma < 0                         -> descending, acc >= 1 gives -1
//   2: gamma = 0 and beta = 0            -> constant Sign(0) = 0
//   3: tie: BN output exactly 0 at acc 1 -> 0 at acc 1, +1 from 2
//   4: threshold beyond the range        -> always -1
// CHECK-LABEL: func @bn_sign
// CHECK: %[[ACC:.*]] = qnn.binary_conv2d
// CHECK-NEXT: qnn.threshold %[[ACC]]
// CHECK-SAME: thresholds = #qnn.thresholds<[1, 1, 1, 1, -2147483648, 2147483647, 1, 2, 2147483647, 2147483647], [false, true, false, false, false]>
// CHECK-NOT: qnn.batch_norm
// CHECK-NOT: qnn.binarize
func.func @bn_sign(%x: !qnn.binary<1x2x1x1>) -> !qnn.binary<1x5x1x1> {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<5x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x1x1>) -> tensor<1x5x1x1xi32>
  %f = qnn.to_float %acc : (tensor<1x5x1x1xi32>) -> tensor<1x5x1x1xf32>
  %scale = arith.constant dense<[1.0, -1.0, 0.0, 1.0, 1.0]> : tensor<5xf32>
  %bias = arith.constant dense<0.0> : tensor<5xf32>
  %mean = arith.constant dense<[0.5, 0.5, 0.0, 1.0, 100.0]> : tensor<5xf32>
  %var = arith.constant dense<1.0> : tensor<5xf32>
  %bn = qnn.batch_norm %f, %scale, %bias, %mean, %var {epsilon = 0.0 : f32}
      : (tensor<1x5x1x1xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x5x1x1xf32>
  %s = qnn.binarize %bn : (tensor<1x5x1x1xf32>) -> !qnn.binary<1x5x1x1>
  return %s : !qnn.binary<1x5x1x1>
}

// -----

// Per-channel mul + add (XNOR-Net scale and bias), through a max-pool that is
// moved onto the integers. acc in [-18, 18]; 2 * acc - 3 >= 0 from acc = 2.
// CHECK-LABEL: func @scale_bias_pool
// CHECK: %[[ACC:.*]] = qnn.binary_conv2d
// CHECK: %[[POOL:.*]] = qnn.max_pool %[[ACC]] {{.*}} -> tensor<1x1x1x1xi32>
// CHECK: qnn.threshold %[[POOL]] {thresholds = #qnn.thresholds<[2, 2], [false]>}
func.func @scale_bias_pool(%x: !qnn.binary<1x2x4x4>) -> !qnn.binary<1x1x1x1> {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<1x2x3x3xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x4x4>) -> tensor<1x1x2x2xi32>
  %f = qnn.to_float %acc : (tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xf32>
  %p = qnn.max_pool %f {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %two = arith.constant dense<2.0> : tensor<1x1x1xf32>
  %three = arith.constant dense<3.0> : tensor<1xf32>
  %m = qnn.mul %p, %two : (tensor<1x1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %a = qnn.sub %m, %three : (tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  %s = qnn.binarize %a : (tensor<1x1x1x1xf32>) -> !qnn.binary<1x1x1x1>
  return %s : !qnn.binary<1x1x1x1>
}

// -----

// A float input (not an accumulator) and a non-constant operand stay float.
// CHECK-LABEL: func @not_foldable
// CHECK-NOT: qnn.threshold
// CHECK: qnn.binarize
// CHECK: qnn.binarize
func.func @not_foldable(%x: tensor<1x2xf32>, %y: tensor<1x2xf32>, %b: !qnn.binary<1x4>)
    -> (!qnn.binary<1x2>, !qnn.binary<1x2>) {
  %s0 = qnn.binarize %x : (tensor<1x2xf32>) -> !qnn.binary<1x2>
  %acc = qnn.binary_dense %b {weight = dense<false> : tensor<2x4xi1>} : (!qnn.binary<1x4>) -> tensor<1x2xi32>
  %f = qnn.to_float %acc : (tensor<1x2xi32>) -> tensor<1x2xf32>
  %m = qnn.mul %f, %y : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %s1 = qnn.binarize %m : (tensor<1x2xf32>) -> !qnn.binary<1x2>
  return %s0, %s1 : !qnn.binary<1x2>, !qnn.binary<1x2>
}
