// qnn-plan-memory: one static arena, offsets from tensor liveness, in place
// where an elementwise op's input (of the same type and layout) dies at
// that op.
#include "passes/Passes.h"
#include "passes/Storage.h"

#include "mlir/IR/Builders.h"

namespace qnnc {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;

namespace {

struct Block {
  int64_t offset, size, begin, end; // bytes; op indices of the live range
};

struct PlanMemoryPass : qnnc::impl::PlanMemoryBase<PlanMemoryPass> {
  using PlanMemoryBase::PlanMemoryBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>("main");
    if (!func) {
      module.emitError("no func.func @main to plan");
      return signalPassFailure();
    }
    mlir::Block &body = func.getBody().front();
    // A computed graph output is written straight into the caller's buffer
    // (the first, where one value is returned twice).
    DenseMap<Value, int64_t> external;
    for (OpOperand &returned : body.getTerminator()->getOpOperands())
      if (!isa<BlockArgument>(returned.get()) && !returned.get().getDefiningOp<arith::ConstantOp>())
        external.try_emplace(returned.get(), outputPlacement(returned.getOperandNumber()));

    DenseMap<Operation *, int64_t> index;
    for (Operation &op : body)
      index[&op] = index.size();
    auto lastUse = [&](Value v) {
      int64_t last = index[v.getDefiningOp()];
      for (Operation *user : v.getUsers())
        last = std::max(last, index[user]);
      return last;
    };

    std::vector<Block> blocks;       // every placement, for the report
    std::vector<size_t> live;        // indices into blocks
    DenseMap<Value, size_t> blockOf; // tensor -> its block
    int64_t peak = 0;
    QnnDialect *dialect = getContext().getLoadedDialect<QnnDialect>();
    auto place = [&](int64_t size, int64_t now, int64_t end) {
      std::sort(live.begin(), live.end(), [&](size_t x, size_t y) { return blocks[x].offset < blocks[y].offset; });
      int64_t at = 0;
      for (size_t l : live) {
        if (blocks[l].offset >= at + size)
          break;
        at = std::max(at, blocks[l].offset + blocks[l].size);
      }
      blocks.push_back({at, size, now, end});
      live.push_back(blocks.size() - 1);
      peak = std::max(peak, at + size);
      return blocks.size() - 1;
    };

    for (Operation &op : body.without_terminator()) {
      if (isa<arith::ConstantOp>(op))
        continue;
      int64_t now = index[&op];
      auto kernel = dyn_cast<KernelOpInterface>(op);
      llvm::erase_if(live, [&](size_t l) { return blocks[l].end < now; });
      SmallVector<int64_t> offsets;
      for (Value result : op.getResults()) {
        if (auto it = external.find(result); it != external.end()) {
          offsets.push_back(it->second);
          continue;
        }
        int64_t size = storage::storageBytes(result.getType()), end = lastUse(result);
        std::optional<size_t> reuse;
        if (kernel && kernel.canRunInPlace())
          for (Value operand : op.getOperands()) {
            auto it = blockOf.find(operand);
            if (it != blockOf.end() && operand.getType() == result.getType() &&
                isChannelsLast(operand) == isChannelsLast(result) && lastUse(operand) == now) {
              reuse = it->second;
              break;
            }
          }
        size_t blockIndex;
        if (reuse) {
          blockIndex = *reuse;
          blocks[blockIndex].end = end; // the block lives on as the result
        } else {
          blockIndex = place(size, now, end);
        }
        blockOf[result] = blockIndex;
        offsets.push_back(blocks[blockIndex].offset);
      }
      int64_t scratch = -1;
      if (int64_t bytes = kernel ? kernel.getScratchBytes(threads) : 0)
        scratch = blocks[place(qnn_rt::align_arena(bytes), now, now)].offset;
      dialect->getPlacementAttrHelper().setAttr(&op, PlacementAttr::get(&getContext(), offsets, scratch));
    }

    // Liveness lower bound: the most bytes live at any one op.
    int64_t bound = 0;
    for (int64_t t = 0; t < (int64_t)index.size(); ++t) {
      int64_t sum = 0;
      for (const Block &blk : blocks)
        if (blk.begin <= t && t <= blk.end)
          sum += blk.size;
      bound = std::max(bound, sum);
    }
    dialect->getMemoryPlanAttrHelper().setAttr(module, MemoryPlanAttr::get(&getContext(), peak, bound));
  }
};

} // namespace
