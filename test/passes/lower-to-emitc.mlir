// RUN: qnnc-opt %s -qnn-plan-memory -qnn-lower-to-emitc=entry-name=net | FileCheck %s

// Tensors live at the offsets qnn-plan-memory chose (add and sign write in
// place); constants become aligned const globals.
// CHECK: module attributes {qnn.memory_plan = #qnn.memory_plan<arena_bytes = 64, lower_bound = 64>}
// CHECK: emitc.include "qnn_runtime/kernels.h"
// CHECK: emitc.verbatim "alignas(64)"
// CHECK: emitc.global static const @bias_data : !emitc.array<16xf32>
// The ops run in a static function that the entry point runs on every
// thread of one parallel region (or once, without threads).
// CHECK: emitc.func @net_ops({{.*}}) attributes {qnn.model_type = (tensor<1x16xf32>) -> tensor<1x16xf32>, specifiers = ["static"]}
// CHECK: %[[A:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, 0], template_args = [f32]}
// CHECK: emitc.call_opaque "qnn_rt::relu_f32"(%arg0, %[[A]]) {args = [0 : index, 1 : index, 16]}
// CHECK: %[[B:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, 0], template_args = [f32]}
// CHECK: emitc.call_opaque "qnn_rt::add_f32"(%[[A]], %{{.*}}, %[[B]])
// CHECK: %[[C:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg2) {args = [0 : index, 0], template_args = [f32]}
// CHECK: emitc.call_opaque "qnn_rt::sign_f32"(%[[B]], %[[C]]
// CHECK: emitc.call_opaque "qnn_rt::relu_f32"(%[[C]], %arg1
// CHECK: emitc.func @net_run({{.*}}) attributes {qnn.model_type = (tensor<1x16xf32>) -> tensor<1x16xf32>, specifiers = ["extern \22C\22"]}
// CHECK-NEXT: emitc.call_opaque "qnn_rt::run_on_threads"(%arg0, %arg1, %arg2) {args = [#emitc.opaque<"net_ops">, 0 : index, 1 : index, 2 : index]}
// CHECK-NEXT: emitc.return
func.func @main(%x: tensor<1x16xf32>) -> tensor<1x16xf32> {
  %bias = arith.constant dense<1.0> : tensor<16xf32> loc("bias")
  %r = qnn.relu %x : tensor<1x16xf32>
  %s = qnn.add %r, %bias : (tensor<1x16xf32>, tensor<16xf32>) -> tensor<1x16xf32>
  %t = qnn.sign %s : tensor<1x16xf32>
  %u = qnn.relu %t : tensor<1x16xf32>
  return %u : tensor<1x16xf32>
}
