// RUN: qnnc-opt %s -qnn-cluster-kernels=keep=2 | FileCheck %s --check-prefix=KEEP2
// RUN: qnnc-opt %s -qnn-cluster-kernels=keep=3 | FileCheck %s --check-prefix=KEEP3
// RUN: qnnc-opt %s -qnn-cluster-kernels=keep=4 | FileCheck %s --check-prefix=KEEP4
// RUN: qnnc-opt %s -qnn-cluster-kernels | FileCheck %s --check-prefix=PEROP
// RUN: not qnnc-opt %s -qnn-cluster-kernels=keep=-1 2>&1 | FileCheck %s --check-prefix=NEGATIVE

// The layer of known histogram (see huffman-compress.mlir): sequence 0 (all
// +1) x4, 1 (-1 at tap (0,0)) x2, 256 (-1 at tap (2,2)) x1, 511 (all -1) x1.
// keep=2 keeps 0 and 1: 256 is 1 bit from 0 and 2 from 1 -> 0; 511 is 9
// from 0 and 8 from 1 -> 1. So output 3's slices become all +1 and -1 at
// tap (0,0).
// KEEP2-LABEL: func.func @clustered
// KEEP2: weight = dense<{{\[\[\[}}[false, false, false], [false, false, false], [false, false, false]], {{\[}}[false, false, false], [false, false, false], [false, false, false]]], {{\[\[}}[false, false, false], [false, false, false], [false, false, false]], {{\[}}[false, false, false], [false, false, false], [false, false, false]]], {{\[\[}}[true, false, false], [false, false, false], [false, false, false]], {{\[}}[true, false, false], [false, false, false], [false, false, false]]], {{\[\[}}[false, false, false], [false, false, false], [false, false, false]], {{\[}}[true, false, false], [false, false, false], [false, false, false]]]]>
// keep=3 also keeps 256 (count 1 like 511, and the smaller): 511 is 8 bits
// from both 1 and 256 and goes to the more frequent, 1.
// KEEP3: weight = dense<{{.*}}{{\[\[}}[false, false, false], [false, false, false], [false, false, true]], {{\[}}[true, false, false], [false, false, false], [false, false, false]]]]>
// keep=4 keeps all four: unchanged.
// KEEP4: weight = dense<{{.*}}{{\[\[}}[false, false, false], [false, false, false], [false, false, true]], {{\[}}[true, true, true], [true, true, true], [true, true, true]]]]>
// Without keep only ops with qnn.cluster_keep change (@measured below).
// PEROP: func.func @clustered
// PEROP: weight = dense<{{.*}}{{\[}}[true, true, true], [true, true, true], [true, true, true]]]]>
// NEGATIVE: error: qnn-cluster-kernels: keep must not be negative, got -1
func.func @clustered(%x: !qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[true, false, false], [false, false, false], [false, false, false]], [[true, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, true]], [[true, true, true], [true, true, true], [true, true, true]]]]> : tensor<4x2x3x3xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32>
  return %y : tensor<1x4x4x4xi32>
}

// The same layer with calibration statistics of its input (qnn.cluster_keep
// = 2): taps (0,0) and (2,2) move together (E[x0 x8] = 0.9, E[x_t^2] = 1)
// and E[x8] = 0.25 in both channels. 256 now goes to 1, not 0: the mean
// square change of the accumulator is 4 (1 + 1 - 2 x 0.9) = 0.8 against
// 4 x 1 = 4. 511 goes to 1 as before (4 x 8 = 32 against 4 x 9.8 = 43.2).
// Output 3's accumulator moves by +2 x 0.25 in each channel (tap (2,2)
// from -1 to +1): +1, which its bias takes back, scaled: 10 - 2 x 1 = 8.
// PEROP-LABEL: func.func @measured
// PEROP: qnn.binary_conv2d %{{.*}}weight = dense<{{.*}}{{\[\[}}[true, false, false], [false, false, false], [false, false, false]], {{\[}}[true, false, false], [false, false, false], [false, false, false]]]]>
// PEROP-NOT: qnn.input_tap
// PEROP: %[[BIAS:.*]] = arith.constant dense<{{\[\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}8.000000e+00]]]> : tensor<4x1x1xf32>
// PEROP: qnn.add %{{.*}}, %[[BIAS]]
func.func @measured(%x: !qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xf32> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[true, false, false], [false, false, false], [false, false, false]], [[true, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, true]], [[true, true, true], [true, true, true], [true, true, true]]]]> : tensor<4x2x3x3xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 1,
                             qnn.cluster_keep = 2 : i64,
                             qnn.input_tap_means = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25>,
                             qnn.input_tap_moments = array<f32: 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0>}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32>
  %f = qnn.to_float %y : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xf32>
  %s = arith.constant dense<[[[1.0]], [[1.0]], [[1.0]], [[2.0]]]> : tensor<4x1x1xf32>
  %m = qnn.mul %f, %s : (tensor<1x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<1x4x4x4xf32>
  %b = arith.constant dense<[0.0, 0.0, 0.0, 10.0]> : tensor<4xf32>
  %r = qnn.reshape %b : (tensor<4xf32>) -> tensor<4x1x1xf32>
  %a = qnn.add %m, %r : (tensor<1x4x4x4xf32>, tensor<4x1x1xf32>) -> tensor<1x4x4x4xf32>
  return %a : tensor<1x4x4x4xf32>
}

