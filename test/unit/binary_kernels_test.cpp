// Binary kernels against an independent integer reference: the float model's
// convolution of Sign(x) (values -1, 0, +1) with +-1 weights and zero padding.
#include "qnn_runtime/kernels.h"
#include "channels_last.h"
#include "reference_conv.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

namespace {

struct ConvCase {
  int64_t n, c, h, w, o, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, g;
};

int64_t outSize(int64_t in, int64_t k, int64_t s, int64_t p0, int64_t p1, int64_t d) {
  return (in + p0 + p1 - d * (k - 1) - 1) / s + 1;
}

/// Weights [O][Cg][KH][KW] in {-1, +1} in the kernel layout (the runtime's
/// own packer).
std::vector<uint32_t> packWeights(const std::vector<int> &w, int64_t o, int64_t cg, int64_t kh, int64_t kw) {
  std::vector<uint32_t> bits(qnn_rt::binary_weight_halves(1, o, kh, kw, cg));
  qnn_rt::pack_binary_weights(bits.data(), 1, o, cg, kh, kw, [&](int64_t, int64_t a, int64_t c, int64_t y, int64_t x) {
    return w[((a * cg + c) * kh + y) * kw + x] < 0;
  });
  return bits;
}

void checkConv(const ConvCase &k, unsigned seed, double zeroFraction) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  const int64_t cg = k.c / k.g;
  const int64_t oh = outSize(k.h, k.kh, k.sh, k.pt, k.pb, k.dh), ow = outSize(k.w, k.kw, k.sw, k.pl, k.pr, k.dw);
  std::vector<float> x(k.n * k.c * k.h * k.w);
  for (float &v : x) {
    float u = uni(rng);
    v = std::fabs(u) < zeroFraction ? 0.0f : u * 3.0f; // Sign(0) = 0 must stay 0
  }
  std::vector<int> w(k.o * cg * k.kh * k.kw);
  for (int &v : w)
    v = uni(rng) < 0 ? -1 : 1;

  // Reference: plain loops over Sign(x) * w with zero padding.
  const auto expected = referenceConv({k.n, k.c, k.h, k.w, k.o, k.kh, k.kw, k.sh, k.sw, k.pt, k.pl, k.dh, k.dw, k.g, oh, ow},
                                      w, [&](int64_t n, int64_t c, int64_t y, int64_t z) {
                                        const float v = x[((n * k.c + c) * k.h + y) * k.w + z];
                                        return v > 0 ? 1 : (v < 0 ? -1 : 0);
                                      });

  const int64_t words = (k.c + 63) / 64;
  const int64_t planeWords = k.n * k.h * k.w * words;
  std::vector<uint64_t> bits(2 * planeWords);
  qnn_rt::binarize_f32(x.data(), bits.data(), planeWords, k.n, k.c, k.h * k.w);
  auto packed = packWeights(w, k.o, cg, k.kh, k.kw);
  std::vector<int32_t> got(expected.size(), 12345);
  qnn_rt::binary_conv2d(bits.data(), planeWords, packed.data(), got.data(),
                        {k.n, k.c, k.h, k.w, k.o, k.kh, k.kw, oh, ow, k.sh, k.sw, k.pt, k.pl, k.dh, k.dw, k.g});
  ASSERT_EQ(got, expected);
}

