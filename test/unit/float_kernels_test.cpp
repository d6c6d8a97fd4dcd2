// Float kernels against direct loops written from the ONNX definitions.
#include "qnn_runtime/kernels.h"
#include "channels_last.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace {

struct ConvCase {
  int64_t n, c, h, w, o, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g;
};

void checkConv(const ConvCase &k, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  const int64_t cg = k.c / k.g, og = k.o / k.g;
  const int64_t oh = (k.h + k.pt + k.pb - k.dh * (k.kh - 1) - 1) / k.sh + 1;
  const int64_t ow = (k.w + k.pl + k.pr - k.dw * (k.kw - 1) - 1) / k.sw + 1;
  std::vector<float> x(k.n * k.c * k.h * k.w), w(k.o * cg * k.kh * k.kw), b(k.o);
  for (auto *v : {&x, &w, &b})
    for (float &e : *v)
      e = uni(rng);
  std::vector<float> got(k.n * k.o * oh * ow), fused(got.size()), relu(got.size());
  const qnn_rt::Conv2DParams params{k.n, k.c, k.h, k.w, k.o, k.kh, k.kw, oh, ow, k.sh, k.sw, k.pt, k.pl, k.dh, k.dw, k.g};
  std::vector<float> scratch(qnn_rt::conv2d_f32_scratch_floats(params));
  const float inf = std::numeric_limits<float>::infinity();
  qnn_rt::conv2d_f32(x.data(), w.data(), b.data(), scratch.data(), got.data(), params, -inf, inf);
  // The fused clamps give relu_f32's and clip_f32's bits.
  qnn_rt::conv2d_f32(x.data(), w.data(), b.data(), scratch.data(), fused.data(), params, 0.0f, inf);
  qnn_rt::relu_f32(got.data(), relu.data(), static_cast<int64_t>(got.size()));
  ASSERT_EQ(0, std::memcmp(fused.data(), relu.data(), got.size() * sizeof(float)));
  qnn_rt::conv2d_f32(x.data(), w.data(), b.data(), scratch.data(), fused.data(), params, -0.25f, 0.5f);
  qnn_rt::clip_f32(got.data(), relu.data(), static_cast<int64_t>(got.size()), -0.25f, 0.5f);
  ASSERT_EQ(0, std::memcmp(fused.data(), relu.data(), got.size() * sizeof(float)));
  if (k.g == 1) {
    // With pixels as the GEMM's rows and packed weights: the same bits,
    // with and without bias, clamped or not.
    const int64_t K = k.c * k.kh * k.kw, padded = qnn_rt::panel_padded_channels(k.o);
    std::vector<float> packed(padded * K, 0.0f), bias(padded, 0.0f), rows(got.size()), nchw(got.size());
    for (int64_t o = 0; o < k.o; ++o) {
      bias[o] = b[o];
      for (int64_t i = 0; i < K; ++i)
        packed[qnn_rt::pixel_rows_weight_index(o, i, K)] = w[o * K + i];
    }
    std::vector<float> rowsScratch(qnn_rt::conv2d_pixel_rows_scratch_floats(params));
    qnn_rt::conv2d_f32_pixel_rows(x.data(), packed.data(), bias.data(), rowsScratch.data(), rows.data(), params, -inf,
                                  inf);
    ASSERT_EQ(0, std::memcmp(rows.data(), got.data(), got.size() * sizeof(float)));
    qnn_rt::conv2d_f32_pixel_rows(x.data(), packed.data(), bias.data(), rowsScratch.data(), rows.data(), params,
                                  -0.25f, 0.5f);
    ASSERT_EQ(0, std::memcmp(rows.data(), fused.data(), got.size() * sizeof(float)));
    qnn_rt::conv2d_f32(x.data(), w.data(), nullptr, scratch.data(), nchw.data(), params, 0.0f, inf);
    qnn_rt::conv2d_f32_pixel_rows(x.data(), packed.data(), nullptr, rowsScratch.data(), rows.data(), params, 0.0f,
                                  inf);
    ASSERT_EQ(0, std::memcmp(rows.data(), nchw.data(), got.size() * sizeof(float)));
  }
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t o = 0; o < k.o; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t z = 0; z < ow; ++z) {
          // The kernels' sum exactly: from the bias, (c, i, j) in order,
          // each product fused into it (padding as zeros), rounded as the C
          // library's exact fmaf rounds.
          float sum = b[o];
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t i = 0; i < k.kh; ++i)
              for (int64_t j = 0; j < k.kw; ++j) {
                int64_t iy = y * k.sh - k.pt + i * k.dh, ix = z * k.sw - k.pl + j * k.dw;
                const bool inside = iy >= 0 && iy < k.h && ix >= 0 && ix < k.w;
                sum = std::fma(w[((o * cg + c) * k.kh + i) * k.kw + j],
                               inside ? x[((n * k.c + (o / og) * cg + c) * k.h + iy) * k.w + ix] : 0.0f, sum);
              }
          const float value = got[((n * k.o + o) * oh + y) * ow + z];
          ASSERT_EQ(0, std::memcmp(&value, &sum, sizeof sum)) << value << " " << sum << " at " << o << " " << y << " " << z;
        }
}


