#include "compiler/WeightsBlob.h"

#include "mlir/Dialect/EmitC/IR/EmitC.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

std::string qnnc::moveWeightsToBlob(ModuleOp module, StringRef defaultFile) {
  std::string blob, directives;
  for (auto global : module.getOps<emitc::GlobalOp>()) {
    auto values = dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr());
    if (!values || !isa<emitc::ArrayType>(global.getType()) || !global.getConstSpecifier())
      continue;
    Type element = values.getElementType();
    // i1 is stored one bit per element, not as the C++ bool the array holds.
    if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
      continue;
    blob.resize(llvm::alignTo(blob.size(), 64), '\0');
    const size_t offset = blob.size();
    ArrayRef<char> raw = values.getRawData();
    for (int64_t copies = values.isSplat() ? values.getNumElements() : 1; copies > 0; --copies)
      blob.append(raw.begin(), raw.end());
    // Typed and sized as a compiler's own object (nm -S, debuggers).
    directives += llvm::formatv("  \".balign 64\\n.type {0}, %object\\n.size {0}, {2}\\n{0}:\\n\"\n"
                                "  \".incbin \\\"\" QNNC_WEIGHTS_FILE \"\\\", {1}, {2}\\n\"\n",
                                global.getSymName(), offset, blob.size() - offset);
    // Defined in this object: addressed directly, not through the GOT (whose
    // entries for a local symbol plus an offset AArch64's GNU ld gets wrong).
    OpBuilder(global).create<emitc::VerbatimOp>(global.getLoc(), "__attribute__((visibility(\"hidden\")))");
    global.removeInitialValueAttr();
    global.setStaticSpecifier(false);
    global.setExternSpecifier(true);
  }
  if (blob.empty())
    return blob;
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  builder.create<emitc::VerbatimOp>(
      module.getLoc(), llvm::formatv("// The arrays' bytes, from {0}: the assembler looks for it in the include\n"
                                     "// path (-I of this file's folder), or QNNC_WEIGHTS_FILE names it.\n"
                                     "#ifndef QNNC_WEIGHTS_FILE\n#define QNNC_WEIGHTS_FILE \"{0}\"\n#endif\n"
                                     "__asm__(\".pushsection .rodata.qnnc_weights,\\\"a\\\"\\n\"\n{1}"
                                     "  \".popsection\\n\");",
                                     defaultFile, directives)
                           .str());
  return blob;
}
