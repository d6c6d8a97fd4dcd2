// RUN: qnnc-opt %s -canonicalize | FileCheck %s

// A constant B of a transB gemm is stored transposed ([K, N]), the layout
// the kernel streams; a non-constant B stays as it is.
// CHECK-LABEL: func.func @gemm_weights
// CHECK: %[[BT:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 4.000000e+00], [2.000000e+00, 5.000000e+00], [3.000000e+00, 6.000000e+00]]> : tensor<3x2xf32>
// CHECK: qnn.gemm %arg0, %[[BT]] {alpha = 1.000000e+00 : f32, beta = 1.000000e+00 : f32, trans_a = false, trans_b = false}
// CHECK: qnn.gemm %arg0, %arg1 {{.*}}trans_b = true
func.func @gemm_weights(%a: tensor<1x3xf32>, %b: tensor<2x3xf32>) -> (tensor<1x2xf32>, tensor<1x2xf32>) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
  %y = qnn.gemm %a, %w {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32}
       : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  %z = qnn.gemm %a, %b {trans_a = false, trans_b = true, alpha = 1.0 : f32, beta = 1.0 : f32}
       : (tensor<1x3xf32>, tensor<2x3xf32>) -> tensor<1x2xf32>
  return %y, %z : tensor<1x2xf32>, tensor<1x2xf32>
}