TEST(BinaryConv, PaddedBordersOddChannels) { checkConv({1, 70, 7, 6, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 1, 0.0); }
TEST(BinaryConv, Stride2AndAsymmetricPads) { checkConv({2, 130, 9, 9, 4, 3, 3, 2, 2, 2, 1, 0, 1, 1, 1, 1}, 2, 0.0); }
TEST(BinaryConv, GroupsNotWordAligned) { checkConv({1, 70, 5, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2}, 3, 0.0); }
TEST(BinaryConv, DepthwiseLikeGroups) { checkConv({1, 12, 5, 5, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 12}, 4, 0.1); }
TEST(BinaryConv, Dilation) { checkConv({1, 64, 8, 8, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1}, 5, 0.0); }
TEST(BinaryConv, SignOfZeroIsZero) { checkConv({1, 100, 6, 6, 7, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1, 1}, 6, 0.3); }
TEST(BinaryConv, Exactly64Channels) { checkConv({1, 64, 4, 4, 2, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, 7, 0.0); }
TEST(BinaryConv, WideLayerOddOutputs) { checkConv({1, 256, 6, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 10, 0.0); }
TEST(BinaryConv, SparseZerosInWideLayer) { checkConv({1, 256, 6, 6, 9, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, 11, 0.002); }
TEST(BinaryConv, VeryWideLayerLongRows) { checkConv({1, 1100, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 12, 0.001); }
// Rows with several interior tiles, channel blocks of 8 not filling a
// register block, and lane blocks shared by two groups.
TEST(BinaryConv, InteriorTilesPartialBlocks) { checkConv({1, 64, 12, 13, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 14, 0.0); }
TEST(BinaryConv, InteriorTilesWithZeros) { checkConv({2, 64, 9, 14, 33, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 15, 0.05); }
TEST(BinaryConv, GroupsShareLaneBlocks) { checkConv({1, 128, 6, 10, 36, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2}, 16, 0.02); }

// The zero scan that lets zero-free inputs skip per-window counts: one
// clear bit anywhere, the last pixel's last valid bit included, is a zero.
TEST(BinaryPlane, FullUnlessOneBitIsClear) {
  for (int64_t c : {64, 70, 130}) {
    const int64_t pixels = 5, cw = qnn_rt::words_for(c);
    std::vector<uint64_t> plane(pixels * cw, ~uint64_t(0));
    if (c % 64)
      for (int64_t p = 0; p < pixels; ++p)
        plane[p * cw + cw - 1] = (uint64_t(1) << (c % 64)) - 1;
    EXPECT_TRUE(qnn_rt::binary_plane_full(plane.data(), pixels, c)) << c;
    for (int64_t bit : {int64_t(0), c - 1}) {
      std::vector<uint64_t> holed = plane;
      holed[(pixels - 1) * cw + bit / 64] &= ~(uint64_t(1) << (bit % 64));
      EXPECT_FALSE(qnn_rt::binary_plane_full(holed.data(), pixels, c)) << c << " bit " << bit;
    }
  }
}

TEST(BinaryDense, MatchesReference) {
  // A dense layer is a 1x1 convolution on a 1x1 image.
  checkConv({3, 200, 1, 1, 9, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1}, 8, 0.05);
  std::mt19937 rng(9);
  const int64_t n = 2, k = 77, o = 3;
  std::vector<float> x(n * k);
  std::vector<int> w(o * k);
  for (float &v : x)
    v = static_cast<float>(static_cast<int>(rng() % 3) - 1);
  for (int &v : w)
    v = rng() % 2 ? 1 : -1;
  std::vector<uint64_t> bits(2 * n * 2);
  qnn_rt::binarize_f32(x.data(), bits.data(), n * 2, n, k, 1);
  auto packed = packWeights(w, o, k, 1, 1);
  std::vector<int32_t> y(n * o);
  qnn_rt::binary_dense(bits.data(), n * 2, packed.data(), y.data(), n, k, o);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < o; ++j) {
      int32_t sum = 0;
      for (int64_t q = 0; q < k; ++q)
        sum += static_cast<int>(x[i * k + q]) * w[j * k + q];
      EXPECT_EQ(y[i * o + j], sum) << i << "," << j;
    }
}

TEST(BinaryConvSign, MatchesConvThenThreshold) {
  // 2 images, 100 -> 70 channels (two output words), 3x3, pads 1, stride 2.
  const int64_t n = 2, c = 100, h = 7, w = 6, o = 70, oh = 4, ow = 3;
  std::mt19937 rng(13);
  std::vector<float> x(n * c * h * w);
  for (float &v : x)
    v = static_cast<float>(static_cast<int>(rng() % 5) - 2);
  std::vector<int> wt(o * c * 9);
  for (int &v : wt)
    v = rng() % 2 ? 1 : -1;
  std::vector<int32_t> thresholds(2 * o); // [o][low, high]
  std::vector<int8_t> desc(o);
  for (int64_t i = 0; i < o; ++i) {
    thresholds[2 * i] = static_cast<int32_t>(rng() % 60) - 30;
    thresholds[2 * i + 1] = thresholds[2 * i] + static_cast<int32_t>(rng() % 3);
    desc[i] = static_cast<int8_t>(rng() % 2);
  }
  const int64_t cw = (c + 63) / 64, ocw = (o + 63) / 64;
  const int64_t inPlane = n * h * w * cw, outPlane = n * oh * ow * ocw;
  std::vector<uint64_t> bits(2 * inPlane);
  qnn_rt::binarize_f32(x.data(), bits.data(), inPlane, n, c, h * w);
  auto packed = packWeights(wt, o, c, 3, 3);
  std::vector<int32_t> acc(n * o * oh * ow);
  const qnn_rt::Conv2DParams params = {n, c, h, w, o, 3, 3, oh, ow, 2, 2, 1, 1, 1, 1, 1};
  qnn_rt::binary_conv2d(bits.data(), inPlane, packed.data(), acc.data(), params);
  std::vector<uint64_t> expected(2 * outPlane), got(expected.size(), ~0ull);
  qnn_rt::threshold_i32(acc.data(), thresholds.data(), desc.data(), expected.data(), outPlane, n, o, oh * ow);
  qnn_rt::binary_conv2d_sign(bits.data(), inPlane, packed.data(), thresholds.data(),
                             desc.data(), got.data(), outPlane, params);
  EXPECT_EQ(got, expected);
}

TEST(BinaryConvAffine, MatchesConvScaleBiasAdd) {
  // 2 images, 70 -> 37 channels (a partial lane block), 3x3, pads 1: the
  // fused epilogue rounds like scale_bias_i32 then add_f32, bit for bit,
  // also when the output overwrites the residual.
  const int64_t n = 2, c = 70, h = 6, w = 13, o = 37;
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  std::vector<float> x(n * c * h * w), scale(o), bias(o), residual(n * o * h * w);
  for (float &v : x)
    v = uni(rng);
  for (int64_t i = 0; i < o; ++i) {
    scale[i] = uni(rng) * 0.1f;
    bias[i] = uni(rng);
  }
  for (float &v : residual)
    v = uni(rng);
  std::vector<int> wt(o * c * 9);
  for (int &v : wt)
    v = rng() % 2 ? 1 : -1;
  const int64_t planeWords = n * h * w * 2;
  std::vector<uint64_t> bits(2 * planeWords);
  qnn_rt::binarize_f32(x.data(), bits.data(), planeWords, n, c, h * w);
  auto packed = packWeights(wt, o, c, 3, 3);
  const qnn_rt::Conv2DParams params = {n, c, h, w, o, 3, 3, h, w, 1, 1, 1, 1, 1, 1, 1};
  std::vector<int32_t> acc(n * o * h * w);
  qnn_rt::binary_conv2d(bits.data(), planeWords, packed.data(), acc.data(), params);
  std::vector<float> affine(acc.size()), expected(acc.size());
  qnn_rt::scale_bias_i32(acc.data(), scale.data(), bias.data(), affine.data(), n, o, h * w);
  qnn_rt::add_f32(affine.data(), residual.data(), expected.data(), 1, 1, 1, affine.size(), 0, 0, 0, 1, 0, 0, 0, 1);

  std::vector<float> got(acc.size()), inPlace = residual;
  qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(), residual.data(),
                               got.data(), params);
  qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(), inPlace.data(),
                               inPlace.data(), params);
  std::vector<float> noResidual(acc.size());
  qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(), nullptr,
                               noResidual.data(), params);
  EXPECT_EQ(0, std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(inPlace.data(), expected.data(), got.size() * sizeof(float)));
  EXPECT_EQ(0, std::memcmp(noResidual.data(), affine.data(), got.size() * sizeof(float)));

  // Output and residual each NCHW or channels-last: the same bits in the
  // output's layout (one layout: in registers where the target can; mixed:
  // through the tile store), in place too.
  const auto residualLast = toChannelsLast(residual, n, o, h * w);
  for (bool outLast : {false, true})
    for (bool resLast : {false, true}) {
      std::vector<float> y(acc.size());
      qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(),
                                   (resLast ? residualLast : residual).data(), y.data(), params, outLast, resLast);
      const auto want = outLast ? toChannelsLast(expected, n, o, h * w) : expected;
      EXPECT_EQ(0, std::memcmp(y.data(), want.data(), y.size() * sizeof(float)))
          << "output channels-last " << outLast << ", residual channels-last " << resLast;
    }
  auto inPlaceLast = residualLast;
  qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(), inPlaceLast.data(),
                               inPlaceLast.data(), params, true, true);
  const auto expectedLast = toChannelsLast(expected, n, o, h * w);
  EXPECT_EQ(0, std::memcmp(inPlaceLast.data(), expectedLast.data(), got.size() * sizeof(float)));
}

TEST(BinaryConvAffine, ChannelsLastWholeLaneBlocks) {
  // 64 -> 64 channels, 1 image, rows of 20: every block of a full tile in
  // registers, output and residual in each layout, against the NCHW kernel.
  const int64_t c = 64, h = 5, w = 20, o = 64;
  std::mt19937 rng(18);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  std::vector<float> x(c * h * w), scale(o), bias(o), residual(o * h * w);
  for (auto *v : {&x, &scale, &bias, &residual})
    for (float &e : *v)
      e = uni(rng);
  std::vector<int> wt(o * c * 9);
  for (int &v : wt)
    v = rng() % 2 ? 1 : -1;
  const int64_t planeWords = h * w;
  std::vector<uint64_t> bits(2 * planeWords);
  qnn_rt::binarize_f32(x.data(), bits.data(), planeWords, 1, c, h * w);
  auto packed = packWeights(wt, o, c, 3, 3);
  const qnn_rt::Conv2DParams params = {1, c, h, w, o, 3, 3, h, w, 1, 1, 1, 1, 1, 1, 1};
  std::vector<float> nchw(o * h * w), last(o * h * w);
  qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(), residual.data(),
                               nchw.data(), params);
  const auto residualLast = toChannelsLast(residual, 1, o, h * w);
  const auto want = toChannelsLast(nchw, 1, o, h * w);
  for (bool resLast : {true, false}) {
    qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(),
                                 (resLast ? residualLast : residual).data(), last.data(), params, true, resLast);
    EXPECT_EQ(0, std::memcmp(last.data(), want.data(), last.size() * sizeof(float))) << "residual channels-last "
                                                                                      << resLast;
  }
  // An NCHW output over a channels-last residual.
  std::vector<float> back(o * h * w);
  qnn_rt::binary_conv2d_affine(bits.data(), planeWords, packed.data(), scale.data(), bias.data(),
                               residualLast.data(), back.data(), params, false, true);
  EXPECT_EQ(0, std::memcmp(back.data(), nchw.data(), back.size() * sizeof(float)));
}

