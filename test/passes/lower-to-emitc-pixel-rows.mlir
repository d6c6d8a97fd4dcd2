// RUN: qnnc-opt %s -qnn-plan-memory=threads=2 -qnn-lower-to-emitc | FileCheck %s

// A pixel-rows convolution calls its kernel with the packed weights, the
// padded bias, one scratch shared by all threads (the input's 2 planes of
// 3x3 floats, each rounded up to 10, then the 8 taps' offsets as 8-byte
// integers: 144 bytes, the whole arena in 64-byte units with two threads),
// and the convolution's Conv2DParams with its kernel shape from the
// attribute.
// CHECK: qnn.memory_plan = #qnn.memory_plan<arena_bytes = 192,
// CHECK: emitc.global static const @weights_params : !emitc.opaque<"qnn_rt::Conv2DParams"> = #emitc.opaque<"{/*N*/ 1, /*C*/ 2, /*H*/ 3, /*W*/ 3, /*O*/ 3, /*KH*/ 2, /*KW*/ 2, /*OH*/ 2, /*OW*/ 2, /*SH*/ 1, /*SW*/ 1, /*PT*/ 0, /*PL*/ 0, /*DH*/ 1, /*DW*/ 1, /*G*/ 1}">
// CHECK: emitc.call_opaque "qnn_rt::conv2d_f32_pixel_rows"(%arg0, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %arg1, %{{[0-9]+}})
// CHECK-SAME: args = [0 : index, 1 : index, 2 : index, 3 : index, 4 : index, 5 : index, 0.000000e+00 : f32, 0x7F800000 : f32]
// CHECK-SAME: : (!emitc.ptr<!emitc.opaque<"const float">>, !emitc.array<256xf32>, !emitc.array<32xf32>,
func.func @main(%x: tensor<1x2x3x3xf32>) -> tensor<1x3x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<1x8x32xf32>
  %b = arith.constant dense<0.5> : tensor<32xf32>
  %y = qnn.pixel_rows_conv %x, %w, %b {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                                       pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                                       clamp_min = 0.0 : f32}
       : (tensor<1x2x3x3xf32>, tensor<1x8x32xf32>, tensor<32xf32>) -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}
