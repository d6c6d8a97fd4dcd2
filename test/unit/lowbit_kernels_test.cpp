// Low-bit kernels against independent references: levels from thresholds
// (float and integer), and the bit-serial convolution of k-bit levels with
// +-1 weights against plain integer loops.
#include "qnn_runtime/kernels.h"
#include "reference_conv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace {

constexpr int64_t kPlaneAlign = 8; // words between planes rounded like qnnc does (64 bytes)

int64_t planeWords(int64_t n, int64_t c, int64_t hw) {
  return (n * hw * qnn_rt::words_for(c) + kPlaneAlign - 1) / kPlaneAlign * kPlaneAlign;
}

/// Reads level (n, c, p) back from the planes.
unsigned levelAt(const std::vector<uint64_t> &planes, int64_t stride, int bits, int64_t c, int64_t C, int64_t HW,
                 int64_t n, int64_t p) {
  unsigned v = 0;
  for (int j = 0; j < bits; ++j)
    v |= ((planes[j * stride + (n * HW + p) * qnn_rt::words_for(C) + c / 64] >> (c % 64)) & 1u) << j;
  return v;
}

/// Every level (n, c, p) of [N, C, HW] planes is expected(n, c, p), and the
/// bits past C in each pixel's last word are clear.
template <class Expected>
void expectLevels(const std::vector<uint64_t> &planes, int64_t stride, int bits, int64_t N, int64_t C, int64_t HW,
                  Expected expected) {
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t p = 0; p < HW; ++p)
        ASSERT_EQ(levelAt(planes, stride, bits, c, C, HW, n, p), expected(n, c, p))
            << bits << " " << n << " " << c << " " << p;
  for (int j = 0; j < bits; ++j)
    for (int64_t np = 0; np < N * HW; ++np)
      ASSERT_EQ(planes[j * stride + np * qnn_rt::words_for(C) + C / 64] >> (C % 64), 0u) << "plane " << j;
}

TEST(LowBit, QuantizeAndThresholdLevels) {
  const int64_t N = 2, C = 70, HW = 5, T = 3;
  const int bits = 2;
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  std::vector<float> x(N * C * HW), thr(C * T);
  for (float &v : x)
    v = uni(rng);
  x[3] = 0.5f; // exactly on a threshold: reached (x >= t)
  for (int64_t c = 0; c < C; ++c)
    for (int64_t i = 0; i < T; ++i)
      thr[c * T + i] = -1.0f + i * 0.5f + 0.01f * c;
  thr[0 * T + 2] = 0.5f;
  const int64_t stride = planeWords(N, C, HW);
  std::vector<uint64_t> planes(bits * stride, ~0ull);
  qnn_rt::quantize_levels_f32(x.data(), thr.data(), T, planes.data(), stride, bits, N, C, HW);
  std::vector<int32_t> acc(N * C * HW), ithr(C * T);
  std::vector<int8_t> descending(C);
  for (int64_t i = 0; i < N * C * HW; ++i)
    acc[i] = static_cast<int32_t>(std::floor(x[i] * 100));
  for (int64_t c = 0; c < C; ++c) {
    descending[c] = c % 3 == 0;
    for (int64_t i = 0; i < T; ++i)
      ithr[c * T + i] = -50 + 40 * static_cast<int32_t>(i) + static_cast<int32_t>(c);
  }
  std::vector<uint64_t> iplanes(bits * stride, ~0ull);
  qnn_rt::threshold_levels_i32(acc.data(), ithr.data(), T, descending.data(), iplanes.data(), stride, bits, N, C,
                               HW);
  std::vector<float> back(N * C * HW);
  qnn_rt::levels_to_float(planes.data(), stride, bits, 0.5f, -1.0f, back.data(), N, C, HW);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < C; ++c)
      for (int64_t p = 0; p < HW; ++p) {
        const int64_t i = (n * C + c) * HW + p;
        unsigned expected = 0, reached = 0;
        for (int64_t t = 0; t < T; ++t) {
          expected += x[i] >= thr[c * T + t];
          reached += acc[i] >= ithr[c * T + t];
        }
        ASSERT_EQ(levelAt(planes, stride, bits, c, C, HW, n, p), expected) << i;
        ASSERT_EQ(back[i], 0.5f * expected - 1.0f) << i;
        ASSERT_EQ(levelAt(iplanes, stride, bits, c, C, HW, n, p), descending[c] ? T - reached : reached) << i;
      }
}

