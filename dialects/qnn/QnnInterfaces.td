// Interfaces of the qnn dialect.
#ifndef QNN_INTERFACES_TD
#define QNN_INTERFACES_TD

include "mlir/IR/Interfaces.td"

def Qnn_KernelOpInterface : OpInterface<"KernelOpInterface"> {
  let cppNamespace = "::qnnc::qnn";
  let description = [{
    An op that runs as calls of runtime kernels (runtime/qnn_runtime). The
    op describes its calls in a `KernelCall`: which kernel, and arguments
    in the kernel's order (operand and result buffers, scratch, integers,
    constant tables and parameter structs). qnn-plan-memory asks it for
    scratch and in-place legality; qnn-lower-to-emitc turns the description
    into EmitC with one generic pattern. Adding a kernel is its op, this
    interface's methods and its runtime function.
  }];
  let methods = [
    InterfaceMethod<[{Describes the runtime call(s) that compute this op; fails
      (with a diagnostic) where the kernels cannot compute it.}],
      "::mlir::LogicalResult", "buildKernelCall", (ins "::qnnc::qnn::KernelCall &":$call)>,
    InterfaceMethod<[{Bytes of arena scratch the kernels need while they run on
      `threads` threads (0: none).}],
      "int64_t", "getScratchBytes", (ins "int64_t":$threads), "", "return 0;">,
    InterfaceMethod<[{Whether the result may overwrite an operand of the same
      type that dies here: the kernel reads element i before it writes
      element i, and nothing else.}],
      "bool", "canRunInPlace", (ins), "", "return false;">,
    InterfaceMethod<[{Whether the kernels read float operand `index` stored
      channels-last (NHWC) as well as NCHW (qnn-assign-layouts).}],
      "bool", "acceptsChannelsLast", (ins "unsigned":$index), "", "return false;">,
    InterfaceMethod<[{Whether the kernels can write the (float, 4-D) result
      channels-last.}],
      "bool", "producesChannelsLast", (ins), "", "return false;">,
    InterfaceMethod<[{The operand whose layout must be the result's (the
      kernel takes one layout for both), if any.}],
      "std::optional<unsigned>", "channelsLastTiedOperand", (ins), "", "return std::nullopt;">,
  ];
}

#endif
