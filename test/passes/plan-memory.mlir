// RUN: qnnc-opt %s -qnn-plan-memory | FileCheck %s

// %r lives until its reshape; %t is a new block; sign and add write in place
// over inputs that die there; the returned value goes to the caller's buffer.
// CHECK: module attributes {qnn.memory_plan = #qnn.memory_plan<arena_bytes = 192, lower_bound = 192>}
// CHECK: qnn.relu %arg0 {qnn.placement = #qnn.placement<offsets = [0], scratch = -1>}
// CHECK: qnn.transpose {{.*}}qnn.placement = #qnn.placement<offsets = [64], scratch = -1>
// CHECK: qnn.sign {{.*}}{qnn.placement = #qnn.placement<offsets = [64], scratch = -1>}
// CHECK: qnn.reshape %0 {qnn.placement = #qnn.placement<offsets = [128], scratch = -1>}
// CHECK: qnn.add {{.*}}{qnn.placement = #qnn.placement<offsets = [64], scratch = -1>}
// CHECK: qnn.reshape {{.*}}{qnn.placement = #qnn.placement<offsets = [-1], scratch = -1>}
func.func @main(%x: tensor<1x16xf32>) -> tensor<16xf32> {
  %r = qnn.relu %x : tensor<1x16xf32>
  %t = qnn.transpose %r {perm = array<i64: 1, 0>} : (tensor<1x16xf32>) -> tensor<16x1xf32>
  %s = qnn.sign %t : tensor<16x1xf32>
  %rt = qnn.reshape %r : (tensor<1x16xf32>) -> tensor<16x1xf32>
  %u = qnn.add %s, %rt : (tensor<16x1xf32>, tensor<16x1xf32>) -> tensor<16x1xf32>
  %v = qnn.reshape %u : (tensor<16x1xf32>) -> tensor<16xf32>
  return %v : tensor<16xf32>
}
