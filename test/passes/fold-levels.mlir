// RUN: qnnc-opt %s -split-input-file -qnn-fold-thresholds | FileCheck %s

// quantize_levels (3 thresholds per channel, 2-bit levels) of BN(acc) becomes
// integer thresholds on acc. Levels 0..3 times 2 inputs: acc in [-6, 6].
//   0: gamma > 0, thresholds -1.5, 0, 2            -> acc >= -1, 0, 2
//   1: gamma < 0 (x = -acc), same thresholds       -> descending; 3 - level
//      counts acc >= -1, 1, 2
//   2: gamma = 0, beta = 0.5: constant level 2     -> MIN, MIN, MAX
//   3: ties: x = 2 * acc - 1 on thresholds -1, 1, 3 -> reached exactly at 0, 1, 2
//   4: thresholds beyond the range (-100, 100, 200) -> MIN, MAX, MAX
// CHECK-LABEL: func @bn_levels
// CHECK: %[[ACC:.*]] = qnn.bitserial_conv2d
// CHECK-NEXT: qnn.threshold_levels %[[ACC]]
// CHECK-SAME: thresholds = #qnn.thresholds<[-1, 0, 2, -1, 1, 2, -2147483648, -2147483648, 2147483647, 0, 1, 2, -2147483648, 2147483647, 2147483647], [false, true, false, false, false]>
// CHECK-SAME: -> !qnn.levels<1x5x1x1, 2>
// CHECK-NOT: qnn.batch_norm
// CHECK-NOT: qnn.quantize_levels
func.func @bn_levels(%x: !qnn.levels<1x2x1x1, 2>) -> !qnn.levels<1x5x1x1, 2> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<5x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x2x1x1, 2>) -> tensor<1x5x1x1xi32>
  %f = qnn.to_float %acc : (tensor<1x5x1x1xi32>) -> tensor<1x5x1x1xf32>
  %scale = arith.constant dense<[1.0, -1.0, 0.0, 2.0, 1.0]> : tensor<5xf32>
  %bias = arith.constant dense<[0.0, 0.0, 0.5, 0.0, 0.0]> : tensor<5xf32>
  %mean = arith.constant dense<[0.0, 0.0, 0.0, 0.5, 0.0]> : tensor<5xf32>
  %var = arith.constant dense<1.0> : tensor<5xf32>
  %bn = qnn.batch_norm %f, %scale, %bias, %mean, %var {epsilon = 0.0 : f32}
      : (tensor<1x5x1x1xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<1x5x1x1xf32>
  %l = qnn.quantize_levels %bn {thresholds = array<f32: -1.5, 0.0, 2.0, -1.5, 0.0, 2.0, -1.5, 0.0, 2.0,
      -1.0, 1.0, 3.0, -100.0, 100.0, 200.0>} : (tensor<1x5x1x1xf32>) -> !qnn.levels<1x5x1x1, 2>
  return %l : !qnn.levels<1x5x1x1, 2>
}

// -----

// ReActNet's RPReLU (shift, PReLU, shift) before the thresholds. acc in
// [-3, 3]; x = prelu(acc - 1, 0.25) + 0.5: -0.5, -0.25, 0, 0.25, 0.5, 1.5,
// 2.5 for acc = -3 .. 3; thresholds 0, 1, 2 -> acc >= -1 (a tie), 2, 3.
// CHECK-LABEL: func @rprelu
// CHECK: qnn.threshold_levels {{.*}}thresholds = #qnn.thresholds<[-1, 2, 3], [false]>
func.func @rprelu(%x: !qnn.levels<1x1x1x1, 2>) -> !qnn.levels<1x1x1x1, 2> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<1x1x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x1x1x1, 2>) -> tensor<1x1x1x1xi32>
  %f = qnn.to_float %acc : (tensor<1x1x1x1xi32>) -> tensor<1x1x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<1x1x1xf32>
  %slope = arith.constant dense<0.25> : tensor<1x1x1xf32>
  %half = arith.constant dense<0.5> : tensor<1x1x1xf32>
  %a = qnn.sub %f, %one : (tensor<1x1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %p = qnn.prelu %a, %slope : (tensor<1x1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %b = qnn.add %p, %half : (tensor<1x1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %l = qnn.quantize_levels %b {thresholds = array<f32: 0.0, 1.0, 2.0>} : (tensor<1x1x1x1xf32>) -> !qnn.levels<1x1x1x1, 2>
  return %l : !qnn.levels<1x1x1x1, 2>
}

// -----

// A negative PReLU slope makes the chain non-monotone: it stays float.
// CHECK-LABEL: func @not_monotone
// CHECK-NOT: qnn.threshold_levels
// CHECK: qnn.quantize_levels
func.func @not_monotone(%x: !qnn.levels<1x1x1x1, 2>) -> !qnn.levels<1x1x1x1, 2> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<1x1x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x1x1x1, 2>) -> tensor<1x1x1x1xi32>
  %f = qnn.to_float %acc : (tensor<1x1x1x1xi32>) -> tensor<1x1x1x1xf32>
  %slope = arith.constant dense<-1.0> : tensor<1x1x1xf32>
  %p = qnn.prelu %f, %slope : (tensor<1x1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1x1xf32>
  %l = qnn.quantize_levels %p {thresholds = array<f32: 0.5, 1.5, 2.5>} : (tensor<1x1x1x1xf32>) -> !qnn.levels<1x1x1x1, 2>
  return %l : !qnn.levels<1x1x1x1, 2>
}

// -----

// 1-bit levels read as a binary tensor become a plain threshold: level 1
// (+1) from acc >= 1 for BN(acc) >= 0.5, descending where gamma < 0.
// CHECK-LABEL: func @bipolar
// CHECK: %[[ACC:.*]] = qnn.bitserial_conv2d
// CHECK-NEXT: qnn.threshold %[[ACC]] {thresholds = #qnn.thresholds<[1, 1, 0, 0], [false, true]>}
// CHECK-NOT: qnn.levels_to_binary
func.func @bipolar(%x: !qnn.levels<1x2x1x1, 1>) -> !qnn.binary<1x2x1x1> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x2x1x1, 1>) -> tensor<1x2x1x1xi32>
  %f = qnn.to_float %acc : (tensor<1x2x1x1xi32>) -> tensor<1x2x1x1xf32>
  %scale = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %var = arith.constant dense<1.0> : tensor<2xf32>
  %bn = qnn.batch_norm %f, %scale, %zero, %zero, %var {epsilon = 0.0 : f32}
      : (tensor<1x2x1x1xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  %l = qnn.quantize_levels %bn {thresholds = array<f32: 0.5, 0.5>} : (tensor<1x2x1x1xf32>) -> !qnn.levels<1x2x1x1, 1>
  %b = qnn.levels_to_binary %l : (!qnn.levels<1x2x1x1, 1>) -> !qnn.binary<1x2x1x1>
  return %b : !qnn.binary<1x2x1x1>
}

