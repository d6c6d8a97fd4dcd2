// RUN: qnnc-opt %s -split-input-file -qnn-fuse-epilogues | FileCheck %s

// CHECK-LABEL: func @scale_and_bias
// The scale/bias epilogue joins the binary convolution: no int32 tensor.
// CHECK: qnn.binary_conv2d_affine %arg0 {bias = array<f32: 5.000000e-01, -1.000000e+00>, {{.*}}scale = array<f32: 2.000000e+00, 3.000000e+00>
// CHECK-NOT: qnn.to_float
// CHECK-NOT: qnn.mul
// CHECK-NOT: qnn.scale_bias
func.func @scale_and_bias(%x: !qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xf32> {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f = qnn.to_float %acc : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  %s = arith.constant dense<[[[2.0]], [[3.0]]]> : tensor<2x1x1xf32>
  %b = arith.constant dense<[[[0.5]], [[-1.0]]]> : tensor<2x1x1xf32>
  %m = qnn.mul %f, %s : (tensor<1x2x3x3xf32>, tensor<2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %y = qnn.add %b, %m : (tensor<2x1x1xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A multiply alone adds -0 (which keeps every value, signed zeros too).
// CHECK-LABEL: func @scale_only
// CHECK: qnn.scale_bias %{{.*}} {bias = array<f32: -0.000000e+00, -0.000000e+00>, scale = array<f32: 4.000000e+00, 4.000000e+00>}
func.func @scale_only(%acc: tensor<1x2xi32>) -> tensor<1x2xf32> {
  %f = qnn.to_float %acc : (tensor<1x2xi32>) -> tensor<1x2xf32>
  %s = arith.constant dense<4.0> : tensor<f32>
  %m = qnn.mul %f, %s : (tensor<1x2xf32>, tensor<f32>) -> tensor<1x2xf32>
  return %m : tensor<1x2xf32>
}

// -----

// The float value is also used elsewhere, or the operand is not a
// per-channel constant: nothing to fuse.
// CHECK-LABEL: func @not_fusable
// CHECK-NOT: qnn.scale_bias
func.func @not_fusable(%acc: tensor<1x2xi32>, %y: tensor<1x2xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %f = qnn.to_float %acc : (tensor<1x2xi32>) -> tensor<1x2xf32>
  %a = qnn.add %f, %y : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %s = arith.constant dense<4.0> : tensor<f32>
  %m = qnn.mul %f, %s : (tensor<1x2xf32>, tensor<f32>) -> tensor<1x2xf32>
  return %a, %m : tensor<1x2xf32>, tensor<1x2xf32>
}

// -----

// CHECK-LABEL: func @conv_sign
// CHECK: qnn.binary_conv2d_sign %arg0 {{.*}}thresholds = #qnn.thresholds<[0, 1, -1, 2], [false, true]>
// CHECK-NOT: qnn.threshold
// CHECK-NOT: qnn.binary_conv2d %
func.func @conv_sign(%x: !qnn.binary<1x2x3x3>) -> !qnn.binary<1x2x3x3> {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %t = qnn.threshold %acc {thresholds = #qnn.thresholds<[0, 1, -1, 2], [false, true]>}
      : (tensor<1x2x3x3xi32>) -> !qnn.binary<1x2x3x3>
  return %t : !qnn.binary<1x2x3x3>
}

// -----

// A residual add of the same shape joins the epilogue, either operand order.
// CHECK-LABEL: func @residual
// CHECK: %[[Y:.*]] = qnn.binary_conv2d_affine %arg0, %arg1 {{{.*}}} : (!qnn.binary<1x2x3x3>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK: qnn.binary_conv2d_affine %arg0, %[[Y]]
// CHECK-NOT: qnn.add
func.func @residual(%x: !qnn.binary<1x2x3x3>, %r: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f = qnn.scale_bias %acc {scale = array<f32: 2.0, 3.0>, bias = array<f32: 0.5, -1.0>}
      : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  %y = qnn.add %f, %r : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %acc2 = qnn.binary_conv2d %x {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f2 = qnn.scale_bias %acc2 {scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>}
      : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  %z = qnn.add %y, %f2 : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %z : tensor<1x2x3x3xf32>
}

// -----

// A bit-serial convolution takes its scale/bias and residual add the same
// way (qnn.bitserial_conv2d_affine).
// CHECK-LABEL: func @bitserial_residual
// CHECK: qnn.bitserial_conv2d_affine %arg0, %arg1 {bias = array<f32: 5.000000e-01, -1.000000e+00>, {{.*}}scale = array<f32: 2.000000e+00, 3.000000e+00>{{.*}}} : (!qnn.levels<1x2x3x3, 2>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NOT: qnn.bitserial_conv2d %
// CHECK-NOT: qnn.scale_bias
// CHECK-NOT: qnn.add
func.func @bitserial_residual(%x: !qnn.levels<1x2x3x3, 2>, %r: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %acc = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<2x2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.levels<1x2x3x3, 2>) -> tensor<1x2x3x3xi32>
  %f = qnn.scale_bias %acc {scale = array<f32: 2.0, 3.0>, bias = array<f32: 0.5, -1.0>}
      : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  %y = qnn.add %r, %f : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A broadcast operand, or a convolution output used twice, stays an add /
// a binary_conv2d with its own scale_bias.
// CHECK-LABEL: func @residual_not_fusable
// CHECK: qnn.binary_conv2d_affine %arg0 {
// CHECK: qnn.add
// CHECK: qnn.binary_conv2d %arg0
// CHECK: qnn.scale_bias
func.func @residual_not_fusable(%x: !qnn.binary<1x2x3x3>, %r: tensor<1x2x1x1xf32>)
    -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi32>, tensor<1x2x3x3xf32>) {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f = qnn.scale_bias %acc {scale = array<f32: 2.0, 3.0>, bias = array<f32: 0.5, -1.0>}
      : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  %y = qnn.add %f, %r : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x3x3xf32>
  %acc2 = qnn.binary_conv2d %x {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f2 = qnn.scale_bias %acc2 {scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>}
      : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  return %y, %acc2, %f2 : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi32>, tensor<1x2x3x3xf32>
}

// -----

// A ReLU after a float convolution becomes its clamp's lower bound, a
// Clip (ReLU6) both bounds.
// CHECK-LABEL: func @conv_relu
// CHECK: %[[C:.*]] = qnn.conv2d %arg0, %arg1 {clamp_min = 0.000000e+00 : f32, dilations
// CHECK-NOT: qnn.relu
// CHECK: return %[[C]]
func.func @conv_relu(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %c = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %r = qnn.relu %c : tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func @conv_clip
// CHECK: %[[C:.*]] = qnn.conv2d %arg0, %arg1 {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32, dilations
// CHECK-NOT: qnn.clip
// CHECK: return %[[C]]
func.func @conv_clip(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %c = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %r = qnn.clip %c {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

// Not when the convolution's own output is read too, nor a second clamp
// over a fused one (a ReLU after a ReLU6).
// CHECK-LABEL: func @conv_relu_shared
// CHECK: %[[C:.*]] = qnn.conv2d
// CHECK-NOT: clamp_min
// CHECK: qnn.relu %[[C]]
func.func @conv_relu_shared(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %c = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %r = qnn.relu %c : tensor<1x2x2x2xf32>
  return %c, %r : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// CHECK-LABEL: func @relu_after_clip
// CHECK: %[[C:.*]] = qnn.conv2d %arg0, %arg1 {clamp_max = 6.000000e+00 : f32, clamp_min = -1.000000e+00 : f32
// CHECK: qnn.relu %[[C]]
func.func @relu_after_clip(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %c = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %k = qnn.clip %c {min = -1.0 : f32, max = 6.0 : f32} : tensor<1x2x2x2xf32>
  %r = qnn.relu %k : tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

// A bare to_float of a binary convolution becomes its affine epilogue with
// scale 1 and bias -0 (float(acc) exactly), and a residual add follows it in.
// CHECK-LABEL: func @bare_to_float
// CHECK: qnn.binary_conv2d_affine %arg0, %arg1 {bias = array<f32: -0.000000e+00, -0.000000e+00>, {{.*}}scale = array<f32: 1.000000e+00, 1.000000e+00>
// CHECK-NOT: qnn.to_float
// CHECK-NOT: qnn.add
func.func @bare_to_float(%x: !qnn.binary<1x2x3x3>, %r: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f = qnn.to_float %acc : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  %y = qnn.add %r, %f : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// The accumulator has another user: it must reach memory, nothing to fuse.
// CHECK-LABEL: func @to_float_shared_accumulator
// CHECK: qnn.binary_conv2d %arg0
// CHECK: qnn.to_float
// CHECK-NOT: qnn.binary_conv2d_affine
func.func @to_float_shared_accumulator(%x: !qnn.binary<1x2x3x3>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi32>) {
  %acc = qnn.binary_conv2d %x {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x2x3x3>) -> tensor<1x2x3x3xi32>
  %f = qnn.to_float %acc : (tensor<1x2x3x3xi32>) -> tensor<1x2x3x3xf32>
  return %f, %acc : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi32>
}
