// Every qnnc pass, generated from Passes.td.
#ifndef QNNC_PASSES_PASSES_H
#define QNNC_PASSES_PASSES_H

#include "dialects/qnn/QnnDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace qnnc {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace qnnc

#endif
