// RUN: qnnc-opt %s -split-input-file -qnn-plan-memory -qnn-lower-to-emitc -verify-diagnostics
// RUN: not qnnc-opt %s -split-input-file -qnn-lower-to-emitc 2>&1 | FileCheck %s --check-prefix=NOPLAN
// NOPLAN: error: run qnn-plan-memory before qnn-lower-to-emitc

// Binary weights must be packed before lowering.
func.func @main(%x: tensor<1x3xf32>) -> tensor<1x2xf32> {
  %b = qnn.binarize %x : (tensor<1x3xf32>) -> !qnn.binary<1x3>
  // expected-error @+2 {{has unpacked binary weights (run qnn-pack-weights first)}}
  // expected-error @+1 {{failed to legalize operation 'qnn.binary_dense'}}
  %y = qnn.binary_dense %b {weight = dense<true> : tensor<2x3xi1>} : (!qnn.binary<1x3>) -> tensor<1x2xi32>
  %f = qnn.to_float %y : (tensor<1x2xi32>) -> tensor<1x2xf32>
  return %f : tensor<1x2xf32>
}

// -----

// Ops that no kernel computes are reported.
func.func @main(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %t = arith.constant dense<0.5> : tensor<1x1xf32>
  // expected-error @+1 {{failed to legalize operation 'qnn.multi_threshold'}}
  %y = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
       : (tensor<1x2xf32>, tensor<1x1xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// The entry point takes and returns tensors of the C element types only.
// expected-error @+2 {{'func.func' op inputs and outputs must be tensors of float32, float64, uint8, int8, int32 or int64}}
// expected-error @+1 {{failed to legalize operation 'func.func'}}
func.func @main(%x: tensor<1x2xf32>, %z: tensor<1x2xf16>) -> tensor<1x2xf32> {
  %y = qnn.relu %x : tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
