// qnn-lower-to-emitc: the model function -> EmitC calls of runtime kernels
// over one static arena. One generic pattern lowers every op that
// implements KernelOpInterface; the entry function, constants and the
// return are the only special cases.
#include "passes/Passes.h"
#include "passes/Storage.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/DialectConversion.h"

namespace qnnc {
#define GEN_PASS_DEF_LOWERTOEMITC
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

/// A C identifier from an op's location: importer locations read
/// "node 'NAME' (OpType)", of which NAME is kept.
std::string identifierFrom(Location loc, StringRef fallback) {
  std::string name;
  if (auto named = dyn_cast<NameLoc>(loc))
    name = named.getName().str();
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

/// Tensors become pointers to their elements in the arena; binary and
/// levels tensors a pointer to their first bit plane's 64-bit words (the
/// other planes follow at the plane stride, see Storage.h).
struct KernelTypeConverter : TypeConverter {
  KernelTypeConverter() {
    addConversion([](RankedTensorType t) -> Type { return emitc::PointerType::get(t.getElementType()); });
    addConversion([](Type t) -> std::optional<Type> {
      if (isa<BinaryTensorType, LevelsTensorType>(t))
        return emitc::PointerType::get(IntegerType::get(t.getContext(), 64, IntegerType::Unsigned));
      return std::nullopt;
    });
  }
};

/// The generated function that encloses `op`, whose arguments are the
/// graph's inputs, its outputs, then the arena.
emitc::FuncOp entryOf(Operation *op) { return op->getParentOfType<emitc::FuncOp>(); }

Value arenaOf(Operation *op) { return entryOf(op).getArguments().back(); }

/// The caller's buffer for graph output `k`.
Value outputBufferOf(Operation *op, unsigned k) {
  emitc::FuncOp entry = entryOf(op);
  auto model = entry->getContext()->getLoadedDialect<QnnDialect>()->getModelTypeAttrHelper().getAttr(entry);
  return entry.getArgument(cast<FunctionType>(model.getValue()).getNumInputs() + k);
}

/// A `static const` global before the entry point, named after `loc` and
/// `role`, unique in the module; returns its use inside the entry point.
Value createGlobal(ConversionPatternRewriter &rewriter, Operation *at, StringRef role, Type type, Attribute init,
                   bool aligned) {
  emitc::FuncOp entry = entryOf(at);
  auto module = entry->getParentOfType<ModuleOp>();
  std::string base = identifierFrom(at->getLoc(), "weights") + "_" + role.str(), name = base;
  for (int i = 1; SymbolTable::lookupSymbolIn(module, name); ++i)
    name = base + "_" + std::to_string(i);
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(entry);
    if (aligned)
      rewriter.create<emitc::VerbatimOp>(at->getLoc(), "alignas(64)");
    rewriter.create<emitc::GlobalOp>(at->getLoc(), name, type, init, /*extern_specifier=*/false,
                                     /*static_specifier=*/true, /*const_specifier=*/true);
  }
  return rewriter.create<emitc::GetGlobalOp>(at->getLoc(), type, name);
}

/// A constant array holding `values` flattened.
Value createTable(ConversionPatternRewriter &rewriter, Operation *at, StringRef role, DenseElementsAttr values) {
  auto flat = values.reshape(RankedTensorType::get({values.getNumElements()}, values.getElementType()));
  auto type = emitc::ArrayType::get({values.getNumElements()}, values.getElementType());
  return createGlobal(rewriter, at, role, type, flat, /*aligned=*/true);
}

/// `func.func @main(tensors) -> tensors` -> `extern "C" void
/// <name>_run(const T0 *input0, ..., U0 *output0, ..., void *arena)`, which
/// runs the op sequence, `static void <name>_ops` with the same arguments,
/// through qnn_rt::run_on_threads: on every thread of one parallel region
/// when the generated code is built with threads (its kernels share their
/// loops). Inputs keep their const pointers: every kernel reads its
/// operands through const pointers.
struct EntryLowering : OpConversionPattern<func::FuncOp> {
  EntryLowering(MLIRContext *ctx, StringRef entryName) : OpConversionPattern(ctx), entryName(entryName.str()) {}