TEST(Float, ReluPassesNaNAndNegativeZeroAsOnnxRuntime) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> x = {-1.0f, -0.0f, 0.0f, 2.0f, nan};
  std::vector<float> y(x.size());
  qnn_rt::relu_f32(x.data(), y.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_TRUE(std::signbit(y[1]) && y[1] == 0.0f);
  EXPECT_FALSE(std::signbit(y[2]));
  EXPECT_EQ(y[3], 2.0f);
  EXPECT_TRUE(std::isnan(y[4]));
}

// multiply_add against the C library's fmaf (exact in glibc, with or
// without the instruction) on the inputs where rounding the double sum to
// float goes wrong: sums a hair off a float midpoint, results below float's
// normal range; and on random bit patterns of every magnitude.
std::vector<std::array<float, 3>> multiplyAddCases() {
  std::mt19937 rng(7);
  std::vector<std::array<float, 3>> cases;
  auto fromBits = [](uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  };
  for (int i = 0; i < 20000; ++i) {
    // c odd in its last bit (a tie goes to its even neighbour), a * b =
    // +-half of c's ulp times (1 - 2^-46): the double sum rounds onto the
    // midpoint, the exact one lies on c's side of it.
    const float c = fromBits((rng() % 220) << 23 | (rng() & 0x807fffffu) | 1); // subnormal too
    const int halfUlp = std::ilogb(std::nextafter(std::fabs(c), INFINITY) - std::fabs(c)) - 1;
    const int shift = halfUlp / 2 + int(rng() % 20) - 10; // a and b normal
    cases.push_back({std::ldexp(1.0f + 0x1p-23f, shift),
                     std::ldexp(1.0f - 0x1p-23f, halfUlp - shift) * (rng() & 1 ? 1 : -1), c});
    cases.push_back({fromBits(rng()), fromBits(rng()), fromBits(rng())});
    // Small magnitudes: products and sums near and below 2^-126.
    cases.push_back({fromBits(rng() % 0x20000000u | (rng() & 0x80000000u)), fromBits(rng() % 0x20000000u + 0x1f000000u),
                     fromBits(rng() % 0x01000000u | (rng() & 0x80000000u))});
  }
  return cases;
}

void expectSameFloat(float got, float want, const std::array<float, 3> &in) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got));
    return;
  }
  EXPECT_EQ(0, std::memcmp(&got, &want, sizeof got))
      << std::hexfloat << in[0] << " * " << in[1] << " + " << in[2] << ": " << got << " not " << want;
}

TEST(MultiplyAdd, RoundsOnceAsFmaf) {
  for (const auto &in : multiplyAddCases())
    expectSameFloat(qnn_rt::multiply_add(in[0], in[1], in[2]), std::fma(in[0], in[1], in[2]), in);
}

#if defined(__GNUC__) || defined(__clang__)
TEST(MultiplyAdd, VectorLanesRoundOnceAsFmaf) {
  const auto cases = multiplyAddCases();
  for (size_t i = 0; i + qnn_rt::kLanes <= cases.size(); i += qnn_rt::kLanes) {
    qnn_rt::floatv a, b, c;
    for (int l = 0; l < qnn_rt::kLanes; ++l) {
      a[l] = cases[i + l][0];
      b[l] = cases[i + l][1];
      c[l] = cases[i + l][2];
    }
    const qnn_rt::floatv got = qnn_rt::multiply_add(a, b, c);
    for (int l = 0; l < qnn_rt::kLanes; ++l)
      expectSameFloat(got[l], std::fma(a[l], b[l], c[l]), cases[i + l]);
  }
}
#endif

// Pad's three modes on a 3x4 plane padded (2, 3) before and (2, 1) after,
// against the definitions written out: reflect mirrors about the edge
// without repeating it, edge repeats it.
TEST(Pad, ReflectAndEdgeAsOnnx) {
  const int64_t H = 3, W = 4, PT = 2, PL = 3, PB = 2, PR = 1, OH = H + PT + PB, OW = W + PL + PR;
  std::vector<float> x(2 * H * W), y(2 * OH * OW);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = float(i);
  auto reflect = [](int64_t i, int64_t n) { return i < 0 ? -i : (i >= n ? 2 * n - 2 - i : i); };
  auto edge = [](int64_t i, int64_t n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); };
  for (int64_t mode : {qnn_rt::kPadConstant, qnn_rt::kPadReflect, qnn_rt::kPadEdge}) {
    qnn_rt::pad_f32(x.data(), y.data(), 2, H, W, PT, PL, PB, PR, -7.0f, mode);
    for (int64_t p = 0; p < 2; ++p)
      for (int64_t i = 0; i < OH; ++i)
        for (int64_t j = 0; j < OW; ++j) {
          const int64_t ih = i - PT, iw = j - PL;
          float want = -7.0f;
          if (mode == qnn_rt::kPadReflect)
            want = x[(p * H + reflect(ih, H)) * W + reflect(iw, W)];
          else if (mode == qnn_rt::kPadEdge)
            want = x[(p * H + edge(ih, H)) * W + edge(iw, W)];
          else if (ih >= 0 && ih < H && iw >= 0 && iw < W)
            want = x[(p * H + ih) * W + iw];
          ASSERT_EQ(y[(p * OH + i) * OW + j], want) << "mode " << mode << " at " << p << " " << i << " " << j;
        }
  }
}

