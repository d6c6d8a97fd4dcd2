// Operators of the default ONNX domain.
#include "frontends/onnx/Importer.h"

namespace qnnc::onnx_import {

ArrayRef<OpHandler> Importer::coreOps() {
  static const OpHandler ops[] = {
      {"", "Conv", [](Importer &i) { return i.conv(); }},
      {"", "Gemm", [](Importer &i) { return i.gemm(/*isMatMul=*/false); }},
      {"", "MatMul", [](Importer &i) { return i.gemm(/*isMatMul=*/true); }},
      {"", "BatchNormalization", [](Importer &i) { return i.batchNorm(); }},
      {"", "Sign", [](Importer &i) { return i.unary<SignOp>(); }},
      {"", "Relu", [](Importer &i) { return i.unary<ReluOp>(); }},
      {"", "Clip", [](Importer &i) { return i.clip(); }},
      {"", "Add", [](Importer &i) { return i.broadcast<AddOp>(/*unidirectional=*/false); }},
      {"", "Sub", [](Importer &i) { return i.broadcast<SubOp>(/*unidirectional=*/false); }},
      {"", "Mul", [](Importer &i) { return i.broadcast<MulOp>(/*unidirectional=*/false); }},
      {"", "PRelu", [](Importer &i) { return i.broadcast<PReluOp>(/*unidirectional=*/true); }},
      {"", "MaxPool", [](Importer &i) { return i.pool(/*isMax=*/true); }},
      {"", "AveragePool", [](Importer &i) { return i.pool(/*isMax=*/false); }},
      {"", "GlobalAveragePool", [](Importer &i) { return i.globalAvgPool(); }},
      {"", "Flatten", [](Importer &i) { return i.flatten(); }},
      {"", "Reshape", [](Importer &i) { return i.reshape(); }},
      {"", "Transpose", [](Importer &i) { return i.transpose(); }},
      {"", "Pad", [](Importer &i) { return i.pad(); }},
      {"", "Concat", [](Importer &i) { return i.concat(); }},
      {"", "Softmax", [](Importer &i) { return i.softmax(); }},
      {"", "Identity", [](Importer &i) { return i.identity(); }},
      {"", "Constant", [](Importer &i) { return i.constant(); }},
  };
  return ops;
}

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

Importer::Window Importer::Window::axes(size_t first, size_t count) const {
  const size_t rank = kernel.size();
  auto slice = [&](const Ints &v, size_t from) { return Ints(v.begin() + from, v.begin() + from + count); };
  Window w{slice(kernel, first), slice(strides, first), slice(pads, first), slice(dilations, first),
           slice(out, first)};
  Ints ends = slice(pads, rank + first);
  w.pads.append(ends.begin(), ends.end());
  return w;
}

Importer::Window Importer::Window::then(const Window &inner) const {
  auto join = [](Ints a, const Ints &b) {
    a.append(b.begin(), b.end());
    return a;
  };
  const size_t rank = kernel.size(), innerRank = inner.kernel.size();
  Ints starts = join(Ints(pads.begin(), pads.begin() + rank), Ints(inner.pads.begin(), inner.pads.begin() + innerRank));
  Ints ends = join(Ints(pads.begin() + rank, pads.end()), Ints(inner.pads.begin() + innerRank, inner.pads.end()));
  return {join(kernel, inner.kernel), join(strides, inner.strides), join(starts, ends),
          join(dilations, inner.dilations), join(out, inner.out)};
}

Importer::Window Importer::Window::unit(int64_t size) { return {{1}, {1}, {0, 0}, {1}, {size}}; }

FailureOr<Importer::Window> Importer::window(ArrayRef<int64_t> in, Ints kernel, bool allowDilations) {
  const size_t rank = in.size();
  auto strides = intsAttr("strides", Ints(rank, 1));
  auto dilations = intsAttr("dilations", Ints(rank, 1));
  auto pads = intsAttr("pads", Ints(2 * rank, 0));
  auto autoPad = stringAttr("auto_pad");
  if (failed(strides) || failed(dilations) || failed(pads) || failed(autoPad))
    return failure();
  if (kernel.size() != rank || strides->size() != rank || dilations->size() != rank || pads->size() != 2 * rank)
    return error() << "expects " << rank << " kernel sizes, strides and dilations and " << 2 * rank
                   << " pads for the spatial dimensions " << shapeStr(in) << "; has " << kernel.size() << ", "
                   << strides->size() << ", " << dilations->size() << " and " << pads->size();
  for (size_t i = 0; i < rank; ++i) {
    if (kernel[i] < 1 || kernel[i] > kMaxDim)
      return error() << "kernel size " << kernel[i] << " is out of range";
    if ((*strides)[i] < 1 || (*strides)[i] > kMaxDim)
      return error() << "stride " << (*strides)[i] << " is out of range (must be >= 1)";
    if ((*dilations)[i] < 1 || (*dilations)[i] > kMaxDim)
      return error() << "dilation " << (*dilations)[i] << " is out of range (must be >= 1)";
  }
  if (!allowDilations && llvm::any_of(*dilations, [](int64_t d) { return d != 1; }))
    return error() << "dilations other than 1 are not supported here";
  for (int64_t p : *pads)
    if (p < 0 || p > kMaxDim)
      return error() << "pad " << p << " is out of range";
  Window w{kernel, *strides, *pads, *dilations, {}};
  if (*autoPad == "SAME_UPPER" || *autoPad == "SAME_LOWER") {
    for (size_t i = 0; i < rank; ++i) {
      int64_t out = (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(
          (out - 1) * w.strides[i] + (kernel[i] - 1) * w.dilations[i] + 1 - in[i], 0);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = *autoPad == "SAME_UPPER" ? small : large;
      w.pads[i + rank] = *autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (*autoPad == "VALID") {
    w.pads.assign(2 * rank, 0);
  } else if (*autoPad != "NOTSET") {
    return error() << "auto_pad '" << *autoPad << "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID";
  }
  for (size_t i = 0; i < rank; ++i) {
    int64_t o = windowOutputSize(in[i], kernel[i], w.strides[i], w.pads[i], w.pads[i + rank], w.dilations[i]);
    if (o < 1)
      return error() << "the " << kernel[i] << "-wide window (dilation " << w.dilations[i]
                     << ") does not fit the input of size " << in[i] << " with its padding";
    w.out.push_back(o);
  }
  return w;
}

LogicalResult Importer::conv() {
  auto x = input(0), w = input(1), bias = optionalInput(2);
  if (failed(x) || failed(w) || failed(bias))
    return failure();
  auto out = buildConv(*x, *w, *bias);
  return failed(out) ? failure() : setOutput(*out);
}

/// The convolution of x by w (+ bias) with this node's attributes; a 1-D one
/// ([N, C, L]) as the 2-D one of height 1.
FailureOr<Value> Importer::buildConv(Value x, Value w, Value bias) {
  auto xs = typeOf(x).getShape(), ws = typeOf(w).getShape();
  if (xs.size() != ws.size() || xs.size() < 3 || xs.size() > 5)
    return error() << "only 1-D, 2-D and 3-D convolution is supported: input " << shapeStr(xs) << " and weights "
                   << shapeStr(ws) << " must have one rank, 3, 4 or 5";
  const Ints kernelDims(ws.begin() + 2, ws.end());
  auto kernel = intsAttr("kernel_shape", kernelDims);
  auto group = intAttr("group");
  if (failed(kernel) || failed(group))
    return failure();
  if (*kernel != kernelDims)
    return error() << "kernel_shape " << shapeStr(*kernel) << " differs from the weights' " << shapeStr(ws);
  auto win = window(xs.drop_front(2), *kernel, true);
  if (failed(win))
    return failure();
  auto attrs = [&](const Window &v) {
    return std::make_tuple(b.getDenseI64ArrayAttr(v.strides), b.getDenseI64ArrayAttr(v.pads),
                           b.getDenseI64ArrayAttr(v.dilations), b.getI64IntegerAttr(*group));
  };
  if (xs.size() == 5) {
    auto [strides, pads, dilations, groups] = attrs(*win);
    return create<Conv3DOp>(x, w, bias, strides, pads, dilations, groups);
  }
  const bool oneD = xs.size() == 3;
  if (oneD) {
    x = reshapeTo(x, {xs[0], xs[1], 1, xs[2]});
    w = reshapeTo(w, {ws[0], ws[1], 1, ws[2]});
  }
  auto [strides, pads, dilations, groups] = attrs(oneD ? Window::unit(1).then(*win) : *win);
  auto y = create<Conv2DOp>(x, w, bias, strides, pads, dilations, groups, FloatAttr(), FloatAttr());
  if (failed(y) || !oneD)
    return y;
  return reshapeTo(*y, {xs[0], ws[0], win->out[0]});
}

LogicalResult Importer::gemm(bool isMatMul) {
  auto a = input(0), bm = input(1), c = optionalInput(2);
  if (failed(a) || failed(bm) || failed(c))
    return failure();
  if (isMatMul) {
    auto product = buildMatMul(*a, *bm);
    return failed(product) ? failure() : setOutput(*product);
  }
  auto as = typeOf(*a).getShape(), bs = typeOf(*bm).getShape();
  if (as.size() != 2 || bs.size() != 2)
    return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs) << " are not supported (rank 2)";
  auto transA = intAttr("transA"), transB = intAttr("transB");
  auto alpha = floatAttr("alpha"), beta = floatAttr("beta");
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  return setOutput(create<GemmOp>(*a, *bm, *c, b.getBoolAttr(*transA), b.getBoolAttr(*transB),
                                  b.getF32FloatAttr(*alpha), b.getF32FloatAttr(*beta)));
}

/// ONNX MatMul of float a by b: matrices, a stack of matrices by one
/// matrix, or stacks on both sides.
FailureOr<Value> Importer::buildMatMul(Value a, Value bm) {
  auto as = typeOf(a).getShape(), bs = typeOf(bm).getShape();
  auto matmul = [&](Value l, Value r) {
    return create<GemmOp>(l, r, Value(), b.getBoolAttr(false), b.getBoolAttr(false), b.getF32FloatAttr(1.0f),
                          b.getF32FloatAttr(1.0f));
  };
  // A MatMul of a stack of matrices by one matrix (a linear layer over a
  // sequence): the stack's rows as one matrix, the result reshaped back.
  if (as.size() > 2 && bs.size() == 2) {
    if (as.back() != bs[0])
      return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs) << " do not multiply";
    SmallVector<int64_t> outShape(as.drop_back());
    outShape.push_back(bs[1]);
    auto product = matmul(flattenAt(a, as.size() - 1), bm);
    if (failed(product))
      return failure();
    return reshapeTo(*product, outShape);
  }
  // Stacks on both sides: their batch dimensions (numpy-broadcast, where
  // one side's are all 1 or both are equal) flattened into one.
  if (as.size() > 2 && bs.size() > 2) {
    const ArrayRef<int64_t> aBatch = as.drop_back(2), bBatch = bs.drop_back(2);
    auto single = [](ArrayRef<int64_t> batch) { return llvm::all_of(batch, [](int64_t d) { return d == 1; }); };
    if (aBatch != bBatch && !single(aBatch) && !single(bBatch))
      return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs)
                     << " are not supported (batch dimensions equal, or all 1 on one side)";
    if (as.back() != bs[bs.size() - 2])
      return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs) << " do not multiply";
    // The other side's batch dimensions, 1s in front up to the longer rank.
    const ArrayRef<int64_t> batch = single(aBatch) ? bBatch : aBatch;
    SmallVector<int64_t> outShape(std::max(aBatch.size(), bBatch.size()) - batch.size(), 1);
    outShape.append(batch.begin(), batch.end());
    outShape.append({as[as.size() - 2], bs.back()});
    auto stack = [&](Value v, ArrayRef<int64_t> s) {
      return reshapeTo(v, {ShapedType::getNumElements(s.drop_back(2)), s[s.size() - 2], s.back()});
    };
    auto y = create<BatchMatMulOp>(stack(a, as), stack(bm, bs));
    if (failed(y))
      return failure();
    return reshapeTo(*y, outShape);
  }
  if (as.size() != 2 || bs.size() != 2)
    return error() << "operands of shape " << shapeStr(as) << " and " << shapeStr(bs)
                   << " are not supported (rank 2, stacks of matrices by one matrix or by a stack)";
  return matmul(a, bm);
}