  LogicalResult matchAndRewrite(func::FuncOp func, OpAdaptor, ConversionPatternRewriter &rewriter) const override {
    FunctionType type = func.getFunctionType();
    MLIRContext *ctx = getContext();
    auto ptr = [](Type t) { return emitc::PointerType::get(t); };
    SmallVector<Type> arguments;
    for (Type in : type.getInputs()) {
      auto tensor = graphTensorType(in);
      if (!tensor)
        return func.emitOpError("inputs and outputs must be tensors of float32, float64, uint8, int8, int32 or int64");
      arguments.push_back(
          ptr(emitc::OpaqueType::get(ctx, ("const " + cElementTypeName(tensor.getElementType())).str())));
    }
    for (Type out : type.getResults()) {
      auto tensor = graphTensorType(out);
      if (!tensor)
        return func.emitOpError("inputs and outputs must be tensors of float32, float64, uint8, int8, int32 or int64");
      arguments.push_back(ptr(tensor.getElementType()));
    }
    arguments.push_back(ptr(emitc::OpaqueType::get(ctx, "void")));
    Location loc = func.getLoc();
    auto fnType = rewriter.getFunctionType(arguments, {});
    SmallVector<Location> argLocs(arguments.size(), loc);
    auto modelType = ctx->getLoadedDialect<QnnDialect>()->getModelTypeAttrHelper();
    auto ops = rewriter.create<emitc::FuncOp>(loc, entryName + "_ops", fnType);
    ops.setSpecifiersAttr(rewriter.getStrArrayAttr({"static"}));
    modelType.setAttr(ops, TypeAttr::get(type));
    Block *body = rewriter.createBlock(&ops.getBody(), {}, fnType.getInputs(), argLocs);
    rewriter.inlineBlockBefore(&func.getBody().front(), body, body->end(),
                               body->getArguments().take_front(type.getNumInputs()));

    rewriter.setInsertionPointAfter(ops);
    auto entry = rewriter.create<emitc::FuncOp>(loc, entryName + "_run", fnType);
    entry.setSpecifiersAttr(rewriter.getStrArrayAttr({"extern \"C\""}));
    modelType.setAttr(entry, TypeAttr::get(type));
    Block *run = rewriter.createBlock(&entry.getBody(), {}, fnType.getInputs(), argLocs);
    rewriter.setInsertionPointToStart(run);
    SmallVector<Attribute> args{emitc::OpaqueAttr::get(ctx, ops.getName())};
    for (unsigned i = 0; i < run->getNumArguments(); ++i)
      args.push_back(rewriter.getIndexAttr(i));
    rewriter.create<emitc::CallOpaqueOp>(loc, TypeRange{}, "qnn_rt::run_on_threads", run->getArguments(),
                                         rewriter.getArrayAttr(args), ArrayAttr{});
    rewriter.create<emitc::ReturnOp>(loc, Value{});
    rewriter.eraseOp(func);
    return success();
  }

  std::string entryName;
};

/// Constant tensors become aligned `static const` arrays; unused ones
/// disappear.
struct ConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(arith::ConstantOp constant, OpAdaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (constant->use_empty()) {
      rewriter.eraseOp(constant);
      return success();
    }
    auto values = dyn_cast<DenseElementsAttr>(constant.getValue());
    if (!values)
      return constant.emitOpError("only dense tensor constants can be lowered");
    // A float convolution's or GEMM's weights are named after that op, as
    // the integer kernels' weight tables are: <op>_weights.
    Operation *weighted = *constant->getUsers().begin();
    const bool weights = llvm::all_of(constant->getUses(), [&](OpOperand &use) {
      return use.getOwner() == weighted && use.getOperandNumber() == 1 &&
             isa<qnn::Conv2DOp, qnn::GemmOp, qnn::PointwiseConvOp>(use.getOwner());
    });
    rewriter.replaceOp(constant, weights ? createTable(rewriter, weighted, "weights", values)
                                         : createTable(rewriter, constant, "data", values));
    return success();
  }
};

