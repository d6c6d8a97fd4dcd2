// qnn-assign-bits: per-layer weight and input widths under a budget, from
// a table of choices per layer (each with its cost and sensitivity), by an
// exact multiple-choice knapsack.
#include "passes/BitAssignment.h"
#include "passes/Passes.h"
#include "passes/QuantizationAttrs.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include <algorithm>

namespace qnnc {
#define GEN_PASS_DEF_ASSIGNBITS
#include "passes/Passes.h.inc"
} // namespace qnnc

using namespace mlir;
using namespace qnnc;

std::vector<BitAssignment> qnnc::bitFrontier(ArrayRef<SmallVector<BitChoice>> layers, BitCost cost) {
  std::vector<BitAssignment> frontier(1);
  for (const auto &choices : layers) {
    std::vector<BitAssignment> next;
    next.reserve(frontier.size() * choices.size());
    for (const BitAssignment &base : frontier)
      for (auto [index, choice] : llvm::enumerate(choices)) {
        BitAssignment a = base;
        a.choice.push_back(static_cast<unsigned>(index));
        a.cost += cost == BitCost::Bytes ? choice.bytes : choice.bitops;
        a.sensitivity += choice.sensitivity;
        next.push_back(std::move(a));
      }
    std::sort(next.begin(), next.end(), [](const BitAssignment &x, const BitAssignment &y) {
      if (x.cost != y.cost)
        return x.cost < y.cost;
      if (x.sensitivity != y.sensitivity)
        return x.sensitivity < y.sensitivity;
      return x.choice < y.choice;
    });
    frontier.clear();
    for (BitAssignment &a : next)
      if (frontier.empty() || a.sensitivity < frontier.back().sensitivity)
        frontier.push_back(std::move(a));
  }
  return frontier;
}

namespace {

/// A layer's choices from its `qnn.bit_choices` attribute: an array of
/// {w, a, bytes, bitops, sensitivity} dictionaries.
FailureOr<SmallVector<BitChoice>> readChoices(Operation *op) {
  auto list = op->getAttrOfType<ArrayAttr>(kBitChoicesAttr);
  auto bad = [&]() {
    op->emitError("qnn.bit_choices must be a non-empty array of {w, a, bytes, bitops : integers, sensitivity : "
                  "float} with widths 0 (float) or 1 to 8 and costs >= 0");
    return failure();
  };
  if (!list || list.empty())
    return bad();
  SmallVector<BitChoice> choices;
  for (Attribute entry : list) {
    auto dict = dyn_cast<DictionaryAttr>(entry);
    auto integer = [&](StringRef key) -> std::optional<int64_t> {
      auto v = dict ? dict.getAs<IntegerAttr>(key) : IntegerAttr();
      return v ? std::optional<int64_t>(v.getInt()) : std::nullopt;
    };
    auto sensitivity = dict ? dict.getAs<FloatAttr>("sensitivity") : FloatAttr();
    auto w = integer("w"), a = integer("a"), bytes = integer("bytes"), bitops = integer("bitops");
    if (!w || !a || !bytes || !bitops || !sensitivity || *w < 0 || *w > 8 || *a < 0 || *a > 8 || *bytes < 0 ||
        *bitops < 0)
      return bad();
    choices.push_back({*w, *a, *bytes, *bitops, sensitivity.getValueAsDouble()});
  }
  return choices;
}

struct AssignBitsPass : qnnc::impl::AssignBitsBase<AssignBitsPass> {
  using AssignBitsBase::AssignBitsBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if ((budgetBytes > 0) == (budgetBitops > 0)) {
      func.emitError("qnn-assign-bits needs exactly one budget: budget-bytes or budget-bitops");
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    SmallVector<SmallVector<BitChoice>> layers;
    func.walk([&](Operation *op) {
      if (op->hasAttr(kBitChoicesAttr))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      auto choices = readChoices(op);
      if (failed(choices))
        return signalPassFailure();
      layers.push_back(std::move(*choices));
    }
    const BitCost kind = budgetBytes > 0 ? BitCost::Bytes : BitCost::Bitops;
    const int64_t budget = budgetBytes > 0 ? budgetBytes : budgetBitops;
    const char *unit = kind == BitCost::Bytes ? "bytes" : "bit-ops";
    std::vector<BitAssignment> frontier = bitFrontier(layers, kind);
    // The frontier ascends in cost and descends in sensitivity: the best
    // within the budget is the last point that fits.
    auto fits = std::upper_bound(frontier.begin(), frontier.end(), budget,
                                 [](int64_t b, const BitAssignment &a) { return b < a.cost; });
    if (fits == frontier.begin()) {
      func.emitError("the budget of ") << budget << " " << unit << " is below the cheapest assignment's "
                                       << frontier.front().cost << " " << unit;
      return signalPassFailure();
    }
    const BitAssignment &best = *std::prev(fits);
    Builder b(&getContext());
    int64_t bytes = 0, bitops = 0;
    for (auto [op, choices, index] : llvm::zip(ops, layers, best.choice)) {
      const BitChoice &c = choices[index];
      op->removeAttr(kBitChoicesAttr);
      op->setAttr(kBitsAttr, b.getDenseI64ArrayAttr({c.weightBits, c.inputBits}));
      bytes += c.bytes;
      bitops += c.bitops;
    }
    func->setAttr("qnn.bit_assignment",
                  b.getDictionaryAttr({b.getNamedAttr("bytes", b.getI64IntegerAttr(bytes)),
                                       b.getNamedAttr("bitops", b.getI64IntegerAttr(bitops)),
                                       b.getNamedAttr("sensitivity", b.getF64FloatAttr(best.sensitivity))}));
  }
};

} // namespace
