// RUN: qnnc-opt %s -split-input-file -qnn-pixel-rows-convs="min-window=8 max-pixels=4" \
// RUN:   --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s
// RUN: qnnc-opt %s -split-input-file -qnn-pixel-rows-convs | FileCheck %s --check-prefix=DEFAULTS

// A window of 8 values (2 channels x 2x2) over 2x2 output pixels: the
// weights [O][K] become one panel [K][32] (w[o][k] at k * 32 + o, zeros
// past the 3 channels), the bias 32 values; the clamp, strides, pads and
// dilations carry over, the kernel shape becomes an attribute.
// CHECK-LABEL: func @deep_small_image
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1.000000e+00, 9.000000e+00, 1.700000e+01, 0.000000e+00,
// CHECK-SAME: {{\], \[}}2.000000e+00, 1.000000e+01, 1.800000e+01, 0.000000e+00,
// CHECK-SAME: : tensor<1x8x32xf32>
// CHECK: %[[B:.*]] = arith.constant dense<[5.000000e-01, -1.000000e+00, 2.500000e-01, 0.000000e+00,
// CHECK-SAME: : tensor<32xf32>
// CHECK: qnn.pixel_rows_conv %arg0, %[[W]], %[[B]] {clamp_max = 6.000000e+00 : f32, clamp_min = 0.000000e+00 : f32,
// CHECK-SAME: dilations = array<i64: 1, 1>, kernel_shape = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 0>,
// CHECK-SAME: strides = array<i64: 1, 2>}
// CHECK-SAME: (tensor<1x2x3x3xf32>, tensor<1x8x32xf32>, tensor<32xf32>) -> tensor<1x3x2x2xf32>
// CHECK-NOT: qnn.conv2d
// DEFAULTS-LABEL: func @deep_small_image
// DEFAULTS: qnn.conv2d
// DEFAULTS-NOT: qnn.pixel_rows_conv
func.func @deep_small_image(%x: tensor<1x2x3x3xf32>) -> tensor<1x3x2x2xf32> {
  %w = arith.constant dense<[[[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]],
                             [[[9.0, 10.0], [11.0, 12.0]], [[13.0, 14.0], [15.0, 16.0]]],
                             [[[17.0, 18.0], [19.0, 20.0]], [[21.0, 22.0], [23.0, 24.0]]]]> : tensor<3x2x2x2xf32>
  %b = arith.constant dense<[0.5, -1.0, 0.25]> : tensor<3xf32>
  %y = qnn.conv2d %x, %w, %b {strides = array<i64: 1, 2>, pads = array<i64: 0, 1, 0, 0>,
                              dilations = array<i64: 1, 1>, group = 1, clamp_min = 0.0 : f32, clamp_max = 6.0 : f32}
       : (tensor<1x2x3x3xf32>, tensor<3x2x2x2xf32>, tensor<3xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}

// -----

// Without bias, 40 output channels: two panels.
// CHECK-LABEL: func @two_panels_no_bias
// CHECK: qnn.pixel_rows_conv %arg0, %{{.*}} {dilations
// CHECK-SAME: (tensor<1x2x2x2xf32>, tensor<2x8x32xf32>) -> tensor<1x40x1x1xf32>
func.func @two_panels_no_bias(%x: tensor<1x2x2x2xf32>) -> tensor<1x40x1x1xf32> {
  %w = arith.constant dense<1.0> : tensor<40x2x2x2xf32>
  %y = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                          dilations = array<i64: 1, 1>, group = 1}
       : (tensor<1x2x2x2xf32>, tensor<40x2x2x2xf32>) -> tensor<1x40x1x1xf32>
  return %y : tensor<1x40x1x1xf32>
}

// -----

// Stay qnn.conv2d: a window below min-window, more output pixels than
// max-pixels, two groups, weights or bias not constant.
// CHECK-LABEL: func @stay
// CHECK-NOT: qnn.pixel_rows_conv
// CHECK-COUNT-5: qnn.conv2d
// CHECK-NOT: qnn.pixel_rows_conv
func.func @stay(%x: tensor<1x2x3x3xf32>, %wx: tensor<1x2x2x2xf32>, %bx: tensor<1xf32>)
    -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>, tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w1 = arith.constant dense<1.0> : tensor<1x2x1x1xf32>
  %w = arith.constant dense<1.0> : tensor<1x2x2x2xf32>
  %wg = arith.constant dense<1.0> : tensor<2x1x2x2xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %shallow = qnn.conv2d %x, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                 dilations = array<i64: 1, 1>, group = 1}
       : (tensor<1x2x3x3xf32>, tensor<1x2x1x1xf32>) -> tensor<1x1x3x3xf32>
  %large = qnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 1, 1>,
                              dilations = array<i64: 1, 1>, group = 1}
       : (tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x3x3xf32>
  %grouped = qnn.conv2d %x, %wg {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                 dilations = array<i64: 1, 1>, group = 2}
       : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>) -> tensor<1x2x2x2xf32>
  %computed = qnn.conv2d %x, %wx {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                  dilations = array<i64: 1, 1>, group = 1}
       : (tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>) -> tensor<1x1x2x2xf32>
  %computedBias = qnn.conv2d %x, %w, %bx {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                          dilations = array<i64: 1, 1>, group = 1}
       : (tensor<1x2x3x3xf32>, tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %shallow, %large, %grouped, %computed, %computedBias
      : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>, tensor<1x2x2x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}