TEST(Conv2D, PaddedStride1) { checkConv({1, 3, 9, 8, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1); }
TEST(Conv2D, Stride2AsymmetricPads) { checkConv({2, 4, 11, 10, 6, 7, 7, 2, 2, 3, 2, 3, 1, 1, 1, 1}, 2); }
TEST(Conv2D, GroupsAndDilation) { checkConv({1, 6, 9, 9, 9, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 3}, 3); }
TEST(Conv2D, UngroupedDilationMixedStridesAndPads) { checkConv({2, 5, 12, 11, 9, 3, 3, 2, 1, 2, 1, 0, 2, 2, 3, 1}, 5); }
TEST(Conv2D, PointwiseStride2) { checkConv({1, 16, 8, 8, 7, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 1}, 4); }
// Read in place from the input: whole panels only (8x8), and a partial last
// panel that is copied (9x7).
TEST(Conv2D, PointwiseInPlace) { checkConv({2, 16, 8, 8, 12, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, 7); }
TEST(Conv2D, PointwisePartialPanel) { checkConv({1, 24, 9, 7, 10, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2}, 8); }
// Panels spanning several narrow output rows, and one wide row.
TEST(Conv2D, NarrowRows) { checkConv({1, 5, 5, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 9); }
TEST(Conv2D, WideRow) { checkConv({1, 2, 2, 97, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 10); }
// Depthwise (one input channel per group): the stride-phase kernel, on
// rows wider and narrower than a vector (MobileNet's 14x14 and 7x7),
// strides 1, 2 and 3, asymmetric pads, dilation, two images, a plane of a
// single output, two outputs per channel, and a one-channel input.
TEST(Conv2D, Depthwise3x3) { checkConv({2, 8, 13, 37, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8}, 11); }
TEST(Conv2D, DepthwiseStride2) { checkConv({1, 6, 14, 41, 6, 3, 3, 2, 2, 0, 1, 1, 0, 1, 1, 6}, 12); }
TEST(Conv2D, DepthwiseDilated5x5) { checkConv({1, 4, 12, 12, 4, 5, 5, 1, 2, 4, 3, 4, 3, 2, 1, 4}, 13); }
TEST(Conv2D, DepthwiseNarrow7x7) { checkConv({1, 5, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 5}, 14); }
TEST(Conv2D, DepthwiseNarrowStride2) { checkConv({2, 3, 14, 14, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 3}, 15); }
TEST(Conv2D, DepthwiseDilatedStride3) { checkConv({1, 4, 11, 9, 4, 3, 5, 3, 2, 2, 0, 1, 3, 2, 1, 4}, 16); }
TEST(Conv2D, DepthwiseSingleOutput) { checkConv({1, 2, 3, 3, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 2}, 17); }
TEST(Conv2D, DepthwiseTwoOutputsPerChannel) { checkConv({1, 3, 10, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3}, 18); }
TEST(Conv2D, OneInputChannel) { checkConv({1, 1, 12, 12, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 19); }
// The stem's shape: 7x7, stride 2, pads 3, rows wide enough for vector copies.
TEST(Conv2D, StemStride2WideRows) { checkConv({1, 3, 9, 70, 4, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1}, 11); }
TEST(Conv2D, ManyRowChunks) { checkConv({1, 64, 12, 32, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 5); }
TEST(Conv2D, SeveralGemmRowBlocks) { checkConv({1, 8, 6, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 6); }
TEST(Conv2D, PartialChannelPanelOfADeepLayer) { checkConv({2, 40, 7, 7, 45, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 20); }
// Chunks of 14 and 11 output rows (350 and 275 pixels: partial row blocks).
TEST(Conv2D, ChunksWithPartialRowBlocks) { checkConv({1, 64, 25, 25, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 21); }

struct Conv3DCase {
  int64_t n, c, d, h, w, o, kd, kh, kw, s, pad, dil, g;
};

// A cube window (the same size, stride, padding and dilation on each axis)
// against the ONNX definition summed in the kernel's order: bit for bit.
void checkConv3D(const Conv3DCase &k, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  const int64_t cg = k.c / k.g, og = k.o / k.g;
  auto outSize = [&](int64_t in, int64_t kernel) { return (in + 2 * k.pad - k.dil * (kernel - 1) - 1) / k.s + 1; };
  const int64_t od = outSize(k.d, k.kd), oh = outSize(k.h, k.kh), ow = outSize(k.w, k.kw);
  std::vector<float> x(k.n * k.c * k.d * k.h * k.w), w(k.o * cg * k.kd * k.kh * k.kw), b(k.o);
  for (auto *v : {&x, &w, &b})
    for (float &e : *v)
      e = uni(rng);
  std::vector<float> got(k.n * k.o * od * oh * ow);
  const qnn_rt::Conv2DParams plane{k.n, k.c,   k.h,   k.w,   k.o,   k.kh,  k.kw,  oh,
                                   ow,  k.s,   k.s,   k.pad, k.pad, k.dil, k.dil, k.g};
  std::vector<float> scratch(qnn_rt::conv3d_f32_scratch_floats(plane, k.kd) * QNN_RT_THREADS);
  const float inf = std::numeric_limits<float>::infinity();
  qnn_rt::conv3d_f32(x.data(), w.data(), b.data(), scratch.data(), got.data(), plane, k.d, k.kd, od, k.s, k.pad,
                     k.dil, -inf, inf);
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t o = 0; o < k.o; ++o)
      for (int64_t z = 0; z < od; ++z)
        for (int64_t y = 0; y < oh; ++y)
          for (int64_t v = 0; v < ow; ++v) {
            float sum = b[o];
            for (int64_t c = 0; c < cg; ++c)
              for (int64_t i = 0; i < k.kd; ++i)
                for (int64_t j = 0; j < k.kh; ++j)
                  for (int64_t l = 0; l < k.kw; ++l) {
                    const int64_t iz = z * k.s - k.pad + i * k.dil, iy = y * k.s - k.pad + j * k.dil,
                                  ix = v * k.s - k.pad + l * k.dil;
                    const bool inside = iz >= 0 && iz < k.d && iy >= 0 && iy < k.h && ix >= 0 && ix < k.w;
                    const int64_t ic = (o / og) * cg + c;
                    sum = std::fma(w[(((o * cg + c) * k.kd + i) * k.kh + j) * k.kw + l],
                                   inside ? x[(((n * k.c + ic) * k.d + iz) * k.h + iy) * k.w + ix] : 0.0f, sum);
                  }
            const float value = got[(((n * k.o + o) * od + z) * oh + y) * ow + v];
            ASSERT_EQ(0, std::memcmp(&value, &sum, sizeof sum)) << value << " " << sum << " at " << o << " " << z;
          }
}

TEST(Conv3D, PaddedCube) { checkConv3D({2, 3, 5, 6, 7, 4, 3, 3, 3, 1, 1, 1, 1}, 31); }
TEST(Conv3D, StridedDilatedPastTheDepth) { checkConv3D({1, 4, 7, 9, 8, 5, 2, 3, 2, 2, 2, 2, 1}, 32); }
TEST(Conv3D, GroupsAndManyOutputChannels) { checkConv3D({1, 6, 4, 5, 5, 21, 2, 2, 2, 1, 0, 1, 3}, 33); }
TEST(Conv3D, ManyRowChunks) { checkConv3D({1, 16, 3, 40, 40, 3, 3, 3, 3, 1, 1, 1, 1}, 34); }

TEST(Pooling, AveragePoolCountIncludePad) {
  // 1x1x3x3 ones, 3x3 window, pads 1, stride 2: ONNX divides by 9 with
  // count_include_pad and by the in-bounds count without.
  std::vector<float> x(9, 1.0f), y(4);
  qnn_rt::avg_pool_f32(x.data(), y.data(), 1, 3, 3, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, true);
  EXPECT_FLOAT_EQ(y[0], 4.0f / 9.0f);
  qnn_rt::avg_pool_f32(x.data(), y.data(), 1, 3, 3, 2, 2, 3, 3, 2, 2, 1, 1, 1, 1, false);
  EXPECT_FLOAT_EQ(y[0], 1.0f);
}

TEST(Softmax, InnerAxis) {
  const float x[6] = {1, 2, 3, 4, 5, 6}; // [1, 3, 2], softmax over the 3
  float y[6];
  qnn_rt::softmax_f32(x, y, 1, 3, 2);
  const float s0 = std::exp(1.f) + std::exp(3.f) + std::exp(5.f);
  EXPECT_NEAR(y[0], std::exp(1.f) / s0, 1e-6);
  EXPECT_NEAR(y[0] + y[2] + y[4], 1.0f, 1e-6);
}

} // namespace

namespace {

/// Max pooling by definition: the taps inside the input in window order,
/// each replacing the best so far unless that is greater (so a NaN tap wins
/// unless a later tap is a number, as in ONNX Runtime).
template <class T>
std::vector<T> referenceMaxPool(const std::vector<T> &x, int64_t nc, int64_t h, int64_t w, int64_t oh, int64_t ow,
                                int64_t k, int64_t s, int64_t pad, int64_t d) {
  std::vector<T> y(nc * oh * ow, T());
  for (int64_t p = 0; p < nc; ++p)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        bool any = false;
        T best = T();
        for (int64_t a = 0; a < k; ++a)
          for (int64_t b = 0; b < k; ++b) {
            const int64_t r = i * s - pad + a * d, c = j * s - pad + b * d;
            if (r < 0 || r >= h || c < 0 || c >= w)
              continue;
            const T v = x[(p * h + r) * w + c];
            if (!any || !(best > v))
              best = v;
            any = true;
          }
        y[(p * oh + i) * ow + j] = best;
      }
  return y;
}

TEST(MaxPool, MatchesDefinition) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  struct Case {
    int64_t h, w, k, s, pad, d;
  };
  for (const Case &c : {Case{13, 13, 3, 2, 1, 1}, Case{12, 17, 2, 2, 0, 1}, Case{9, 11, 3, 1, 1, 2},
                        Case{7, 5, 3, 3, 2, 1}, Case{1, 1, 2, 1, 1, 2}, Case{4, 150, 3, 1, 1, 1},
                        Case{5, 301, 3, 2, 1, 1}, Case{4, 200, 3, 3, 1, 1}, Case{2, 64, 2, 2, 0, 1}}) {
    const int64_t nc = 3, oh = (c.h + 2 * c.pad - c.d * (c.k - 1) - 1) / c.s + 1;
    const int64_t ow = (c.w + 2 * c.pad - c.d * (c.k - 1) - 1) / c.s + 1;
    std::vector<float> x(nc * c.h * c.w);
    for (float &v : x)
      v = uni(rng) < -0.8f ? NAN : uni(rng);
    std::vector<float> got(nc * oh * ow);
    qnn_rt::max_pool(x.data(), got.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pad, c.pad, c.d, c.d);
    const auto expected = referenceMaxPool(x, nc, c.h, c.w, oh, ow, c.k, c.s, c.pad, c.d);
    // Bit patterns, so that NaNs compare too.
    ASSERT_EQ(0, std::memcmp(got.data(), expected.data(), got.size() * sizeof(float))) << c.h << "x" << c.w;
    std::vector<int32_t> xi(x.size()), gi(got.size());
    for (size_t i = 0; i < x.size(); ++i)
      xi[i] = static_cast<int32_t>(rng() % 200) - 100;
    qnn_rt::max_pool(xi.data(), gi.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pad, c.pad, c.d, c.d);
    ASSERT_EQ(gi, referenceMaxPool(xi, nc, c.h, c.w, oh, ow, c.k, c.s, c.pad, c.d));
    // 8-bit tensors (graph inputs of uint8 or int8): the same kernel.
    std::vector<uint8_t> xu(x.size()), gu(got.size());
    std::vector<int8_t> xs(x.size()), gs(got.size());
    for (size_t i = 0; i < x.size(); ++i) {
      xu[i] = static_cast<uint8_t>(rng());
      xs[i] = static_cast<int8_t>(rng());
    }
    qnn_rt::max_pool(xu.data(), gu.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pad, c.pad, c.d, c.d);
    ASSERT_EQ(gu, referenceMaxPool(xu, nc, c.h, c.w, oh, ow, c.k, c.s, c.pad, c.d));
    qnn_rt::max_pool(xs.data(), gs.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pad, c.pad, c.d, c.d);
    ASSERT_EQ(gs, referenceMaxPool(xs, nc, c.h, c.w, oh, ow, c.k, c.s, c.pad, c.d));
  }
}

TEST(BatchNormTraining, MatchesDefinition) {
  // ONNX's definition in double: batch mean and population variance over
  // N and HW per channel, y normalized by them, running statistics mixed
  // by momentum.
  const int64_t N = 2, C = 3, HW = 5;
  std::mt19937 rng(8);
  std::normal_distribution<float> normal(1.0f, 3.0f);
  std::vector<float> x(N * C * HW), scale(C), bias(C), mean(C), var(C);
  for (auto *v : {&x, &scale, &bias, &mean})
    for (float &e : *v)
      e = normal(rng);
  for (float &e : var)
    e = std::abs(normal(rng));
  const float eps = 1e-3f, momentum = 0.7f;
  std::vector<float> y(x.size()), runningMean(C), runningVar(C);
  qnn_rt::batch_norm_training_f32(x.data(), scale.data(), bias.data(), mean.data(), var.data(), eps, momentum,
                                  y.data(), runningMean.data(), runningVar.data(), N, C, HW);
  for (int64_t c = 0; c < C; ++c) {
    double m = 0, v = 0;
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < HW; ++i)
        m += x[(n * C + c) * HW + i] / double(N * HW);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < HW; ++i)
        v += (x[(n * C + c) * HW + i] - m) * (x[(n * C + c) * HW + i] - m) / double(N * HW);
    for (int64_t n = 0; n < N; ++n)
      for (int64_t i = 0; i < HW; ++i) {
        const double expected = (x[(n * C + c) * HW + i] - m) / std::sqrt(v + eps) * scale[c] + bias[c];
        EXPECT_NEAR(y[(n * C + c) * HW + i], expected, 1e-5 * std::abs(expected) + 1e-6) << c << " " << n << " " << i;
      }
    EXPECT_NEAR(runningMean[c], mean[c] * momentum + m * (1 - momentum), 1e-5) << c;
    EXPECT_NEAR(runningVar[c], var[c] * momentum + v * (1 - momentum), 1e-5 * v) << c;
  }
}

/// MaxPool's Indices as the ONNX reference computes them: the first tap
/// inside the input, then each tap greater than the best so far; its flat
/// index row-major (h * W + w) or column-major (h + w * H) in its plane.
template <class T>
std::vector<int64_t> referenceMaxPoolIndices(const std::vector<T> &x, int64_t nc, int64_t h, int64_t w, int64_t oh,
                                             int64_t ow, int64_t k, int64_t s, int64_t pad, int64_t d,
                                             bool columnMajor) {
  std::vector<int64_t> y(nc * oh * ow);
  for (int64_t p = 0; p < nc; ++p)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int64_t bestR = -1, bestC = -1;
        for (int64_t a = 0; a < k; ++a)
          for (int64_t b = 0; b < k; ++b) {
            const int64_t r = i * s - pad + a * d, c = j * s - pad + b * d;
            if (r < 0 || r >= h || c < 0 || c >= w)
              continue;
            if (bestR < 0 || x[(p * h + r) * w + c] > x[(p * h + bestR) * w + bestC]) {
              bestR = r;
              bestC = c;
            }
          }
        y[(p * oh + i) * ow + j] = p * h * w + (columnMajor ? bestR + bestC * h : bestR * w + bestC);
      }
  return y;
}

TEST(MaxPoolIndices, MatchesReference) {
  std::mt19937 rng(6);
  struct Case {
    int64_t h, w, k, s, pad, d;
  };
  for (const Case &c : {Case{13, 13, 3, 2, 1, 1}, Case{12, 17, 2, 2, 0, 1}, Case{9, 11, 3, 1, 1, 2},
                        Case{7, 5, 3, 3, 2, 1}, Case{1, 1, 2, 1, 1, 2}}) {
    const int64_t nc = 3, oh = (c.h + 2 * c.pad - c.d * (c.k - 1) - 1) / c.s + 1;
    const int64_t ow = (c.w + 2 * c.pad - c.d * (c.k - 1) - 1) / c.s + 1;
    // Few distinct values: windows with tied maxima, where the first wins.
    std::vector<float> x(nc * c.h * c.w);
    for (float &v : x)
      v = static_cast<float>(rng() % 5);
    std::vector<uint8_t> xu(x.size());
    for (size_t i = 0; i < x.size(); ++i)
      xu[i] = static_cast<uint8_t>(rng() % 7 + 250);
    for (bool columnMajor : {false, true}) {
      std::vector<int64_t> got(nc * oh * ow);
      qnn_rt::max_pool_indices(x.data(), got.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pad, c.pad, c.d,
                               c.d, columnMajor);
      ASSERT_EQ(got, referenceMaxPoolIndices(x, nc, c.h, c.w, oh, ow, c.k, c.s, c.pad, c.d, columnMajor))
          << c.h << "x" << c.w << (columnMajor ? " column-major" : "");
      qnn_rt::max_pool_indices(xu.data(), got.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pad, c.pad, c.d,
                               c.d, columnMajor);
      ASSERT_EQ(got, referenceMaxPoolIndices(xu, nc, c.h, c.w, oh, ow, c.k, c.s, c.pad, c.d, columnMajor));
    }
  }
}

/// Average pooling by definition: taps inside the input summed in window
/// order from 0, divided by their count or, with count_include_pad, by the
/// window clipped to the padded input.
std::vector<float> referenceAvgPool(const std::vector<float> &x, int64_t nc, int64_t h, int64_t w, int64_t oh,
                                    int64_t ow, int64_t k, int64_t s, int64_t pt, int64_t pl, int64_t pb, int64_t pr,
                                    bool includePad) {
  std::vector<float> y(nc * oh * ow);
  for (int64_t p = 0; p < nc; ++p)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        float sum = 0.0f;
        int64_t taps = 0;
        for (int64_t a = 0; a < k; ++a)
          for (int64_t b = 0; b < k; ++b) {
            const int64_t r = i * s - pt + a, c = j * s - pl + b;
            if (r >= 0 && r < h && c >= 0 && c < w) {
              sum += x[(p * h + r) * w + c];
              ++taps;
            }
          }
        if (includePad) {
          const int64_t r0 = std::max(i * s - pt, -pt), r1 = std::min(i * s - pt + k, h + pb);
          const int64_t c0 = std::max(j * s - pl, -pl), c1 = std::min(j * s - pl + k, w + pr);
          taps = (r1 - r0) * (c1 - c0);
        }
        y[(p * oh + i) * ow + j] = sum / static_cast<float>(taps);
      }
  return y;
}

TEST(AveragePool, MatchesDefinition) {
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  struct Case {
    int64_t h, w, k, s, pt, pl, pb, pr;
  };
  for (const Case &c : {Case{56, 56, 2, 2, 0, 0, 0, 0}, Case{13, 13, 3, 2, 1, 1, 1, 1}, Case{9, 11, 3, 1, 1, 2, 0, 1},
                        Case{7, 5, 3, 3, 2, 2, 2, 2}, Case{4, 150, 3, 1, 1, 1, 1, 1}, Case{5, 301, 2, 2, 0, 1, 1, 0}})
    for (bool includePad : {false, true}) {
      const int64_t nc = 3, oh = (c.h + c.pt + c.pb - c.k) / c.s + 1, ow = (c.w + c.pl + c.pr - c.k) / c.s + 1;
      std::vector<float> x(nc * c.h * c.w);
      for (float &v : x)
        v = uni(rng);
      std::vector<float> got(nc * oh * ow);
      qnn_rt::avg_pool_f32(x.data(), got.data(), nc, c.h, c.w, oh, ow, c.k, c.k, c.s, c.s, c.pt, c.pl, c.pb, c.pr,
                           includePad);
      const auto expected = referenceAvgPool(x, nc, c.h, c.w, oh, ow, c.k, c.s, c.pt, c.pl, c.pb, c.pr, includePad);
      ASSERT_EQ(0, std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)))
          << c.h << "x" << c.w << " k" << c.k << " s" << c.s << " includePad " << includePad;
      // Channels-last in and out: the same bits, transposed.
      const int64_t n = 1, ch = nc;
      std::vector<float> last(got.size());
      qnn_rt::avg_pool_f32(toChannelsLast(x, n, ch, c.h * c.w).data(), last.data(), nc, c.h, c.w, oh, ow, c.k, c.k,
                           c.s, c.s, c.pt, c.pl, c.pb, c.pr, includePad, true, ch);
      const auto want = toChannelsLast(expected, n, ch, oh * ow);
      ASSERT_EQ(0, std::memcmp(last.data(), want.data(), last.size() * sizeof(float))) << "channels-last";
    }
}

