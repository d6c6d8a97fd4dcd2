#include "frontends/onnx/QonnxQuant.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace qnnc::qonnx {

std::optional<Rounding> parseRounding(llvm::StringRef mode) {
  std::string upper = mode.upper();
  if (upper == "ROUND")
    return Rounding::HalfEven;
  if (upper == "CEIL")
    return Rounding::Ceil;
  if (upper == "FLOOR")
    return Rounding::Floor;
  return std::nullopt;
}

int64_t minInt(bool isSigned, bool narrow, int64_t bits) {
  if (!isSigned)
    return 0;
  return -(int64_t(1) << (bits - 1)) + (narrow ? 1 : 0);
}

int64_t maxInt(bool isSigned, bool narrow, int64_t bits) {
  if (isSigned)
    return (int64_t(1) << (bits - 1)) - 1;
  return (int64_t(1) << bits) - (narrow ? 2 : 1);
}

float IntQuant::level(float x) const {
  // The spec's order: scale, shift, clamp, then round.
  float y = x / scale + zeropt;
  y = y > static_cast<float>(hi) ? static_cast<float>(hi) : y;
  y = y < static_cast<float>(lo) ? static_cast<float>(lo) : y;
  switch (rounding) {
  case Rounding::HalfEven:
    return std::nearbyint(y); // the default rounding mode: to nearest, ties to even
  case Rounding::Ceil:
    return std::ceil(y);
  case Rounding::Floor:
    return std::floor(y);
  }
  return y;
}

namespace {
/// Floats in order as integers: a < b <=> key(a) < key(b) (-0 and +0 tie).
int64_t key(float f) {
  int32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits >= 0 ? bits : -static_cast<int64_t>(bits & 0x7FFFFFFF);
}
float fromKey(int64_t k) {
  int32_t bits = k >= 0 ? static_cast<int32_t>(k) : static_cast<int32_t>((-k) | 0x80000000LL);
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
} // namespace

float firstReaching(const IntQuant &q, float target) {
  const float inf = std::numeric_limits<float>::infinity();
  int64_t lo = key(-inf), hi = key(inf);
  if (q.level(-inf) >= target)
    return -inf;
  // Invariant: level(fromKey(lo)) < target <= level(fromKey(hi)).
  while (hi - lo > 1) {
    int64_t mid = lo + (hi - lo) / 2;
    (q.level(fromKey(mid)) >= target ? hi : lo) = mid;
  }
  return fromKey(hi);
}

} // namespace qnnc::qonnx