// -----

// What qnnc --bits makes of conv -> bias -> ReLU -> max-pool -> quantizer:
// the pool moves onto the int32 accumulator (the chain never decreases, so
// max f(a) = f(max a) exactly) and the scale / bias / ReLU chain folds into
// the thresholds. Three 1-bit inputs, +-1 weights: |acc| <= 3;
// x = relu(0.5 * acc - 0.25): 0, 0, 0, 0, 0.25, 0.75, 1.25 for
// acc = -3 .. 3; thresholds 0.5, 1.0, 1.5 -> acc >= 2, 3, never.
// CHECK-LABEL: func @relu_pool_levels
// CHECK: %[[ACC:.*]] = qnn.bitserial_conv2d
// CHECK-NEXT: %[[POOL:.*]] = qnn.max_pool %[[ACC]] {{.*}} -> tensor<1x1x1x1xi32>
// CHECK-NEXT: qnn.threshold_levels %[[POOL]] {thresholds = #qnn.thresholds<[2, 3, 2147483647], [false]>}
// CHECK-NOT: qnn.relu
func.func @relu_pool_levels(%x: !qnn.levels<1x3x2x2, 1>) -> !qnn.levels<1x1x1x1, 2> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<1x3x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x3x2x2, 1>) -> tensor<1x1x2x2xi32>
  %f = qnn.to_float %acc : (tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xf32>
  %s = arith.constant dense<0.5> : tensor<1x1x1xf32>
  %m = qnn.mul %f, %s : (tensor<1x1x2x2xf32>, tensor<1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %b = arith.constant dense<-0.25> : tensor<1x1x1xf32>
  %a = qnn.add %m, %b : (tensor<1x1x2x2xf32>, tensor<1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %r = qnn.relu %a : tensor<1x1x2x2xf32>
  %p = qnn.max_pool %r {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  %l = qnn.quantize_levels %p {thresholds = array<f32: 0.5, 1.0, 1.5>} : (tensor<1x1x1x1xf32>) -> !qnn.levels<1x1x1x1, 2>
  return %l : !qnn.levels<1x1x1x1, 2>
}

// -----

// A pool after a decreasing chain (negative scale) stays float: max f(a) is
// then f(min a).
// CHECK-LABEL: func @decreasing_pool
// CHECK: qnn.max_pool {{.*}} -> tensor<1x1x1x1xf32>
func.func @decreasing_pool(%x: !qnn.levels<1x3x2x2, 1>) -> tensor<1x1x1x1xf32> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<1x3x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x3x2x2, 1>) -> tensor<1x1x2x2xi32>
  %f = qnn.to_float %acc : (tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xf32>
  %s = arith.constant dense<-0.5> : tensor<1x1x1xf32>
  %m = qnn.mul %f, %s : (tensor<1x1x2x2xf32>, tensor<1x1x1xf32>) -> tensor<1x1x2x2xf32>
  %p = qnn.max_pool %m {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x1x1xf32>
  return %p : tensor<1x1x1x1xf32>
}

// -----

// 8-bit levels x 8 weight planes, K = 2: |acc| <= 255 * 255 * 2 = 130050,
// past 2^16, so each threshold is found by bisection (the chain's steps are
// monotone) instead of evaluating every accumulator. x = 0.001 * acc on
// channel 0: thresholds 10, 20, 30 reached from acc = 10000, 20000, 30000;
// x = -0.001 * acc on channel 1: descending, 3 - level counts
// acc >= -29999, -19999, -9999.
// CHECK-LABEL: func @wide_accumulator
// CHECK: qnn.threshold_levels {{.*}}thresholds = #qnn.thresholds<[10000, 20000, 30000, -29999, -19999, -9999], [false, true]>
func.func @wide_accumulator(%x: !qnn.levels<1x2x1x1, 8>) -> !qnn.levels<1x2x1x1, 2> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<8x2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x2x1x1, 8>) -> tensor<1x2x1x1xi32>
  %f = qnn.to_float %acc : (tensor<1x2x1x1xi32>) -> tensor<1x2x1x1xf32>
  %s = arith.constant dense<[[[0.001]], [[-0.001]]]> : tensor<2x1x1xf32>
  %m = qnn.mul %f, %s : (tensor<1x2x1x1xf32>, tensor<2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %l = qnn.quantize_levels %m {thresholds = array<f32: 10.0, 20.0, 30.0, 10.0, 20.0, 30.0>}
      : (tensor<1x2x1x1xf32>) -> !qnn.levels<1x2x1x1, 2>
  return %l : !qnn.levels<1x2x1x1, 2>
}
