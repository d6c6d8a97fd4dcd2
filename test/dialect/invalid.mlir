// RUN: qnnc-opt %s -split-input-file -verify-diagnostics

func.func @conv_group(%x: !qnn.binary<1x6x4x4>) {
  // expected-error @+2 {{group 4 must divide the 6 input channels and the 8 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.binary_conv2d %x {weight = dense<true> : tensor<8x1x3x3xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 4 : i64}
      : (!qnn.binary<1x6x4x4>) -> tensor<1x8x2x2xi32>
  return
}

// -----

func.func @conv_shape(%x: !qnn.binary<1x8x4x4>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x8x2x2xi32>' are incompatible with return type(s) of operation 'tensor<1x8x3x3xi32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.binary_conv2d %x {weight = dense<true> : tensor<8x8x3x3xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x8x4x4>) -> tensor<1x8x3x3xi32>
  return
}

// -----

func.func @conv_weight_type(%x: !qnn.binary<1x8x4x4>) {
  // expected-error @+2 {{weight must hold i1 elements (true = -1)}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.binary_conv2d %x {weight = dense<1.0> : tensor<8x8x3x3xf32>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (!qnn.binary<1x8x4x4>) -> tensor<1x8x2x2xi32>
  return
}

// -----

func.func @stride_zero(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x3x3xf32>) {
  // expected-error @+2 {{kernel sizes, strides and dilations must be >= 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.conv2d %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>,
      dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x2x2xf32>
  return
}

// -----

