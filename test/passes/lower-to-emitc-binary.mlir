// RUN: qnnc-opt %s -qnn-pack-weights -qnn-plan-memory -qnn-lower-to-emitc | FileCheck %s

// A binary tensor is one pointer to its sign plane plus the plane stride in
// words (the nonzero plane follows, 64-byte aligned: 1x64x2x2 -> 4 words of
// data, stride 8); a convolution's shape is a qnn_rt::Conv2DParams global;
// its weights the packed words (64 channels x 9 taps = 9 words, all -1, in
// a block of 8 output channels: lanes 1-7 are zero padding).
// CHECK: emitc.global static const @conv_bits : !emitc.array<144xui32> = dense<"0xFFFFFFFFFFFFFFFF0000
// CHECK: emitc.global static const @conv_params : !emitc.opaque<"qnn_rt::Conv2DParams"> = #emitc.opaque<"{/*N*/ 1, /*C*/ 64, /*H*/ 2, /*W*/ 2, /*O*/ 1, /*KH*/ 3, /*KW*/ 3, /*OH*/ 2, /*OW*/ 2, /*SH*/ 1, /*SW*/ 1, /*PT*/ 1, /*PL*/ 1, /*DH*/ 1, /*DW*/ 1, /*G*/ 1}">
// CHECK: emitc.func @model_ops
// CHECK: %[[BITS:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, 0], template_args = [ui64]}
// CHECK: emitc.call_opaque "qnn_rt::binarize_f32"(%arg0, %[[BITS]]) {args = [0 : index, 1 : index, 8, 1, 64, 4]}
// CHECK: %[[ACC:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, 128], template_args = [i32]}
// CHECK: %[[WORDS:.*]] = emitc.get_global @conv_bits
// CHECK: %[[PARAMS:.*]] = emitc.get_global @conv_params
// CHECK: emitc.call_opaque "qnn_rt::binary_conv2d"(%[[BITS]], %[[WORDS]], %[[ACC]], %[[PARAMS]]) {args = [0 : index, 8, 1 : index, 2 : index, 3 : index]}
// CHECK: emitc.call_opaque "qnn_rt::to_float_i32"(%[[ACC]], %arg1)
func.func @main(%x: tensor<1x64x2x2xf32>) -> tensor<1x1x2x2xf32> {
  %b = qnn.binarize %x : (tensor<1x64x2x2xf32>) -> !qnn.binary<1x64x2x2>
  %y = qnn.binary_conv2d %b {weight = dense<true> : tensor<1x64x3x3xi1>, strides = array<i64: 1, 1>,
                             pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x64x2x2>) -> tensor<1x1x2x2xi32> loc("conv")
  %f = qnn.to_float %y : (tensor<1x1x2x2xi32>) -> tensor<1x1x2x2xf32>
  return %f : tensor<1x1x2x2xf32>
}
