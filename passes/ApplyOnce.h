// Applying rewrite patterns once to each op, in program order, without
// folding: the recognize passes look through constant ops (dequantized
// weights, Sign of weights) that the greedy driver would fold away first.
// (MLIR 20 has this as walkAndApplyPatterns.)
#ifndef QNNC_PASSES_APPLYONCE_H
#define QNNC_PASSES_APPLYONCE_H

#include "mlir/IR/Iterators.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"

namespace qnnc {

/// Tries `patterns` on every op nested in `root` that exists now, in order;
/// then erases the ops of the `Dead` types that the rewrites left unused.
template <class... Dead>
void applyPatternsOnce(mlir::Operation *root, const mlir::FrozenRewritePatternSet &patterns) {
  mlir::PatternApplicator applicator(patterns);
  applicator.applyDefaultCostModel();
  llvm::SmallVector<mlir::Operation *> ops;
  root->walk([&](mlir::Operation *op) {
    if (op != root)
      ops.push_back(op);
  });
  mlir::PatternRewriter rewriter(root->getContext());
  llvm::SmallPtrSet<mlir::Operation *, 16> erased;
  struct Listener : mlir::RewriterBase::Listener {
    llvm::SmallPtrSetImpl<mlir::Operation *> &erased;
    explicit Listener(llvm::SmallPtrSetImpl<mlir::Operation *> &erased) : erased(erased) {}
    void notifyOperationErased(mlir::Operation *op) override { erased.insert(op); }
  } listener(erased);
  rewriter.setListener(&listener);
  for (mlir::Operation *op : ops) {
    if (erased.contains(op))
      continue;
    rewriter.setInsertionPoint(op);
    (void)applicator.matchAndRewrite(op, rewriter);
  }
  root->walk<mlir::WalkOrder::PostOrder, mlir::ReverseIterator>([](mlir::Operation *op) {
    if (llvm::isa<Dead...>(op) && op->use_empty())
      op->erase();
  });
}

} // namespace qnnc

#endif
