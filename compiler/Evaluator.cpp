#include "compiler/Evaluator.h"

#include "dialects/qnn/KernelCall.h"
#include "dialects/qnn/QnnDialect.h"
#include "passes/Storage.h"

#include "qnn_runtime/kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"

#include <cstring>
#include <deque>
#include <functional>
#include <type_traits>
#include <utility>

using namespace mlir;
using namespace qnnc::qnn;

namespace qnnc {
namespace {

/// One kernel argument as the kernel receives it.
struct ArgValue {
  void *pointer = nullptr;
  int64_t integer = 0;
  float real = 0;
  const qnn_rt::Conv2DParams *params = nullptr;
};

template <class P>
P convertArg(const ArgValue &a) {
  using T = std::remove_cv_t<std::remove_reference_t<P>>;
  if constexpr (std::is_pointer_v<T>)
    return static_cast<T>(a.pointer);
  else if constexpr (std::is_same_v<T, qnn_rt::Conv2DParams>)
    return *a.params;
  else if constexpr (std::is_same_v<T, bool>)
    return a.integer != 0;
  else if constexpr (std::is_integral_v<T>)
    return static_cast<T>(a.integer);
  else if constexpr (std::is_floating_point_v<T>)
    return static_cast<T>(a.real);
  else
    static_assert(sizeof(T) == 0, "a kernel parameter the evaluator cannot pass");
}

/// Argument i, or the value-initialized default (false, 0, null) of a
/// trailing parameter the call leaves out, as C++ default arguments do in
/// the generated code (the kernels' defaults are all of that kind).
template <class P>
P argAt(ArrayRef<ArgValue> args, size_t i) {
  if constexpr (std::is_reference_v<P>)
    return convertArg<P>(args[i]);
  else
    return i < args.size() ? convertArg<P>(args[i]) : P{};
}

struct Kernel {
  std::function<void(ArrayRef<ArgValue>)> call;
  size_t arity;
};

template <class... P, size_t... I>
void invoke(void (*kernel)(P...), ArrayRef<ArgValue> args, std::index_sequence<I...>) {
  kernel(argAt<P>(args, I)...);
}

template <class... P>
Kernel adapt(void (*kernel)(P...)) {
  return {[kernel](ArrayRef<ArgValue> args) { invoke(kernel, args, std::index_sequence_for<P...>{}); },
          sizeof...(P)};
}

/// Every kernel a KernelCall names, by that name; the templates the
/// generated code instantiates by deduction with their element type
/// (kernelName).
const llvm::StringMap<Kernel> &kernels() {
  static const llvm::StringMap<Kernel> table = {
      {"qnn_rt::add_f32", adapt(&qnn_rt::add_f32)},
      {"qnn_rt::avg_pool_f32", adapt(&qnn_rt::avg_pool_f32)},
      {"qnn_rt::batch_norm_f32", adapt(&qnn_rt::batch_norm_f32)},
      {"qnn_rt::binarize_f32", adapt(&qnn_rt::binarize_f32)},
      {"qnn_rt::binary_conv2d", adapt(&qnn_rt::binary_conv2d)},
      {"qnn_rt::binary_conv2d_affine", adapt(&qnn_rt::binary_conv2d_affine)},
      {"qnn_rt::binary_conv2d_sign", adapt(&qnn_rt::binary_conv2d_sign)},
      {"qnn_rt::binary_dense", adapt(&qnn_rt::binary_dense)},
      {"qnn_rt::bitserial_conv2d", adapt(&qnn_rt::bitserial_conv2d)},
      {"qnn_rt::bitserial_conv2d_affine", adapt(&qnn_rt::bitserial_conv2d_affine)},
      {"qnn_rt::clip_f32", adapt(&qnn_rt::clip_f32)},
      {"qnn_rt::concat_slice_f32", adapt(&qnn_rt::concat_slice_f32)},
      {"qnn_rt::conv2d_f32", adapt(&qnn_rt::conv2d_f32)},
      {"qnn_rt::copy_f32", adapt(&qnn_rt::copy_f32)},
      {"qnn_rt::dequantize_linear<int8_t>", adapt(&qnn_rt::dequantize_linear<std::int8_t>)},
      {"qnn_rt::dequantize_linear<uint8_t>", adapt(&qnn_rt::dequantize_linear<std::uint8_t>)},
      {"qnn_rt::gemm_f32", adapt(&qnn_rt::gemm_f32)},
      {"qnn_rt::global_avg_pool_f32", adapt(&qnn_rt::global_avg_pool_f32)},
      {"qnn_rt::levels_to_binary", adapt(&qnn_rt::levels_to_binary)},
      {"qnn_rt::levels_to_float", adapt(&qnn_rt::levels_to_float)},
      {"qnn_rt::max_pool<float>", adapt(&qnn_rt::max_pool<float>)},
      {"qnn_rt::max_pool<int32_t>", adapt(&qnn_rt::max_pool<std::int32_t>)},
      {"qnn_rt::mul_f32", adapt(&qnn_rt::mul_f32)},
      {"qnn_rt::pad_f32", adapt(&qnn_rt::pad_f32)},
      {"qnn_rt::pointwise_conv_f32_channels_last", adapt(&qnn_rt::pointwise_conv_f32_channels_last)},
      {"qnn_rt::prelu_f32", adapt(&qnn_rt::prelu_f32)},
      {"qnn_rt::qconv2d<int8_t>", adapt(&qnn_rt::qconv2d<std::int8_t>)},
      {"qnn_rt::qconv2d<uint8_t>", adapt(&qnn_rt::qconv2d<std::uint8_t>)},
      {"qnn_rt::quantize_levels_f32", adapt(&qnn_rt::quantize_levels_f32)},
      {"qnn_rt::quantize_linear<int8_t>", adapt(&qnn_rt::quantize_linear<std::int8_t>)},
      {"qnn_rt::quantize_linear<uint8_t>", adapt(&qnn_rt::quantize_linear<std::uint8_t>)},
      {"qnn_rt::relu_f32", adapt(&qnn_rt::relu_f32)},
      {"qnn_rt::scale_bias_i32", adapt(&qnn_rt::scale_bias_i32)},
      {"qnn_rt::sign_f32", adapt(&qnn_rt::sign_f32)},
      {"qnn_rt::softmax_f32", adapt(&qnn_rt::softmax_f32)},
      {"qnn_rt::sub_f32", adapt(&qnn_rt::sub_f32)},
      {"qnn_rt::threshold_i32", adapt(&qnn_rt::threshold_i32)},
      {"qnn_rt::threshold_levels_i32", adapt(&qnn_rt::threshold_levels_i32)},
      {"qnn_rt::to_float_i32", adapt(&qnn_rt::to_float_i32)},
      {"qnn_rt::transpose_f32", adapt(&qnn_rt::transpose_f32)},
  };
  return table;
}

/// The C++ name of a kernel element type.
StringRef cElementType(Type t) {
  t = getElementTypeOrSelf(t);
  if (t.isF32())
    return "float";
  if (t.isInteger(32))
    return "int32_t";
  return t.isUnsignedInteger(8) ? "uint8_t" : "int8_t";
}

/// The registry name of the kernel `call` names for `op`: templates with
/// the element type they are deduced from (quantize_linear: its result's;
/// the others: their input's).
std::string kernelName(StringRef call, Operation *op) {
  if (call == "qnn_rt::quantize_linear")
    return (call + "<" + cElementType(op->getResult(0).getType()) + ">").str();
  if (call == "qnn_rt::max_pool" || call == "qnn_rt::dequantize_linear" || call == "qnn_rt::qconv2d")
    return (call + "<" + cElementType(op->getOperand(0).getType()) + ">").str();
  return call.str();
}

/// Where an argument's value comes from at run time: a buffer of this
/// inference (arena offset, the input, the output) or a value fixed when
/// the plan was made.
struct Slot {
  enum class Kind { Arena, Input, Output, Fixed } kind = Kind::Fixed;
  int64_t offset = 0;
  ArgValue fixed;
};

struct Step {
  const Kernel *kernel;
  SmallVector<Slot> slots;
};

} // namespace

struct Evaluator::Plan {
  SmallVector<Step> steps;
  Value input;
  /// Each op's results with the number of steps that compute them.
  SmallVector<std::pair<size_t, SmallVector<std::pair<Value, Slot>>>> computed;
  std::deque<std::vector<uint64_t>> constants; // tables and constant tensors, 8-byte aligned
  std::deque<qnn_rt::Conv2DParams> params;
  std::vector<uint64_t> arena;
  int64_t inputElements = 0, outputElements = 0;
  Slot returned; // the returned tensor, copied out unless it is the output
};

namespace {

/// A dense constant's elements in their C layout.
FailureOr<void *> materialize(Evaluator::Plan &plan, Location loc, DenseElementsAttr values) {
  Type element = values.getElementType();
  unsigned width = element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 0;
  if (width == 0 || width % 8 != 0)
    return emitError(loc, "the evaluator cannot lay out constants of ") << element;
  const size_t bytes = width / 8, count = values.getNumElements();
  ArrayRef<char> raw = values.getRawData();
  std::vector<uint64_t> &storage = plan.constants.emplace_back((bytes * count + 7) / 8 + 1);
  char *data = reinterpret_cast<char *>(storage.data());
  for (size_t i = 0; i < count; ++i)
    std::memcpy(data + i * bytes, raw.data() + (values.isSplat() ? 0 : i * bytes), bytes);
  return static_cast<void *>(data);
}

Slot fixedInteger(int64_t v) {
  Slot s;
  s.fixed.integer = v;
  return s;
}

} // namespace

FailureOr<Evaluator> Evaluator::create(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  auto *dialect = module.getContext()->getLoadedDialect<QnnDialect>();
  if (!main || !dialect || !dialect->getMemoryPlanAttrHelper().isAttrPresent(module))
    return module.emitError("the evaluator needs a @main planned by qnn-plan-memory");
  FunctionType type = main.getFunctionType();
  auto input = type.getNumInputs() == 1 ? dyn_cast<RankedTensorType>(type.getInput(0)) : RankedTensorType();
  auto output = type.getNumResults() == 1 ? dyn_cast<RankedTensorType>(type.getResult(0)) : RankedTensorType();
  if (!input || !output || !input.getElementType().isF32() || !output.getElementType().isF32())
    return main.emitOpError("needs one float32 tensor input and output to be evaluated");

  auto plan = std::make_unique<Plan>();
  plan->inputElements = input.getNumElements();
  plan->outputElements = output.getNumElements();
  plan->arena.resize(dialect->getMemoryPlanAttrHelper().getAttr(module).getArenaBytes() / 8 + 1);

  DenseMap<Value, Slot> buffers; // where each tensor lives
  buffers[main.getArgument(0)] = {Slot::Kind::Input};
  plan->input = main.getArgument(0);
  for (Operation &op : main.getBody().front()) {
    if (auto constant = dyn_cast<arith::ConstantOp>(op)) {
      auto values = dyn_cast<DenseElementsAttr>(constant.getValue());
      if (!values)
        return constant.emitOpError("the evaluator takes dense tensor constants only");
      auto data = materialize(*plan, op.getLoc(), values);
      if (failed(data))
        return failure();
      buffers[constant.getResult()].fixed.pointer = *data;
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      plan->returned = buffers.lookup(ret.getOperand(0));
      continue;
    }
    auto kernelOp = dyn_cast<KernelOpInterface>(op);
    PlacementAttr placement = dialect->getPlacementAttrHelper().getAttr(&op);
    if (!kernelOp || !placement || placement.getOffsets().size() != op.getNumResults())
      return op.emitOpError("cannot be evaluated (not a planned kernel op)");
    for (auto [result, offset] : llvm::zip(op.getResults(), placement.getOffsets()))
      buffers[result] = offset < 0 ? Slot{Slot::Kind::Output} : Slot{Slot::Kind::Arena, offset};
    KernelCall description;
    if (failed(kernelOp.buildKernelCall(description)))
      return failure();
    for (const KernelCall::Call &call : description.getCalls()) {
      std::string name = kernelName(call.kernel, &op);
      auto kernel = kernels().find(name);
      if (kernel == kernels().end())
        return op.emitOpError("calls ") << name << ", which the evaluator does not know";
      Step step{&kernel->second, {}};
      // A buffer; binary and levels tensors add their plane stride.
      auto buffer = [&](Value v) {
        step.slots.push_back(buffers.lookup(v));
        if (isa<BinaryTensorType, LevelsTensorType>(v.getType()))
          step.slots.push_back(fixedInteger(storage::planeStrideWords(v.getType())));
      };
      for (const KernelArg &arg : call.args) {
        Slot slot;
        switch (arg.kind) {
        case KernelArg::Kind::Operand:
          buffer(op.getOperand(arg.index));
          continue;
        case KernelArg::Kind::Result:
          buffer(op.getResult(arg.index));
          continue;
        case KernelArg::Kind::Scratch:
          slot = {Slot::Kind::Arena, placement.getScratch()};
          break;
        case KernelArg::Kind::Integer:
        case KernelArg::Kind::Bool:
          slot = fixedInteger(arg.integer);
          break;
        case KernelArg::Kind::Float:
          slot.fixed.real = arg.real;
          break;
        case KernelArg::Kind::Null:
          break;
        case KernelArg::Kind::Table: {
          auto data = materialize(*plan, op.getLoc(), arg.values);
          if (failed(data))
            return failure();
          slot.fixed.pointer = *data;
          break;
        }
        case KernelArg::Kind::Params: {
          if (arg.name != "qnn_rt::Conv2DParams" ||
              arg.fields.size() != sizeof(qnn_rt::Conv2DParams) / sizeof(qnn_rt::index_t))
            return op.emitOpError("passes a ") << arg.name << " the evaluator cannot build";
          SmallVector<qnn_rt::index_t> fields;
          for (const auto &field : arg.fields)
            fields.push_back(field.second);
          qnn_rt::Conv2DParams &params = plan->params.emplace_back();
          std::memcpy(&params, fields.data(), sizeof params);
          slot.fixed.params = &params;
          break;
        }
        }
        step.slots.push_back(slot);
      }
      if (step.slots.size() > step.kernel->arity)
        return op.emitOpError("passes ") << step.slots.size() << " arguments to " << name << ", which takes "
                                         << step.kernel->arity;
      plan->steps.push_back(std::move(step));
    }
    auto &results = plan->computed.emplace_back(plan->steps.size(), SmallVector<std::pair<Value, Slot>>{}).second;
    for (Value result : op.getResults())
      results.push_back({result, buffers.lookup(result)});
  }
  return Evaluator(std::move(plan));
}

Evaluator::Evaluator(std::unique_ptr<Plan> plan) : plan(std::move(plan)) {}
Evaluator::Evaluator(Evaluator &&) = default;
Evaluator::~Evaluator() = default;

int64_t Evaluator::inputElements() const { return plan->inputElements; }
int64_t Evaluator::outputElements() const { return plan->outputElements; }

void Evaluator::run(const float *input, float *output, Observer observe) {
  auto *arena = reinterpret_cast<unsigned char *>(plan->arena.data());
  auto resolve = [&](const Slot &slot) {
    ArgValue v = slot.fixed;
    switch (slot.kind) {
    case Slot::Kind::Arena:
      v.pointer = arena + slot.offset;
      break;
    case Slot::Kind::Input:
      v.pointer = const_cast<float *>(input); // kernels take it as const float *
      break;
    case Slot::Kind::Output:
      v.pointer = output;
      break;
    case Slot::Kind::Fixed:
      break;
    }
    return v;
  };
  SmallVector<ArgValue, 32> args;
  if (observe)
    observe(plan->input, input);
  auto computed = plan->computed.begin();
  for (size_t i = 0; i <= plan->steps.size(); ++i) {
    for (; observe && computed != plan->computed.end() && computed->first == i; ++computed)
      for (const auto &[value, slot] : computed->second)
        observe(value, resolve(slot).pointer);
    if (i == plan->steps.size())
      break;
    args.clear();
    for (const Slot &slot : plan->steps[i].slots)
      args.push_back(resolve(slot));
    plan->steps[i].kernel->call(args);
  }
  if (plan->returned.kind != Slot::Kind::Output)
    std::memcpy(output, resolve(plan->returned).pointer, plan->outputElements * sizeof(float));
}

} // namespace qnnc