/// A returned tensor is normally written straight into the caller's buffer
/// for its output (qnn-plan-memory places it there); otherwise (an input,
/// a constant, a tensor returned twice) it is copied.
struct ReturnLowering : OpConversionPattern<func::ReturnOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult matchAndRewrite(func::ReturnOp ret, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    for (auto [k, result] : llvm::enumerate(adaptor.getOperands())) {
      Value output = outputBufferOf(ret, k);
      if (result == output)
        continue;
      const int64_t bytes = tensorBytes(cast<RankedTensorType>(ret.getOperand(k).getType()));
      auto args = rewriter.getArrayAttr(
          {rewriter.getIndexAttr(0), rewriter.getIndexAttr(1), rewriter.getI64IntegerAttr(bytes)});
      rewriter.create<emitc::CallOpaqueOp>(ret.getLoc(), TypeRange{}, "qnn_rt::copy_bytes", ValueRange{result, output},
                                           args, ArrayAttr{});
    }
    rewriter.replaceOpWithNewOp<emitc::ReturnOp>(ret, Value());
    return success();
  }
};

/// Every KernelOpInterface op: results at their arena placement (or the
/// output buffer), then its kernel calls with the arguments it describes.
/// Operands are taken as they were replaced (pointers into the arena,
/// constant arrays, the const input), so the pattern converts result types
/// only.
/// `text` as a C++ string literal (quotes and backslashes escaped, other
/// non-printable characters replaced).
std::string cStringLiteral(StringRef text) {
  std::string literal = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      literal += '\\';
    literal += llvm::isPrint(c) ? c : '?';
  }
  return literal + "\"";
}

/// The position of a kernel op among the kernel ops of its function: the
/// index its profiling marks carry.
int64_t profileIndex(Operation *op) {
  int64_t index = 0;
  for (Operation &other : *op->getBlock()) {
    if (&other == op)
      return index;
    if (isa<KernelOpInterface>(other))
      ++index;
  }
  return index;
}

struct KernelCallLowering : OpInterfaceConversionPattern<KernelOpInterface> {
  KernelCallLowering(MLIRContext *ctx, const TypeConverter &types)
      : OpInterfaceConversionPattern(ctx), types(types) {}

  LogicalResult matchAndRewrite(KernelOpInterface kernel, ArrayRef<Value> operands,
                                ConversionPatternRewriter &rewriter) const override {
    Operation *op = kernel;
    Location loc = op->getLoc();
    PlacementAttr placement = getContext()->getLoadedDialect<QnnDialect>()->getPlacementAttrHelper().getAttr(op);
    if (!placement || placement.getOffsets().size() != op->getNumResults())
      return op->emitOpError("has no arena placement (run qnn-plan-memory)");
    Value arena = arenaOf(op);
    auto arenaAt = [&](Type pointer, int64_t offset) {
      Type element = cast<emitc::PointerType>(pointer).getPointee();
      return rewriter
          .create<emitc::CallOpaqueOp>(loc, TypeRange{pointer}, "qnn_rt::arena_at", ValueRange{arena},
                                       rewriter.getArrayAttr({rewriter.getIndexAttr(0), rewriter.getI64IntegerAttr(offset)}),
                                       rewriter.getArrayAttr({TypeAttr::get(element)}))
          .getResult(0);
    };
    SmallVector<Value> results;
    for (auto [result, offset] : llvm::zip(op->getResults(), placement.getOffsets()))
      if (std::optional<unsigned> output = placedOutput(offset))
        results.push_back(outputBufferOf(op, *output));
      else
        results.push_back(arenaAt(types.convertType(result.getType()), offset));

    KernelCall description;
    if (failed(kernel.buildKernelCall(description)))
      return failure();
    // Profiling marks (no-ops unless the build defines QNN_RT_PROFILE): the
    // op's index in the entry function and "kernel location".
    std::string label = description.getCalls().front().kernel;
    if (auto name = dyn_cast<NameLoc>(loc))
      label += " " + name.getName().str();
    Attribute index = rewriter.getI64IntegerAttr(profileIndex(op));
    rewriter.create<emitc::CallOpaqueOp>(loc, TypeRange{}, "QNN_RT_OP_BEGIN", ValueRange{}, rewriter.getArrayAttr(index),
                                         ArrayAttr{});
    for (const KernelCall::Call &call : description.getCalls()) {
      SmallVector<Value> callOperands;
      SmallVector<Attribute> args;
      auto pass = [&](Value v) {
        args.push_back(rewriter.getIndexAttr(callOperands.size()));
        callOperands.push_back(v);
      };
      // A buffer; binary and levels tensors add their plane stride.
      auto buffer = [&](Value v, Type type) {
        pass(v);
        if (isa<BinaryTensorType, LevelsTensorType>(type))
          args.push_back(rewriter.getI64IntegerAttr(storage::planeStrideWords(type)));
      };
      for (const KernelArg &arg : call.args) {
        switch (arg.kind) {
        case KernelArg::Kind::Operand:
          buffer(operands[arg.index], op->getOperand(arg.index).getType());
          break;
        case KernelArg::Kind::Result:
          buffer(results[arg.index], op->getResult(arg.index).getType());
          break;
        case KernelArg::Kind::Scratch:
          if (placement.getScratch() < 0)
            return op->emitOpError("has no arena scratch (run qnn-plan-memory)");
          pass(arenaAt(emitc::PointerType::get(arg.type), placement.getScratch()));
          break;
        case KernelArg::Kind::Integer:
          args.push_back(rewriter.getI64IntegerAttr(arg.integer));
          break;
        case KernelArg::Kind::Float:
          args.push_back(rewriter.getF32FloatAttr(arg.real));
          break;
        case KernelArg::Kind::Bool:
          args.push_back(rewriter.getBoolAttr(arg.integer != 0));
          break;
        case KernelArg::Kind::Null:
          args.push_back(emitc::OpaqueAttr::get(getContext(), "nullptr"));
          break;
        case KernelArg::Kind::Table:
          pass(createTable(rewriter, op, arg.name, arg.values));
          break;
        case KernelArg::Kind::Params: {
          std::string init = "{";
          for (auto [i, field] : llvm::enumerate(arg.fields))
            init += (i ? ", /*" : "/*") + field.first + "*/ " + std::to_string(field.second);
          init += "}";
          pass(createGlobal(rewriter, op, "params", emitc::OpaqueType::get(getContext(), arg.name),
                            emitc::OpaqueAttr::get(getContext(), init), /*aligned=*/false));
          break;
        }
        }
      }
      rewriter.create<emitc::CallOpaqueOp>(loc, TypeRange{}, call.kernel, callOperands, rewriter.getArrayAttr(args),
                                           ArrayAttr{});
    }
    Attribute name = emitc::OpaqueAttr::get(getContext(), cStringLiteral(label));
    rewriter.create<emitc::CallOpaqueOp>(loc, TypeRange{}, "QNN_RT_OP_END", ValueRange{},
                                         rewriter.getArrayAttr({index, name}), ArrayAttr{});
    rewriter.replaceOp(op, results);
    return success();
  }