TEST(Threshold, CountsThresholdsAndFlips) {
  // acc [1, 3 channels, 4 positions]; channel 1 descending.
  const std::vector<int32_t> acc = {-2, -1, 0, 1, -2, -1, 0, 1, 5, 5, 5, 5};
  const int32_t thresholds[] = {-1, 1, 0, 0, INT32_MIN, INT32_MIN};
  const int8_t desc[] = {0, 1, 0};
  uint64_t bits[8];
  const uint64_t *s = bits, *nz = bits + 4;
  qnn_rt::threshold_i32(acc.data(), thresholds, desc, bits, 4, 1, 3, 4);
  const int expected[3][4] = {{-1, 0, 0, 1}, {1, 1, -1, -1}, {1, 1, 1, 1}};
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 4; ++p) {
      int v = (nz[p] >> c & 1) ? ((s[p] >> c & 1) ? -1 : 1) : 0;
      EXPECT_EQ(v, expected[c][p]) << "channel " << c << " position " << p;
    }
}

} // namespace

namespace {

TEST(Binarize, MatchesSignWithZerosNaNsAndTails) {
  // 2 images, 200 channels (three whole words and a partial one), 37
  // pixels (two blocks of 16 and a tail): every path of binarize_f32.
  const int64_t n = 2, c = 200, hw = 37, planeWords = n * hw * 4;
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> uni(-1.0f, 1.0f);
  std::vector<float> x(n * c * hw);
  for (float &v : x) {
    const float u = uni(rng);
    v = std::fabs(u) < 0.1f ? 0.0f : (std::fabs(u) < 0.15f ? -0.0f : (std::fabs(u) < 0.17f ? NAN : u));
  }
  std::vector<uint64_t> got(2 * planeWords, ~0ull), expected(2 * planeWords);
  qnn_rt::binarize_f32(x.data(), got.data(), planeWords, n, c, hw);
  // ONNX Sign: -0 and +0 give 0; NaN counts as positive.
  qnn_rt::pack_ternary(expected.data(), planeWords, n, c, hw, [&](int64_t i, int64_t ch, int64_t p) {
    const float v = x[(i * c + ch) * hw + p];
    return v < 0.0f ? -1 : (v == 0.0f ? 0 : 1);
  });
  EXPECT_EQ(got, expected);
  // The same tensor stored channels-last gives the same words.
  std::vector<uint64_t> last(2 * planeWords, ~0ull);
  qnn_rt::binarize_f32(toChannelsLast(x, n, c, hw).data(), last.data(), planeWords, n, c, hw, true);
  EXPECT_EQ(last, expected);
  // Fewer channels than a word.
  std::vector<float> narrow(x.begin(), x.begin() + n * 5 * hw);
  const int64_t narrowPlane = n * hw;
  std::vector<uint64_t> narrowNchw(2 * narrowPlane), narrowLast(2 * narrowPlane, ~0ull);
  qnn_rt::binarize_f32(narrow.data(), narrowNchw.data(), narrowPlane, n, 5, hw);
  qnn_rt::binarize_f32(toChannelsLast(narrow, n, 5, hw).data(), narrowLast.data(), narrowPlane, n, 5, hw, true);
  EXPECT_EQ(narrowLast, narrowNchw);
}

} // namespace
