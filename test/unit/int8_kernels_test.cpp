// 8-bit kernels against independent references: QuantizeLinear rounding and
// saturation, per-axis DequantizeLinear, and the integer convolution against
// plain loops over (x - zero_point) * w with zero-point padding.
#include "qnn_runtime/kernels.h"
#include "reference_conv.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <vector>

namespace {

TEST(Int8, QuantizeLinearRoundsHalfToEvenAndSaturates) {
  const std::vector<float> x = {0.25f, 0.75f, -0.25f, 1000.0f, -1000.0f, 0.3f};
  std::vector<uint8_t> u(x.size());
  qnn_rt::quantize_linear(x.data(), u.data(), (int64_t)x.size(), 0.5f, 10, 0, 255);
  // 0.5 -> 0, 1.5 -> 2, -0.5 -> -0, saturation both ways, 0.6 -> 1; + 10.
  EXPECT_EQ(u, (std::vector<uint8_t>{10, 12, 10, 255, 0, 11}));
  std::vector<int8_t> s(x.size());
  qnn_rt::quantize_linear(x.data(), s.data(), (int64_t)x.size(), 0.5f, 0, -128, 127);
  EXPECT_EQ(s, (std::vector<int8_t>{0, 2, 0, 127, -128, 1}));
}

TEST(Int8, QuantizeLinearOfNaNIsTheLowestValue) {
  // ONNX Runtime: int8 -128 and uint8 0 whatever the zero point; +-inf saturate.
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const std::vector<float> x = {nan, -nan, inf, -inf};
  std::vector<int8_t> s(x.size());
  qnn_rt::quantize_linear(x.data(), s.data(), (int64_t)x.size(), 1.0f, 5, -128, 127);
  EXPECT_EQ(s, (std::vector<int8_t>{-128, -128, 127, -128}));
  std::vector<uint8_t> u(x.size());
  qnn_rt::quantize_linear(x.data(), u.data(), (int64_t)x.size(), 1.0f, 128, 0, 255);
  EXPECT_EQ(u, (std::vector<uint8_t>{0, 0, 255, 0}));
}

TEST(Int8, QuantizeLinearPerAxis) {
  // [outer 2][C 3][inner 2]: channel c's scale and zero point, rounding
  // half to even, saturating.
  const std::vector<float> x = {1, 3, 5, -6, 100, 0.5f, -1, 2.5f, 7, 9, -1000, 6};
  const float scale[] = {0.5f, 2.0f, 4.0f};
  const int32_t zp[] = {0, 10, -3};
  std::vector<int8_t> s(x.size());
  qnn_rt::quantize_linear_axis(x.data(), s.data(), 2, 3, 2, scale, zp, -128, 127);
  EXPECT_EQ(s, (std::vector<int8_t>{2, 6, 12, 7, 22, -3, -2, 5, 14, 14, -128, -1}));
}

TEST(Int8, DequantizeLinearPerAxis) {
  const std::vector<int8_t> q = {1, 2, 3, 4, 5, 6}; // [outer 1][C 2][inner 3]
  const float scale[2] = {0.5f, 2.0f};
  const int32_t zp[2] = {1, -1};
  std::vector<float> y(6);
  qnn_rt::dequantize_linear(q.data(), y.data(), 1, 2, 3, scale, zp);
  EXPECT_EQ(y, (std::vector<float>{0.0f, 0.5f, 1.0f, 10.0f, 12.0f, 14.0f}));
}

struct QConvCase {
  int64_t c, h, w, o, k, s, p, g;
  int32_t zp;
};

void checkQConv(const QConvCase &k, unsigned seed) {
  std::mt19937 rng(seed);
  const int64_t cg = k.c / k.g;
  const int64_t oh = (k.h + 2 * k.p - k.k) / k.s + 1, ow = (k.w + 2 * k.p - k.k) / k.s + 1;
  std::vector<uint8_t> x(k.c * k.h * k.w);
  for (uint8_t &v : x)
    v = static_cast<uint8_t>(rng() % 256);
  std::vector<int8_t> w(k.o * cg * k.k * k.k);
  for (int8_t &v : w)
    v = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
  // Padding is the float model's 0.0, which quantizes to the zero point.
  const auto expected = referenceConv({1, k.c, k.h, k.w, k.o, k.k, k.k, k.s, k.s, k.p, k.p, 1, 1, k.g, oh, ow}, w,
                                      [&](int64_t, int64_t c, int64_t y, int64_t z) {
                                        return static_cast<int32_t>(x[(c * k.h + y) * k.w + z]) - k.zp;
                                      });
  std::vector<int16_t> scratch(qnn_rt::qconv2d_scratch_elements(cg, k.k, k.k, oh, ow));
  std::vector<int32_t> got(expected.size(), 12345);
  qnn_rt::qconv2d(x.data(), w.data(), scratch.data(), got.data(), k.zp,
                  {1, k.c, k.h, k.w, k.o, k.k, k.k, oh, ow, k.s, k.s, k.p, k.p, 1, 1, k.g});
  ASSERT_EQ(got, expected);
}

TEST(Int8, QConv) {
  checkQConv({3, 9, 9, 5, 3, 1, 1, 1, 128}, 1);
  checkQConv({16, 12, 12, 8, 3, 2, 1, 1, 7}, 2);
  checkQConv({128, 10, 40, 4, 3, 1, 1, 2, 200}, 3); // groups; five column chunks
}

} // namespace