func.func @threshold_count(%acc: tensor<1x2x3x3xi32>) {
  // expected-error @+1 {{thresholds for 1 channels, the input has 2}}
  %t = qnn.threshold %acc {thresholds = #qnn.thresholds<[0, 0], [false]>}
      : (tensor<1x2x3x3xi32>) -> !qnn.binary<1x2x3x3>
  return
}

// -----

func.func @threshold_order(%acc: tensor<1x1xi32>) {
  // expected-error @+1 {{channel 0: thresholds 3 and 2 are not ascending}}
  %t = qnn.threshold %acc {thresholds = #qnn.thresholds<[3, 2], [false]>}
      : (tensor<1x1xi32>) -> !qnn.binary<1x1>
  return
}

// -----

func.func @threshold_sign_count(%acc: tensor<1x1xi32>) {
  // expected-error @+1 {{expects 2 thresholds per channel, not 3}}
  %t = qnn.threshold %acc {thresholds = #qnn.thresholds<[1, 2, 3], [false]>}
      : (tensor<1x1xi32>) -> !qnn.binary<1x1>
  return
}

// -----

func.func @dense_features(%x: !qnn.binary<2x100>) {
  // expected-error @+2 {{input has 100 features but weights expect 64}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.binary_dense %x {weight = dense<false> : tensor<10x64xi1>} : (!qnn.binary<2x100>) -> tensor<2x10xi32>
  return
}

// -----

func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{operands don't have broadcast-compatible shapes}}
  %c = qnn.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return
}

// -----

func.func @binarize_shape(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{inferred type(s) '!qnn.binary<1x8>' are incompatible with return type(s) of operation '!qnn.binary<1x9>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %b = qnn.binarize %x : (tensor<1x8xf32>) -> !qnn.binary<1x9>
  return
}

// -----

func.func @conv_sign_thresholds(%x: !qnn.binary<1x8x4x4>) {
  // expected-error @+1 {{thresholds for 1 channels, the input has 8}}
  %a = qnn.binary_conv2d_sign %x {weight = dense<true> : tensor<8x8x3x3xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, group = 1 : i64,
      thresholds = #qnn.thresholds<[0, 0], [false]>}
      : (!qnn.binary<1x8x4x4>) -> !qnn.binary<1x8x4x4>
  return
}

// -----

// expected-error @+1 {{levels tensors have 1 to 8 bits, not 9}}
func.func @levels_bits(%x: !qnn.levels<1x2x4x4, 9>) {
  return
}

// -----

func.func @multi_threshold_rows(%x: tensor<1x2x4x4xf32>, %t: tensor<3x3xf32>) {
  // expected-error @+2 {{thresholds of shape [3, 3] must be [2, T] or [1, T]}}
  // expected-error @+1 {{failed to infer returned types}}
  %m = qnn.multi_threshold %x, %t {out_scale = 1.0 : f32, out_bias = 0.0 : f32}
      : (tensor<1x2x4x4xf32>, tensor<3x3xf32>) -> tensor<1x2x4x4xf32>
  return
}

// -----

func.func @too_many_levels(%x: tensor<1x2x4x4xf32>) {
  // expected-error @+1 {{4 thresholds per channel do not fit in 2 bits}}
  %l = qnn.quantize_levels %x {thresholds = array<f32: 0.0, 1.0, 2.0, 3.0, 0.0, 1.0, 2.0, 3.0>}
      : (tensor<1x2x4x4xf32>) -> !qnn.levels<1x2x4x4, 2>
  return
}

// -----

func.func @levels_descending(%acc: tensor<1x2x4x4xi32>) {
  // expected-error @+1 {{thresholds for 1 channels, the input has 2}}
  %l = qnn.threshold_levels %acc {thresholds = #qnn.thresholds<[0, 1], [false]>}
      : (tensor<1x2x4x4xi32>) -> !qnn.levels<1x2x4x4, 1>
  return
}

// -----

func.func @levels_per_channel(%acc: tensor<1x2x4x4xi32>) {
  // expected-error @+1 {{thresholds need T > 0 values for each of 2 channels, got 3}}
  %l = qnn.threshold_levels %acc {thresholds = #qnn.thresholds<[0, 1, 2], [false, false]>}
      : (tensor<1x2x4x4xi32>) -> !qnn.levels<1x2x4x4, 2>
  return
}

// -----

func.func @quantize_zero_point(%x: tensor<2xf32>) {
  // expected-error @+1 {{zero point 300 is outside [0, 255]}}
  %q = qnn.quantize_linear %x {axis = 0 : i64, scale = array<f32: 1.0>, zero_point = array<i64: 300>} : (tensor<2xf32>) -> tensor<2xui8>
  return
}

// -----

func.func @quantize_axis(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{2 scales do not match axis 1 of [2, 3]}}
  %q = qnn.quantize_linear %x {axis = 1 : i64, scale = array<f32: 1.0, 2.0>, zero_point = array<i64: 0, 0>} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  return
}

// -----

func.func @quantize_zero_points(%x: tensor<2x3xf32>) {
  // expected-error @+1 {{needs as many zero points as scales, at least one}}
  %q = qnn.quantize_linear %x {axis = 0 : i64, scale = array<f32: 1.0, 2.0>, zero_point = array<i64: 0>} : (tensor<2x3xf32>) -> tensor<2x3xui8>
  return
}

// -----

func.func @dequantize_axis(%x: tensor<2x3xi8>) {
  // expected-error @+2 {{2 scales do not match axis 1 of the input}}
  // expected-error @+1 {{failed to infer returned types}}
  %d = qnn.dequantize_linear %x {scale = array<f32: 1.0, 2.0>, zero_point = array<i64: 0, 0>, axis = 1 : i64}
      : (tensor<2x3xi8>) -> tensor<2x3xf32>
  return
}

// -----

func.func @qconv_weights(%x: tensor<1x2x3x3xui8>) {
  // expected-error @+2 {{weight must hold 8-bit integers}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.qconv2d %x {weight = dense<1> : tensor<1x2x1x1xi32>, input_zero_point = 0 : i64,
      strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1 : i64}
      : (tensor<1x2x3x3xui8>) -> tensor<1x1x3x3xi32>
  return
}

// -----

func.func @packed_word_count(%x: !qnn.binary<1x3>) {
  // expected-error @+2 {{packed weights of shape [2, 3] need 16 32-bit words}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.binary_dense %x {weight = #qnn.packed_binary_weights<[2, 3], dense<0> : tensor<2xui32>>}
       : (!qnn.binary<1x3>) -> tensor<1x2xi32>
  return
}

// -----

func.func @packed_shape(%x: !qnn.binary<1x3>) {
  // expected-error @+2 {{packed weights need a shape [O, K], [O, Cg, KH, KW] or [m, O, Cg, KH, KW]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.binary_dense %x {weight = #qnn.packed_binary_weights<[6], dense<0> : tensor<2xui32>>}
       : (!qnn.binary<1x3>) -> tensor<1x2xi32>
  return
}

// -----

func.func @affine_scale_count(%x: !qnn.binary<1x64x2x2>) {
  // expected-error @+2 {{scale and bias must have 2 entries, one per output channel}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.binary_conv2d_affine %x {weight = dense<true> : tensor<2x64x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
      scale = array<f32: 2.0>, bias = array<f32: 0.5, -1.0>}
      : (!qnn.binary<1x64x2x2>) -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @affine_residual_shape(%x: !qnn.binary<1x64x2x2>, %r: tensor<1x2x1x1xf32>) {
  // expected-error @+2 {{residual of shape [1, 2, 1, 1] does not match the output [1, 2, 2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.binary_conv2d_affine %x, %r {weight = dense<true> : tensor<2x64x1x1xi1>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
      scale = array<f32: 2.0, 3.0>, bias = array<f32: 0.5, -1.0>}
      : (!qnn.binary<1x64x2x2>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @bitserial_offsets_count(%x: !qnn.levels<1x1x2x2, 2>) {
  // expected-error @+2 {{weight_offsets needs one odd offset in [-511, 511] per output channel (2), got 3 values}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<2x1x1x1xi1>, strides = array<i64: 1, 1>,
                                pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                weight_offsets = array<i32: 1, 1, 1>} : (!qnn.levels<1x1x2x2, 2>) -> tensor<1x2x2x2xi32>
  return
}

// -----

func.func @bitserial_offsets_even(%x: !qnn.levels<1x1x2x2, 2>) {
  // expected-error @+2 {{weight_offsets needs one odd offset in [-511, 511] per output channel (2), got 2 values}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.bitserial_conv2d %x {weight = dense<false> : tensor<2x1x1x1xi1>, strides = array<i64: 1, 1>,
                                pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                weight_offsets = array<i32: 1, 2>} : (!qnn.levels<1x1x2x2, 2>) -> tensor<1x2x2x2xi32>
  return
}

// -----

func.func @bitserial_offsets_absurd(%x: !qnn.levels<1x1x2x2, 2>) {
  // expected-error @+2 {{weight_offsets needs one odd offset in [-511, 511] per output channel (2), got 2 values}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.bitserial_conv2d_affine %x {weight = dense<false> : tensor<2x1x1x1xi1>, strides = array<i64: 1, 1>,
                                       pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, group = 1,
                                       scale = array<f32: 1.0, 1.0>, bias = array<f32: 0.0, 0.0>,
                                       weight_offsets = array<i32: 1, 1025>} : (!qnn.levels<1x1x2x2, 2>) -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @batch_matmul_stacks(%a: tensor<2x3x4xf32>, %b: tensor<3x4x5xf32>) {
  // expected-error @+2 {{stacks of 2 and 3 matrices}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.batch_matmul %a, %b : (tensor<2x3x4xf32>, tensor<3x4x5xf32>) -> tensor<3x3x5xf32>
  return
}

// -----

func.func @pad_mode(%x: tensor<1x1x4x4xf32>) {
  // expected-error @+2 {{mode 'wrap' is not one of constant, reflect, edge}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.pad %x {pads = array<i64: 1, 1, 1, 1>, value = 0.0 : f32, mode = "wrap"} : (tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32>
  return
}

// -----

func.func @pixel_rows_panels(%x: tensor<1x2x3x3xf32>, %w: tensor<1x8x16xf32>) {
  // expected-error @+1 {{'qnn.pixel_rows_conv' op weight_panels must be [1, 8, 32] (panels, C * KH * KW, channels)}}
  %y = qnn.pixel_rows_conv %x, %w {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x3x3xf32>, tensor<1x8x16xf32>) -> tensor<1x3x2x2xf32>
  return
}

// -----

func.func @pixel_rows_output(%x: tensor<1x2x3x3xf32>, %w: tensor<1x8x32xf32>) {
  // expected-error @+1 {{'qnn.pixel_rows_conv' op output must be [1, 3, 2, 2]}}
  %y = qnn.pixel_rows_conv %x, %w {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x3x3xf32>, tensor<1x8x32xf32>) -> tensor<1x3x3x3xf32>
  return
}

// -----

func.func @pixel_rows_bias(%x: tensor<1x2x3x3xf32>, %w: tensor<2x8x32xf32>, %b: tensor<40xf32>) {
  // expected-error @+1 {{'qnn.pixel_rows_conv' op bias must hold 64 values (padded outputs)}}
  %y = qnn.pixel_rows_conv %x, %w, %b {kernel_shape = array<i64: 2, 2>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x3x3xf32>, tensor<2x8x32xf32>, tensor<40xf32>) -> tensor<1x40x2x2xf32>
  return
}

// -----

func.func @pixel_rows_kernel(%x: tensor<1x2x3x3xf32>, %w: tensor<1x8x32xf32>) {
  // expected-error @+1 {{'qnn.pixel_rows_conv' op needs [N, C, H, W] input and output and kernel_shape [KH, KW]}}
  %y = qnn.pixel_rows_conv %x, %w {kernel_shape = array<i64: 8>, strides = array<i64: 1, 1>,
      pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>}
      : (tensor<1x2x3x3xf32>, tensor<1x8x32xf32>) -> tensor<1x3x2x2xf32>
  return
}

// -----

func.func @conv3d_pads(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x3x3x3xf32>) {
  // expected-error @+2 {{expects 3 kernel sizes, strides and dilations and 6 pads}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.conv3d %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 1, 1, 1, 1>,
      dilations = array<i64: 1, 1, 1>, group = 1 : i64}
      : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @conv3d_rank(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x3x3xf32>) {
  // expected-error @+2 {{expects a rank-5 input and rank-5 weights}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.conv3d %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 0, 0, 0, 0, 0>,
      dilations = array<i64: 1, 1, 1>, group = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<1x3x2x2xf32>
  return
}

// -----

func.func @conv3d_depth(%x: tensor<1x2x4x4x4xf32>, %w: tensor<3x2x3x3x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x3x2x4x4xf32>' are incompatible with return type(s) of operation 'tensor<1x3x4x4x4xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %a = qnn.conv3d %x, %w {strides = array<i64: 1, 1, 1>, pads = array<i64: 0, 1, 1, 0, 1, 1>,
      dilations = array<i64: 1, 1, 1>, group = 1 : i64}
      : (tensor<1x2x4x4x4xf32>, tensor<3x2x3x3x3xf32>) -> tensor<1x3x4x4x4xf32>
  return
}

// -----

func.func @clip_integer_bounds(%x: tensor<4xi8>) {
  // expected-error @+1 {{bounds of an integer tensor must be whole numbers, not -1.500000e+00 and 3.000000e+00}}
  %y = qnn.clip %x {min = -1.5 : f32, max = 3.0 : f32} : tensor<4xi8>
  return
}

// -----

func.func @reshape_element_type(%x: tensor<4xui8>) {
  // expected-error @+1 {{changes the element type 'ui8' to 'i8'}}
  %y = qnn.reshape %x : (tensor<4xui8>) -> tensor<2x2xi8>
  return
}

// -----

func.func @add_element_types(%x: tensor<4xui8>, %z: tensor<4xi8>) {
  // expected-error @+1 {{failed to verify that all of {lhs, rhs, output} have same element type}}
  %y = qnn.add %x, %z : (tensor<4xui8>, tensor<4xi8>) -> tensor<4xui8>
  return
}

// -----

func.func @pad_integer_value(%x: tensor<1x1x2x2xi32>) {
  // expected-error @+2 {{the pad value of an integer tensor must be a whole number}}
  // expected-error @+1 {{failed to infer returned types}}
  %y = qnn.pad %x {pads = array<i64: 1, 1, 1, 1>, value = 0.5 : f32} : (tensor<1x1x2x2xi32>) -> tensor<1x1x4x4xi32>
  return
}