LogicalResult Importer::batchNorm() {
  SmallVector<Value> in;
  for (int i = 0; i < 5; ++i) {
    auto v = input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  auto eps = floatAttr("epsilon");
  auto momentum = floatAttr("momentum", 0.9f);
  auto training = intAttr("training_mode", 0); // opset 14 added it
  if (failed(eps) || failed(momentum) || failed(training))
    return failure();
  if (!*training)
    return setOutput(create<BatchNormOp>(in[0], in[1], in[2], in[3], in[4], b.getF32FloatAttr(*eps)));
  // Training mode: normalized by the batch's statistics; outputs 1 and 2
  // (optional) are the running mean and variance.
  auto norm = create<BatchNormTrainingOp>(in[0], in[1], in[2], in[3], in[4], b.getF32FloatAttr(*eps),
                                          b.getF32FloatAttr(*momentum));
  if (failed(norm))
    return failure();
  Operation *op = norm->getDefiningOp();
  for (int i = 1; i < std::min(node->output_size(), 3); ++i)
    if (!node->output(i).empty() && failed(setOutput(op->getResult(i), i)))
      return failure();
  return setOutput(op->getResult(0));
}

template <class Op> LogicalResult Importer::unary() {
  auto x = input(0);
  if (failed(x))
    return failure();
  return setOutput(b.create<Op>(loc, typeOf(*x), *x));
}

template <class Op> LogicalResult Importer::broadcast(bool unidirectional) {
  // PRelu is float only; Add, Sub and Mul take integers too (wrapping).
  const Elements elements = std::is_same_v<Op, PReluOp> ? Elements::Float : Elements::Any;
  auto l = input(0, elements);
  if (failed(l))
    return failure();
  auto r = input(1, elements);
  if (failed(r))
    return failure();
  if (typeOf(*l).getElementType() != typeOf(*r).getElementType())
    return error() << "operands of " << typeOf(*l).getElementType() << " and " << typeOf(*r).getElementType()
                   << " differ in element type";
  auto out = create<Op>(*l, *r);
  if (failed(out))
    return failure();
  auto ls = typeOf(*l).getShape(), rs = typeOf(*r).getShape(), shape = typeOf(*out).getShape();
  if (unidirectional && shape != ls)
    return error() << "shapes " << shapeStr(ls) << " and " << shapeStr(rs) << " do not broadcast unidirectionally";
  if (qnn::broadcastView(shape, {ls, rs}).dims.size() > 4)
    return error() << "broadcasting " << shapeStr(ls) << " and " << shapeStr(rs)
                   << " is not supported: more than 4 dimensions after merging those both operands read alike";
  return setOutput(*out);
}

LogicalResult Importer::clip() {
  auto x = input(0, Elements::Any);
  if (failed(x))
    return failure();
  Type element = typeOf(*x).getElementType();
  if (!element.isF32() && !element.isInteger(8))
    return error() << "input '" << node->input(0) << "' is a tensor of " << element
                   << "; Clip takes float32, uint8 or int8";
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();
  if (opset < 11) {
    auto a = floatAttr("min", lo), c = floatAttr("max", hi);
    if (failed(a) || failed(c))
      return failure();
    lo = *a;
    hi = *c;
  }
  for (int i = 1; i < 3; ++i) {
    if (i >= node->input_size() || node->input(i).empty())
      continue;
    auto c = constantInput(i);
    if (failed(c))
      return failure();
    if (c->getNumElements() != 1 || c->getElementType() != element)
      return error() << (i == 1 ? "min" : "max") << " must be a scalar of the input's type, " << element;
    // 8-bit integers are exact as floats.
    (i == 1 ? lo : hi) = element.isF32() ? *c->getValues<float>().begin()
                         : element.isUnsignedInteger(8)
                             ? static_cast<float>((*c->getValues<APInt>().begin()).getZExtValue())
                             : static_cast<float>((*c->getValues<APInt>().begin()).getSExtValue());
  }
  return setOutput(b.create<ClipOp>(loc, typeOf(*x), *x, b.getF32FloatAttr(lo), b.getF32FloatAttr(hi)));
}

LogicalResult Importer::pool(bool isMax) {
  auto x = input(0, isMax ? Elements::FloatOrInteger : Elements::Float);
  if (failed(x))
    return failure();
  auto xs = typeOf(*x).getShape();
  if (xs.size() < 3 || xs.size() > 5)
    return error() << "only 1-D, 2-D and 3-D pooling is supported: input " << shapeStr(xs) << " must be rank 3, 4 or 5";
  auto kernel = intsAttr("kernel_shape");
  auto ceil = intAttr("ceil_mode");
  auto cip = isMax ? FailureOr<int64_t>(0) : intAttr("count_include_pad");
  if (failed(kernel) || failed(ceil) || failed(cip))
    return failure();
  if (*ceil && *cip)
    return error() << "ceil_mode = 1 with count_include_pad = 1 is not supported";
  const ArrayRef<int64_t> spatial = xs.drop_front(2);
  auto win = window(spatial, *kernel, isMax);
  if (failed(win))
    return failure();
  // ceil_mode: the windows that overhang the end of an axis are kept, as
  // more padding there (which max and an average over the input's own
  // elements both ignore), except a last window that would start past the
  // input and its start padding (ONNX Runtime and PyTorch drop it).
  const size_t rank = spatial.size();
  for (size_t i = 0; *ceil && i < rank; ++i) {
    const int64_t in = spatial[i], stride = win->strides[i];
    const int64_t span = (win->kernel[i] - 1) * win->dilations[i] + 1;
    const int64_t padded = in + win->pads[i] + win->pads[i + rank];
    int64_t out = (padded - span + stride - 1) / stride + 1;
    if ((out - 1) * stride >= in + win->pads[i])
      --out;
    win->pads[i + rank] += std::max<int64_t>(0, (out - 1) * stride + span - padded);
  }
  auto pool2D = [&](Value in, const Window &w) {
    return isMax ? create<MaxPoolOp>(in, b.getDenseI64ArrayAttr(w.kernel), b.getDenseI64ArrayAttr(w.strides),
                                     b.getDenseI64ArrayAttr(w.pads), b.getDenseI64ArrayAttr(w.dilations))
                 : create<AvgPoolOp>(in, b.getDenseI64ArrayAttr(w.kernel), b.getDenseI64ArrayAttr(w.strides),
                                     b.getDenseI64ArrayAttr(w.pads), b.getBoolAttr(*cip));
  };
  // MaxPool's optional second output, Indices: of 2-D windows (1-D as
  // height 1, where both storage orders count w).
  const bool indices = isMax && node->output_size() > 1 && !node->output(1).empty();
  auto storageOrder = isMax ? intAttr("storage_order", 0) : FailureOr<int64_t>(0);
  if (failed(storageOrder))
    return failure();
  if (*storageOrder != 0 && *storageOrder != 1)
    return error() << "storage_order must be 0 (row major) or 1 (column major), not " << *storageOrder;
  if (indices && rank == 3)
    return error() << "the Indices output of 3-D max pooling is not supported";
  auto indices2D = [&](Value in, const Window &w) {
    return create<MaxPoolIndicesOp>(in, b.getDenseI64ArrayAttr(w.kernel), b.getDenseI64ArrayAttr(w.strides),
                                    b.getDenseI64ArrayAttr(w.pads), b.getDenseI64ArrayAttr(w.dilations),
                                    b.getBoolAttr(*storageOrder == 1));
  };
  if (rank == 2) {
    if (indices && failed(setOutput(indices2D(*x, *win), 1)))
      return failure();
    return setOutput(pool2D(*x, *win));
  }
  if (rank == 1) {
    const Value rows = reshapeTo(*x, {xs[0], xs[1], 1, xs[2]});
    const Window rowWindow = Window::unit(1).then(*win);
    if (indices) {
      auto i = indices2D(rows, rowWindow);
      if (failed(i) || failed(setOutput(reshapeTo(*i, {xs[0], xs[1], typeOf(*i).getShape()[3]}), 1)))
        return failure();
    }
    auto y = pool2D(rows, rowWindow);
    return failed(y) ? failure() : setOutput(reshapeTo(*y, {xs[0], xs[1], typeOf(*y).getShape()[3]}));
  }
  // 3-D: the window is a box, so its maximum is the maximum over depth of
  // the maxima over height x width, and its average (of the elements it
  // counts: a product over the axes either way) the average over depth of
  // the averages over height x width. Both as 2-D pooling: of the depth
  // slices as channels, then of depth by 1 over the flattened planes.
  auto planes = pool2D(reshapeTo(*x, {xs[0], xs[1] * xs[2], xs[3], xs[4]}), win->axes(1, 2));
  if (failed(planes))
    return failure();
  const ArrayRef<int64_t> plane = typeOf(*planes).getShape().drop_front(2);
  const int64_t pixels = plane[0] * plane[1];
  auto y = pool2D(reshapeTo(*planes, {xs[0], xs[1], xs[2], pixels}), win->axes(0, 1).then(Window::unit(pixels)));
  if (failed(y))
    return failure();
  return setOutput(reshapeTo(*y, {xs[0], xs[1], typeOf(*y).getShape()[2], plane[0], plane[1]}));
}

LogicalResult Importer::globalAvgPool() {
  auto x = input(0);
  if (failed(x))
    return failure();
  return setOutput(create<GlobalAvgPoolOp>(*x));
}

LogicalResult Importer::flatten() {
  auto x = input(0, Elements::Any);
  if (failed(x))
    return failure();
  auto axis = axisAttr(typeOf(*x).getRank(), /*upToRank=*/true);
  return failed(axis) ? failure() : setOutput(flattenAt(*x, *axis));
}

LogicalResult Importer::reshape() {
  auto x = input(0, Elements::Any);
  if (failed(x))
    return failure();
  auto shapeAttr = constantInput(1);
  if (failed(shapeAttr))
    return failure();
  auto allowZero = intAttr("allowzero", 0); // opset 14 added it
  if (failed(allowZero))
    return failure();
  if (!shapeAttr->getElementType().isInteger(64))
    return error() << "shape must be an int64 tensor";
  auto xs = typeOf(*x).getShape();
  Ints shape(shapeAttr->getValues<int64_t>());
  int64_t known = 1, inferred = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !*allowZero) {
      if (i >= xs.size())
        return error() << "shape entry " << i << " is 0 but the input has rank " << xs.size();
      shape[i] = xs[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0)
        return error() << "shape " << shapeStr(shape) << " has more than one -1";
      inferred = i;
      continue;
    }
    if (shape[i] < 0 || shape[i] > kMaxDim)
      return error() << "shape entry " << shape[i] << " is out of range";
    known *= shape[i];
  }
  int64_t total = typeOf(*x).getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known)
      return error() << "cannot infer -1 in shape " << shapeStr(shape) << " for " << total << " elements";
    shape[inferred] = total / known;
    known *= shape[inferred];
  }
  if (known != total)
    return error() << "cannot reshape " << shapeStr(xs) << " into " << shapeStr(shape);
  return setOutput(reshapeTo(*x, shape));
}

