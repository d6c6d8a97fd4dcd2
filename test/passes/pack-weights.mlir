// RUN: qnnc-opt %s -split-input-file -qnn-pack-weights | FileCheck %s

// Dense [O=2, K=3]: one 64-bit word per row, bit k set where w[o][k] = -1
// (true), as two ui32 halves: row 0 = 0b101 = 5, row 1 = 0b010 = 2. Rows go
// in blocks of 8 output channels (word j of the 8 rows side by side), the
// last block padded with zero rows.
// CHECK-LABEL: func.func @dense
// CHECK: qnn.binary_dense %arg0 {weight = #qnn.packed_binary_weights<[2, 3], dense<[5, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<16xui32>>}
func.func @dense(%x: !qnn.binary<1x3>) -> tensor<1x2xi32> {
  %y = qnn.binary_dense %x {weight = dense<[[true, false, true], [false, true, false]]> : tensor<2x3xi1>}
       : (!qnn.binary<1x3>) -> tensor<1x2xi32>
  return %y : tensor<1x2xi32>
}

// -----

// Conv [O=1, Cg=2, KH=1, KW=2]: a row is [KH][KW][words(Cg)] = 2 words;
// tap (0, 0) holds channels 0 and 1 (-1, +1 -> 0b01), tap (0, 1) holds
// (+1, -1 -> 0b10): word 0 of the block of 8 rows, then word 1. Already
// packed weights are left alone.
// CHECK-LABEL: func.func @conv
// CHECK: qnn.binary_conv2d %arg0 {{{.*}}weight = #qnn.packed_binary_weights<[1, 2, 1, 2], dense<[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xui32>>}
// CHECK: qnn.binary_conv2d %arg0 {{{.*}}weight = #qnn.packed_binary_weights<[1, 2, 1, 2], dense<[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xui32>>}
func.func @conv(%x: !qnn.binary<1x2x3x3>) -> (tensor<1x1x3x2xi32>, tensor<1x1x3x2xi32>) {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[true, false]], [[false, true]]]]> : tensor<1x2x1x2xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                             dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x2x3x3>) -> tensor<1x1x3x2xi32>
  %z = qnn.binary_conv2d %x {weight = #qnn.packed_binary_weights<[1, 2, 1, 2], dense<[3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xui32>>,
                             strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                             dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x2x3x3>) -> tensor<1x1x3x2xi32>
  return %y, %z : tensor<1x1x3x2xi32>, tensor<1x1x3x2xi32>
}

// -----

// Bit-serial weights [m=2, O=1, Cg=1, 1, 1]: the weight -1 = b_0 + 2 b_1
// with b_0 = +1, b_1 = -1; the planes are packed one set after the other:
// plane 0 bit clear, plane 1 bit set.
// CHECK-LABEL: func.func @bitserial
// CHECK: weight = #qnn.packed_binary_weights<[2, 1, 1, 1, 1], dense<[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]> : tensor<32xui32>>
func.func @bitserial(%x: !qnn.levels<1x1x2x2, 2>) -> tensor<1x1x2x2xi32> {
  %y = qnn.bitserial_conv2d %x {weight = dense<[[[[[false]]]], [[[[true]]]]]> : tensor<2x1x1x1x1xi1>,
                                strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>,
                                dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.levels<1x1x2x2, 2>) -> tensor<1x1x2x2xi32>
  return %y : tensor<1x1x2x2xi32>
}
