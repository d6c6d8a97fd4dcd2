#include "compiler/Evaluator.h"

#include "compiler/EvaluatorKernels.h"
#include "compiler/Target.h"

#include "dialects/qnn/KernelCall.h"
#include "dialects/qnn/QnnDialect.h"
#include "passes/Storage.h"

#include "qnn_runtime/kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringMap.h"

#include <cstring>
#include <deque>

using namespace mlir;
using namespace qnnc::qnn;

namespace qnnc {
namespace {

/// The host's kernels by name.
const llvm::StringMap<const eval::Kernel *> &kernels() {
  static const llvm::StringMap<const eval::Kernel *> table = [] {
    llvm::StringMap<const eval::Kernel *> byName;
    eval::KernelTable host = eval::hostKernels();
    for (size_t i = 0; i < host.size; ++i)
      byName[host.kernels[i].name] = &host.kernels[i];
    return byName;
  }();
  return table;
}

/// The C++ name of a kernel element type.
StringRef cElementType(Type t) { return cElementTypeName(getElementTypeOrSelf(t)); }

/// The registry name of the kernel `call` names for `op`: templates with
/// the element type they are deduced from (quantize_linear[_axis]: its result's;
/// the others: their input's).
std::string kernelName(StringRef call, Operation *op) {
  if (call == "qnn_rt::quantize_linear" || call == "qnn_rt::quantize_linear_axis")
    return (call + "<" + cElementType(op->getResult(0).getType()) + ">").str();
  if (call == "qnn_rt::max_pool" || call == "qnn_rt::max_pool_indices" || call == "qnn_rt::dequantize_linear" ||
      call == "qnn_rt::qconv2d" || call.ends_with("_int"))
    return (call + "<" + cElementType(op->getOperand(0).getType()) + ">").str();
  return call.str();
}

/// Where an argument's value comes from at run time: a buffer of this
/// inference (arena offset, input or output `index`) or a value fixed when
/// the plan was made.
struct Slot {
  enum class Kind { Arena, Input, Output, Fixed } kind = Kind::Fixed;
  int64_t offset = 0; // Arena: bytes; Input, Output: which
  eval::Arg fixed;
};

struct Step {
  const eval::Kernel *kernel;
  SmallVector<Slot> slots;
};

} // namespace

const char *Evaluator::instructionSet() {
#ifdef QNNC_EVAL_X86_ISAS
  static const std::string isa = lookupTarget("native")->name;
  if (isa == "x86-64-v4" || isa == "x86-64-v3")
    return isa.c_str();
#endif
  return "baseline";
}

eval::KernelTable eval::hostKernels() {
#ifdef QNNC_EVAL_X86_ISAS
  const StringRef isa = Evaluator::instructionSet();
  if (isa == "x86-64-v4")
    return x86_64_v4Kernels();
  if (isa == "x86-64-v3")
    return x86_64_v3Kernels();
#endif
  return baselineKernels();
}

struct Evaluator::Plan {
  SmallVector<Step> steps;
  SmallVector<Value> inputs;
  /// Each op's results with the number of steps that compute them.
  SmallVector<std::pair<size_t, SmallVector<std::pair<Value, Slot>>>> computed;
  std::deque<std::vector<uint64_t>> constants; // tables and constant tensors, 8-byte aligned
  std::deque<qnn_rt::Conv2DParams> params;
  std::vector<uint64_t> arena;
  SmallVector<RankedTensorType> inputTypes, outputTypes;
  SmallVector<int64_t> inputBytes, outputBytes;
  SmallVector<Slot> returned; // each output's tensor, copied out unless it is that output's buffer
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
  auto plan = std::make_unique<Plan>();
  FunctionType type = main.getFunctionType();
  for (Type t : type.getInputs())
    plan->inputTypes.push_back(graphTensorType(t));
  for (Type t : type.getResults())
    plan->outputTypes.push_back(graphTensorType(t));
  if (llvm::is_contained(plan->inputTypes, RankedTensorType()) ||
      llvm::is_contained(plan->outputTypes, RankedTensorType()))
    return main.emitOpError("needs input and output tensors of float32, float64, uint8, int8, int32 or int64 to be "
                            "evaluated");
  for (RankedTensorType t : plan->inputTypes)
    plan->inputBytes.push_back(tensorBytes(t));
  for (RankedTensorType t : plan->outputTypes)
    plan->outputBytes.push_back(tensorBytes(t));
  plan->arena.resize(dialect->getMemoryPlanAttrHelper().getAttr(module).getArenaBytes() / 8 + 1);

  DenseMap<Value, Slot> buffers; // where each tensor lives
  for (BlockArgument input : main.getArguments()) {
    buffers[input] = {Slot::Kind::Input, input.getArgNumber()};
    plan->inputs.push_back(input);
  }
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
      for (Value returned : ret.getOperands())
        plan->returned.push_back(buffers.lookup(returned));
      continue;
    }
    auto kernelOp = dyn_cast<KernelOpInterface>(op);
    PlacementAttr placement = dialect->getPlacementAttrHelper().getAttr(&op);
    if (!kernelOp || !placement || placement.getOffsets().size() != op.getNumResults())
      return op.emitOpError("cannot be evaluated (not a planned kernel op)");
    for (auto [result, offset] : llvm::zip(op.getResults(), placement.getOffsets()))
      if (std::optional<unsigned> output = placedOutput(offset))
        buffers[result] = {Slot::Kind::Output, *output};
      else
        buffers[result] = {Slot::Kind::Arena, offset};
    KernelCall description;
    if (failed(kernelOp.buildKernelCall(description)))
      return failure();
    for (const KernelCall::Call &call : description.getCalls()) {
      std::string name = kernelName(call.kernel, &op);
      auto kernel = kernels().find(name);
      if (kernel == kernels().end())
        return op.emitOpError("calls ") << name << ", which the evaluator does not know";
      Step step{kernel->second, {}};
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

int64_t Evaluator::inputElements() const { return plan->inputTypes.front().getNumElements(); }
int64_t Evaluator::outputElements() const { return plan->outputTypes.front().getNumElements(); }
ArrayRef<int64_t> Evaluator::inputBytes() const { return plan->inputBytes; }
ArrayRef<int64_t> Evaluator::outputBytes() const { return plan->outputBytes; }

void Evaluator::run(ArrayRef<const void *> inputs, ArrayRef<void *> outputs, Observer observe) {
  assert(inputs.size() == plan->inputs.size() && outputs.size() == plan->returned.size());
  auto *arena = reinterpret_cast<unsigned char *>(plan->arena.data());
  auto resolve = [&](const Slot &slot) {
    eval::Arg v = slot.fixed;
    switch (slot.kind) {
    case Slot::Kind::Arena:
      v.pointer = arena + slot.offset;
      break;
    case Slot::Kind::Input:
      v.pointer = const_cast<void *>(inputs[slot.offset]); // kernels take it through a const pointer
      break;
    case Slot::Kind::Output:
      v.pointer = outputs[slot.offset];
      break;
    case Slot::Kind::Fixed:
      break;
    }
    return v;
  };
  SmallVector<eval::Arg, 32> args;
  if (observe)
    for (auto [value, data] : llvm::zip(plan->inputs, inputs))
      observe(value, data);
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
    plan->steps[i].kernel->call(args.data(), args.size());
  }
  for (auto [k, returned] : llvm::enumerate(plan->returned))
    if (returned.kind != Slot::Kind::Output || returned.offset != static_cast<int64_t>(k))
      std::memcpy(outputs[k], resolve(returned).pointer, plan->outputBytes[k]);
}

} // namespace qnnc
