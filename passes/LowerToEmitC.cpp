// qnn-lower-to-emitc: the model function -> EmitC calls of runtime kernels
// over one static arena.
#include "passes/Passes.h"
#include "passes/Storage.h"

#include "qnn_runtime/binary_kernels.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <variant>

namespace qnnc {
#define GEN_PASS_DEF_LOWERTOEMITC
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;
using namespace qnnc::storage;

namespace {

/// An argument of a kernel call: an SSA operand, a literal attribute or an
/// integer literal.
using Arg = std::variant<Value, Attribute, int64_t>;

std::string identifierFrom(Location loc, StringRef fallback) {
  std::string name;
  if (auto named = dyn_cast<NameLoc>(loc))
    name = named.getName().str();
  // Importer locations read "node 'NAME' (OpType)": keep NAME.
  size_t open = name.find('\''), close = name.rfind('\'');
  if (open != std::string::npos && close > open + 1)
    name = name.substr(open + 1, close - open - 1);
  if (name.empty())
    name = fallback.str();
  for (char &c : name)
    if (!isalnum(static_cast<unsigned char>(c)))
      c = '_';
  if (isdigit(static_cast<unsigned char>(name[0])))
    name = "t" + name;
  return name;
}

class Lowering {
public:
  Lowering(ModuleOp module, func::FuncOp func, StringRef entry)
      : module(module), func(func), entry(entry.str()), b(module.getContext()) {}

  LogicalResult run();

private:
  ModuleOp module;
  func::FuncOp func;
  std::string entry;
  OpBuilder b;
  emitc::FuncOp entryFunc;
  Value arena, output;
  DenseMap<Value, SmallVector<Value, 2>> pointers; // tensor -> buffer(s)
  DenseMap<Value, Value> globals;                   // constant tensor -> array
  llvm::StringSet<> globalNames;

  MLIRContext *ctx() { return module.getContext(); }
  Type ptrTo(Type t) { return emitc::PointerType::get(t); }
  Type elementCType(Type t) {
    if (isa<BinaryTensorType, LevelsTensorType>(t))
      return b.getIntegerType(64, /*isSigned=*/false);
    return cast<RankedTensorType>(t).getElementType();
  }

  std::string uniqueName(std::string base) {
    std::string name = base;
    for (int i = 1; !globalNames.insert(name).second; ++i)
      name = base + "_" + std::to_string(i);
    return name;
  }

  /// A constant array at namespace scope, referenced from the function.
  Value global(Location loc, StringRef role, DenseElementsAttr values) {
    auto flat = values.reshape(RankedTensorType::get({values.getNumElements()}, values.getElementType()));
    auto arrayType = emitc::ArrayType::get({values.getNumElements()}, values.getElementType());
    std::string name = uniqueName(identifierFrom(loc, "weights") + "_" + role.str());
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(entryFunc);
      b.create<emitc::VerbatimOp>(loc, "alignas(64)");
      b.create<emitc::GlobalOp>(loc, name, arrayType, flat, /*extern_specifier=*/false,
                                /*static_specifier=*/true, /*const_specifier=*/true);
    }
    return b.create<emitc::GetGlobalOp>(loc, arrayType, name);
  }

  Value constantArray(Value tensor) {
    Value &array = globals[tensor];
    if (!array) {
      auto constant = tensor.getDefiningOp<arith::ConstantOp>();
      array = global(constant.getLoc(), "data", cast<DenseElementsAttr>(constant.getValue()));
    }
    return array;
  }

  /// The buffer of a float or int32 tensor operand.
  Value buffer(Value tensor) {
    if (tensor.getDefiningOp<arith::ConstantOp>())
      return constantArray(tensor);
    return pointers.lookup(tensor).front();
  }

  Value arenaPointer(Location loc, Type element, int64_t offset) {
    return b
        .create<emitc::CallOpaqueOp>(loc, TypeRange{ptrTo(element)}, "qnn_rt::arena_at", ValueRange{arena},
                                     b.getArrayAttr({b.getIndexAttr(0), b.getI64IntegerAttr(offset)}),
                                     b.getArrayAttr({TypeAttr::get(element)}))
        .getResult(0);
  }

