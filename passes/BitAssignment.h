// The exact solver behind qnn-assign-bits, shared with the compiler's
// search (the --sweep curve and --max-accuracy-drop walk its frontier).
#ifndef QNNC_PASSES_BITASSIGNMENT_H
#define QNNC_PASSES_BITASSIGNMENT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <vector>

namespace qnnc {

/// One way to run a layer: its weight and input widths (0: float), what
/// that costs, and how much it perturbs the model (additive over layers).
struct BitChoice {
  int64_t weightBits = 0, inputBits = 0;
  int64_t bytes = 0, bitops = 0;
  double sensitivity = 0;
};

enum class BitCost { Bytes, Bitops };

/// A choice per layer (indices into each layer's choices) and its totals.
struct BitAssignment {
  std::vector<unsigned> choice;
  int64_t cost = 0;
  double sensitivity = 0;
};

/// The exact multiple-choice knapsack frontier: for every total cost some
/// assignment reaches, the least total sensitivity at that cost or below,
/// ascending in cost (and so strictly descending in sensitivity). Built
/// layer by layer, keeping only assignments no other beats in both cost
/// and sensitivity, which loses no optimum. Ties go to the assignment whose
/// choice indices are smallest in order, so the result is deterministic.
std::vector<BitAssignment> bitFrontier(llvm::ArrayRef<llvm::SmallVector<BitChoice>> layers, BitCost cost);

} // namespace qnnc

#endif
