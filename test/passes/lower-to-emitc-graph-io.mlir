// RUN: qnnc-opt %s -qnn-plan-memory | FileCheck %s --check-prefix=PLAN
// RUN: qnnc-opt %s -qnn-plan-memory -qnn-lower-to-emitc | FileCheck %s

// Several inputs and outputs: <name>_run takes the inputs, the outputs and
// the arena, in that order. A computed output is placed in its caller's
// buffer (offset -1 - k for output k); one returned twice is written into
// the first output's buffer and copied into the second; a returned input
// and a returned constant are copied.
// PLAN: qnn.relu %arg1 {qnn.placement = #qnn.placement<offsets = [-1], scratch = -1>}
// PLAN: qnn.add {{.*}}{qnn.placement = #qnn.placement<offsets = [-2], scratch = -1>}
// PLAN: qnn.sign {{.*}}{qnn.placement = #qnn.placement<offsets = [0], scratch = -1>}
// PLAN: qnn.mul {{.*}}{qnn.placement = #qnn.placement<offsets = [-6], scratch = -1>}

// CHECK: emitc.func @model_ops(%arg0: !emitc.ptr<!emitc.opaque<"const float">>, %arg1: !emitc.ptr<!emitc.opaque<"const float">>, %arg2: !emitc.ptr<f32>, %arg3: !emitc.ptr<f32>, %arg4: !emitc.ptr<f32>, %arg5: !emitc.ptr<f32>, %arg6: !emitc.ptr<f32>, %arg7: !emitc.ptr<f32>, %arg8: !emitc.ptr<!emitc.opaque<"void">>)
// CHECK: %[[C:.*]] = emitc.get_global @{{.*}}_data
// CHECK: emitc.call_opaque "qnn_rt::relu_f32"(%arg1, %arg2)
// CHECK: emitc.call_opaque "qnn_rt::add_f32"(%arg2, %arg0, %arg3)
// CHECK: %[[S:.*]] = emitc.call_opaque "qnn_rt::arena_at"(%arg8) {args = [0 : index, 0], template_args = [f32]}
// CHECK: emitc.call_opaque "qnn_rt::sign_f32"(%arg3, %[[S]]
// CHECK: emitc.call_opaque "qnn_rt::mul_f32"(%[[S]], %[[S]], %arg7)
// CHECK: emitc.call_opaque "qnn_rt::copy_bytes"(%arg2, %arg4) {args = [0 : index, 1 : index, 16]}
// CHECK: emitc.call_opaque "qnn_rt::copy_bytes"(%arg0, %arg5) {args = [0 : index, 1 : index, 16]}
// CHECK: emitc.call_opaque "qnn_rt::copy_bytes"(%[[C]], %arg6) {args = [0 : index, 1 : index, 16]}
// CHECK: emitc.func @model_run({{.*}}) attributes {qnn.model_type = (tensor<1x4xf32>, tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>)
// CHECK-NEXT: emitc.call_opaque "qnn_rt::run_on_threads"(%arg0, %arg1, %arg2, %arg3, %arg4, %arg5, %arg6, %arg7, %arg8) {args = [#emitc.opaque<"model_ops">, 0 : index, 1 : index, 2 : index, 3 : index, 4 : index, 5 : index, 6 : index, 7 : index, 8 : index]}
func.func @main(%a: tensor<1x4xf32>, %b: tensor<1x4xf32>)
    -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) {
  %c = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %r = qnn.relu %b : tensor<1x4xf32>
  %s = qnn.add %r, %a : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %t = qnn.sign %s : tensor<1x4xf32>
  %m = qnn.mul %t, %t : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %r, %s, %r, %a, %c, %m : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>
}