  void allocate(Value result, int64_t at) {
    Location loc = result.getLoc();
    if (auto binary = dyn_cast<BinaryTensorType>(result.getType())) {
      Type word = elementCType(binary);
      pointers[result] = {arenaPointer(loc, word, at), arenaPointer(loc, word, at + alignUp(planeBytes(binary)))};
      return;
    }
    pointers[result] = {arenaPointer(loc, elementCType(result.getType()), at)};
  }

  /// Emits `name(args...)`: Values become operands, attributes are printed
  /// as literals.
  void call(Location loc, StringRef name, ArrayRef<Arg> args) {
    SmallVector<Value> operands;
    SmallVector<Attribute> printed;
    for (auto &arg : args) {
      if (auto *v = std::get_if<Value>(&arg)) {
        printed.push_back(b.getIndexAttr(operands.size()));
        operands.push_back(*v);
      } else if (auto *a = std::get_if<Attribute>(&arg)) {
        printed.push_back(*a);
      } else {
        printed.push_back(b.getI64IntegerAttr(std::get<int64_t>(arg)));
      }
    }
    b.create<emitc::CallOpaqueOp>(loc, TypeRange{}, name, operands, b.getArrayAttr(printed), ArrayAttr{});
  }

  static void append(std::vector<Arg> &args, std::vector<Arg> more) {
    args.insert(args.end(), more.begin(), more.end());
  }
  Attribute null() { return emitc::OpaqueAttr::get(ctx(), "nullptr"); }
  Attribute f32(APFloat v) { return b.getF32FloatAttr(v.convertToFloat()); }

  Value packedWeights(Location loc, ElementsAttr weight);

