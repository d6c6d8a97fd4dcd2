// The QONNX quantizers (Quant, BipolarQuant) as the QONNX spec computes them
// in float32, and exact thresholds for them: qnnc imports a quantizer of
// activations as a MultiThreshold whose thresholds are the smallest floats
// reaching each level, so the two agree on every input but NaN.
#ifndef QNNC_FRONTENDS_ONNX_QONNXQUANT_H
#define QNNC_FRONTENDS_ONNX_QONNXQUANT_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace qnnc::qonnx {

enum class Rounding { HalfEven, Ceil, Floor };

/// ROUND, CEIL or FLOOR (any case), the modes the spec's reference resolves.
std::optional<Rounding> parseRounding(llvm::StringRef mode);

/// Quant: level = round(clamp(x / scale + zeropt, lo, hi)), value =
/// (level - zeropt) * scale.
struct IntQuant {
  float scale, zeropt;
  int64_t lo, hi; // from signed, narrow and bitwidth
  Rounding rounding;

  float level(float x) const;
  float value(float x) const { return (level(x) - zeropt) * scale; }
};

/// The integer range of a `bits`-bit quantizer (spec's min_int / max_int).
int64_t minInt(bool isSigned, bool narrow, int64_t bits);
int64_t maxInt(bool isSigned, bool narrow, int64_t bits);

/// BipolarQuant: x >= 0 ? scale : -scale.
inline float bipolarValue(float x, float scale) { return (x >= 0.0f ? 1.0f : -1.0f) * scale; }

/// The smallest float x with q.level(x) >= target (level is monotone in x
/// for scale > 0); -inf when every non-NaN float reaches it.
float firstReaching(const IntQuant &q, float target);

} // namespace qnnc::qonnx

#endif
