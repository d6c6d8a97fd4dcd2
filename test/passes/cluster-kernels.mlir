// RUN: qnnc-opt %s -qnn-cluster-kernels=keep=2 | FileCheck %s --check-prefix=KEEP2
// RUN: qnnc-opt %s -qnn-cluster-kernels=keep=3 | FileCheck %s --check-prefix=KEEP3
// RUN: qnnc-opt %s -qnn-cluster-kernels=keep=4 | FileCheck %s --check-prefix=KEEP4
// RUN: not qnnc-opt %s -qnn-cluster-kernels=keep=0 2>&1 | FileCheck %s --check-prefix=ZERO

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
// ZERO: error: qnn-cluster-kernels: keep must be at least 1
func.func @clustered(%x: !qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32> {
  %y = qnn.binary_conv2d %x {weight = dense<[[[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, false]], [[false, false, false], [false, false, false], [false, false, false]]], [[[true, false, false], [false, false, false], [false, false, false]], [[true, false, false], [false, false, false], [false, false, false]]], [[[false, false, false], [false, false, false], [false, false, true]], [[true, true, true], [true, true, true], [true, true, true]]]]> : tensor<4x2x3x3xi1>,
                             strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>,
                             dilations = array<i64: 1, 1>, group = 1}
       : (!qnn.binary<1x2x4x4>) -> tensor<1x4x4x4xi32>
  return %y : tensor<1x4x4x4xi32>
}
