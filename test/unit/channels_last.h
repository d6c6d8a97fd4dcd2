// Layout helper of the kernel tests: a tensor [N, C, HW] stored NCHW, copied
// to channels-last (NHWC) order, so that a kernel's channels-last result can
// be compared bit for bit with its NCHW one.
#ifndef QNNC_TEST_UNIT_CHANNELS_LAST_H
#define QNNC_TEST_UNIT_CHANNELS_LAST_H

#include <cstdint>
#include <vector>

template <class T>
std::vector<T> toChannelsLast(const std::vector<T> &nchw, int64_t n, int64_t c, int64_t hw) {
  std::vector<T> nhwc(nchw.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < hw; ++p)
        nhwc[(i * hw + p) * c + ch] = nchw[(i * c + ch) * hw + p];
  return nhwc;
}

#endif
