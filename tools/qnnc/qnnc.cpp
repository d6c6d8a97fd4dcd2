// qnnc: ONNX model -> standalone C++ project.
#include "compiler/Calibrate.h"
#include "compiler/Evaluator.h"
#include "compiler/OutputWriter.h"
#include "compiler/Pipeline.h"
#include "frontends/onnx/OnnxImporter.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <vector>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory qnncCategory("qnnc options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("MODEL.onnx (or .pbtxt: protobuf text format)"),
                               cl::cat(qnncCategory));
cl::opt<std::string> outputDir("o", cl::desc("output directory for the generated C++ project"),
                               cl::value_desc("OUTDIR"), cl::cat(qnncCategory));
enum class Emit { Dir, Import, Mlir, EmitC, Cpp };
cl::opt<Emit> emit("emit", cl::desc("what to produce"), cl::init(Emit::Dir),
                   cl::values(clEnumValN(Emit::Dir, "dir", "the C++ project in OUTDIR (default)"),
                              clEnumValN(Emit::Import, "import", "print the qnn IR as imported, before any pass"),
                              clEnumValN(Emit::Mlir, "mlir", "print the qnn IR after the pipeline"),
                              clEnumValN(Emit::EmitC, "emitc", "print the EmitC IR"),
                              clEnumValN(Emit::Cpp, "cpp", "print the model's C++ source")),
                   cl::cat(qnncCategory));
cl::opt<std::string> entryName("name", cl::desc("C name of the model: <name>_run, <name>.h (default: model)"),
                               cl::init("model"), cl::cat(qnncCategory));
cl::opt<std::string> targetName("target",
                                cl::desc("instruction set of the generated code: generic (default), x86-64-v3, "
                                         "x86-64-v4, aarch64, cortex-m4, riscv64, native (the host's)"),
                                cl::init("generic"), cl::cat(qnncCategory));
cl::opt<std::string> printTarget("print-target", cl::desc("print the target NAME resolves to (e.g. native) and exit"),
                                 cl::value_desc("NAME"), cl::cat(qnncCategory));
// Spelled --threads on the command line; LLVM's shared library already owns
// an option of that name, so argv is rewritten to this one (see main).
cl::opt<int64_t> threads("kernel-threads",
                         cl::desc("threads the generated model runs on (default 1; one OpenMP region per "
                                  "inference when > 1); results are identical for any count. Also --threads N"),
                         cl::init(1), cl::cat(qnncCategory));

/// argv with --threads / -threads (=N or N) spelled as --kernel-threads.
std::vector<std::string> renameThreadsFlag(int argc, char **argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (std::string &a : args)
    for (const char *flag : {"--threads", "-threads"})
      if (a == flag || a.rfind(std::string(flag) + "=", 0) == 0)
        a = "--kernel-threads" + a.substr(std::string(flag).size());
  return args;
}
cl::opt<std::string> evaluatePath(
    "evaluate",
    cl::desc("run the compiled model inside qnnc on every input of FILE (raw float32 tensors, as model_main reads "
             "them) and write the outputs to -o OUTPUT.bin, bit-identical to the generated code"),
    cl::value_desc("FILE"), cl::cat(qnncCategory));
cl::opt<int64_t> bits("bits",
                      cl::desc("post-training quantization of a float model: weights and activations of its "
                               "convolutions and GEMMs on N-bit integer grids (1 to 8; the first and last 8), "
                               "activation ranges from --calib"),
                      cl::value_desc("N"), cl::init(0), cl::cat(qnncCategory));
cl::opt<std::string> calibPath("calib",
                               cl::desc("calibration inputs for --bits (raw float32 tensors, as model_main reads them)"),
                               cl::value_desc("FILE"), cl::cat(qnncCategory));
cl::opt<std::string> keepFirstLast("keep-first-last",
                                   cl::desc("with --bits: the first and last quantized op at 8 bits (8, default) or "
                                            "left float (float)"),
                                   cl::init("8"), cl::cat(qnncCategory));
