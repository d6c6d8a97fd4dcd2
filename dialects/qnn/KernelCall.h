// A description of the runtime kernel calls that compute one qnn op, built by
// the op (KernelOpInterface::buildKernelCall) and turned into code by the
// lowering. It says what each argument is, in the kernel's order, and
// nothing of how the lowering spells it.
#ifndef QNNC_DIALECTS_QNN_KERNELCALL_H
#define QNNC_DIALECTS_QNN_KERNELCALL_H

#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/SmallVector.h"

#include <string>

namespace qnnc::qnn {

struct KernelArg {
  enum class Kind {
    Operand, // buffer of operand `index`; a binary or levels tensor adds its plane stride in words
    Result,  // buffer of result `index`, likewise
    Scratch, // the op's arena scratch, as a pointer to `type`
    Integer, // `integer`
    Float,   // `real` (f32)
    Bool,    // `integer` != 0
    Null,    // an absent optional buffer
    Table,   // a constant array `values`, named after the op and `name`
    Params,  // a constant struct of C++ type `name` with `fields`
  };
  Kind kind;
  int64_t index = 0;
  int64_t integer = 0;
  float real = 0;
  mlir::Type type;
  std::string name;
  mlir::DenseElementsAttr values;
  llvm::SmallVector<std::pair<std::string, int64_t>> fields;
};

/// Calls in order; each starts with `call(kernel)` and takes the arguments
/// added after it.
class KernelCall {
public:
  struct Call {
    std::string kernel;
    llvm::SmallVector<KernelArg> args;
  };

  KernelCall &call(llvm::StringRef kernel) {
    calls.push_back({kernel.str(), {}});
    return *this;
  }
  KernelCall &operand(int64_t i) { return add({KernelArg::Kind::Operand, i}); }
  KernelCall &result(int64_t i = 0) { return add({KernelArg::Kind::Result, i}); }
  KernelCall &scratch(mlir::Type element) {
    KernelArg a{KernelArg::Kind::Scratch};
    a.type = element;
    return add(std::move(a));
  }
  KernelCall &integer(int64_t v) {
    KernelArg a{KernelArg::Kind::Integer};
    a.integer = v;
    return add(std::move(a));
  }
  KernelCall &integers(llvm::ArrayRef<int64_t> vs) {
    for (int64_t v : vs)
      integer(v);
    return *this;
  }
  KernelCall &f32(float v) {
    KernelArg a{KernelArg::Kind::Float};
    a.real = v;
    return add(std::move(a));
  }
  KernelCall &f32(const llvm::APFloat &v) { return f32(v.convertToFloat()); }
  KernelCall &boolean(bool v) {
    KernelArg a{KernelArg::Kind::Bool};
    a.integer = v;
    return add(std::move(a));
  }
  KernelCall &null() { return add({KernelArg::Kind::Null}); }
  KernelCall &table(llvm::StringRef name, mlir::DenseElementsAttr values) {
    KernelArg a{KernelArg::Kind::Table};
    a.name = name.str();
    a.values = values;
    return add(std::move(a));
  }
  KernelCall &params(llvm::StringRef cppType, llvm::SmallVector<std::pair<std::string, int64_t>> fields) {
    KernelArg a{KernelArg::Kind::Params};
    a.name = cppType.str();
    a.fields = std::move(fields);
    return add(std::move(a));
  }

  llvm::ArrayRef<Call> getCalls() const { return calls; }

private:
  KernelCall &add(KernelArg arg) {
    assert(!calls.empty() && "call(kernel) must come first");
    calls.back().args.push_back(std::move(arg));
    return *this;
  }
  llvm::SmallVector<Call, 1> calls;
};

} // namespace qnnc::qnn

#endif
