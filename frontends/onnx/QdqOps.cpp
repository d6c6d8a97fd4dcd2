// ONNX 8-bit quantization: QuantizeLinear, DequantizeLinear, QLinearConv,
// QLinearMatMul.
#include "frontends/onnx/Importer.h"

namespace qnnc::onnx_import {

ArrayRef<OpHandler> Importer::qdqOps() {
  static const OpHandler ops[] = {
      {"", "QuantizeLinear", [](Importer &i) { return i.quantizeLinear(); }},
      {"", "DequantizeLinear", [](Importer &i) { return i.dequantizeLinear(); }},
      {"", "QLinearConv", [](Importer &i) { return i.qlinear(/*isConv=*/true); }},
      {"", "QLinearMatMul", [](Importer &i) { return i.qlinear(/*isConv=*/false); }},
  };
  return ops;
}

//===----------------------------------------------------------------------===//
// ONNX 8-bit quantization
//===----------------------------------------------------------------------===//

/// Scale (input `scaleInput`) and optional zero point (the next input) of a
/// QuantizeLinear / DequantizeLinear; the zero point's type (uint8 when
/// absent) sets isUnsigned.
FailureOr<std::pair<SmallVector<float>, SmallVector<int64_t>>> Importer::quantParams(int scaleInput,
                                                                                      bool &isUnsigned) {
  auto scale = constantInput(scaleInput);
  if (failed(scale))
    return failure();
  if (!scale->getElementType().isF32() || scale->getType().getRank() > 1)
    return error() << "scale must be a float scalar or 1-D tensor";
  SmallVector<float> s(scale->getValues<float>());
  for (float v : s)
    if (!(v > 0.0f) || !std::isfinite(v))
      return error() << "scale must be positive and finite";
  SmallVector<int64_t> zp(s.size(), 0);
  isUnsigned = true;
  if (node->input_size() > scaleInput + 1 && !node->input(scaleInput + 1).empty()) {
    auto z = constantInput(scaleInput + 1);
    if (failed(z))
      return failure();
    if (z->getNumElements() != (int64_t)s.size())
      return error() << "zero point must have as many entries as scale (" << s.size() << ")";
    auto element = dyn_cast<IntegerType>(z->getElementType());
    if (!element)
      return error() << "zero point must be an integer tensor";
    isUnsigned = element.isUnsigned();
    zp.clear();
    for (const APInt &v : z->getValues<APInt>())
      zp.push_back(isUnsigned ? (int64_t)v.getZExtValue() : v.getSExtValue());
  }
  return std::make_pair(s, zp);
}

LogicalResult Importer::quantizeLinear() {
  bool isUnsigned;
  auto params = quantParams(1, isUnsigned);
  auto x = input(0);
  auto axis = intAttr("axis", 1);
  if (failed(params) || failed(x) || failed(axis))
    return failure();
  auto shape = typeOf(*x).getShape();
  const int64_t rank = shape.size(), a = *axis < 0 ? *axis + rank : *axis;
  if (params->first.size() > 1 && (a < 0 || a >= rank || shape[a] != (int64_t)params->first.size()))
    return error() << params->first.size() << " scales do not match axis " << *axis << " of the input of shape "
                   << shapeStr(shape);
  auto element = IntegerType::get(b.getContext(), 8, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  return setOutput(b.create<QuantizeLinearOp>(loc, RankedTensorType::get(shape, element), *x,
                                              b.getDenseF32ArrayAttr(params->first),
                                              b.getDenseI64ArrayAttr(params->second),
                                              b.getI64IntegerAttr(params->first.size() > 1 ? a : 0)));
}

LogicalResult Importer::dequantizeLinear() {
  bool isUnsigned;
  auto params = quantParams(1, isUnsigned);
  auto axis = intAttr("axis");
  if (failed(params) || failed(axis))
    return failure();
  // Constant inputs (quantized weights, int32 biases) are materialized as
  // constants; the op folds when nothing else reads the integers.
  Value x = materialize(node->input(0));
  if (!x)
    return error() << "input 0 '" << node->input(0) << "' is not defined before this node";
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!xt || !(xt.getElementType().isInteger(8) || xt.getElementType().isSignlessInteger(32)))
    return error() << "input 0 must be an int8, uint8 or int32 tensor";
  int64_t rank = xt.getRank(), a = *axis < 0 ? *axis + rank : *axis;
  if (params->first.size() > 1 && (a < 0 || a >= rank || xt.getShape()[a] != (int64_t)params->first.size()))
    return error() << params->first.size() << " scales do not match axis " << *axis << " of the input of shape "
                   << shapeStr(xt.getShape());
  return setOutput(b.create<DequantizeLinearOp>(loc, f32(xt.getShape()), x,
                                                b.getDenseF32ArrayAttr(params->first),
                                                b.getDenseI64ArrayAttr(params->second),
                                                b.getI64IntegerAttr(params->first.size() > 1 ? a : 0)));
}

/// An integer (quantized) tensor input.
FailureOr<Value> Importer::integerInput(int i) {
  Value v = i < node->input_size() ? materialize(node->input(i)) : Value();
  if (!v)
    return error() << "input " << i << " is not produced by any earlier node, initializer or graph input";
  if (!isa<IntegerType>(typeOf(v).getElementType()))
    return error() << "input '" << node->input(i) << "' must be an integer (quantized) tensor";
  return v;
}

/// Input `index` (8-bit) dequantized with the scale and zero point of the
/// next two inputs, per tensor or along `axis`.
FailureOr<Value> Importer::dequantized(int index, int64_t axis) {
  bool isUnsigned;
  auto params = quantParams(index + 1, isUnsigned);
  auto x = integerInput(index);
  if (failed(params) || failed(x))
    return failure();
  auto xt = typeOf(*x);
  if (!xt.getElementType().isInteger(8))
    return error() << "input " << index << " must be an int8 or uint8 tensor";
  if (params->first.size() > 1 && (axis >= xt.getRank() || xt.getShape()[axis] != (int64_t)params->first.size()))
    return error() << params->first.size() << " scales of input " << index << " do not match its shape "
                   << shapeStr(xt.getShape());
  return b.create<DequantizeLinearOp>(loc, f32(xt.getShape()), *x, b.getDenseF32ArrayAttr(params->first),
                                      b.getDenseI64ArrayAttr(params->second),
                                      b.getI64IntegerAttr(params->first.size() > 1 ? axis : 0))
      .getResult();
}

/// QLinearConv / QLinearMatMul as the QDQ graph they stand for:
/// quantize_linear(op(dequantize_linear(x), dequantize_linear(w)) + bias),
/// the bias being int32 at scale x_scale * w_scale.
LogicalResult Importer::qlinear(bool isConv) {
  auto x = dequantized(0, 0), w = dequantized(3, isConv ? 0 : 1);
  if (failed(x) || failed(w))
    return failure();
  bool isUnsigned;
  auto yParams = quantParams(6, isUnsigned);
  if (failed(yParams))
    return failure();
  if (yParams->first.size() != 1)
    return error() << "per-axis quantization of the output is not supported (one scale is)";
  Value result;
  if (isConv) {
    Value bias;
    if (node->input_size() > 8 && !node->input(8).empty()) {
      auto bq = integerInput(8);
      if (failed(bq))
        return failure();
      auto wdq = w->getDefiningOp<DequantizeLinearOp>();
      float xs = x->getDefiningOp<DequantizeLinearOp>().getScale()[0];
      int64_t channels = typeOf(*w).getShape()[0];
      SmallVector<float> scale;
      for (int64_t o = 0; o < channels; ++o)
        scale.push_back(xs * wdq.getScale()[wdq.getScale().size() == 1 ? 0 : o]);
      if (typeOf(*bq).getShape() != ArrayRef<int64_t>{channels} || !isa<IntegerType>(typeOf(*bq).getElementType()))
        return error() << "bias must be an int32 tensor of " << channels << " elements";
      bias = b.create<DequantizeLinearOp>(loc, f32({channels}), *bq, b.getDenseF32ArrayAttr(scale),
                                          b.getDenseI64ArrayAttr(SmallVector<int64_t>(channels, 0)),
                                          b.getI64IntegerAttr(0));
    }
    auto conv = buildConv(*x, *w, bias);
    if (failed(conv))
      return failure();
    result = *conv;
  } else {
    auto product = buildMatMul(*x, *w);
    if (failed(product))
      return failure();
    result = *product;
  }
  auto element = IntegerType::get(b.getContext(), 8, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  return setOutput(b.create<QuantizeLinearOp>(loc, RankedTensorType::get(typeOf(result).getShape(), element), result,
                                              b.getDenseF32ArrayAttr(yParams->first[0]),
                                              b.getDenseI64ArrayAttr(yParams->second[0]), b.getI64IntegerAttr(0)));
}

} // namespace qnnc::onnx_import
