// Integer element-wise kernels against numpy's integer semantics: Add, Sub
// and Mul wrap around in the type, Clip clamps, Pad copies edges and
// mirrors as the float kernel does.
#include "qnn_runtime/kernels.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace {

/// Every value pair of a few extremes and random values, as [2, n] rows:
/// a broadcast of a [1, n] rhs row over a [2, n] lhs.
template <class T>
void checkWrapping() {
  using L = std::numeric_limits<T>;
  std::vector<T> a = {L::min(), L::max(), 0, 1, static_cast<T>(-1), static_cast<T>(L::max() / 2 + 1)};
  std::mt19937_64 rng(7);
  while (a.size() < 16)
    a.push_back(static_cast<T>(rng()));
  const qnn_rt::index_t n = static_cast<qnn_rt::index_t>(a.size());
  std::vector<T> lhs(2 * n), rhs(a.rbegin(), a.rend()), sum(2 * n), diff(2 * n), prod(2 * n);
  for (qnn_rt::index_t i = 0; i < n; ++i)
    lhs[i] = lhs[n + i] = a[i];
  // Result [1, 1, 2, n]; lhs strides (n, 1), rhs (0, 1).
  qnn_rt::add_int(lhs.data(), rhs.data(), sum.data(), 1, 1, 2, n, 0, 0, n, 1, 0, 0, 0, 1);
  qnn_rt::sub_int(lhs.data(), rhs.data(), diff.data(), 1, 1, 2, n, 0, 0, n, 1, 0, 0, 0, 1);
  qnn_rt::mul_int(lhs.data(), rhs.data(), prod.data(), 1, 1, 2, n, 0, 0, n, 1, 0, 0, 0, 1);
  for (qnn_rt::index_t i = 0; i < 2 * n; ++i) {
    // Two's complement arithmetic modulo 2^bits, as numpy computes it.
    using U = std::make_unsigned_t<T>;
    const U l = static_cast<U>(lhs[i]), r = static_cast<U>(rhs[i % n]);
    EXPECT_EQ(sum[i], static_cast<T>(static_cast<U>(l + r))) << i;
    EXPECT_EQ(diff[i], static_cast<T>(static_cast<U>(l - r))) << i;
    EXPECT_EQ(prod[i], static_cast<T>(static_cast<U>(static_cast<std::uint64_t>(l) * r))) << i;
  }
}

TEST(IntegerKernels, AddSubMulWrapAroundAsNumpy) {
  checkWrapping<std::uint8_t>();
  checkWrapping<std::int8_t>();
  checkWrapping<std::int32_t>();
  checkWrapping<std::int64_t>();
}

TEST(IntegerKernels, WrappingByExample) {
  const std::uint8_t a[] = {200, 3}, b[] = {100, 5};
  std::uint8_t y[2];
  qnn_rt::add_int(a, b, y, 1, 1, 1, 2, 0, 0, 0, 1, 0, 0, 0, 1);
  EXPECT_EQ(y[0], 44); // 300 mod 256
  qnn_rt::sub_int(a + 1, b + 1, y, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1);
  EXPECT_EQ(y[0], 254); // -2 mod 256
  const std::int8_t c[] = {-128}, d[] = {-1};
  std::int8_t z[1];
  qnn_rt::mul_int(c, d, z, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1);
  EXPECT_EQ(z[0], -128); // 128 wraps to -128
}

TEST(IntegerKernels, ClipClamps) {
  const std::int8_t x[] = {-128, -5, 0, 7, 127};
  std::int8_t y[5];
  qnn_rt::clip_int(x, y, 5, -5, 6);
  EXPECT_EQ(std::vector<int>(y, y + 5), (std::vector<int>{-5, -5, 0, 6, 6}));
}

TEST(IntegerKernels, PadAsTheFloatKernel) {
  // 1 x 2 x 3 values, every mode: the int32 kernel's values are the float
  // kernel's.
  const std::int32_t x[] = {1, 2, 3, 4, 5, 6};
  const float xf[] = {1, 2, 3, 4, 5, 6};
  for (qnn_rt::index_t mode : {qnn_rt::kPadConstant, qnn_rt::kPadReflect, qnn_rt::kPadEdge}) {
    std::int32_t y[4 * 5];
    float yf[4 * 5];
    qnn_rt::pad_int(x, y, 1, 2, 3, 1, 2, 1, 0, -7, mode);
    qnn_rt::pad_f32(xf, yf, 1, 2, 3, 1, 2, 1, 0, -7.0f, mode);
    for (int i = 0; i < 20; ++i)
      EXPECT_EQ(static_cast<float>(y[i]), yf[i]) << "mode " << mode << " at " << i;
  }
}

} // namespace
