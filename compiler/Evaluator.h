// Runs a planned qnn module inside the compiler, on the runtime kernels
// themselves (built into qnnc): each op's KernelCall, in the arena its
// memory plan lays out. The kernels compute every element the same way on
// every instruction set, so the evaluator gives the generated code's
// outputs bit for bit, without a C++ compiler: what calibration and
// per-layer sensitivity measure is what the device will compute.
#ifndef QNNC_COMPILER_EVALUATOR_H
#define QNNC_COMPILER_EVALUATOR_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <memory>

namespace qnnc {

class Evaluator {
public:
  /// Prepares `module`'s @main, which qnn-plan-memory has planned for one
  /// thread (the kernels run serially here): its constants, kernel calls and
  /// arena. Diagnoses an op it cannot run.
  static mlir::FailureOr<Evaluator> create(mlir::ModuleOp module);

  Evaluator(Evaluator &&);
  ~Evaluator();

  /// The instruction set of the kernels it runs: the host's best of
  /// baseline, x86-64-v3 and x86-64-v4.
  static const char *instructionSet();

  /// Elements of the first input and the first output (of a model with one
  /// of each, as calibration takes it).
  int64_t inputElements() const;
  int64_t outputElements() const;
  /// Bytes of each input and each output tensor, in the graph's order.
  llvm::ArrayRef<int64_t> inputBytes() const;
  llvm::ArrayRef<int64_t> outputBytes() const;

  /// Sees each tensor of @main as it is computed: the inputs first, then
  /// every op's results after the op (in the buffer's own layout).
  using Observer = llvm::function_ref<void(mlir::Value, const void *)>;

  /// One inference: `inputs[i]` and `outputs[k]` hold inputBytes()[i] and
  /// outputBytes()[k] bytes, as the generated <name>_run takes them.
  void run(llvm::ArrayRef<const void *> inputs, llvm::ArrayRef<void *> outputs, Observer observe = nullptr);

  struct Plan; // the prepared calls, constants and arena

private:
  explicit Evaluator(std::unique_ptr<Plan> plan);
  std::unique_ptr<Plan> plan;
};

} // namespace qnnc

#endif
