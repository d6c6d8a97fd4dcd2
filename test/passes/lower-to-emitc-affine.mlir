// RUN: qnnc-opt %s -qnn-pack-weights -qnn-plan-memory -qnn-lower-to-emitc | FileCheck %s

// Binary convolutions with their scale/bias epilogue, the second with a
// residual add: scale and bias are constant tables, the residual an operand
// buffer (a null pointer when there is none), and the output takes the
// residual's place in the arena (in place: the residual dies there).
// CHECK: emitc.global static const @conv_scale : !emitc.array<2xf32> = dense<[2.000000e+00, 3.000000e+00]>
// CHECK: emitc.global static const @conv_bias : !emitc.array<2xf32> = dense<[5.000000e-01, -1.000000e+00]>
// CHECK: emitc.func @model_ops
// CHECK: %[[Y:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, [[AT:[0-9]+]]], template_args = [f32]}
// CHECK: %[[SCALE:.*]] = emitc.get_global @conv_scale
// CHECK: %[[BIAS:.*]] = emitc.get_global @conv_bias
// CHECK: emitc.call_opaque "qnn_rt::binary_conv2d_affine"(%{{.*}}, %{{.*}}, %[[SCALE]], %[[BIAS]], %[[Y]], %{{.*}}) {args = [0 : index, 8, 1 : index, 2 : index, 3 : index, #emitc.opaque<"nullptr">, 4 : index, 5 : index]}
// CHECK: %[[Z:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, [[AT]]], template_args = [f32]}
// CHECK: emitc.call_opaque "qnn_rt::binary_conv2d_affine"(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[Y]], %[[Z]], %{{.*}}) {args = [0 : index, 8, 1 : index, 2 : index, 3 : index, 4 : index, 5 : index, 6 : index]}
func.func @main(%x: tensor<1x64x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %b = qnn.binarize %x : (tensor<1x64x2x2xf32>) -> !qnn.binary<1x64x2x2>
  %y = qnn.binary_conv2d_affine %b {weight = dense<true> : tensor<2x64x1x1xi1>, strides = array<i64: 1, 1>,
                                    pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                    scale = array<f32: 2.0, 3.0>, bias = array<f32: 0.5, -1.0>}
       : (!qnn.binary<1x64x2x2>) -> tensor<1x2x2x2xf32> loc("conv")
  %z = qnn.binary_conv2d_affine %b, %y {weight = dense<false> : tensor<2x64x1x1xi1>, strides = array<i64: 1, 1>,
                                        pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                        scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>}
       : (!qnn.binary<1x64x2x2>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv2")
  %w = qnn.relu %z : tensor<1x2x2x2xf32>
  return %w : tensor<1x2x2x2xf32>
}
