// RUN: not qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bytes=100}))' 2>&1 | FileCheck %s
// RUN: not qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bytes=100 budget-bitops=100}))' 2>&1 | FileCheck %s --check-prefix=BOTH

// CHECK: error: qnn.bit_choices must be a non-empty array of {w, a, bytes, bitops : integers, sensitivity : float} with widths 0 (float) or 1 to 8 and costs >= 0
// BOTH: error: qnn-assign-bits needs exactly one budget: budget-bytes or budget-bitops
func.func @bad_width(%x: f32) -> f32 {
  %0 = arith.addf %x, %x {qnn.bit_choices = [{w = 9, a = 8, bytes = 10, bitops = 100, sensitivity = 9.0}]} : f32
  return %0 : f32
}