  /// The shape and window arguments every convolution kernel (float or
  /// binary) ends with: N, C, H, W, O, KH, KW, OH, OW, strides, top/left
  /// pads, dilations, group.
  template <class ConvOp>
  void appendConvShape(std::vector<Arg> &args, ConvOp conv) {
    auto in = getShapeOf(conv.getInput().getType()), o = getShapeOf(conv.getOutput().getType());
    auto ws = kernelShape(conv.getWeight().getType());
    auto s = conv.getStrides(), p = conv.getPads(), d = conv.getDilations();
    for (int64_t v : {in[0], in[1], in[2], in[3], ws[0], ws[2], ws[3], o[2], o[3], s[0], s[1], p[0], p[1], d[0],
                      d[1], static_cast<int64_t>(conv.getGroup())})
      args.push_back(v);
  }
  /// The low, high and descending tables of a threshold as globals.
  std::tuple<Value, Value, Value> thresholdTables(Location loc, ArrayRef<int32_t> low, ArrayRef<int32_t> high,
                                                  ArrayRef<bool> descending) {
    auto i32 = RankedTensorType::get({(int64_t)low.size()}, b.getI32Type());
    return {global(loc, "low", DenseElementsAttr::get(i32, low)),
            global(loc, "high", DenseElementsAttr::get(i32, high)), descendingTable(loc, descending)};
  }
  /// Per-channel descending flags as an int8_t global.
  Value descendingTable(Location loc, ArrayRef<bool> descending) {
    SmallVector<int8_t> flags(descending.begin(), descending.end());
    auto i8 = RankedTensorType::get({(int64_t)flags.size()}, b.getI8Type());
    return global(loc, "descending", DenseElementsAttr::get(i8, ArrayRef<int8_t>(flags)));
  }
  /// The pointer, plane stride (words) and bits of a levels tensor.
  std::vector<Arg> levelsArgs(Value levels) {
    auto type = cast<LevelsTensorType>(levels.getType());
    return {pointers[levels].front(), planeStrideWords(type), static_cast<int64_t>(type.getBits())};
  }
  Value scratchPointer(Operation *op, Type element) {
    return arenaPointer(op->getLoc(), element, op->getAttrOfType<IntegerAttr>(kScratchAttr).getInt());
  }
  LogicalResult lower(Operation *op);
  LogicalResult lowerBroadcast(Operation *op, StringRef kernel);
};

/// i1 weights [O, Cg, KH, KW] (or [O, K], or [planes, O, Cg, KH, KW]) ->
/// the kernel's rows [planes][O][binary_row_words] of [KH][KW][words(Cg)]
/// words, as uint32 halves.
Value Lowering::packedWeights(Location loc, ElementsAttr weight) {
  auto shape = kernelShape(weight.getType());
  int64_t planes = weightPlanes(weight.getType()), o = shape[0], cg = shape[1];
  int64_t kh = shape.size() == 4 ? shape[2] : 1, kw = shape.size() == 4 ? shape[3] : 1;
  int64_t gw = wordsFor(cg), kp = qnn_rt::binary_row_words(kh, kw, cg);
  SmallVector<bool> bits(weight.getValues<bool>());
  SmallVector<uint32_t> halves(planes * o * kp * 2, 0);
  for (int64_t oc = 0; oc < planes * o; ++oc)
    for (int64_t c = 0; c < cg; ++c)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          if (bits[((oc * cg + c) * kh + y) * kw + x]) {
            int64_t word = oc * kp + (y * kw + x) * gw + c / 64, bit = c % 64;
            halves[2 * word + bit / 32] |= uint32_t(1) << (bit % 32);
          }
  auto u32 = RankedTensorType::get({(int64_t)halves.size()}, b.getIntegerType(32, /*isSigned=*/false));
  return global(loc, "bits", DenseElementsAttr::get(u32, ArrayRef<uint32_t>(halves)));
}

LogicalResult Lowering::lowerBroadcast(Operation *op, StringRef kernel) {
  auto out = cast<RankedTensorType>(op->getResult(0).getType()).getShape();
  if (out.size() > 4)
    return op->emitOpError("broadcasting is supported up to rank 4");
  SmallVector<int64_t> dims(4 - out.size(), 1);
  dims.append(out.begin(), out.end());
  std::vector<Arg> args = {buffer(op->getOperand(0)),
                                                               buffer(op->getOperand(1)),
                                                               pointers[op->getResult(0)].front()};
  for (int64_t d : dims)
    args.push_back(d);
  for (Value operand : op->getOperands()) {
    auto shape = cast<RankedTensorType>(operand.getType()).getShape();
    SmallVector<int64_t> padded(4 - shape.size(), 1);
    padded.append(shape.begin(), shape.end());
    int64_t stride = 1;
    SmallVector<int64_t> strides(4);
    for (int i = 3; i >= 0; --i) {
      strides[i] = padded[i] == 1 ? 0 : stride;
      stride *= padded[i];
    }
    args.insert(args.end(), strides.begin(), strides.end());
  }
  call(op->getLoc(), kernel, args);
  return success();
}

LogicalResult Lowering::lower(Operation *op) {
  Location loc = op->getLoc();
  auto shapeOf = [](Value v) { return getShapeOf(v.getType()); };
  auto numel = [&](Value v) { return product(shapeOf(v)); };
  auto out = [&](unsigned i = 0) { return pointers[op->getResult(i)]; };
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](Conv2DOp conv) {
        Arg bias = conv.getBias() ? Arg(buffer(conv.getBias())) : Arg(null());
        std::vector<Arg> args = {buffer(conv.getInput()), buffer(conv.getWeight()), bias,
                                 scratchPointer(conv, b.getF32Type()), out().front()};
        appendConvShape(args, conv);
        call(loc, "qnn_rt::conv2d_f32", args);
        return success();
      })
      .Case([&](GemmOp gemm) {
        auto a = shapeOf(gemm.getA()), o = shapeOf(gemm.getOutput());
        int64_t k = gemm.getTransA() ? a[0] : a[1];
        Arg c = null();
        int64_t cr = 1, cc = 1;
        if (gemm.getC()) {
          c = buffer(gemm.getC());
          auto cs = shapeOf(gemm.getC());
          cc = cs.empty() ? 1 : cs.back();
          cr = cs.size() == 2 ? cs[0] : 1;
        }
        call(loc, "qnn_rt::gemm_f32",
             {buffer(gemm.getA()), buffer(gemm.getB()), c, out().front(), o[0], o[1], k,
              b.getBoolAttr(gemm.getTransA()), b.getBoolAttr(gemm.getTransB()), f32(gemm.getAlpha()),
              f32(gemm.getBeta()), cr, cc});
        return success();
      })
      .Case([&](BatchNormOp bn) {
        NCS v = ncsOf(shapeOf(bn.getInput()));
        call(loc, "qnn_rt::batch_norm_f32",
             {buffer(bn.getInput()), buffer(bn.getScale()), buffer(bn.getBias()), buffer(bn.getMean()),
              buffer(bn.getVariance()), f32(bn.getEpsilon()), out().front(), v.n, v.c, v.spatial});
        return success();
      })
      .Case([&](ReluOp r) {
        call(loc, "qnn_rt::relu_f32", {buffer(r.getInput()), out().front(), numel(r.getInput())});
        return success();
      })
      .Case([&](SignOp s) {
        call(loc, "qnn_rt::sign_f32", {buffer(s.getInput()), out().front(), numel(s.getInput())});
        return success();
      })
      .Case([&](ClipOp c) {
        call(loc, "qnn_rt::clip_f32",
             {buffer(c.getInput()), out().front(), numel(c.getInput()), f32(c.getMin()), f32(c.getMax())});
        return success();
      })
      .Case([&](AddOp) { return lowerBroadcast(op, "qnn_rt::add_f32"); })
      .Case([&](SubOp) { return lowerBroadcast(op, "qnn_rt::sub_f32"); })
      .Case([&](MulOp) { return lowerBroadcast(op, "qnn_rt::mul_f32"); })
      .Case([&](PReluOp) { return lowerBroadcast(op, "qnn_rt::prelu_f32"); })
      .Case([&](MaxPoolOp pool) {
        auto in = shapeOf(pool.getInput()), o = shapeOf(pool.getOutput());
        auto k = pool.getKernel(), s = pool.getStrides(), p = pool.getPads(), d = pool.getDilations();
        call(loc, "qnn_rt::max_pool",
             {buffer(pool.getInput()), out().front(), in[0] * in[1], in[2], in[3], o[2], o[3], k[0], k[1],
              s[0], s[1], p[0], p[1], d[0], d[1]});
        return success();
      })
      .Case([&](AvgPoolOp pool) {
        auto in = shapeOf(pool.getInput()), o = shapeOf(pool.getOutput());
        auto k = pool.getKernel(), s = pool.getStrides(), p = pool.getPads();
        call(loc, "qnn_rt::avg_pool_f32",
             {buffer(pool.getInput()), out().front(), in[0] * in[1], in[2], in[3], o[2], o[3], k[0], k[1],
              s[0], s[1], p[0], p[1], p[2], p[3], b.getBoolAttr(pool.getCountIncludePad())});
        return success();
      })
      .Case([&](GlobalAvgPoolOp pool) {
        auto in = shapeOf(pool.getInput());
        call(loc, "qnn_rt::global_avg_pool_f32", {buffer(pool.getInput()), out().front(), in[0] * in[1], in[2] * in[3]});
        return success();
      })
      .Case([&](ReshapeOp r) {
        call(loc, "qnn_rt::copy_f32", {buffer(r.getInput()), out().front(), numel(r.getInput())});
        return success();
      })
      .Case([&](PadOp pad) {
        auto in = shapeOf(pad.getInput());
        auto p = pad.getPads();
        call(loc, "qnn_rt::pad_f32",
             {buffer(pad.getInput()), out().front(), in[0] * in[1], in[2], in[3], p[0], p[1], p[2], p[3],
              f32(pad.getValue())});
        return success();
      })
      .Case([&](TransposeOp t) -> LogicalResult {
        auto in = shapeOf(t.getInput());
        if (in.size() > 4)
          return t.emitOpError("transpose is supported up to rank 4");
        int64_t pad = 4 - in.size();
        std::vector<Arg> args = {buffer(t.getInput()), out().front()};
        for (int64_t i = 0; i < 4; ++i)
          args.push_back(i < pad ? 1 : in[i - pad]);
        for (int64_t i = 0; i < 4; ++i)
          args.push_back(i < pad ? i : t.getPerm()[i - pad] + pad);
        call(loc, "qnn_rt::transpose_f32", args);
        return success();
      })
      .Case([&](ConcatOp c) {
        auto o = shapeOf(c.getOutput());
        int64_t axis = c.getAxis();
        int64_t outer = product(o.take_front(axis)), outInner = product(o.drop_front(axis)), offset = 0;
        for (Value input : c.getInputs()) {
          int64_t inner = product(shapeOf(input).drop_front(axis));
          call(loc, "qnn_rt::concat_slice_f32", {buffer(input), out().front(), outer, inner, outInner, offset});
          offset += inner;
        }
        return success();
      })
      .Case([&](SoftmaxOp s) {
        auto in = shapeOf(s.getInput());
        int64_t axis = s.getAxis();
        call(loc, "qnn_rt::softmax_f32",
             {buffer(s.getInput()), out().front(), product(in.take_front(axis)), in[axis],
              product(in.drop_front(axis + 1))});
        return success();
      })
      .Case([&](ToFloatOp t) {
        call(loc, "qnn_rt::to_float_i32", {buffer(t.getInput()), out().front(), numel(t.getInput())});
        return success();
      })
      .Case([&](ScaleBiasOp sb) {
        NCS v = ncsOf(shapeOf(sb.getInput()));
        auto f32Type = RankedTensorType::get({v.c}, b.getF32Type());
        Value scale = global(loc, "scale", DenseElementsAttr::get(f32Type, sb.getScale()));
        Value bias = global(loc, "bias", DenseElementsAttr::get(f32Type, sb.getBias()));
        call(loc, "qnn_rt::scale_bias_i32", {buffer(sb.getInput()), scale, bias, out().front(), v.n, v.c, v.spatial});
        return success();
      })
      .Case([&](BinarizeOp bin) {
        NCS v = ncsOf(shapeOf(bin.getInput()));
        call(loc, "qnn_rt::binarize_f32", {buffer(bin.getInput()), out()[0], out()[1], v.n, v.c, v.spatial});
        return success();
      })
      .Case([&](BinaryConv2DOp conv) {
        auto x = pointers[conv.getInput()];
        std::vector<Arg> args = {x[0], x[1], packedWeights(loc, conv.getWeight()),
                                 scratchPointer(conv, b.getIntegerType(64, false)), out().front()};
        appendConvShape(args, conv);
        call(loc, "qnn_rt::binary_conv2d", args);
        return success();
      })
      .Case([&](BinaryDenseOp dense) {
        auto in = shapeOf(dense.getInput());
        auto ws = cast<ShapedType>(dense.getWeight().getType()).getShape();
        auto x = pointers[dense.getInput()];
        call(loc, "qnn_rt::binary_dense",
             {x[0], x[1], packedWeights(loc, dense.getWeight()), scratchPointer(dense, b.getIntegerType(64, false)),
              out().front(), in[0], in[1], ws[0]});
        return success();
      })
      .Case([&](BinaryConv2DSignOp conv) {
        auto x = pointers[conv.getInput()];
        auto [low, high, descending] = thresholdTables(loc, conv.getLow(), conv.getHigh(), conv.getDescending());
        std::vector<Arg> args = {x[0], x[1], packedWeights(loc, conv.getWeight()),
                                 scratchPointer(conv, b.getIntegerType(64, false)), low, high, descending,
                                 out()[0], out()[1]};
        appendConvShape(args, conv);
        call(loc, "qnn_rt::binary_conv2d_sign", args);
        return success();
      })
      .Case([&](ThresholdOp t) {
        NCS v = ncsOf(shapeOf(t.getInput()));
        auto [low, high, descending] = thresholdTables(loc, t.getLow(), t.getHigh(), t.getDescending());
        call(loc, "qnn_rt::threshold_i32",
             {buffer(t.getInput()), low, high, descending, out()[0], out()[1], v.n, v.c, v.spatial});
        return success();
      })
      .Case([&](QuantizeLevelsOp q) {
        NCS v = ncsOf(shapeOf(q.getInput()));
        auto thresholds = q.getThresholds();
        Value table = global(loc, "thresholds",
                             DenseElementsAttr::get(RankedTensorType::get({(int64_t)thresholds.size()}, b.getF32Type()),
                                                    thresholds));
        std::vector<Arg> args = {buffer(q.getInput()), table, (int64_t)thresholds.size() / v.c};
        append(args, levelsArgs(q.getOutput()));
        append(args, {v.n, v.c, v.spatial});
        call(loc, "qnn_rt::quantize_levels_f32", args);
        return success();
      })
      .Case([&](ThresholdLevelsOp t) {
        NCS v = ncsOf(shapeOf(t.getInput()));
        auto thresholds = t.getThresholds();
        int64_t count = thresholds.size();
        Value table = global(loc, "thresholds",
                             DenseElementsAttr::get(RankedTensorType::get({count}, b.getI32Type()), thresholds));
        std::vector<Arg> args = {buffer(t.getInput()), table, count / v.c, descendingTable(loc, t.getDescending())};
        append(args, levelsArgs(t.getOutput()));
        append(args, {v.n, v.c, v.spatial});
        call(loc, "qnn_rt::threshold_levels_i32", args);
        return success();
      })
      .Case([&](LevelsToFloatOp l) {
        NCS v = ncsOf(shapeOf(l.getInput()));
        std::vector<Arg> args = levelsArgs(l.getInput());
        append(args, {f32(l.getScale()), f32(l.getBias()), out().front(), v.n, v.c, v.spatial});
        call(loc, "qnn_rt::levels_to_float", args);
        return success();
      })
      .Case([&](QuantizeLinearOp q) {
        bool isUnsigned = q.getOutput().getType().getElementType().isUnsignedInteger();
        call(loc, "qnn_rt::quantize_linear",
             {buffer(q.getInput()), out().front(), numel(q.getInput()), f32(q.getScale()),
              (int64_t)q.getZeroPoint(), int64_t(isUnsigned ? 0 : -128), int64_t(isUnsigned ? 255 : 127)});
        return success();
      })
      .Case([&](DequantizeLinearOp d) {
        auto in = shapeOf(d.getInput());
        int64_t c = d.getScale().size(), axis = c > 1 ? d.getAxis() : 0;
        int64_t outer = c > 1 ? product(in.take_front(axis)) : numel(d.getInput());
        int64_t inner = c > 1 ? product(in.drop_front(axis + 1)) : 1;
        SmallVector<int32_t> zp(d.getZeroPoint().begin(), d.getZeroPoint().end());
        Value scale = global(loc, "scale",
                             DenseElementsAttr::get(RankedTensorType::get({c}, b.getF32Type()), d.getScale()));
        Value zero = global(loc, "zero_point",
                            DenseElementsAttr::get(RankedTensorType::get({c}, b.getI32Type()), ArrayRef<int32_t>(zp)));
        call(loc, "qnn_rt::dequantize_linear", {buffer(d.getInput()), out().front(), outer, c, inner, scale, zero});
        return success();
      })
      .Case([&](QConv2DOp conv) {
        auto w = cast<DenseElementsAttr>(conv.getWeight());
        SmallVector<int8_t> values;
        for (const APInt &v : w.getValues<APInt>())
          values.push_back(static_cast<int8_t>(v.getSExtValue()));
        Value weights = global(
            loc, "weights",
            DenseElementsAttr::get(RankedTensorType::get({(int64_t)values.size()}, b.getI8Type()), ArrayRef<int8_t>(values)));
        std::vector<Arg> args = {buffer(conv.getInput()), weights, scratchPointer(conv, b.getI16Type()), out().front(),
                                 (int64_t)conv.getInputZeroPoint()};
        appendConvShape(args, conv);
        call(loc, "qnn_rt::qconv2d", args);
        return success();
      })
      .Case([&](LevelsToBinaryOp l) {
        NCS v = ncsOf(shapeOf(l.getInput()));
        call(loc, "qnn_rt::levels_to_binary",
             {pointers[l.getInput()].front(), out()[0], out()[1], v.n, v.c, v.spatial});
        return success();
      })
      .Case([&](BitserialConv2DOp conv) {
        std::vector<Arg> args = levelsArgs(conv.getInput());
        append(args, {packedWeights(loc, conv.getWeight()), weightPlanes(conv.getWeight().getType()),
                      scratchPointer(conv, b.getIntegerType(64, false)), out().front()});
        appendConvShape(args, conv);
        call(loc, "qnn_rt::bitserial_conv2d", args);
        return success();
      })
      .Default([&](Operation *other) { return other->emitOpError("has no C++ lowering"); });
}