enum class Calib { Percentile, MinMax };
cl::opt<Calib> calibMethod("calib-method", cl::desc("how --bits sets each activation range's top"),
                           cl::init(Calib::Percentile),
                           cl::values(clEnumValN(Calib::Percentile, "percentile",
                                                 "the 99.99th percentile of the calibration values (default)"),
                                      clEnumValN(Calib::MinMax, "minmax", "the largest calibration value")),
                           cl::cat(qnncCategory));
cl::opt<int64_t> batch("batch", cl::desc("value of a dynamic batch dimension (default: 1)"), cl::init(1),
                       cl::cat(qnncCategory));

/// One line per problem: "qnnc: error: FILE: node 'n' (Op): message".
void printDiagnostic(Diagnostic &diag) {
  std::string where;
  Location loc = diag.getLocation();
  if (auto named = dyn_cast<NameLoc>(loc)) {
    if (auto file = dyn_cast<FileLineColLoc>(named.getChildLoc()))
      where = file.getFilename().str() + ": ";
    where += named.getName().str() + ": ";
  } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    where = file.getFilename().str() + ": ";
  }
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error     ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning ? "warning"
                                                                               : "note";
  llvm::errs() << "qnnc: " << severity << ": " << where << diag.str() << "\n";
}

bool validIdentifier(StringRef s) {
  if (s.empty() || !(isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_'))
    return false;
  return llvm::all_of(s, [](char c) { return isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

/// The float32 tensors of `path` (a whole number of `elements`-float
/// tensors, at least one), as model_main reads them.
FailureOr<std::vector<float>> readTensors(StringRef path, int64_t elements) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) {
    llvm::errs() << "qnnc: error: cannot read " << path << ": " << file.getError().message() << "\n";
    return failure();
  }
  const size_t tensorBytes = elements * sizeof(float);
  StringRef data = (*file)->getBuffer();
  if (data.empty() || data.size() % tensorBytes != 0) {
    llvm::errs() << "qnnc: error: " << path << " holds " << data.size() << " bytes, not a whole number of "
                 << tensorBytes << "-byte input tensors\n";
    return failure();
  }
  std::vector<float> values(data.size() / sizeof(float));
  std::memcpy(values.data(), data.data(), data.size());
  return values;
}

/// The number of floats in the input of `module`'s @main.
int64_t inputElements(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  auto type = main && main.getNumArguments() == 1 ? dyn_cast<RankedTensorType>(main.getArgument(0).getType())
                                                  : RankedTensorType();
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

/// --evaluate: every input tensor of `inputs` through the Evaluator, the
/// outputs in order into `outputPath`.
LogicalResult evaluateFile(ModuleOp module, StringRef inputs, StringRef outputPath) {
  auto evaluator = qnnc::Evaluator::create(module);
  if (failed(evaluator))
    return failure();
  auto data = readTensors(inputs, evaluator->inputElements());
  if (failed(data))
    return failure();
  std::error_code error;
  llvm::raw_fd_ostream out(outputPath, error, llvm::sys::fs::OF_None);
  if (error) {
    llvm::errs() << "qnnc: error: cannot create " << outputPath << ": " << error.message() << "\n";
    return failure();
  }
  std::vector<float> output(evaluator->outputElements());
  for (size_t at = 0; at < data->size(); at += evaluator->inputElements()) {
    evaluator->run(data->data() + at, output.data());
    out.write(reinterpret_cast<const char *>(output.data()), output.size() * sizeof(float));
  }
  return success();
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  auto &registered = cl::getRegisteredOptions();
  if (auto it = registered.find("threads"); it != registered.end())
    it->second->setHiddenFlag(cl::ReallyHidden);
  // --help lists qnnc's own options; MLIR's stay accepted.
  cl::HideUnrelatedOptions(qnncCategory);
  std::vector<std::string> args = renameThreadsFlag(argc, argv);
  std::vector<const char *> argPointers;
  for (const std::string &a : args)
    argPointers.push_back(a.c_str());
  cl::ParseCommandLineOptions(argPointers.size(), argPointers.data(),
                              "qnnc: ahead-of-time compiler for binary and low-bit neural networks\n\n"
                              "  qnnc MODEL.onnx -o OUTDIR   writes OUTDIR/{<name>.h,<name>.cpp,model_main.cpp,\n"
                              "                              CMakeLists.txt,qnn_runtime/}; build it with cmake.\n"
                              "  --threads N                 same as --kernel-threads N\n");
  if (!printTarget.empty()) {
    auto t = qnnc::lookupTarget(printTarget);
    if (!t) {
      llvm::errs() << "qnnc: error: unknown target '" << printTarget << "'\n";
      return 1;
    }
    llvm::outs() << t->name << "\n";
    return 0;
  }
  if (inputPath.empty()) {
    llvm::errs() << "qnnc: error: no input model (see --help)\n";
    return 1;
  }
  if (emit == Emit::Dir && outputDir.empty()) {
    llvm::errs() << (evaluatePath.empty() ? "qnnc: error: -o OUTDIR is required (or --emit=mlir|emitc|cpp)\n"
                                          : "qnnc: error: --evaluate needs -o OUTPUT.bin\n");
    return 1;
  }
  if (!validIdentifier(entryName)) {
    llvm::errs() << "qnnc: error: --name '" << entryName << "' is not a C identifier\n";
    return 1;
  }
  auto target = qnnc::lookupTarget(targetName);
  if (!target) {
    llvm::errs() << "qnnc: error: unknown --target '" << targetName << "' (one of " << qnnc::targetNames()
                 << ")\n";
    return 1;
  }
  if (threads < 1 || threads > 256) {
    llvm::errs() << "qnnc: error: --threads must be between 1 and 256\n";
    return 1;
  }
  target->threads = threads;
  if (batch < 1 || batch > (1 << 20)) {
    llvm::errs() << "qnnc: error: --batch must be between 1 and 1048576\n";
    return 1;
  }

  MLIRContext context;
  context.getDiagEngine().registerHandler([](Diagnostic &d) { printDiagnostic(d); });
  auto module = qnnc::importOnnxFile(context, inputPath, {batch});
  if (!module)
    return 1;

  if (emit == Emit::Import) {
    module->print(llvm::outs());
    return 0;
  }
  PassManager pm(&context);
  if (failed(applyPassManagerCLOptions(pm)))
    return 1;
  if (bits != 0) {
    if (bits < 1 || bits > 8 || calibPath.empty() || (keepFirstLast != "8" && keepFirstLast != "float")) {
      llvm::errs() << "qnnc: error: --bits takes 1 to 8 with --calib=FILE (and --keep-first-last=8|float)\n";
      return 1;
    }
    const int64_t elements = inputElements(*module);
    if (elements == 0) {
      llvm::errs() << "qnnc: error: --bits needs a static input shape (set a dynamic batch with --batch)\n";
      return 1;
    }
    auto calibration = readTensors(calibPath, elements);
    if (failed(calibration) ||
        failed(qnnc::calibrate(*module, calibration->data(), calibration->size() / elements,
                               calibMethod == Calib::MinMax ? qnnc::RangeMethod::MinMax
                                                            : qnnc::RangeMethod::Percentile)))
      return 1;
    pm.nest<func::FuncOp>().addPass(qnnc::createQuantize(qnnc::QuantizeOptions{bits, keepFirstLast}));
  }
  qnnc::buildQnnPipeline(pm);
  if (!evaluatePath.empty()) {
    qnnc::buildPlanPipeline(pm, /*threads=*/1);
    return failed(pm.run(*module)) || failed(evaluateFile(*module, evaluatePath, outputDir)) ? 1 : 0;
  }
  if (emit != Emit::Mlir)
    qnnc::buildEmitCPipeline(pm, entryName, threads);
  if (failed(pm.run(*module)))
    return 1;

  switch (emit) {
  case Emit::Import: // printed before the pipeline
  case Emit::Mlir:
  case Emit::EmitC:
    module->print(llvm::outs());
    return 0;
  case Emit::Cpp:
    return failed(qnnc::emitModelSource(*module, llvm::outs())) ? 1 : 0;
  case Emit::Dir:
    return failed(qnnc::writeOutputDirectory(*module, outputDir, entryName, *target)) ? 1 : 0;
  }
  return 0;
}
