// RUN: qnnc-opt %s -split-input-file -qnn-huffman-compress | FileCheck %s

// A 3x3 binary layer of 4 x 2 kernel slices with a known histogram: all +1
// (sequence 0) four times, -1 at tap (0,0) (1) twice, at tap (2,2) (256)
// once, all -1 (511) once. Code lengths 1, 2, 3, 3; canonical codes 0, 10,
// 110, 111. Lane 64 k + c codes output channels o = 2 p + k, input channel
// c: lanes 0 and 1 (o = 0, 2) 0 10, lane 64 (o = 1, 3; c = 0) 0 110, lane
// 65 0 111, most significant first in 16-bit chunks: 0b010 << 13 = 16384
// twice, 0b0110 << 12 = 24576, 0b0111 << 12 = 28672; the decoder takes one
// chunk per lane at the first step (under 3 bits, the longest code, held)
// and none at the second. 42 bytes against 576 packed.
// CHECK-LABEL: func.func @known_histogram
// CHECK: weight = #qnn.huffman_binary_weights<[4, 2, 3, 3], dense<[16384, 16384, 24576, 28672]> : tensor<4xui16>, dense<[0, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<13xui16>, dense<[0, 1, 256, 511]> : tensor<4xui16>>
func.func @known_histogram(%x: !qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[true, false, false], [false, false, false], [false, false, false]], [[true, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, true]], [[true, true, true], [true, true, true], [true, true, true]]]]> : tensor<4x2x3x3xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32>
  return %y : tensor<1x4x4x4xi32>
}

// -----

// Already packed weights are left alone (the pass runs before packing).
// CHECK-LABEL: func.func @packed
// CHECK: weight = #qnn.packed_binary_weights
func.func @packed(%x: !qnn.binary<1x2x3x3>) -> tensor<1x1x3x2xi32> {
  %y = qnn.binary_conv2d %x {weight = #qnn.packed_binary_weights<[1, 2, 1, 2], dense<[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xui32>>,
                             strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                             dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x2x3x3>) -> tensor<1x1x3x2xi32>
  return %y : tensor<1x1x3x2xi32>
}

// -----

// The same kernels on a bit-serial convolution of one +-1 plane (2-bit
// levels in): the same code.
// CHECK-LABEL: func.func @bitserial_one_plane
// CHECK: qnn.bitserial_conv2d %{{.*}}weight = #qnn.huffman_binary_weights<[4, 2, 3, 3], dense<[16384, 16384, 24576, 28672]> : tensor<4xui16>
func.func @bitserial_one_plane(%x: !qnn.levels<1x2x4x4, 2>) -> tensor<1x4x4x4xi32> {
  %y = qnn.bitserial_conv2d %x {weight = dense<[[[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[true, false, false], [false, false, false], [false, false, false]], [[true, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, true]], [[true, true, true], [true, true, true], [true, true, true]]]]> : tensor<4x2x3x3xi1>,
                                strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                                dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.levels<1x2x4x4, 2>) -> tensor<1x4x4x4xi32>
  return %y : tensor<1x4x4x4xi32>
}