// Full 16-pixel blocks of 64-channel words (the AVX-512 path), their
// remainders, NaN (reaches no threshold) and values exactly on one.
TEST(LowBit, QuantizeLevelsWideBlocks) {
  const int64_t N = 2, C = 150, HW = 37;
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  for (int bits : {1, 2, 3}) {
    const int64_t T = (int64_t(1) << bits) - 1;
    std::vector<float> x(N * C * HW), thr(C * T);
    for (float &v : thr)
      v = uni(rng);
    for (size_t i = 0; i < x.size(); ++i)
      x[i] = i % 97 == 0 ? NAN : i % 89 == 0 ? thr[(i / HW % C) * T] : uni(rng);
    const int64_t stride = planeWords(N, C, HW);
    std::vector<uint64_t> planes(bits * stride, ~0ull);
    qnn_rt::quantize_levels_f32(x.data(), thr.data(), T, planes.data(), stride, bits, N, C, HW);
    expectLevels(planes, stride, bits, N, C, HW, [&](int64_t n, int64_t c, int64_t p) {
      unsigned expected = 0;
      for (int64_t t = 0; t < T; ++t)
        expected += x[(n * C + c) * HW + p] >= thr[c * T + t];
      return expected;
    });
  }
}

// The integer thresholds on the same blocks: descending channels, values on
// a threshold and the extremes of int32.
TEST(LowBit, ThresholdLevelsWideBlocks) {
  const int64_t N = 2, C = 150, HW = 37;
  std::mt19937 rng(10);
  for (int bits : {1, 2, 3}) {
    const int64_t T = (int64_t(1) << bits) - 1;
    std::vector<int32_t> acc(N * C * HW), thr(C * T);
    std::vector<int8_t> descending(C);
    for (int64_t c = 0; c < C; ++c) {
      descending[c] = c % 3 == 1;
      for (int64_t i = 0; i < T; ++i)
        thr[c * T + i] = static_cast<int32_t>(rng() % 200) - 100;
    }
    for (size_t i = 0; i < acc.size(); ++i)
      acc[i] = i % 89 == 0 ? thr[(i / HW % C) * T] : i % 97 == 0 ? INT32_MIN : i % 101 == 0 ? INT32_MAX
                                                                          : static_cast<int32_t>(rng() % 240) - 120;
    const int64_t stride = planeWords(N, C, HW);
    std::vector<uint64_t> planes(bits * stride, ~0ull);
    qnn_rt::threshold_levels_i32(acc.data(), thr.data(), T, descending.data(), planes.data(), stride, bits, N, C,
                                 HW);
    expectLevels(planes, stride, bits, N, C, HW, [&](int64_t n, int64_t c, int64_t p) {
      unsigned reached = 0;
      for (int64_t t = 0; t < T; ++t)
        reached += acc[(n * C + c) * HW + p] >= thr[c * T + t];
      return descending[c] ? static_cast<unsigned>(T) - reached : reached;
    });
  }
}

TEST(LowBit, LevelsToBinary) {
  const int64_t N = 1, C = 70, HW = 3, stride = planeWords(N, C, HW);
  std::vector<uint64_t> plane(stride);
  qnn_rt::pack_levels(plane.data(), stride, 1, N, C, HW, [](int64_t, int64_t c, int64_t p) { return (c + p) % 2; },
                      qnn_rt::no_vector_words);
  const int64_t binaryPlane = N * HW * 2;
  std::vector<uint64_t> got(2 * binaryPlane);
  qnn_rt::levels_to_binary(plane.data(), stride, got.data(), binaryPlane, N, C, HW);
  // The same values packed as a binary tensor: level 1 -> +1, level 0 -> -1.
  std::vector<uint64_t> expected(got.size());
  qnn_rt::pack_ternary(expected.data(), binaryPlane, N, C, HW,
                       [](int64_t, int64_t c, int64_t p) { return (c + p) % 2 ? 1 : -1; });
  EXPECT_EQ(got, expected);
}