TEST(GlobalAveragePool, ChannelsLastGivesTheSameBits) {
  // 2 images, 70 channels (a block of 64 and a partial one), 7x7.
  const int64_t n = 2, c = 70, hw = 49;
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> x(n * c * hw);
  for (float &v : x)
    v = uni(rng);
  std::vector<float> nchw(n * c), last(n * c);
  qnn_rt::global_avg_pool_f32(x.data(), nchw.data(), n * c, hw);
  qnn_rt::global_avg_pool_f32(toChannelsLast(x, n, c, hw).data(), last.data(), n * c, hw, true, c);
  for (int64_t i = 0; i < n * c; ++i) {
    float sum = 0.0f;
    for (int64_t p = 0; p < hw; ++p)
      sum += x[i * hw + p];
    ASSERT_EQ(nchw[i], sum / static_cast<float>(hw)) << i;
  }
  EXPECT_EQ(0, std::memcmp(last.data(), nchw.data(), last.size() * sizeof(float)));
}

TEST(Conv2D, PointwiseChannelsLastGivesTheSameBits) {
  // 1x1 convolutions as the channels-last GEMM: pixel counts that leave a
  // partial block of rows, output channels that leave a partial panel,
  // with and without bias, with no clamp, ReLU's and ReLU6's, against conv2d_f32.
  struct Case {
    int64_t n, c, h, w, o;
  };
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  for (const Case &k : {Case{1, 16, 5, 7, 40}, Case{2, 33, 3, 3, 64}, Case{1, 128, 7, 7, 256}})
    for (bool withBias : {false, true})
      for (float hi : {-1.0f, std::numeric_limits<float>::infinity(), 6.0f}) {
        // hi = -1: no clamp at all; else [0, hi].
        const float lo = hi < 0.0f ? -std::numeric_limits<float>::infinity() : 0.0f;
        hi = hi < 0.0f ? std::numeric_limits<float>::infinity() : hi;
        std::vector<float> x(k.n * k.c * k.h * k.w), w(k.o * k.c), b(k.o);
        for (auto *v : {&x, &w, &b})
          for (float &e : *v)
            e = uni(rng);
        const qnn_rt::Conv2DParams params{k.n, k.c, k.h, k.w, k.o, 1, 1, k.h, k.w, 1, 1, 0, 0, 1, 1, 1};
        std::vector<float> nchw(k.n * k.o * k.h * k.w), scratch(qnn_rt::conv2d_f32_scratch_floats(params));
        qnn_rt::conv2d_f32(x.data(), w.data(), withBias ? b.data() : nullptr, scratch.data(), nchw.data(), params, lo, hi);
        // Transposed weights and bias, padded to whole panels.
        const int64_t op = qnn_rt::panel_padded_channels(k.o);
        std::vector<float> wt(k.c * op, 0.0f), bp(op, 0.0f);
        for (int64_t o = 0; o < k.o; ++o) {
          bp[o] = b[o];
          for (int64_t c = 0; c < k.c; ++c)
            wt[c * op + o] = w[o * k.c + c];
        }
        std::vector<float> last(nchw.size());
        qnn_rt::pointwise_conv_f32_channels_last(toChannelsLast(x, k.n, k.c, k.h * k.w).data(), wt.data(),
                                                 withBias ? bp.data() : nullptr, last.data(), k.n * k.h * k.w, k.c,
                                                 k.o, lo, hi);
        const auto want = toChannelsLast(nchw, k.n, k.o, k.h * k.w);
        ASSERT_EQ(0, std::memcmp(last.data(), want.data(), last.size() * sizeof(float)))
            << k.c << "->" << k.o << " bias " << withBias << " clamp " << lo << " " << hi;
      }
}

} // namespace

