// MLIR 19 parses integer literals in a dense i1 array into an array with no
// values, which crashes whatever prints it (llvm/llvm-project#173373):
// qnnc-opt says so instead, wherever the array is, and stops.
// RUN: not qnnc-opt --split-input-file %s 2>&1 | FileCheck %s

// CHECK: dense-i1-arrays.mlir:1 offset :7:1: error: a dense array attribute of size 2 holds no values; write the elements of an i1 array as true or false
func.func @in_attributes() attributes {flags = array<i01: 1, 1>} {
  return
}

// -----

// The op's own location holds it: the error is at the enclosing function.
// CHECK: dense-i1-arrays.mlir:11 offset :5:1: error: a dense array attribute of size 1 holds no values
func.func @in_a_location() {
  return loc(fused<array<i1: 1>>["x"])
}

// -----

// CHECK-NOT: error
func.func @booleans() attributes {flags = array<i1: true, false>} {
  return
}