/// The weights of a case: odd integers in [-(2^m - 1), 2^m - 1] (the plain
/// planes), or, through per-channel offsets, integers of a signed
/// weightBits-bit grid (each channel its own sub-range, zero and even
/// values included) or ternary.
enum class Grid { Odd, Signed, Ternary };

struct BitserialCase {
  int64_t c, h, w, o, k, s, p, g;
  int bits, weightBits = 1;
  Grid grid = Grid::Odd;
};

void checkBitserial(const BitserialCase &k, unsigned seed) {
  std::mt19937 rng(seed);
  const int64_t N = 1, cg = k.c / k.g, HW = k.h * k.w, perChannel = cg * k.k * k.k;
  const int64_t oh = (k.h + 2 * k.p - k.k) / k.s + 1, ow = (k.w + 2 * k.p - k.k) / k.s + 1;
  const unsigned maxLevel = (1u << k.bits) - 1;
  std::vector<unsigned> level(N * k.c * HW);
  for (unsigned &v : level)
    v = rng() % (maxLevel + 1);
  // w: the integer weights; n: the odd integers the planes spell (n = sum_i
  // 2^i b_i, b_i = +-1), w = (n + d) / 2 with offsets d.
  const int weightPlanes = k.grid == Grid::Ternary ? 2 : k.weightBits;
  std::vector<int> w(k.o * perChannel), n(w.size());
  std::vector<int32_t> offsets(qnn_rt::binary_lane_blocks(k.o) * qnn_rt::kBinaryLanes, 12345);
  for (int64_t o = 0; o < k.o; ++o) {
    int lo = -1, hi = 1;
    if (k.grid == Grid::Signed) {
      const int low = -(1 << (k.weightBits - 1)), values = 1 << k.weightBits;
      lo = low + static_cast<int>(rng() % values);
      hi = lo + static_cast<int>(rng() % (low + values - lo));
    }
    const int d = static_cast<int>(qnn_rt::weight_grid_offset(lo, hi));
    offsets[o] = d;
    for (int64_t i = 0; i < perChannel; ++i) {
      int &q = w[o * perChannel + i];
      if (k.grid == Grid::Odd) {
        q = 2 * static_cast<int>(rng() % (1u << k.weightBits)) - ((1 << k.weightBits) - 1);
        n[o * perChannel + i] = q;
      } else {
        q = lo + static_cast<int>(rng() % (hi - lo + 1));
        n[o * perChannel + i] = 2 * q - d;
      }
    }
  }
  const auto expected = referenceConv({N, k.c, k.h, k.w, k.o, k.k, k.k, k.s, k.s, k.p, k.p, 1, 1, k.g, oh, ow}, w,
                                      [&](int64_t, int64_t c, int64_t y, int64_t z) { return level[c * HW + y * k.w + z]; });
  const int32_t *weightOffsets = k.grid == Grid::Odd ? nullptr : offsets.data();
  const int64_t stride = planeWords(N, k.c, HW);
  std::vector<uint64_t> planes(k.bits * stride);
  qnn_rt::pack_levels(planes.data(), stride, k.bits, N, k.c, HW,
                      [&](int64_t, int64_t c, int64_t p) { return level[c * HW + p]; }, qnn_rt::no_vector_words);
  // Weights in the binary kernel layout, one set per weight plane (the
  // runtime's plane split and packer).
  std::vector<uint32_t> packed(qnn_rt::binary_weight_halves(weightPlanes, k.o, k.k, k.k, cg));
  qnn_rt::pack_binary_weights(packed.data(), weightPlanes, k.o, cg, k.k, k.k,
                              [&](int64_t plane, int64_t o, int64_t c, int64_t y, int64_t x) {
                                return qnn_rt::weight_plane_negative(n[((o * cg + c) * k.k + y) * k.k + x],
                                                                     static_cast<int>(plane), weightPlanes);
                              });
  std::vector<int32_t> got(expected.size(), 12345);
  const qnn_rt::Conv2DParams params{N, k.c, k.h, k.w, k.o, k.k, k.k, oh, ow, k.s, k.s, k.p, k.p, 1, 1, k.g};
  qnn_rt::bitserial_conv2d(planes.data(), stride, k.bits, packed.data(), weightPlanes, weightOffsets, got.data(), params);
  ASSERT_EQ(got, expected) << "A" << k.bits << " W" << k.weightBits << " grid " << static_cast<int>(k.grid);

  // The fused epilogue rounds like scale_bias_i32 then add_f32, bit for bit,
  // also in place over the residual.
  std::uniform_real_distribution<float> uni(-2.0f, 2.0f);
  std::vector<float> scale(k.o), bias(k.o), residual(expected.size());
  for (int64_t i = 0; i < k.o; ++i) {
    scale[i] = uni(rng) * 0.1f;
    bias[i] = uni(rng);
  }
  for (float &v : residual)
    v = uni(rng);
  std::vector<float> affine(expected.size()), sum(expected.size());
  qnn_rt::scale_bias_i32(expected.data(), scale.data(), bias.data(), affine.data(), N, k.o, oh * ow);
  qnn_rt::add_f32(affine.data(), residual.data(), sum.data(), 1, 1, 1, sum.size(), 0, 0, 0, 1, 0, 0, 0, 1);
  std::vector<float> fused(expected.size()), inPlace = residual;
  qnn_rt::bitserial_conv2d_affine(planes.data(), stride, k.bits, packed.data(), weightPlanes, weightOffsets, scale.data(),
                                  bias.data(), nullptr, fused.data(), params);
  EXPECT_EQ(0, std::memcmp(fused.data(), affine.data(), fused.size() * sizeof(float)));
  qnn_rt::bitserial_conv2d_affine(planes.data(), stride, k.bits, packed.data(), weightPlanes, weightOffsets, scale.data(),
                                  bias.data(), inPlace.data(), inPlace.data(), params);
  EXPECT_EQ(0, std::memcmp(inPlace.data(), sum.data(), sum.size() * sizeof(float)));
}

