// One instruction set's kernel table (EvaluatorKernels.h), built once per
// instruction set: QNNC_EVAL_TABLE names the table's function and
// QNNC_EVAL_RUNTIME the namespace qnn_rt is renamed to in this copy.
#include "compiler/EvaluatorKernels.h"

#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#define qnn_rt QNNC_EVAL_RUNTIME
#include "qnn_runtime/kernels.h"

namespace qnnc::eval {
namespace {

template <class P>
P convertArg(const Arg &a) {
  using T = std::remove_cv_t<std::remove_reference_t<P>>;
  if constexpr (std::is_pointer_v<T>) {
    return static_cast<T>(a.pointer);
  } else if constexpr (std::is_same_v<T, qnn_rt::Conv2DParams>) {
    T params;
    std::memcpy(&params, a.params, sizeof params);
    return params;
  } else if constexpr (std::is_same_v<T, bool>) {
    return a.integer != 0;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(a.integer);
  } else if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(a.real);
  } else {
    static_assert(sizeof(T) == 0, "a kernel parameter the evaluator cannot pass");
  }
}

template <class P>
P argAt(const Arg *args, size_t count, size_t i) {
  return i < count ? convertArg<P>(args[i]) : P{};
}

/// The arguments as values first (a Conv2DParams the kernel takes by
/// reference is copied into this copy's own type), then the call.
template <class... P, size_t... I>
void invoke(void (*kernel)(P...), const Arg *args, size_t count, std::index_sequence<I...>) {
  std::tuple<std::decay_t<P>...> values{argAt<std::decay_t<P>>(args, count, I)...};
  kernel(std::get<I>(values)...);
}

template <class... P>
constexpr size_t arity(void (*)(P...)) {
  return sizeof...(P);
}

template <auto K>
void call(const Arg *args, size_t count) {
  invoke(K, args, count, std::make_index_sequence<arity(K)>{});
}

#define QNNC_KERNEL(name, ...) {name, &call<&__VA_ARGS__>, arity(&__VA_ARGS__)}
/// A kernel template over the integer element types of integer_kernels.h.
#define QNNC_INTEGER_KERNEL(name)                                                                                   \
  QNNC_KERNEL(#name "<uint8_t>", name<std::uint8_t>), QNNC_KERNEL(#name "<int8_t>", name<std::int8_t>),             \
      QNNC_KERNEL(#name "<int32_t>", name<std::int32_t>), QNNC_KERNEL(#name "<int64_t>", name<std::int64_t>)

/// Every kernel a KernelCall names, by that name; the templates the
/// generated code instantiates by deduction with their element type.
constexpr Kernel kKernels[] = {
    QNNC_KERNEL("qnn_rt::add_f32", qnn_rt::add_f32),
    QNNC_KERNEL("qnn_rt::add_f64", qnn_rt::add_f64),
    QNNC_KERNEL("qnn_rt::sub_f64", qnn_rt::sub_f64),
    QNNC_KERNEL("qnn_rt::mul_f64", qnn_rt::mul_f64),
    QNNC_INTEGER_KERNEL(qnn_rt::add_int),
    QNNC_INTEGER_KERNEL(qnn_rt::sub_int),
    QNNC_INTEGER_KERNEL(qnn_rt::mul_int),
    QNNC_INTEGER_KERNEL(qnn_rt::clip_int),
    QNNC_INTEGER_KERNEL(qnn_rt::pad_int),
    QNNC_KERNEL("qnn_rt::avg_pool_f32", qnn_rt::avg_pool_f32),
    QNNC_KERNEL("qnn_rt::batch_norm_f32", qnn_rt::batch_norm_f32),
    QNNC_KERNEL("qnn_rt::batch_norm_training_f32", qnn_rt::batch_norm_training_f32),
    QNNC_KERNEL("qnn_rt::binarize_f32", qnn_rt::binarize_f32),
    QNNC_KERNEL("qnn_rt::binary_conv2d", qnn_rt::binary_conv2d),
    QNNC_KERNEL("qnn_rt::binary_conv2d_affine", qnn_rt::binary_conv2d_affine),
    QNNC_KERNEL("qnn_rt::binary_conv2d_sign", qnn_rt::binary_conv2d_sign),
    QNNC_KERNEL("qnn_rt::binary_dense", qnn_rt::binary_dense),
    QNNC_KERNEL("qnn_rt::bitserial_conv2d", qnn_rt::bitserial_conv2d),
    QNNC_KERNEL("qnn_rt::bitserial_conv2d_affine", qnn_rt::bitserial_conv2d_affine),
    QNNC_KERNEL("qnn_rt::clip_f32", qnn_rt::clip_f32),
    QNNC_KERNEL("qnn_rt::concat_slice_f32", qnn_rt::concat_slice_f32),
    QNNC_KERNEL("qnn_rt::conv2d_f32", qnn_rt::conv2d_f32),
    QNNC_KERNEL("qnn_rt::conv2d_f32_pixel_rows", qnn_rt::conv2d_f32_pixel_rows),
    QNNC_KERNEL("qnn_rt::conv3d_f32", qnn_rt::conv3d_f32),
    QNNC_KERNEL("qnn_rt::copy_bytes", qnn_rt::copy_bytes),
    QNNC_KERNEL("qnn_rt::decode_binary_weights", qnn_rt::decode_binary_weights),
    QNNC_KERNEL("qnn_rt::dequantize_linear<int8_t>", qnn_rt::dequantize_linear<std::int8_t>),
    QNNC_KERNEL("qnn_rt::dequantize_linear<uint8_t>", qnn_rt::dequantize_linear<std::uint8_t>),
    QNNC_KERNEL("qnn_rt::dequantize_linear<int32_t>", qnn_rt::dequantize_linear<std::int32_t>),
    QNNC_KERNEL("qnn_rt::gemm_f32", qnn_rt::gemm_f32),
    QNNC_KERNEL("qnn_rt::batch_matmul_f32", qnn_rt::batch_matmul_f32),
    QNNC_KERNEL("qnn_rt::global_avg_pool_f32", qnn_rt::global_avg_pool_f32),
    QNNC_KERNEL("qnn_rt::levels_to_binary", qnn_rt::levels_to_binary),
    QNNC_KERNEL("qnn_rt::levels_to_float", qnn_rt::levels_to_float),
    QNNC_KERNEL("qnn_rt::max_pool<float>", qnn_rt::max_pool<float>),
    QNNC_KERNEL("qnn_rt::max_pool<int32_t>", qnn_rt::max_pool<std::int32_t>),
    QNNC_KERNEL("qnn_rt::max_pool<uint8_t>", qnn_rt::max_pool<std::uint8_t>),
    QNNC_KERNEL("qnn_rt::max_pool<int8_t>", qnn_rt::max_pool<std::int8_t>),
    QNNC_KERNEL("qnn_rt::max_pool_indices<float>", qnn_rt::max_pool_indices<float>),
    QNNC_KERNEL("qnn_rt::max_pool_indices<int32_t>", qnn_rt::max_pool_indices<std::int32_t>),
    QNNC_KERNEL("qnn_rt::max_pool_indices<uint8_t>", qnn_rt::max_pool_indices<std::uint8_t>),
    QNNC_KERNEL("qnn_rt::max_pool_indices<int8_t>", qnn_rt::max_pool_indices<std::int8_t>),
    QNNC_KERNEL("qnn_rt::mul_f32", qnn_rt::mul_f32),
    QNNC_KERNEL("qnn_rt::pad_f32", qnn_rt::pad_f32),
    QNNC_KERNEL("qnn_rt::pointwise_conv_f32_channels_last", qnn_rt::pointwise_conv_f32_channels_last),
    QNNC_KERNEL("qnn_rt::prelu_f32", qnn_rt::prelu_f32),
    QNNC_KERNEL("qnn_rt::qconv2d<int8_t>", qnn_rt::qconv2d<std::int8_t>),
    QNNC_KERNEL("qnn_rt::qconv2d<uint8_t>", qnn_rt::qconv2d<std::uint8_t>),
    QNNC_KERNEL("qnn_rt::quantize_levels_f32", qnn_rt::quantize_levels_f32),
    QNNC_KERNEL("qnn_rt::quantize_linear<int8_t>", qnn_rt::quantize_linear<std::int8_t>),
    QNNC_KERNEL("qnn_rt::quantize_linear<uint8_t>", qnn_rt::quantize_linear<std::uint8_t>),
    QNNC_KERNEL("qnn_rt::quantize_linear_axis<int8_t>", qnn_rt::quantize_linear_axis<std::int8_t>),
    QNNC_KERNEL("qnn_rt::quantize_linear_axis<uint8_t>", qnn_rt::quantize_linear_axis<std::uint8_t>),
    QNNC_KERNEL("qnn_rt::relu_f32", qnn_rt::relu_f32),
    QNNC_KERNEL("qnn_rt::scale_bias_i32", qnn_rt::scale_bias_i32),
    QNNC_KERNEL("qnn_rt::sign_f32", qnn_rt::sign_f32),
    QNNC_KERNEL("qnn_rt::softmax_f32", qnn_rt::softmax_f32),
    QNNC_KERNEL("qnn_rt::sub_f32", qnn_rt::sub_f32),
    QNNC_KERNEL("qnn_rt::threshold_i32", qnn_rt::threshold_i32),
    QNNC_KERNEL("qnn_rt::threshold_levels_i32", qnn_rt::threshold_levels_i32),
    QNNC_KERNEL("qnn_rt::to_float_i32", qnn_rt::to_float_i32),
    QNNC_KERNEL("qnn_rt::transpose_f32", qnn_rt::transpose_f32),
};

static_assert(std::is_trivially_copyable_v<qnn_rt::Conv2DParams>);

} // namespace

KernelTable QNNC_EVAL_TABLE() { return {kKernels, sizeof kKernels / sizeof kKernels[0]}; }

} // namespace qnnc::eval
