// The independent reference the kernel tests compare against: a 2-D integer
// convolution in plain loops. Positions in the padding contribute nothing,
// which every quantization here maps zero padding to (Sign(0), level 0,
// x - zero_point at the zero point).
#ifndef QNNC_TEST_UNIT_REFERENCE_CONV_H
#define QNNC_TEST_UNIT_REFERENCE_CONV_H

#include <cstdint>
#include <vector>

struct RefConv {
  int64_t n, c, h, w, o, kh, kw, sh, sw, pt, pl, dh, dw, g, oh, ow;
};

/// y[n][o][oy][ox] = sum value(n, c, iy, ix) * w[o][c][i][j] (NCHW, OIHW,
/// groups), `value` giving the input as an integer.
template <class Value, class Weight>
std::vector<int32_t> referenceConv(const RefConv &k, const std::vector<Weight> &w, Value value) {
  const int64_t cg = k.c / k.g, og = k.o / k.g;
  std::vector<int32_t> y(k.n * k.o * k.oh * k.ow, 0);
  for (int64_t n = 0; n < k.n; ++n)
    for (int64_t o = 0; o < k.o; ++o)
      for (int64_t oy = 0; oy < k.oh; ++oy)
        for (int64_t ox = 0; ox < k.ow; ++ox) {
          int32_t sum = 0;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t i = 0; i < k.kh; ++i)
              for (int64_t j = 0; j < k.kw; ++j) {
                const int64_t iy = oy * k.sh - k.pt + i * k.dh, ix = ox * k.sw - k.pl + j * k.dw;
                if (iy >= 0 && iy < k.h && ix >= 0 && ix < k.w)
                  sum += static_cast<int32_t>(value(n, (o / og) * cg + c, iy, ix)) *
                         static_cast<int32_t>(w[((o * cg + c) * k.kh + i) * k.kw + j]);
              }
          y[((n * k.o + o) * k.oh + oy) * k.ow + ox] = sum;
        }
  return y;
}

#endif