LogicalResult Importer::pad() {
  auto x = input(0, Elements::Any);
  if (failed(x))
    return failure();
  if (typeOf(*x).getElementType().isF64())
    return error() << "input '" << node->input(0) << "' is a float64 tensor; Pad takes float32 and integers";
  auto pads = constantInput(1);
  if (failed(pads))
    return failure();
  auto mode = stringAttr("mode");
  if (failed(mode))
    return failure();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge")
    return error() << "mode '" << *mode << "' is not one of constant, reflect, edge";
  float value = 0.0f;
  Type element = typeOf(*x).getElementType();
  if (node->input_size() > 2 && !node->input(2).empty()) {
    auto v = constantInput(2);
    if (failed(v))
      return failure();
    if (v->getNumElements() != 1 || v->getElementType() != element)
      return error() << "constant_value must be a scalar of the input's type, " << element;
    if (element.isF32()) {
      value = *v->getValues<float>().begin();
    } else {
      // The kernel's value attribute is a float: integers beyond 2^24 would
      // round.
      const APInt raw = *v->getValues<APInt>().begin();
      const int64_t whole = element.isUnsignedInteger(8) ? raw.getZExtValue() : raw.getSExtValue();
      if (whole < -(int64_t(1) << 24) || whole > (int64_t(1) << 24))
        return error() << "constant_value " << whole << " is beyond 2^24, which qnnc's pad cannot hold exactly";
      value = static_cast<float>(whole);
    }
  }
  if (!pads->getElementType().isInteger(64))
    return error() << "pads must be an int64 tensor";
  auto xs = typeOf(*x).getShape();
  int64_t rank = xs.size();
  Ints p(pads->getValues<int64_t>());
  if ((int64_t)p.size() != 2 * rank)
    return error() << "pads has " << p.size() << " entries, expected " << 2 * rank;
  if (llvm::all_of(p, [](int64_t v) { return v == 0; }))
    return setOutput(*x);
  for (int64_t v : p)
    if (v < 0 || v > kMaxDim)
      return error() << "pad " << v << " is out of range (cropping is not supported)";
  if (rank != 4 || p[0] || p[1] || p[4] || p[5])
    return error() << "only padding of the spatial dimensions of a rank-4 tensor is supported";
  return setOutput(create<PadOp>(*x, b.getDenseI64ArrayAttr({p[2], p[3], p[6], p[7]}), b.getF32FloatAttr(value),
                                 b.getStringAttr(*mode)));
}

