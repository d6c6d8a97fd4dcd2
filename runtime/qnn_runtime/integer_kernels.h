// Element-wise kernels of integer tensors (uint8, int8, int32, int64): ONNX
// Add, Sub and Mul wrap around as numpy's and ONNX Runtime's integer
// arithmetic does (computed in the unsigned type of the same width, so
// overflow is defined), Clip and Pad. Exact, so every target gives the same
// result.
#ifndef QNN_RUNTIME_INTEGER_KERNELS_H
#define QNN_RUNTIME_INTEGER_KERNELS_H

#include "qnn_runtime/float_kernels.h"

#include <type_traits>

namespace qnn_rt {

#define QNN_RT_WRAPPING_OP(NAME, OP)                                                                              \
  template <class T>                                                                                              \
  inline void NAME(const T *a, const T *b, T *y, index_t D0, index_t D1, index_t D2, index_t D3, index_t A0,      \
                   index_t A1, index_t A2, index_t A3, index_t B0, index_t B1, index_t B2, index_t B3) {          \
    using U = std::make_unsigned_t<T>;                                                                            \
    broadcast_elements(a, b, y, D0, D1, D2, D3, A0, A1, A2, A3, B0, B1, B2, B3, [](T l, T r) {                    \
      return static_cast<T>(static_cast<U>(static_cast<U>(l) OP static_cast<U>(r)));                              \
    });                                                                                                           \
  }
QNN_RT_WRAPPING_OP(add_int, +)
QNN_RT_WRAPPING_OP(sub_int, -)
QNN_RT_WRAPPING_OP(mul_int, *)
#undef QNN_RT_WRAPPING_OP

/// y = min(max(x, lo), hi), bounds within T.
template <class T>
inline void clip_int(const T *x, T *y, index_t n, index_t lo, index_t hi) {
  QNN_RT_PARALLEL_FOR
  for (index_t i = 0; i < n; ++i)
    y[i] = x[i] < lo ? static_cast<T>(lo) : (x[i] > hi ? static_cast<T>(hi) : x[i]);
}

/// pad_f32 of an integer tensor; `value` within T.
template <class T>
inline void pad_int(const T *x, T *y, index_t NC, index_t H, index_t W, index_t PT, index_t PL, index_t PB,
                    index_t PR, index_t value, index_t mode) {
  pad_elements(x, y, NC, H, W, PT, PL, PB, PR, static_cast<T>(value), mode);
}

} // namespace qnn_rt

#endif
