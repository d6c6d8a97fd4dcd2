// qnn-plan-memory: one static arena, offsets from tensor liveness, in place
// where an elementwise op's input dies at that op.
#include "passes/Passes.h"
#include "passes/Storage.h"

#include "qnn_runtime/binary_kernels.h"
#include "qnn_runtime/float_kernels.h"
#include "qnn_runtime/int8_kernels.h"

#include "mlir/IR/Builders.h"

namespace qnnc {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;
using namespace qnnc::qnn;
using namespace qnnc::storage;

namespace {

/// Scratch bytes a kernel needs while it runs on `threads` threads (the
/// binary convolution gathers windows per thread).
int64_t scratchBytes(Operation *op, int64_t threads) {
  if (auto conv = dyn_cast<Conv2DOp>(op)) {
    auto w = conv.getWeight().getType().getShape(), o = conv.getOutput().getType().getShape();
    return qnn_rt::conv2d_f32_scratch_floats(w[1], w[2], w[3], o[2], o[3]) * 4;
  }
  if (auto conv = dyn_cast<QConv2DOp>(op)) {
    auto w = cast<ShapedType>(conv.getWeight().getType()).getShape();
    auto o = conv.getOutput().getType().getShape();
    return qnn_rt::qconv2d_scratch_elements(w[1], w[2], w[3], o[2], o[3]) * 2;
  }
  ElementsAttr weight;
  if (auto conv = dyn_cast<BinaryConv2DOp>(op))
    weight = conv.getWeight();
  else if (auto fused = dyn_cast<BinaryConv2DSignOp>(op))
    weight = fused.getWeight();
  else if (auto dense = dyn_cast<BinaryDenseOp>(op))
    weight = dense.getWeight();
  else if (auto bitserial = dyn_cast<BitserialConv2DOp>(op))
    weight = bitserial.getWeight();
  else
    return 0;
  auto w = kernelShape(weight.getType());
  int64_t kh = w.size() == 4 ? w[2] : 1, kw = w.size() == 4 ? w[3] : 1;
  return qnn_rt::binary_conv2d_scratch_words(kh, kw, w[1]) * 8 * threads;
}

/// Ops whose kernels read element i before writing element i and nothing
/// else, so the result may overwrite a same-shaped input.
bool elementwise(Operation *op) {
  return isa<ReluOp, SignOp, ClipOp, AddOp, SubOp, MulOp, PReluOp, BatchNormOp>(op);
}

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
    Value external = body.getTerminator()->getOperand(0); // written to the caller's output
    if (isa<BlockArgument>(external) || external.getDefiningOp<arith::ConstantOp>())
      external = nullptr;

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
    OpBuilder b(&getContext());
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
      llvm::erase_if(live, [&](size_t l) { return blocks[l].end < now; });
      SmallVector<int64_t> offsets;
      for (Value result : op.getResults()) {
        if (result == external) {
          offsets.push_back(-1);
          continue;
        }
        int64_t size = storageBytes(result.getType()), end = lastUse(result);
        std::optional<size_t> reuse;
        if (elementwise(&op))
          for (Value operand : op.getOperands()) {
            auto it = blockOf.find(operand);
            if (it != blockOf.end() && operand.getType() == result.getType() && lastUse(operand) == now) {
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
      op.setAttr(kOffsetAttr, b.getDenseI64ArrayAttr(offsets));
      if (int64_t bytes = scratchBytes(&op, threads))
        op.setAttr(kScratchAttr, b.getI64IntegerAttr(blocks[place(alignUp(bytes), now, now)].offset));
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
    module->setAttr(kArenaBytesAttr, b.getI64IntegerAttr(peak));
    module->setAttr(kLowerBoundAttr, b.getI64IntegerAttr(bound));
  }
};

} // namespace