TEST(LowBit, BitserialConv) {
  checkBitserial({32, 8, 8, 6, 3, 1, 1, 1, 2}, 1);   // padded borders
  checkBitserial({64, 9, 9, 5, 3, 2, 1, 1, 2}, 2);   // stride 2, one whole word
  checkBitserial({130, 7, 7, 4, 3, 1, 1, 1, 3}, 3);  // 3 bits, partial last word
  checkBitserial({128, 7, 7, 10, 7, 1, 0, 1, 2}, 4); // the whole image as the kernel
  checkBitserial({70, 6, 6, 4, 3, 1, 1, 2, 4}, 5);   // groups not on word boundaries
  checkBitserial({64, 7, 7, 6, 3, 1, 1, 1, 2, 2}, 6); // W2A2
  checkBitserial({40, 5, 5, 3, 3, 2, 1, 1, 4, 4}, 7); // W4A4, stride 2
  // One pass for all plane pairs (AVX-512): several interior tiles, partial
  // lane blocks, groups off word boundaries, 1-bit activations.
  checkBitserial({70, 6, 12, 40, 3, 1, 1, 2, 2, 2}, 8); // W2A2, groups
  checkBitserial({64, 5, 10, 36, 3, 1, 1, 1, 1, 2}, 9); // W2A1
  checkBitserial({128, 6, 13, 72, 3, 1, 1, 1, 2}, 10);  // W1A2, two register blocks
}

// Integer weight grids through per-channel offsets, W1..W8 x A1..A8, the
// shapes taking turns: padding, stride 2, groups off word boundaries,
// partial lane blocks, full and single-pixel tiles.
TEST(LowBit, BitserialConvIntegerGrids) {
  const BitserialCase shapes[] = {{20, 6, 9, 10, 3, 1, 1, 1, 1},
                                  {64, 7, 7, 9, 3, 2, 1, 1, 1},
                                  {70, 5, 10, 12, 3, 1, 1, 2, 1},
                                  {33, 4, 6, 40, 1, 1, 0, 1, 1}};
  unsigned seed = 100;
  for (int weightBits = 1; weightBits <= 8; ++weightBits)
    for (int bits = 1; bits <= 8; ++bits) {
      BitserialCase k = shapes[(weightBits + bits) % 4];
      k.bits = bits;
      k.weightBits = weightBits;
      k.grid = Grid::Signed;
      checkBitserial(k, ++seed);
    }
  for (int bits : {1, 2, 4}) {
    BitserialCase k = shapes[bits % 4];
    k.bits = bits;
    k.grid = Grid::Ternary;
    checkBitserial(k, ++seed);
  }
}

} // namespace
