// RUN: qnnc-opt %s -qnn-plan-memory=threads=2 -qnn-lower-to-emitc | FileCheck %s

// A 3-D convolution calls qnn_rt::conv3d_f32 with the Conv2DParams of one
// depth slice (H, W and their window), then the depth axis: input depth 4,
// kernel depth 2, output depth 2, stride 2, front pad 1, dilation 1, and
// no clamp. Its scratch is one column matrix per thread: 2 channels x 2
// depths x 3 taps rows of one 32-column panel (15 pixels), 1536 bytes,
// twice.
// CHECK: qnn.memory_plan = #qnn.memory_plan<arena_bytes = 3072,
// CHECK: emitc.global static const @weights_params : !emitc.opaque<"qnn_rt::Conv2DParams"> = #emitc.opaque<"{/*N*/ 1, /*C*/ 2, /*H*/ 5, /*W*/ 6, /*O*/ 3, /*KH*/ 3, /*KW*/ 1, /*OH*/ 5, /*OW*/ 3, /*SH*/ 1, /*SW*/ 2, /*PT*/ 1, /*PL*/ 0, /*DH*/ 1, /*DW*/ 1, /*G*/ 1}">
// CHECK: emitc.call_opaque "qnn_rt::conv3d_f32"(%arg0, %{{[0-9]+}}, %{{[0-9]+}}, %{{[0-9]+}}, %arg1, %{{[0-9]+}})
// CHECK-SAME: args = [0 : index, 1 : index, 2 : index, 3 : index, 4 : index, 5 : index, 4, 2, 2, 2, 1, 1, 0xFF800000 : f32, 0x7F800000 : f32]
func.func @main(%x: tensor<1x2x4x5x6xf32>) -> tensor<1x3x2x5x3xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2x2x3x1xf32>
  %b = arith.constant dense<0.5> : tensor<3xf32>
  %y = qnn.conv3d %x, %w, %b {strides = array<i64: 2, 1, 2>, pads = array<i64: 1, 1, 0, 0, 1, 0>,
                              dilations = array<i64: 1, 1, 1>, group = 1}
       : (tensor<1x2x4x5x6xf32>, tensor<3x2x2x3x1xf32>, tensor<3xf32>) -> tensor<1x3x2x5x3xf32>
  return %y : tensor<1x3x2x5x3xf32>
}