LogicalResult Importer::transpose() {
  auto x = input(0);
  if (failed(x))
    return failure();
  auto xs = typeOf(*x).getShape();
  Ints reversed;
  for (int64_t i = xs.size() - 1; i >= 0; --i)
    reversed.push_back(i);
  auto perm = intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  if (xs.size() > 6) // the runtime's transpose_f32 permutes up to 6 axes
    return error() << "transpose beyond rank 6 is not supported";
  return setOutput(create<TransposeOp>(*x, b.getDenseI64ArrayAttr(*perm)));
}

LogicalResult Importer::concat() {
  SmallVector<Value> in;
  for (int i = 0; i < node->input_size(); ++i) {
    auto v = input(i);
    if (failed(v))
      return failure();
    in.push_back(*v);
  }
  auto axis = axisAttr(typeOf(in[0]).getRank());
  return failed(axis) ? failure() : setOutput(create<ConcatOp>(in, b.getI64IntegerAttr(*axis)));
}

LogicalResult Importer::softmax() {
  auto x = input(0);
  if (failed(x))
    return failure();
  auto axis = axisAttr(typeOf(*x).getRank());
  if (failed(axis))
    return failure();
  if (opset >= 13)
    return setOutput(b.create<SoftmaxOp>(loc, typeOf(*x), *x, b.getI64IntegerAttr(*axis)));
  // Softmax-11: the input is coerced to 2-D [prod(:axis), prod(axis:)].
  Value flat = flattenAt(*x, *axis);
  Value s = b.create<SoftmaxOp>(loc, typeOf(flat), flat, b.getI64IntegerAttr(1));
  return setOutput(reshapeTo(s, typeOf(*x).getShape()));
}

