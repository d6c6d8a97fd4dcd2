// RUN: qnnc-opt %s -split-input-file -qnn-assign-layouts | FileCheck %s

// Two Bi-Real blocks: the float stream between binary layers is written
// by the affine epilogues and read by Sign, the next epilogue (residual)
// and the global pool: channels-last. The input (a function argument) stays
// NCHW; the first epilogue reads it so.
// CHECK-LABEL: func @blocks
// CHECK: %[[Y1:.*]] = qnn.binary_conv2d_affine %{{.*}}, %arg0 {{{.*}}qnn.channels_last{{.*}}}
// CHECK: %[[Y2:.*]] = qnn.binary_conv2d_affine %{{.*}}, %[[Y1]] {{{.*}}qnn.channels_last{{.*}}}
// CHECK: qnn.global_avg_pool %[[Y2]] :
func.func @blocks(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> {
  %b1 = qnn.binarize %x : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %y1 = qnn.binary_conv2d_affine %b1, %x {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                          pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                          scale = array<f32: 2.0, 2.0>, bias = array<f32: 0.5, 0.5>}
       : (!qnn.binary<1x2x2x2>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %b2 = qnn.binarize %y1 : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %y2 = qnn.binary_conv2d_affine %b2, %y1 {weight = dense<false> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                           scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>}
       : (!qnn.binary<1x2x2x2>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %g = qnn.global_avg_pool %y2 : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  return %g : tensor<1x2x1x1xf32>
}

// -----

// A tensor an NCHW-only op reads (here an add, and the function's result)
// stays NCHW; the other keeps its own layout.
// CHECK-LABEL: func @mixed_users
// CHECK: %[[Y1:.*]] = qnn.binary_conv2d_affine %{{.*}} {bias
// CHECK-NOT: qnn.channels_last
// CHECK: qnn.add %[[Y1]]
// CHECK: qnn.binary_conv2d_affine %{{.*}} {{{.*}}qnn.channels_last
// CHECK: %[[Y3:.*]] = qnn.binary_conv2d_affine %{{.*}} {bias
// CHECK-NOT: qnn.channels_last
// CHECK: return
func.func @mixed_users(%x: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %b = qnn.binarize %x : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %y1 = qnn.binary_conv2d_affine %b {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                     pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                     scale = array<f32: 2.0, 2.0>, bias = array<f32: 0.5, 0.5>}
       : (!qnn.binary<1x2x2x2>) -> tensor<1x2x2x2xf32>
  %a = qnn.add %y1, %x : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %y2 = qnn.binary_conv2d_affine %b {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                     pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                     scale = array<f32: 2.0, 2.0>, bias = array<f32: 0.5, 0.5>}
       : (!qnn.binary<1x2x2x2>) -> tensor<1x2x2x2xf32>
  %b2 = qnn.binarize %y2 : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %y3 = qnn.binary_conv2d_affine %b2, %y2 {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                           scale = array<f32: 2.0, 2.0>, bias = array<f32: 0.5, 0.5>}
       : (!qnn.binary<1x2x2x2>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %a, %y3, %y3 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// The downsampling shortcut: average pool and 1x1 convolution take one
// layout for input and output, so they join the stream's; the convolution
// becomes a pointwise_conv with its weights transposed ([C][O] padded to
// 32 outputs) and its bias padded.
// CHECK-LABEL: func @shortcut
// CHECK: %[[P:.*]] = qnn.avg_pool %{{.*}} {{{.*}}qnn.channels_last
// CHECK: %[[WT:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 3.000000e+00, 0.000000e+00{{.*}}], [2.000000e+00, 4.000000e+00, 0.000000e+00{{.*}}]]> : tensor<2x32xf32>
// CHECK: %[[B:.*]] = arith.constant dense<[5.000000e-01, -5.000000e-01, 0.000000e+00{{.*}}]> : tensor<32xf32>
// CHECK: %[[S:.*]] = qnn.pointwise_conv %[[P]], %[[WT]], %[[B]] {qnn.channels_last} : (tensor<1x2x1x1xf32>, tensor<2x32xf32>, tensor<32xf32>) -> tensor<1x2x1x1xf32>
// CHECK: qnn.binary_conv2d_affine %{{.*}}, %[[S]] {{{.*}}qnn.channels_last
// CHECK-NOT: qnn.conv2d
func.func @shortcut(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> {
  %b = qnn.binarize %x : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %y = qnn.binary_conv2d_affine %b {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                    pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                    scale = array<f32: 2.0, 2.0>, bias = array<f32: 0.5, 0.5>}
       : (!qnn.binary<1x2x2x2>) -> tensor<1x2x2x2xf32>
  %p = qnn.avg_pool %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                        count_include_pad = false} : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  %k = arith.constant dense<[0.5, -0.5]> : tensor<2xf32>
  %s = qnn.conv2d %p, %w, %k {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                              group = 1 : i64} : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  %b2 = qnn.binarize %y : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %z = qnn.binary_conv2d_affine %b2, %s {weight = dense<true> : tensor<2x2x2x2xi1>, strides = array<i64: 2, 2>,
                                         pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                         scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>}
       : (!qnn.binary<1x2x2x2>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %g = qnn.global_avg_pool %z : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %g : tensor<1x2x1x1xf32>
}

// -----

// A group is channels-last only whole: a 3x3 convolution (NCHW only) in the
// shortcut keeps its pooled input, and so the stream before it, NCHW.
// CHECK-LABEL: func @group_rejected
// CHECK-NOT: qnn.channels_last
// CHECK: qnn.conv2d
func.func @group_rejected(%x: tensor<1x2x4x4xf32>, %w: tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %b = qnn.binarize %x : (tensor<1x2x4x4xf32>) -> !qnn.binary<1x2x4x4>
  %y = qnn.binary_conv2d_affine %b {weight = dense<true> : tensor<2x2x1x1xi1>, strides = array<i64: 1, 1>,
                                    pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                    scale = array<f32: 2.0, 2.0>, bias = array<f32: 0.5, 0.5>}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x2x4x4xf32>
  %p = qnn.avg_pool %y {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
                        count_include_pad = false} : (tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32>
  %s = qnn.conv2d %p, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
                          group = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x2x2xf32>
  return %s : tensor<1x2x2x2xf32>
}
