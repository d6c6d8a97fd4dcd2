// qnn-assign-bits on a synthetic table with known optima (checked against
// every one of the 64 assignments): at 100 bytes the best is w = 4, 4, 1
// (92 bytes, sensitivity 2.5), which no layer-by-layer rule finds (the
// third layer is cheapest to widen per unit of sensitivity, yet stays 1 bit).
// RUN: qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bytes=100}))' | FileCheck %s --check-prefix=B100
// RUN: qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bytes=36}))' | FileCheck %s --check-prefix=B36
// RUN: qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bytes=1000}))' | FileCheck %s --check-prefix=B1000
// RUN: qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bitops=700}))' | FileCheck %s --check-prefix=OPS
// RUN: not qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits{budget-bytes=31}))' 2>&1 | FileCheck %s --check-prefix=SMALL
// RUN: not qnnc-opt %s --pass-pipeline='builtin.module(func.func(qnn-assign-bits))' 2>&1 | FileCheck %s --check-prefix=NONE

// B100-LABEL: func @three_layers
// B100-SAME: qnn.bit_assignment = {bitops = 850 : i64, bytes = 92 : i64, sensitivity = 2.500000e+00 : f64}
// B100: arith.addf {{.*}}qnn.bits = array<i64: 4, 8>
// B100: arith.addf {{.*}}qnn.bits = array<i64: 4, 8>
// B100: arith.addf {{.*}}qnn.bits = array<i64: 1, 8>
// B100-NOT: qnn.bit_choices
// B36: bytes = 32 : i64
// B36: qnn.bits = array<i64: 1, 8>
// B36: qnn.bits = array<i64: 1, 8>
// B36: qnn.bits = array<i64: 1, 8>
// B1000: sensitivity = 0.000000e+00
// B1000: qnn.bits = array<i64: 8, 8>
// B1000: qnn.bits = array<i64: 8, 8>
// B1000: qnn.bits = array<i64: 8, 8>
// Bit-ops here rise from w = 1 to 8 as 100, 200, 400, 800 for the first two
// layers and 50, 100, 200, 400 for the third: at 700 the best is 4, 2, 2
// (sensitivity 3.5; 4, 2, 1 at 650 has 4.0, 2, 4, 1 at 650 has 5.5).
// OPS: bitops = 700 : i64
// OPS: qnn.bits = array<i64: 4, 8>
// OPS: qnn.bits = array<i64: 2, 8>
// OPS: qnn.bits = array<i64: 2, 8>
// SMALL: error: the budget of 31 bytes is below the cheapest assignment's 32 bytes
// NONE: error: qnn-assign-bits needs exactly one budget: budget-bytes or budget-bitops
func.func @three_layers(%x: f32) -> f32 {
  %0 = arith.addf %x, %x {qnn.bit_choices = [
    {w = 1, a = 8, bytes = 10, bitops = 100, sensitivity = 9.0},
    {w = 2, a = 8, bytes = 20, bitops = 200, sensitivity = 4.0},
    {w = 4, a = 8, bytes = 40, bitops = 400, sensitivity = 1.0},
    {w = 8, a = 8, bytes = 80, bitops = 800, sensitivity = 0.0}]} : f32
  %1 = arith.addf %0, %x {qnn.bit_choices = [
    {w = 1, a = 8, bytes = 10, bitops = 100, sensitivity = 5.0},
    {w = 2, a = 8, bytes = 20, bitops = 200, sensitivity = 2.0},
    {w = 4, a = 8, bytes = 40, bitops = 400, sensitivity = 0.5},
    {w = 8, a = 8, bytes = 80, bitops = 800, sensitivity = 0.0}]} : f32
  %2 = arith.addf %1, %x {qnn.bit_choices = [
    {w = 1, a = 8, bytes = 12, bitops = 50, sensitivity = 1.0},
    {w = 2, a = 8, bytes = 24, bitops = 100, sensitivity = 0.5},
    {w = 4, a = 8, bytes = 48, bitops = 200, sensitivity = 0.25},
    {w = 8, a = 8, bytes = 96, bitops = 400, sensitivity = 0.0}]} : f32
  return %2 : f32
}