  const TypeConverter &types;
};

struct LowerToEmitCPass : qnnc::impl::LowerToEmitCBase<LowerToEmitCPass> {
  using LowerToEmitCBase::LowerToEmitCBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    if (!module.lookupSymbol<func::FuncOp>("main")) {
      module.emitError("no func.func @main to lower");
      return signalPassFailure();
    }
    if (!ctx->getLoadedDialect<QnnDialect>()->getMemoryPlanAttrHelper().isAttrPresent(module)) {
      module.emitError("run qnn-plan-memory before qnn-lower-to-emitc");
      return signalPassFailure();
    }
    KernelTypeConverter types;
    RewritePatternSet patterns(ctx);
    patterns.add<EntryLowering>(ctx, entryName);
    patterns.add<ConstantLowering, ReturnLowering>(ctx);
    patterns.add<KernelCallLowering>(ctx, types);
    ConversionTarget target(*ctx);
    target.addLegalDialect<emitc::EmitCDialect>();
    target.addLegalOp<ModuleOp>();
    target.addIllegalDialect<QnnDialect, func::FuncDialect, arith::ArithDialect>();
    if (failed(applyFullConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    // An argument nothing reads (the arena of a model without kernels, an
    // input no node takes) is cast to void: the generated code builds with
    // -Wunused-parameter -Werror.
    for (emitc::FuncOp func : module.getOps<emitc::FuncOp>()) {
      OpBuilder body = OpBuilder::atBlockBegin(&func.getBody().front());
      for (BlockArgument arg : func.getArguments())
        if (arg.use_empty())
          body.create<emitc::CallOpaqueOp>(func.getLoc(), TypeRange{}, "static_cast<void>", ValueRange{arg});
    }
    OpBuilder top(ctx);
    top.setInsertionPointToStart(module.getBody());
    top.create<emitc::IncludeOp>(module.getLoc(), "qnn_runtime/kernels.h", /*is_standard_include=*/false);
  }
};

} // namespace
