// RUN: not qnnc-opt %s -qnn-cluster-kernels=keep=2 2>&1 | FileCheck %s

// Statistics of the wrong size (2 channels x 9 taps needs 18 means).
// CHECK: error: qnn-cluster-kernels: qnn.input_tap_means and qnn.input_tap_moments go together on a qnn.binary_conv2d (or a qnn.bitserial_conv2d without weight offsets), with [C][T] means and [C][T][T] or [C T][C T] moments (2 channels, 9 taps)
func.func @short(%x: !qnn.binary<1x2x4x4>) -> tensor<1x1x4x4xi32> {
  %y = qnn.binary_conv2d %x {weight = dense<false> : tensor<1x2x3x3xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 1,
                             qnn.input_tap_means = array<f32: 0.5>,
                             qnn.input_tap_moments = array<f32: 1.0>}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x1x4x4xi32>
  return %y : tensor<1x1x4x4xi32>
}
