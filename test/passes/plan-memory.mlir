// RUN: qnnc-opt %s -qnn-plan-memory | FileCheck %s

// %r lives until its reshape; %t is a new block; sign and add write in place
// over inputs that die there; the returned value goes to the caller's buffer.
// CHECK: module attributes {qnn.arena_bytes = 192 : i64, qnn.arena_lower_bound = 192 : i64}
// CHECK: qnn.relu %arg0 {qnn.arena_offset = array<i64: 0>}
// CHECK: qnn.transpose {{.*}}qnn.arena_offset = array<i64: 64>
// CHECK: qnn.sign {{.*}}{qnn.arena_offset = array<i64: 64>}
// CHECK: qnn.reshape %0 {qnn.arena_offset = array<i64: 128>}
// CHECK: qnn.add {{.*}}{qnn.arena_offset = array<i64: 64>}
// CHECK: qnn.reshape {{.*}}{qnn.arena_offset = array<i64: -1>}
func.func @main(%x: tensor<1x16xf32>) -> tensor<16xf32> {
  %r = qnn.relu %x : tensor<1x16xf32>
  %t = qnn.transpose %r {perm = array<i64: 1, 0>} : (tensor<1x16xf32>) -> tensor<16x1xf32>
  %s = qnn.sign %t : tensor<16x1xf32>
  %rt = qnn.reshape %r : (tensor<1x16xf32>) -> tensor<16x1xf32>
  %u = qnn.add %s, %rt : (tensor<16x1xf32>, tensor<16x1xf32>) -> tensor<16x1xf32>
  %v = qnn.reshape %u : (tensor<16x1xf32>) -> tensor<16xf32>
  return %v : tensor<16xf32>
}
