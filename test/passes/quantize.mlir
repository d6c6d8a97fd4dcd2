// RUN: qnnc-opt %s -qnn-quantize=bits=2 | FileCheck %s
// RUN: qnnc-opt %s -qnn-quantize="bits=2 first-last=float" | FileCheck %s --check-prefix=FLOAT
// RUN: not qnnc-opt %s -qnn-quantize=bits=9 2>&1 | FileCheck %s --check-prefix=BITS

// Three calibrated ops: the first conv and the last GEMM get 8 bits, the
// middle conv 2. An 8-bit conv goes QDQ (qnn-recognize-int8 runs it on the
// int8 kernels): uint8 input of step 1/255, int8 weights of per-channel
// scales max |w_o| / 127 (0.5 -> 127 x 0.5/127, -1 -> -127 x 1/127). The
// 8-bit GEMM takes levels: 255 thresholds, step 2/255.
// 2-bit activations of [0, 3]: step 1, thresholds at 0.5, 1.5, 2.5 (round
// to nearest). 2-bit weights per output channel: ternary steps max |w_o|
// (0.7 and 0.3; -0.1 rounds to -0). 8-bit GEMM weights B [K, N] per
// column: steps 1/127 and 2/127 (0.25 -> 32 steps, 0.5 -> 32 steps). Steps
// keep 16 significant bits (0.7 -> 0.699996948), so that step x level is
// an exact float. Each op loses its qnn.input_range.
// CHECK-LABEL: func.func @main
// CHECK: %[[WQ:.*]] = arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
// CHECK: %[[WD:.*]] = qnn.dequantize_linear %[[WQ]] {axis = 0 : i64, scale = array<f32: 0.00393700786, 0.00787401571>, zero_point = array<i64: 0, 0>}
// CHECK: %[[XQ:.*]] = qnn.quantize_linear %arg0 {axis = 0 : i64, scale = array<f32: 0.00392156886>, zero_point = array<i64: 0>} : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xui8>
// CHECK: %[[XD:.*]] = qnn.dequantize_linear %[[XQ]] {axis = 1 : i64, scale = array<f32: 0.00392156886>, zero_point = array<i64: 0>}
// CHECK: qnn.conv2d %[[XD]], %[[WD]]
// CHECK: %[[W1:.*]] = arith.constant dense<{{\[\[\[\[}}0.699996948]], {{\[\[}}-0.000000e+00]]], {{\[\[\[}}0.300003052]], {{\[\[}}0.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK: %[[T1:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 1.500000e+00, 2.500000e+00]]> : tensor<1x3xf32>
// CHECK: %[[Q1:.*]] = qnn.multi_threshold %{{.*}}, %[[T1]] {out_bias = 0.000000e+00 : f32, out_scale = 1.000000e+00 : f32}
// CHECK: qnn.conv2d %[[Q1]], %[[W1]]
// CHECK-NOT: qnn.input_range
// CHECK: %[[W2:.*]] = arith.constant dense<{{\[\[}}0.999999523, -1.99999905], [0.251968384, 0.503936768]]> : tensor<2x2xf32>
// CHECK: %[[Q2:.*]] = qnn.multi_threshold {{.*}}out_scale = 0.00784313772 : f32
// CHECK: qnn.gemm %[[Q2]], %[[W2]]

// With first-last=float the first conv and the GEMM stay as they are.
// FLOAT-LABEL: func.func @main
// FLOAT: qnn.conv2d %arg0
// FLOAT: qnn.multi_threshold {{.*}}out_scale = 1.000000e+00 : f32
// FLOAT: qnn.gemm %{{.*}}, %{{.*}} {alpha
// FLOAT-NOT: qnn.multi_threshold

// BITS: qnn-quantize: bits must be 1 to 8, not 9
func.func @main(%x: tensor<1x1x2x2xf32>) -> tensor<1x2xf32> {
  %w0 = arith.constant dense<[[[[0.5]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %a = qnn.conv2d %x, %w0 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          group = 1 : i64, qnn.input_range = array<f32: 0.0, 1.0>}
      : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %r = qnn.relu %a : tensor<1x2x2x2xf32>
  %w1 = arith.constant dense<[[[[0.7]], [[-0.1]]], [[[0.3]], [[0.0]]]]> : tensor<2x2x1x1xf32>
  %b = qnn.conv2d %r, %w1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
                          group = 1 : i64, qnn.input_range = array<f32: 0.0, 3.0>}
      : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %r2 = qnn.relu %b : tensor<1x2x2x2xf32>
  %p = qnn.global_avg_pool %r2 : (tensor<1x2x2x2xf32>) -> tensor<1x2x1x1xf32>
  %f = qnn.reshape %p : (tensor<1x2x1x1xf32>) -> tensor<1x2xf32>
  %w2 = arith.constant dense<[[1.0, -2.0], [0.25, 0.5]]> : tensor<2x2xf32>
  %y = qnn.gemm %f, %w2 {trans_a = false, trans_b = false, alpha = 1.0 : f32, beta = 1.0 : f32,
                         qnn.input_range = array<f32: 0.0, 2.0>} : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}