// No bias to take the change back: an add of -shift follows the to_float.
// PEROP-LABEL: func.func @unbiased
// PEROP: %[[F:.*]] = qnn.to_float
// PEROP: %[[SHIFT:.*]] = arith.constant dense<{{\[\[\[}}-0.000000e+00]], {{\[\[}}-0.000000e+00]], {{\[\[}}-0.000000e+00]], {{\[\[}}-1.000000e+00]]]> : tensor<4x1x1xf32>
// PEROP: %[[A:.*]] = qnn.add %[[F]], %[[SHIFT]]
// PEROP: qnn.binarize %[[A]]
func.func @unbiased(%x: !qnn.binary<1x2x4x4>) -> !qnn.binary<1x4x4x4> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[true, false, false], [false, false, false], [false, false, false]], [[true, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, true]], [[true, true, true], [true, true, true], [true, true, true]]]]> : tensor<4x2x3x3xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 1,
                             qnn.cluster_keep = 2 : i64,
                             qnn.input_tap_means = array<f32: 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.25>,
                             qnn.input_tap_moments = array<f32: 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.9, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0>}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32>
  %f = qnn.to_float %y : (tensor<1x4x4x4xi32>) -> tensor<1x4x4x4xf32>
  %s = qnn.binarize %f : (tensor<1x4x4x4xf32>) -> !qnn.binary<1x4x4x4>
  return %s : !qnn.binary<1x4x4x4>
}

// Moments across channels let an output channel's slices be chosen
// together. 1x2 kernels (2-bit sequences, bit t = tap t), histogram 0 (+1
// +1) x3, 3 (-1 -1) x3, 1 x1, 2 x1; keep 2 keeps 0 and 3. Output 0 has 1
// (-1 +1) in channel 0 and 2 (+1 -1) in channel 1; each is 2 away from 0
// and from 3 in mean square alone (identity moments), so both go to 0:
// d = +2 at (c0, t0) and (c1, t1). Those two taps move together, E[x x] =
// 0.9, so the accumulator's variance is 4 + 4 + 2 x 4 x 0.9 = 15.2; with
// channel 0 at 3 instead (d = -2 at (c0, t1), uncorrelated) it is 8, and
// channel 1 at 3 would give 8 too (a tie keeps 0). Within channels only
// (@within), output 0 stays at 0 0.
// PEROP-LABEL: func.func @across
// PEROP: weight = dense<{{\[\[\[\[}}true, true]], {{\[\[}}false, false]]], {{\[\[\[}}false, false]], {{\[\[}}false, false]]], {{\[\[\[}}true, true]], {{\[\[}}true, true]]], {{\[\[\[}}false, false]], {{\[\[}}true, true]]]]>
// PEROP-NOT: qnn.input_tap
func.func @across(%x: !qnn.binary<1x2x1x4>) -> tensor<1x4x1x3xi32> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[true, false]], [[false, true]]], [[[false, false]], [[false, false]]], [[[true, true]], [[true, true]]], [[[false, false]], [[true, true]]]]> : tensor<4x2x1x2xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                             dilations = array<i64: 1, 1>, group = 1,
                             qnn.cluster_keep = 2 : i64,
                             qnn.input_tap_means = array<f32: 0.0, 0.0, 0.0, 0.0>,
                             qnn.input_tap_moments = array<f32: 1.0, 0.0, 0.0, 0.9,
                                                                0.0, 1.0, 0.0, 0.0,
                                                                0.0, 0.0, 1.0, 0.0,
                                                                0.9, 0.0, 0.0, 1.0>}
       : (!qnn.binary<1x2x1x4>) -> tensor<1x4x1x3xi32>
  return %y : tensor<1x4x1x3xi32>
}
// PEROP-LABEL: func.func @within
// PEROP: weight = dense<{{\[\[\[\[}}false, false]], {{\[\[}}false, false]]], {{\[\[\[}}false, false]], {{\[\[}}false, false]]], {{\[\[\[}}true, true]], {{\[\[}}true, true]]], {{\[\[\[}}false, false]], {{\[\[}}true, true]]]]>
func.func @within(%x: !qnn.binary<1x2x1x4>) -> tensor<1x4x1x3xi32> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[true, false]], [[false, true]]], [[[false, false]], [[false, false]]], [[[true, true]], [[true, true]]], [[[false, false]], [[true, true]]]]> : tensor<4x2x1x2xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                             dilations = array<i64: 1, 1>, group = 1,
                             qnn.cluster_keep = 2 : i64,
                             qnn.input_tap_means = array<f32: 0.0, 0.0, 0.0, 0.0>,
                             qnn.input_tap_moments = array<f32: 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0>}
       : (!qnn.binary<1x2x1x4>) -> tensor<1x4x1x3xi32>
  return %y : tensor<1x4x1x3xi32>
}
