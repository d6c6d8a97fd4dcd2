// RUN: qnnc-opt %s -split-input-file -qnn-assign-layouts -qnn-pack-weights -qnn-plan-memory -qnn-lower-to-emitc \
// RUN:   | FileCheck %s

// Channels-last tensors reach the kernels as flags after their usual
// arguments: binarize_f32 (input), binary_conv2d_affine (output, residual),
// global_avg_pool_f32 (input, with the channel count). An NCHW tensor
// passes no flag.
// CHECK: emitc.call_opaque "qnn_rt::binarize_f32"(%{{.*}}, %{{.*}}) {args = [0 : index, 1 : index, 8, 1, 2, 4]}
// CHECK: emitc.call_opaque "qnn_rt::binary_conv2d_affine"{{.*}}, true, false]}
// CHECK: emitc.call_opaque "qnn_rt::binarize_f32"(%{{.*}}, %{{.*}}) {args = [0 : index, 1 : index, 8, 1, 2, 4, true]}
// CHECK: emitc.call_opaque "qnn_rt::binary_conv2d_affine"{{.*}}, true, true]}
// CHECK: emitc.call_opaque "qnn_rt::global_avg_pool_f32"(%{{.*}}, %{{.*}}) {args = [0 : index, 1 : index, 2, 4, true, 2]}
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> {
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

// The shortcut's pool takes the flag and the channel count; the pointwise
// convolution its transposed weights, padded bias, pixels, channels in and
// out, and its clamp (ReLU6 here; none is -inf, +inf).
// CHECK: emitc.call_opaque "qnn_rt::avg_pool_f32"{{.*}}, false, true, 2]}
// CHECK: emitc.call_opaque "qnn_rt::pointwise_conv_f32_channels_last"{{.*}} {args = [0 : index, 1 : index, 2 : index, 3 : index, 1, 2, 2, 0.000000e+00 : f32, 6.000000e+00 : f32]}
func.func @main(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32> {
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
                              group = 1 : i64, clamp_min = 0.0 : f32, clamp_max = 6.0 : f32}
       : (tensor<1x2x1x1xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x1x1xf32>
  %b2 = qnn.binarize %y : (tensor<1x2x2x2xf32>) -> !qnn.binary<1x2x2x2>
  %z = qnn.binary_conv2d_affine %b2, %s {weight = dense<true> : tensor<2x2x2x2xi1>, strides = array<i64: 2, 2>,
                                         pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                         scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>}
       : (!qnn.binary<1x2x2x2>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  %g = qnn.global_avg_pool %z : (tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %g : tensor<1x2x1x1xf32>
}