LogicalResult Lowering::run() {
  Block &body = func.getBody().front();
  auto ret = cast<func::ReturnOp>(body.getTerminator());
  if (body.getNumArguments() != 1 || ret.getNumOperands() != 1)
    return func.emitOpError("needs exactly one input and one output");
  auto inType = dyn_cast<RankedTensorType>(body.getArgument(0).getType());
  auto outType = dyn_cast<RankedTensorType>(ret.getOperand(0).getType());
  if (!inType || !outType || !inType.getElementType().isF32() || !outType.getElementType().isF32())
    return func.emitOpError("input and output must be float32 tensors");
  Value result = ret.getOperand(0);
  if (!module->hasAttr(kArenaBytesAttr))
    return module.emitError("run qnn-plan-memory before qnn-lower-to-emitc");

  b.setInsertionPoint(func);
  auto fnType = b.getFunctionType(
      {ptrTo(emitc::OpaqueType::get(ctx(), "const float")), ptrTo(b.getF32Type()),
       ptrTo(emitc::OpaqueType::get(ctx(), "void"))},
      {});
  entryFunc = b.create<emitc::FuncOp>(func.getLoc(), entry + "_run", fnType);
  entryFunc.setSpecifiersAttr(b.getStrArrayAttr({"extern \"C\""}));
  Block *entryBlock = entryFunc.addEntryBlock();
  b.setInsertionPointToStart(entryBlock);
  arena = entryBlock->getArgument(2);
  pointers[body.getArgument(0)] = {entryBlock->getArgument(0)};
  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    auto offsets = op.getAttrOfType<DenseI64ArrayAttr>(kOffsetAttr);
    if (!offsets || offsets.size() != (int64_t)op.getNumResults())
      return op.emitOpError("has no arena offsets (run qnn-plan-memory)");
    for (auto [r, at] : llvm::zip(op.getResults(), offsets.asArrayRef())) {
      if (at < 0) {
        output = r;
        pointers[r] = {entryBlock->getArgument(1)};
      } else {
        allocate(r, at);
      }
    }
    if (failed(lower(&op)))
      return failure();
  }
  if (!output) {
    Value src = buffer(result);
    call(func.getLoc(), "qnn_rt::copy_f32", {src, entryBlock->getArgument(1), outType.getNumElements()});
  }
  b.create<emitc::ReturnOp>(func.getLoc(), Value());

  module->setAttr(kInputShapeAttr, b.getDenseI64ArrayAttr(inType.getShape()));
  module->setAttr(kOutputShapeAttr, b.getDenseI64ArrayAttr(outType.getShape()));
  func.erase();
  OpBuilder top(ctx());
  top.setInsertionPointToStart(module.getBody());
  top.create<emitc::IncludeOp>(module.getLoc(), "qnn_runtime/kernels.h", /*is_standard_include=*/false);
  return success();
}

struct LowerToEmitCPass : qnnc::impl::LowerToEmitCBase<LowerToEmitCPass> {
  using LowerToEmitCBase::LowerToEmitCBase;
  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>("main");
    if (!func) {
      getOperation().emitError("no func.func @main to lower");
      return signalPassFailure();
    }
    if (failed(Lowering(getOperation(), func, entryName).run()))
      signalPassFailure();
  }
};

} // namespace