namespace {

TEST(Transpose, EveryRankUpToSixAsNumpy) {
  // Ranks 1 to 6 (shapes with leading 1s as the compiler pads them), the
  // reversed axes and a rotation, against y[i] = x[sum_a i_a * stride of
  // x's axis perm[a]].
  const int64_t shape[qnn_rt::kTransposeRank] = {2, 3, 1, 4, 5, 3};
  for (int64_t rank = 1; rank <= qnn_rt::kTransposeRank; ++rank)
    for (bool reversed : {true, false}) {
      std::vector<int64_t> dims(shape, shape + rank), perm(rank);
      for (int64_t a = 0; a < rank; ++a)
        perm[a] = reversed ? rank - 1 - a : (a + 1) % rank;
      std::vector<int64_t> stride(rank, 1);
      for (int64_t a = rank - 1; a > 0; --a)
        stride[a - 1] = stride[a] * dims[a];
      const int64_t n = stride[0] * dims[0];
      std::vector<float> x(n), y(n);
      for (int64_t i = 0; i < n; ++i)
        x[i] = static_cast<float>(i);
      int64_t d[qnn_rt::kTransposeRank], p[qnn_rt::kTransposeRank];
      const int64_t pad = qnn_rt::kTransposeRank - rank;
      for (int64_t a = 0; a < qnn_rt::kTransposeRank; ++a) {
        d[a] = a < pad ? 1 : dims[a - pad];
        p[a] = a < pad ? a : perm[a - pad] + pad;
      }
      qnn_rt::transpose_f32(x.data(), y.data(), d[0], d[1], d[2], d[3], d[4], d[5], p[0], p[1], p[2], p[3], p[4],
                            p[5]);
      for (int64_t i = 0; i < n; ++i) {
        int64_t source = 0, rest = i;
        for (int64_t a = rank - 1; a >= 0; --a) {
          source += rest % dims[perm[a]] * stride[perm[a]];
          rest /= dims[perm[a]];
        }
        ASSERT_EQ(y[i], x[source]) << "rank " << rank << (reversed ? " reversed" : " rotated") << " at " << i;
      }
    }
}

TEST(Gemm, PretransposedWeightsGiveTheSameBits) {
  // Y = A B^T + C with B [N, K] as given (transB) and stored transposed
  // ([K, N], what qnnc's canonicalization emits): the same sums in the
  // same order, so the same bits; and close to a double reference.
  const int64_t m = 3, n = 37, k = 50;
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> a(m * k), b(n * k), bt(k * n), c(n);
  for (auto *v : {&a, &b, &c})
    for (float &e : *v)
      e = uni(rng);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t q = 0; q < k; ++q)
      bt[q * n + j] = b[j * k + q];
  std::vector<float> y1(m * n), y2(m * n);
  qnn_rt::gemm_f32(a.data(), b.data(), c.data(), y1.data(), m, n, k, false, true, 0.5f, 2.0f, 1, n);
  qnn_rt::gemm_f32(a.data(), bt.data(), c.data(), y2.data(), m, n, k, false, false, 0.5f, 2.0f, 1, n);
  ASSERT_EQ(0, std::memcmp(y1.data(), y2.data(), y1.size() * sizeof(float)));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0;
      for (int64_t q = 0; q < k; ++q)
        sum += double(a[i * k + q]) * b[j * k + q];
      EXPECT_NEAR(y1[i * n + j], 0.5 * sum + 2.0 * c[j], 1e-4) << i << "," << j;
    }
}

} // namespace