LogicalResult Importer::identity() {
  auto c = constants.find(node->input(0));
  if (c != constants.end()) {
    constants[node->output(0)] = c->second;
    return success();
  }
  auto x = input(0, Elements::Any);
  if (failed(x))
    return failure();
  return setOutput(*x);
}

LogicalResult Importer::constant() {
  if (node->attribute_size() != 1)
    return error() << "expects exactly one value attribute";
  const auto &a = node->attribute(0);
  DenseElementsAttr value;
  if (a.name() == "value" && a.type() == onnx::AttributeProto::TENSOR) {
    auto t = decodeTensor(a.t());
    if (failed(t))
      return failure();
    value = *t;
  } else if (a.name() == "value_float" && a.type() == onnx::AttributeProto::FLOAT) {
    value = DenseElementsAttr::get(f32({}), a.f());
  } else if (a.name() == "value_floats" && a.type() == onnx::AttributeProto::FLOATS) {
    value = DenseElementsAttr::get(f32({a.floats_size()}), ArrayRef<float>(a.floats().data(), a.floats_size()));
  } else if (a.name() == "value_int" && a.type() == onnx::AttributeProto::INT) {
    value = DenseElementsAttr::get(RankedTensorType::get({}, b.getI64Type()), (int64_t)a.i());
  } else if (a.name() == "value_ints" && a.type() == onnx::AttributeProto::INTS) {
    Ints v(a.ints().begin(), a.ints().end());
    value = DenseElementsAttr::get(RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()), ArrayRef<int64_t>(v));
  } else {
    return error() << "attribute '" << a.name() << "' is not supported (value, value_float(s), value_int(s) are)";
  }
  constants[node->output(0)] = value;
  return success();
}

} // namespace qnnc::onnx_import
