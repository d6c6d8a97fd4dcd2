#include "compiler/IrInput.h"

#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

mlir::LogicalResult qnnc::checkDenseArrays(mlir::Operation *root) {
  mlir::AttrTypeWalker walker;
  int64_t badSize = -1;
  walker.addWalk([&](mlir::DenseArrayAttr array) {
    const size_t elementBytes = (array.getElementType().getIntOrFloatBitWidth() + 7) / 8;
    if (array.getRawData().size() == static_cast<size_t>(array.getSize()) * elementBytes)
      return mlir::WalkResult::advance();
    badSize = array.getSize();
    return mlir::WalkResult::interrupt();
  });
  auto holdsBadArray = [&](mlir::Operation *op) {
    if (walker.walk(op->getAttrDictionary()).wasInterrupted() || walker.walk(op->getLoc()).wasInterrupted())
      return true;
    for (mlir::Type type : op->getResultTypes())
      if (walker.walk(type).wasInterrupted())
        return true;
    for (mlir::Region &region : op->getRegions())
      for (mlir::Block &block : region)
        for (mlir::BlockArgument argument : block.getArguments())
          if (walker.walk(argument.getType()).wasInterrupted() || walker.walk(argument.getLoc()).wasInterrupted())
            return true;
    return false;
  };
  mlir::Operation *bad = nullptr;
  root->walk([&](mlir::Operation *op) {
    if (!holdsBadArray(op))
      return mlir::WalkResult::advance();
    bad = op;
    return mlir::WalkResult::interrupt();
  });
  if (!bad)
    return mlir::success();
  // The op's own location may be what holds the array: report at the
  // nearest file position instead.
  mlir::Location at = mlir::UnknownLoc::get(root->getContext());
  for (mlir::Operation *op = bad; op; op = op->getParentOp())
    if (auto position = op->getLoc()->findInstanceOf<mlir::FileLineColLoc>()) {
      at = position;
      break;
    }
  return mlir::emitError(at) << "a dense array attribute of size " << badSize
                                        << " holds no values; write the elements of an i1 array as "
                                           "true or false (llvm/llvm-project#173373)";
}

mlir::LogicalResult qnnc::checkDenseArraysInSource(const llvm::MemoryBuffer &source, llvm::StringRef splitMarker,
                                                   const mlir::DialectRegistry &registry, bool allowUnregistered) {
  auto checkChunk = [&](std::unique_ptr<llvm::MemoryBuffer> chunk, llvm::raw_ostream &) {
    mlir::MLIRContext context(registry, mlir::MLIRContext::Threading::DISABLED);
    context.allowUnregisteredDialects(allowUnregistered);
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(std::move(chunk), llvm::SMLoc());
    mlir::Block parsed;
    {
      mlir::ScopedDiagnosticHandler quiet(&context, [](mlir::Diagnostic &) { return mlir::success(); });
      if (mlir::failed(
              mlir::parseSourceFile(sourceMgr, &parsed, mlir::ParserConfig(&context, /*verifyAfterParse=*/false))))
        return mlir::success();
    }
    mlir::SourceMgrDiagnosticHandler report(sourceMgr, &context);
    for (mlir::Operation &op : parsed)
      if (mlir::failed(checkDenseArrays(&op)))
        return mlir::failure();
    return mlir::success();
  };
  std::string discarded;
  llvm::raw_string_ostream sink(discarded);
  return mlir::splitAndProcessBuffer(
      llvm::MemoryBuffer::getMemBuffer(source.getBuffer(), source.getBufferIdentifier()), checkChunk, sink,
      splitMarker);
}
