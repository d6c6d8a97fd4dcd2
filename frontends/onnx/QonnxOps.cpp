// QONNX operators (qonnx.custom_op.general): MultiThreshold, Quant and
// BipolarQuant with the spec's float32 semantics.
#include "frontends/onnx/Importer.h"
#include "frontends/onnx/QonnxQuant.h"

namespace qnnc::onnx_import {

ArrayRef<OpHandler> Importer::qonnxOps() {
  static const OpHandler ops[] = {
      {kQonnxDomain, "MultiThreshold", [](Importer &i) { return i.multiThreshold(); }},
      {kQonnxDomain, "Quant", [](Importer &i) { return i.quant(/*bipolar=*/false); }},
      {kQonnxDomain, "BipolarQuant", [](Importer &i) { return i.quant(/*bipolar=*/true); }},
  };
  return ops;
}

//===----------------------------------------------------------------------===//
// QONNX custom ops
//===----------------------------------------------------------------------===//

LogicalResult Importer::multiThreshold() {
  if (failed(checkArity(2, 2)))
    return failure();
  auto x = input(0);
  auto thresholds = constantInput(1);
  auto scale = floatAttr("out_scale", 1.0f), bias = floatAttr("out_bias", 0.0f);
  auto layout = stringAttr("data_layout", "NCHW");
  if (failed(x) || failed(thresholds) || failed(scale) || failed(bias) || failed(layout))
    return failure();
  if (*layout != "NCHW" && *layout != "NC")
    return error() << "data_layout '" << *layout << "' is not supported (NCHW and NC are)";
  auto xs = typeOf(*x).getShape();
  if (xs.size() < 2)
    return error() << "input of shape " << shapeStr(xs) << " has no channel axis";
  auto ts = thresholds->getType().getShape();
  if (!thresholds->getElementType().isF32() || ts.size() != 2 || (ts[0] != 1 && ts[0] != xs[1]))
    return error() << "thresholds must be a float tensor of shape [" << xs[1] << ", T] or [1, T], got "
                   << shapeStr(ts);
  if (ts[1] < 1 || ts[1] > 255)
    return error() << ts[1] << " thresholds per channel are not supported (1 to 255 are)";
  if (!std::isfinite(*scale) || !std::isfinite(*bias))
    return error() << "out_scale and out_bias must be finite";
  Value table = b.create<arith::ConstantOp>(loc, *thresholds);
  return setOutput(b.create<MultiThresholdOp>(loc, typeOf(*x), *x, table, b.getF32FloatAttr(*scale),
                                              b.getF32FloatAttr(*bias)));
}

/// A per-tensor multi-threshold of `x` (thresholds shared by all channels).
LogicalResult Importer::multiThresholdFrom(Value x, ArrayRef<float> thresholds, float scale, float bias) {
  auto xs = typeOf(x).getShape();
  if (xs.size() < 2)
    return error() << "quantizing an input of shape " << shapeStr(xs) << " (no channel axis) is not supported";
  auto tableType = f32({1, (int64_t)thresholds.size()});
  Value table = b.create<arith::ConstantOp>(loc, DenseElementsAttr::get(tableType, thresholds));
  return setOutput(b.create<MultiThresholdOp>(loc, typeOf(x), x, table, b.getF32FloatAttr(scale),
                                              b.getF32FloatAttr(bias)));
}

/// Quant (x, scale, zeropt, bitwidth) and BipolarQuant (x, scale) with the
/// spec's float32 semantics. Constant inputs (weights) are quantized here;
/// activations become a multi-threshold with exact thresholds.
LogicalResult Importer::quant(bool bipolar) {
  if (failed(checkArity(bipolar ? 2 : 4, bipolar ? 2 : 4)))
    return failure();
  SmallVector<DenseElementsAttr> params;
  for (int i = 1; i < node->input_size(); ++i) {
    auto c = constantInput(i);
    if (failed(c))
      return failure();
    params.push_back(*c);
  }
  // Scale, zero point and bit width: float32 (the QONNX spec) or integers
  // of any width, each read as its own type; at least one value.
  const char *names[] = {"scale", "zeropt", "bitwidth"};
  SmallVector<SmallVector<float>> values;
  for (auto [index, param] : llvm::enumerate(params)) {
    SmallVector<float> &v = values.emplace_back();
    Type type = param.getElementType();
    if (type.isF32())
      v.assign(param.getValues<float>().begin(), param.getValues<float>().end());
    else if (auto integer = dyn_cast<IntegerType>(type))
      for (const APInt &i : param.getValues<APInt>())
        v.push_back(static_cast<float>(integer.isUnsigned() ? i.getZExtValue() : i.getSExtValue()));
    else
      return error() << names[index] << " must be a float32 or integer tensor";
    if (v.empty())
      return error() << names[index] << " has no values";
  }
  SmallVector<float> scale = values[0], zeropt = bipolar ? SmallVector<float>{0.0f} : values[1];
  for (float s : scale)
    if (!(s > 0.0f) || !std::isfinite(s))
      return error() << "scale must be positive and finite";
  qonnx::IntQuant q{scale[0], zeropt[0], -1, 1, qonnx::Rounding::HalfEven};
  if (!bipolar) {
    const SmallVector<float> &bits = values[2];
    auto isSigned = intAttr("signed", 1), narrow = intAttr("narrow", 0);
    auto mode = stringAttr("rounding_mode", "ROUND");
    if (failed(isSigned) || failed(narrow) || failed(mode))
      return failure();
    if (bits.size() != 1 || bits[0] != std::floor(bits[0]) || bits[0] < 1 || bits[0] > 24)
      return error() << "bitwidth must be one integer from 1 to 24";
    auto rounding = qonnx::parseRounding(*mode);
    if (!rounding)
      return error() << "rounding_mode '" << *mode << "' is not supported (ROUND, CEIL and FLOOR are)";
    q.lo = qonnx::minInt(*isSigned, *narrow, (int64_t)bits[0]);
    q.hi = qonnx::maxInt(*isSigned, *narrow, (int64_t)bits[0]);
    q.rounding = *rounding;
  }
  for (float z : zeropt)
    if (!std::isfinite(z))
      return error() << "zeropt must be finite";

  // Weights: quantize the constant, scale and zero-point broadcast against it.
  if (node->input(0).empty())
    return error() << "input 0 is required";
  auto constant = constants.find(node->input(0));
  if (constant != constants.end()) {
    DenseElementsAttr x = constant->second;
    if (!x.getElementType().isF32())
      return error() << "input 0 must be a float tensor";
    auto xs = x.getType().getShape();
    auto broadcastIndex = [&](DenseElementsAttr p, int64_t i) -> FailureOr<int64_t> {
      auto ps = p.getType().getShape();
      if (ps.size() > xs.size())
        return failure();
      int64_t index = 0, stride = 1;
      for (int64_t d = (int64_t)xs.size() - 1, pd = (int64_t)ps.size() - 1; d >= 0; --d, --pd) {
        int64_t coord = i % xs[d];
        i /= xs[d];
        if (pd < 0)
          continue;
        if (ps[pd] != 1 && ps[pd] != xs[d])
          return failure();
        index += (ps[pd] == 1 ? 0 : coord) * stride;
        stride *= ps[pd];
      }
      return index;
    };
    SmallVector<float> values(x.getValues<float>());
    for (int64_t i = 0; i < (int64_t)values.size(); ++i) {
      auto si = broadcastIndex(params[0], i);
      auto zi = bipolar ? FailureOr<int64_t>(0) : broadcastIndex(params[1], i);
      if (failed(si) || failed(zi))
        return error() << "scale and zeropt must broadcast to the input's shape " << shapeStr(xs);
      if (bipolar) {
        values[i] = qonnx::bipolarValue(values[i], scale[*si]);
      } else {
        q.scale = scale[*si];
        q.zeropt = zeropt[*zi];
        values[i] = q.value(values[i]);
      }
    }
    constants[node->output(0)] = DenseElementsAttr::get(x.getType(), ArrayRef<float>(values));
    return success();
  }

  // Activations: one scale and zero-point for the tensor.
  auto x = input(0);
  if (failed(x))
    return failure();
  if (scale.size() != 1 || zeropt.size() != 1)
    return error() << "per-channel scale or zeropt on activations is not supported (one value each is)";
  if (bipolar) // x >= 0 reaches the one threshold: 2s * n - s is +-s exactly
    return multiThresholdFrom(*x, {0.0f}, 2.0f * q.scale, -q.scale);
  if (q.hi - q.lo > 255)
    return error() << "activations of more than 8 bits are not supported";
  SmallVector<float> thresholds;
  for (int64_t level = q.lo + 1; level <= q.hi; ++level)
    thresholds.push_back(qonnx::firstReaching(q, static_cast<float>(level)));
  return multiThresholdFrom(*x, thresholds, q.scale, (static_cast<float>(q.lo) - q.zeropt) * q.scale);
}

} // namespace qnnc::onnx_import