namespace {

/// Dense strides of a [4]-padded shape, 0 along dimensions of size 1 (the
/// convention of qnnc's lowering).
std::vector<int64_t> broadcastStrides(const std::vector<int64_t> &shape) {
  std::vector<int64_t> strides(4);
  for (int64_t i = 3, stride = 1; i >= 0; --i) {
    strides[i] = shape[i] == 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

TEST(Broadcast, AddAndPReluOnEveryPattern) {
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  const std::vector<int64_t> out = {2, 3, 4, 5};
  // rhs shapes: same, per channel, scalar, broadcast along the leading
  // dimension, along the last one.
  for (const std::vector<int64_t> &rs : {std::vector<int64_t>{2, 3, 4, 5}, {1, 3, 1, 1}, {1, 1, 1, 1},
                                         {1, 3, 4, 5}, {2, 3, 4, 1}}) {
    std::vector<float> a(2 * 3 * 4 * 5), b(rs[0] * rs[1] * rs[2] * rs[3]);
    for (float &v : a)
      v = uni(rng);
    for (float &v : b)
      v = uni(rng);
    const auto as = broadcastStrides(out), bs = broadcastStrides(rs);
    std::vector<float> sum(a.size()), prelu(a.size());
    qnn_rt::add_f32(a.data(), b.data(), sum.data(), 2, 3, 4, 5, as[0], as[1], as[2], as[3], bs[0], bs[1], bs[2], bs[3]);
    qnn_rt::prelu_f32(a.data(), b.data(), prelu.data(), 2, 3, 4, 5, as[0], as[1], as[2], as[3], bs[0], bs[1], bs[2],
                      bs[3]);
    std::vector<float> inPlace = a; // the lowering may write over the lhs
    qnn_rt::add_f32(inPlace.data(), b.data(), inPlace.data(), 2, 3, 4, 5, as[0], as[1], as[2], as[3], bs[0], bs[1],
                    bs[2], bs[3]);
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t c = 0; c < 3; ++c)
        for (int64_t h = 0; h < 4; ++h)
          for (int64_t w = 0; w < 5; ++w) {
            const int64_t at = ((i * 3 + c) * 4 + h) * 5 + w;
            const float l = a[at];
            const float r = b[((i % rs[0] * rs[1] + c % rs[1]) * rs[2] + h % rs[2]) * rs[3] + w % rs[3]];
            ASSERT_EQ(sum[at], l + r) << at;
            ASSERT_EQ(inPlace[at], l + r) << at;
            ASSERT_EQ(prelu[at], l < 0.0f ? l * r : l) << at;
          }
  }
}

} // namespace
