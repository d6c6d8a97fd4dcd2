// RUN: qnnc-opt %s -qnn-pack-weights -qnn-plan-memory -qnn-lower-to-emitc | FileCheck %s

// Bit-serial convolutions with their scale/bias epilogue, the second with a
// residual add and offset weights: the levels buffer with its plane stride
// and bit count, the packed weights and their plane count, the weight
// offsets (a table padded to whole 8-channel lane blocks, or a null
// pointer), scale and bias tables, the residual (a null pointer when there
// is none), and the output in the residual's place in the arena (in place:
// the residual dies there).
// CHECK: emitc.global static const @conv2_weight_offsets : !emitc.array<8xi32> = dense<[-1, 3, 1, 1, 1, 1, 1, 1]>
// CHECK: emitc.func @model_ops
// CHECK: %[[L:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, 0], template_args = [ui64]}
// CHECK: %[[Y:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, [[AT:[0-9]+]]], template_args = [f32]}
// CHECK: emitc.call_opaque "qnn_rt::bitserial_conv2d_affine"(%[[L]], %{{.*}}, %{{.*}}, %{{.*}}, %[[Y]], %{{.*}}) {args = [0 : index, 8, 2, 1 : index, 2, #emitc.opaque<"nullptr">, 2 : index, 3 : index, #emitc.opaque<"nullptr">, 4 : index, 5 : index]} : (!emitc.ptr<ui64>, !emitc.array<32xui32>, !emitc.array<2xf32>, !emitc.array<2xf32>, !emitc.ptr<f32>, !emitc.opaque<"qnn_rt::Conv2DParams">)
// CHECK: %[[Z:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, [[AT]]], template_args = [f32]}
// CHECK: %[[OFFSETS:.*]] = emitc.get_global @conv2_weight_offsets
// CHECK: emitc.call_opaque "qnn_rt::bitserial_conv2d_affine"(%[[L]], %{{.*}}, %[[OFFSETS]], %{{.*}}, %{{.*}}, %[[Y]], %[[Z]], %{{.*}}) {args = [0 : index, 8, 2, 1 : index, 1, 2 : index, 3 : index, 4 : index, 5 : index, 6 : index, 7 : index]}
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %l = qnn.quantize_levels %x {thresholds = array<f32: 0.0, 1.0, 2.0>} : (tensor<1x1x2x2xf32>) -> !qnn.levels<1x1x2x2, 2>
  %y = qnn.bitserial_conv2d_affine %l {weight = dense<true> : tensor<2x2x1x1x1xi1>, strides = array<i64: 1, 1>,
                                       pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                       scale = array<f32: 2.0, 3.0>, bias = array<f32: 0.5, -1.0>}
       : (!qnn.levels<1x1x2x2, 2>) -> tensor<1x2x2x2xf32> loc("conv")
  %z = qnn.bitserial_conv2d_affine %l, %y {weight = dense<false> : tensor<2x1x1x1xi1>, strides = array<i64: 1, 1>,
                                           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                           scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>,
                                           weight_offsets = array<i32: -1, 3>}
       : (!qnn.levels<1x1x2x2, 2>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv2")
  %w = qnn.relu %z : tensor<1x2x2x2xf32>
  return %w : tensor<1x2x2x2xf32>
}
