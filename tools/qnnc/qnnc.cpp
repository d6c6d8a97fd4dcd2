// qnnc: ONNX model -> standalone C++ project.
#include "compiler/BitSearch.h"
#include "compiler/Calibrate.h"
#include "compiler/ClusterSearch.h"
#include "compiler/Evaluator.h"
#include "compiler/LlvmEmitter.h"
#include "compiler/OutputWriter.h"
#include "compiler/Report.h"
#include "compiler/Pipeline.h"
#include "frontends/onnx/OnnxImporter.h"
#include "passes/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <onnx/common/version.h>

#include <cstring>
#include <numeric>
#include <optional>
#include <vector>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory qnncCategory("qnnc options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("MODEL.onnx (or .pbtxt: protobuf text format)"),
                               cl::cat(qnncCategory));
cl::opt<std::string> outputDir("o",
                               cl::desc("output directory for the generated project (--emit=llvm: the .ll file, "
                                        "default stdout)"),
                               cl::value_desc("OUTDIR"), cl::cat(qnncCategory));
enum class Emit { Dir, Obj, Import, Mlir, EmitC, Cpp, Llvm };
cl::opt<Emit> emit("emit", cl::desc("what to produce"), cl::init(Emit::Dir),
                   cl::values(clEnumValN(Emit::Dir, "dir", "the C++ project in OUTDIR (default)"),
                              clEnumValN(Emit::Obj, "obj",
                                         "the project in OUTDIR with the model as an object file LLVM made for "
                                         "the target (a C compiler and linker build it)"),
                              clEnumValN(Emit::Import, "import", "print the qnn IR as imported, before any pass"),
                              clEnumValN(Emit::Mlir, "mlir", "print the qnn IR after the pipeline"),
                              clEnumValN(Emit::EmitC, "emitc", "print the EmitC IR"),
                              clEnumValN(Emit::Cpp, "cpp", "print the model's C++ source"),
                              clEnumValN(Emit::Llvm, "llvm",
                                         "the model and every kernel it calls as one LLVM IR module for the "
                                         "target (textual)")),
                   cl::cat(qnncCategory));
cl::opt<qnnc::WeightsForm> weightsForm(
    "weights", cl::desc("how the generated C++ holds the constant arrays (--emit=dir)"),
    cl::init(qnnc::WeightsForm::Binary),
    cl::values(clEnumValN(qnnc::WeightsForm::Binary, "binary",
                          "in <name>.weights beside the source, included by the assembler (.incbin): GCC and "
                          "Clang for ELF targets (default)"),
               clEnumValN(qnnc::WeightsForm::Text, "text", "as decimal literals in the source: any C++ compiler")),
    cl::cat(qnncCategory));
cl::opt<std::string> entryName("name", cl::desc("C name of the model: <name>_run, <name>.h (default: model)"),
                               cl::init("model"), cl::cat(qnncCategory));
cl::opt<std::string> targetName("target",
                                cl::desc("instruction set of the generated code: generic (default), x86-64-v3, "
                                         "x86-64-v4, aarch64, cortex-m4, riscv64, native (the host's)"),
                                cl::init("generic"), cl::cat(qnncCategory));
cl::opt<bool> listOps("list-ops",
                      cl::desc("print the ONNX operators qnnc reads, one per line (domain:OpType outside "
                               "the default domain), and exit"),
                      cl::cat(qnncCategory));
cl::opt<bool> printBuildFlags(
    "print-build-flags",
    cl::desc("print what a build of the generated C++ needs for --target and --threads as KEY=VALUE lines "
             "(QNNC_ARCH_FLAGS, QNNC_CLANG_FLAGS, QNNC_THREADS) and exit; qnnc_add_model uses it"),
    cl::cat(qnncCategory));
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
    cl::desc("run the compiled model inside qnnc on every record of FILE (raw tensors of each input's element "
             "type in turn, as model_main reads them; empty for a model without inputs) and write the outputs to "
             "-o OUTPUT.bin, bit-identical to the generated code"),
    cl::value_desc("FILE"), cl::cat(qnncCategory));
cl::opt<std::string> bitsSpec("bits",
                              cl::desc("post-training quantization of a float model: weights and activations of its "
                                       "convolutions and GEMMs on N-bit integer grids (1 to 8; the first and last 8), "
                                       "widths per layer chosen under a budget (auto), or given per layer (W:A,...; "
                                       "0 = float); ranges from --calib"),
                              cl::value_desc("N|auto|W:A,..."), cl::cat(qnncCategory));
cl::opt<std::string> calibPath("calib",
                               cl::desc("calibration inputs for --bits and --compress=cluster (raw float32 tensors, as "
                                        "model_main reads them)"),
                               cl::value_desc("FILE"), cl::cat(qnncCategory));
cl::opt<std::string> calibLabelsPath("calib-labels",
                                     cl::desc("--bits=auto, --compress=cluster: the class of each calibration input "
                                              "(int32); without them accuracy is agreement with the float (or "
                                              "uncompressed) model's top-1"),
                                     cl::value_desc("FILE"), cl::cat(qnncCategory));
cl::opt<int64_t> budgetBytes("budget-bytes", cl::desc("--bits=auto: weight bytes the generated code may hold"),
                             cl::value_desc("N"), cl::init(0), cl::cat(qnncCategory));
cl::opt<int64_t> budgetBitops("budget-bitops",
                              cl::desc("--bits=auto: bit-operations per inference (MACs x weight bits x input bits)"),
                              cl::value_desc("N"), cl::init(0), cl::cat(qnncCategory));
cl::opt<double> maxAccuracyDrop("max-accuracy-drop",
                                cl::desc("--bits=auto: the fewest weight bytes losing at most P top-1 points on the "
                                         "calibration set; --compress=cluster (without --bits=auto): the fewest "
                                         "binary weight bytes within P points of the uncompressed model"),
                                cl::value_desc("P"), cl::init(-1), cl::cat(qnncCategory));
cl::opt<int64_t> sensitivityInputs("sensitivity-inputs",
                                   cl::desc("--bits=auto, --compress=cluster: calibration inputs each layer's "
                                            "sensitivity (and clustering's input statistics) is measured on (the "
                                            "first N; default 256)"),
                                   cl::value_desc("N"), cl::init(256), cl::cat(qnncCategory));
cl::opt<bool> sweep("sweep", cl::desc("--bits=auto: also measure accuracy against weight bytes along the budget "
                                      "frontier and for uniform widths (in the report)"),
                    cl::cat(qnncCategory));
cl::opt<std::string> reportDir("report",
                               cl::desc("directory for report.json and report.html (default: OUTDIR): binary "
                                        "layers' kernel sequences and stored bytes, the --bits=auto assignment and "
                                        "the clustering search"),
                               cl::value_desc("DIR"), cl::cat(qnncCategory));
cl::opt<std::string> costTablePath("cost-table",
                                   cl::desc("--bits=auto: the target's kernel costs (bench/kernel_costs.py) for the "
                                            "report's estimated time per layer"),
                                   cl::value_desc("FILE"), cl::cat(qnncCategory));
cl::opt<bool> timeLayers("time-layers",
                         cl::desc("--bits=auto: time each layer of the result in the evaluator; with --compress: "
                                  "what decoding adds to each binary layer, on --calib (the report then differs from "
                                  "run to run)"),
                         cl::cat(qnncCategory));
cl::opt<bool> quiet("q", cl::desc("no progress messages"), cl::cat(qnncCategory));
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
cl::opt<qnnc::Compression> compress(
    "compress", cl::desc("how binary convolution weights are stored"), cl::init(qnnc::Compression::None),
    cl::values(clEnumValN(qnnc::Compression::None, "none", "packed words (default)"),
               clEnumValN(qnnc::Compression::Huffman, "huffman",
                          "a canonical Huffman code of each layer's kernel sequences where smaller, decoded "
                          "once per inference; outputs are bit-identical"),
               clEnumValN(qnnc::Compression::Cluster, "cluster",
                          "each binary convolution keeps its most frequent kernel sequences (--cluster-keep, or per "
                          "layer under --max-accuracy-drop with --calib; the others become the nearest kept, by "
                          "the calibration inputs' statistics when given), then Huffman; lossy")),
    cl::cat(qnncCategory));
cl::opt<int64_t> clusterKeep("cluster-keep",
                             cl::desc("--compress=cluster: kernel sequences each binary convolution keeps "
                                      "(default 64)"),
                             cl::value_desc("N"), cl::init(64), cl::cat(qnncCategory));
cl::opt<bool> requireBinary("require-binary",
                            cl::desc("a convolution or GEMM whose input is binary or low-bit (Sign, Quant) but which "
                                     "stays float is an error (else a warning says why, and the report lists it)"),
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

/// The bytes of `path`, or a diagnostic.
FailureOr<std::unique_ptr<llvm::MemoryBuffer>> readBinaryFile(StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
  if (!file) {
    llvm::errs() << "qnnc: error: cannot read " << path << ": " << file.getError().message() << "\n";
    return failure();
  }
  return std::move(*file);
}

/// The file `path` if it holds a whole number of `recordBytes`-byte
/// records (one tensor per model input, one after another), at least one,
/// as model_main reads them; or nothing for a model without inputs.
FailureOr<std::unique_ptr<llvm::MemoryBuffer>> readTensorFile(StringRef path, size_t recordBytes) {
  auto file = readBinaryFile(path);
  if (failed(file))
    return failure();
  const size_t size = (*file)->getBufferSize();
  if (recordBytes == 0 && size != 0) {
    llvm::errs() << "qnnc: error: " << path << " holds " << size
                 << " bytes, but the model has no inputs (give an empty file)\n";
    return failure();
  }
  if (recordBytes != 0 && (size == 0 || size % recordBytes != 0)) {
    llvm::errs() << "qnnc: error: " << path << " holds " << size << " bytes, not a whole number of " << recordBytes
                 << "-byte input tensors\n";
    return failure();
  }
  return std::move(*file);
}

/// The float32 tensors of `path` (a whole number of `elements`-float
/// tensors, at least one).
FailureOr<std::vector<float>> readTensors(StringRef path, int64_t elements) {
  auto file = readTensorFile(path, elements * sizeof(float));
  if (failed(file))
    return failure();
  StringRef data = (*file)->getBuffer();
  std::vector<float> values(data.size() / sizeof(float));
  std::memcpy(values.data(), data.data(), data.size());
  return values;
}

/// The number of floats in the input of `module`'s @main.
int64_t inputElements(ModuleOp module) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  auto type = main && main.getNumArguments() ? dyn_cast<RankedTensorType>(main.getArgument(0).getType())
                                             : RankedTensorType();
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

/// The int32 class labels of `path`, one per calibration input.
FailureOr<std::vector<int32_t>> readLabels(StringRef path, int64_t count) {
  auto file = readBinaryFile(path);
  if (failed(file))
    return failure();
  StringRef data = (*file)->getBuffer();
  if (data.size() != static_cast<size_t>(count) * sizeof(int32_t)) {
    llvm::errs() << "qnnc: error: " << path << " holds " << data.size() << " bytes, not " << count
                 << " int32 labels (one per calibration input)\n";
    return failure();
  }
  std::vector<int32_t> labels(count);
  std::memcpy(labels.data(), data.data(), data.size());
  return labels;
}

/// Whether --max-accuracy-drop picks the sequences each binary convolution
/// keeps (--compress=cluster without --cluster-keep or --bits=auto).
bool clusterSearch() {
  return compress == qnnc::Compression::Cluster && maxAccuracyDrop >= 0 && bitsSpec != "auto" &&
         clusterKeep.getNumOccurrences() == 0;
}

struct Calibration {
  const float *inputs = nullptr; // `count` input tensors
  int64_t count = 0;
  std::vector<int32_t> labels; // empty without --calib-labels
};

/// --calib (and --calib-labels where `labelled`) for `what`; the file is
/// read once however many steps use it.
FailureOr<Calibration> readCalibration(ModuleOp module, StringRef what, bool labelled) {
  static std::optional<std::vector<float>> tensorsRead;
  auto main = module.lookupSymbol<func::FuncOp>("main");
  auto isF32 = [](Type t) { return isa<RankedTensorType>(t) && cast<RankedTensorType>(t).getElementType().isF32(); };
  if (main && (main.getNumArguments() != 1 || main.getNumResults() != 1)) {
    llvm::errs() << "qnnc: error: " << what << " needs a model with one input and one output (this one has "
                 << main.getNumArguments() << " and " << main.getNumResults() << ")\n";
    return failure();
  }
  if (main && !(llvm::all_of(main.getFunctionType().getInputs(), isF32) &&
                llvm::all_of(main.getFunctionType().getResults(), isF32))) {
    llvm::errs() << "qnnc: error: " << what << " needs a model whose input and output are float32\n";
    return failure();
  }
  const int64_t elements = inputElements(module);
  if (elements == 0) {
    llvm::errs() << "qnnc: error: " << what << " needs a static input shape (set a dynamic batch with --batch)\n";
    return failure();
  }
  if (sensitivityInputs < 1) {
    llvm::errs() << "qnnc: error: --sensitivity-inputs must be at least 1\n";
    return failure();
  }
  if (!tensorsRead) {
    auto tensors = readTensors(calibPath, elements);
    if (failed(tensors))
      return failure();
    tensorsRead = std::move(*tensors);
  }
  Calibration c;
  c.inputs = tensorsRead->data();
  c.count = static_cast<int64_t>(tensorsRead->size()) / elements;
  if (labelled && !calibLabelsPath.empty()) {
    auto read = readLabels(calibLabelsPath, c.count);
    if (failed(read))
      return failure();
    c.labels = std::move(*read);
  }
  return c;
}

/// --compress=cluster with --calib (`module` after qnn-recognize-binary):
/// the statistics the replacements are chosen by, and with
/// --max-accuracy-drop the sequences each layer keeps.
LogicalResult clusterMeasured(ModuleOp module, std::optional<qnnc::ClusterSearchResult> &searched) {
  auto calibration = readCalibration(module, "--compress=cluster", clusterSearch());
  if (failed(calibration) ||
      failed(qnnc::attachTapStatistics(module, calibration->inputs,
                                       std::min<int64_t>(calibration->count, sensitivityInputs))))
    return failure();
  if (!clusterSearch())
    return success();
  qnnc::ClusterSearchOptions options;
  options.maxAccuracyDrop = maxAccuracyDrop;
  options.sensitivityImages = sensitivityInputs;
  options.quiet = quiet;
  auto result = qnnc::searchClusterKeeps(module, calibration->inputs, calibration->count,
                                         calibration->labels, options);
  if (failed(result))
    return failure();
  searched = std::move(*result);
  return success();
}

/// --time-layers with --compress: what decoding adds to each binary layer,
/// on the calibration inputs.
LogicalResult addDecodeTimes(ModuleOp module, std::vector<qnnc::BinaryLayerReport> &layers) {
  if (calibPath.empty()) {
    llvm::errs() << "qnnc: error: --time-layers with --compress needs --calib=FILE (the inputs it times)\n";
    return failure();
  }
  auto calibration = readCalibration(module, "--time-layers", false);
  if (failed(calibration))
    return failure();
  std::vector<std::string> names;
  for (const qnnc::BinaryLayerReport &l : layers)
    names.push_back(l.name);
  auto timing = qnnc::timeDecoding(module, names, compress, calibration->inputs, calibration->count);
  if (failed(timing))
    return failure();
  for (auto [layer, micros] : llvm::zip(layers, timing->decodeMicros)) {
    layer.decodeMicros = micros;
    layer.decodeShare = micros / timing->inferenceMicros;
  }
  if (!quiet)
    llvm::errs() << llvm::formatv("qnnc: decoding timed on {0}: inference {1:F1} us\n", timing->measuredOn,
                                  timing->inferenceMicros);
  return success();
}

/// --bits: calibrates `module` and adds qnn-quantize to `pm`; with auto,
/// the widths per layer from the search (and its report).
LogicalResult quantize(ModuleOp module, PassManager &pm, std::optional<qnnc::BitSearchResult> &searched) {
  const bool automatic = bitsSpec == "auto";
  int64_t bits = 0;
  // W:A,W:A,...: one pair per convolution and GEMM (what report.json lists).
  std::vector<std::pair<int64_t, int64_t>> perLayer;
  bool valid = automatic || (!StringRef(bitsSpec).getAsInteger(10, bits) && bits >= 1 && bits <= 8);
  if (!valid && StringRef(bitsSpec).contains(':')) {
    SmallVector<StringRef> pairs;
    StringRef(bitsSpec).split(pairs, ',');
    valid = true;
    for (StringRef pair : pairs) {
      auto [w, a] = pair.split(':');
      int64_t wb, ab;
      valid &= !w.getAsInteger(10, wb) && !a.getAsInteger(10, ab);
      perLayer.push_back({wb, ab});
    }
  }
  if (!valid) {
    llvm::errs() << "qnnc: error: --bits takes 1 to 8, auto, or W:A,W:A,... (one pair per convolution and GEMM), "
                    "not '"
                 << bitsSpec << "'\n";
    return failure();
  }
  if (calibPath.empty() || (keepFirstLast != "8" && keepFirstLast != "float")) {
    llvm::errs() << "qnnc: error: --bits needs --calib=FILE (and takes --keep-first-last=8|float)\n";
    return failure();
  }
  const int budgets = (budgetBytes != 0) + (budgetBitops != 0) + (maxAccuracyDrop >= 0 && !clusterSearch());
  if (automatic != (budgets == 1) || budgetBytes < 0 || budgetBitops < 0) {
    llvm::errs() << (automatic ? "qnnc: error: --bits=auto needs one budget: --budget-bytes=N, --budget-bitops=N "
                                 "or --max-accuracy-drop=P\n"
                               : "qnnc: error: budgets are for --bits=auto\n");
    return failure();
  }
  auto calibration = readCalibration(module, "--bits", automatic);
  if (failed(calibration))
    return failure();
  const int64_t count = calibration->count;
  const auto method = calibMethod == Calib::MinMax ? qnnc::RangeMethod::MinMax : qnnc::RangeMethod::Percentile;
  if (!automatic) {
    if (failed(qnnc::calibrate(module, calibration->inputs, count, method)) ||
        (!perLayer.empty() && failed(qnnc::setLayerWidths(module, perLayer))))
      return failure();
    pm.nest<func::FuncOp>().addPass(
        qnnc::createQuantize(qnnc::QuantizeOptions{perLayer.empty() ? bits : 8, keepFirstLast}));
    return success();
  }
  qnnc::BitSearchOptions options;
  options.firstLastFloat = keepFirstLast == "float";
  options.rangeMethod = method;
  options.sensitivityImages = sensitivityInputs;
  options.sweep = sweep;
  options.quiet = quiet;
  options.timeLayers = timeLayers;
  if (!costTablePath.empty() && failed(qnnc::readCostTable(costTablePath, options)))
    return failure();
  std::string budget;
  if (maxAccuracyDrop >= 0) {
    options.maxAccuracyDrop = maxAccuracyDrop;
    budget = llvm::formatv("--max-accuracy-drop={0}", maxAccuracyDrop.getValue()).str();
  } else {
    options.budgetKind = budgetBytes ? qnnc::BitCost::Bytes : qnnc::BitCost::Bitops;
    options.budget = budgetBytes ? budgetBytes : budgetBitops;
    budget = (budgetBytes ? "--budget-bytes=" : "--budget-bitops=") + std::to_string(options.budget);
  }
  auto result = qnnc::searchBits(module, calibration->inputs, count, calibration->labels, options);
  if (failed(result))
    return failure();
  result->budget = budget;
  searched = std::move(*result);
  pm.nest<func::FuncOp>().addPass(qnnc::createQuantize());
  return success();
}

/// --evaluate: every record of `inputs` (one tensor per model input) through
/// the Evaluator, the outputs of each in order into `outputPath`.
LogicalResult evaluateFile(ModuleOp module, StringRef inputs, StringRef outputPath) {
  auto evaluator = qnnc::Evaluator::create(module);
  if (failed(evaluator))
    return failure();
  ArrayRef<int64_t> inBytes = evaluator->inputBytes(), outBytes = evaluator->outputBytes();
  const size_t recordBytes = std::accumulate(inBytes.begin(), inBytes.end(), size_t(0));
  auto data = readTensorFile(inputs, recordBytes);
  if (failed(data))
    return failure();
  std::error_code error;
  llvm::raw_fd_ostream out(outputPath, error, llvm::sys::fs::OF_None);
  if (error) {
    llvm::errs() << "qnnc: error: cannot create " << outputPath << ": " << error.message() << "\n";
    return failure();
  }
  // 8-byte aligned copies: the kernels read their elements in place.
  auto buffers = [](ArrayRef<int64_t> bytes) {
    std::vector<std::vector<uint64_t>> words;
    for (int64_t b : bytes)
      words.emplace_back((b + 7) / 8 + 1); // one more: an empty tensor's buffer is not null
    return words;
  };
  std::vector<std::vector<uint64_t>> input = buffers(inBytes), output = buffers(outBytes);
  SmallVector<const void *> inPointers;
  SmallVector<void *> outPointers;
  for (auto &words : input)
    inPointers.push_back(words.data());
  for (auto &words : output)
    outPointers.push_back(words.data());
  StringRef bytes = (*data)->getBuffer();
  size_t at = 0;
  do { // once for a model without inputs
    for (auto [words, size] : llvm::zip(input, inBytes)) {
      std::memcpy(words.data(), bytes.data() + at, size);
      at += size;
    }
    evaluator->run(inPointers, outPointers);
    for (auto [words, size] : llvm::zip(output, outBytes))
      out.write(reinterpret_cast<const char *>(words.data()), size);
  } while (at < bytes.size());
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
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "qnnc " << QNNC_VERSION << " (LLVM and MLIR " << LLVM_VERSION_STRING << ", ONNX "
       << onnx::LAST_RELEASE_VERSION << ")\n";
  });
  std::vector<std::string> args = renameThreadsFlag(argc, argv);
  std::vector<const char *> argPointers;
  for (const std::string &a : args)
    argPointers.push_back(a.c_str());
  cl::ParseCommandLineOptions(argPointers.size(), argPointers.data(),
                              "qnnc: ahead-of-time compiler for binary and low-bit neural networks\n\n"
                              "  qnnc MODEL.onnx -o OUTDIR   writes OUTDIR/{<name>.h,<name>.cpp,model_main.c,\n"
                              "                              CMakeLists.txt,qnn_runtime/}; build it with cmake.\n"
                              "  --emit=obj -o OUTDIR        the same with <name>.o in place of the C++.\n"
                              "  --threads N                 same as --kernel-threads N\n");
  if (listOps) {
    for (const std::string &op : qnnc::supportedOnnxOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (!printTarget.empty()) {
    auto t = qnnc::lookupTarget(printTarget);
    if (!t) {
      llvm::errs() << "qnnc: error: unknown target '" << printTarget << "'\n";
      return 1;
    }
    llvm::outs() << t->name << "\n";
    return 0;
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
  if (printBuildFlags) {
    llvm::outs() << "QNNC_ARCH_FLAGS=" << target->archFlags << "\nQNNC_CLANG_FLAGS=" << qnnc::clangCodegenFlags(*target)
                 << "\nQNNC_THREADS=" << target->threads << "\n";
    return 0;
  }
  if (inputPath.empty()) {
    llvm::errs() << "qnnc: error: no input model (see --help)\n";
    return 1;
  }
  const bool writesDir = emit == Emit::Dir || emit == Emit::Obj;
  if (writesDir && outputDir.empty()) {
    llvm::errs() << (evaluatePath.empty() ? "qnnc: error: -o OUTDIR is required (or --emit=mlir|emitc|cpp|llvm)\n"
                                          : "qnnc: error: --evaluate needs -o OUTPUT.bin\n");
    return 1;
  }
  if (!validIdentifier(entryName)) {
    llvm::errs() << "qnnc: error: --name '" << entryName << "' is not a C identifier\n";
    return 1;
  }
  if ((emit == Emit::Obj || emit == Emit::Llvm) && threads > 1) {
    llvm::errs() << "qnnc: error: --emit=obj|llvm code runs on one thread (--threads needs the C++ output)\n";
    return 1;
  }
  if (clusterKeep < 1) {
    llvm::errs() << "qnnc: error: --cluster-keep must be at least 1\n";
    return 1;
  }
  if (compress == qnnc::Compression::Cluster && maxAccuracyDrop >= 0 && bitsSpec != "auto" &&
      clusterKeep.getNumOccurrences() > 0) {
    llvm::errs() << "qnnc: error: --compress=cluster takes --cluster-keep=N or --max-accuracy-drop=P, not both\n";
    return 1;
  }
  if (clusterSearch() && calibPath.empty()) {
    llvm::errs() << "qnnc: error: --compress=cluster --max-accuracy-drop needs --calib=FILE\n";
    return 1;
  }
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
  // The qnn pipeline, then (after the report's look at the binary layers'
  // unpacked weights) planning and lowering.
  PassManager prepare(&context), pm(&context), lower(&context);
  if (failed(applyPassManagerCLOptions(prepare)) || failed(applyPassManagerCLOptions(pm)) ||
      failed(applyPassManagerCLOptions(lower)))
    return 1;
  std::optional<qnnc::BitSearchResult> searched;
  if (!bitsSpec.empty() && failed(quantize(*module, prepare, searched)))
    return 1;
  const bool measuredClustering = compress == qnnc::Compression::Cluster && !calibPath.empty();
  if (measuredClustering)
    prepare.nest<func::FuncOp>().addPass(qnnc::createRecognizeBinary());
  std::optional<qnnc::ClusterSearchResult> clustered;
  if (failed(prepare.run(*module)) || (measuredClustering && failed(clusterMeasured(*module, clustered))))
    return 1;
  qnnc::buildQnnPipeline(pm, compress == qnnc::Compression::Cluster && !clustered ? clusterKeep.getValue() : 0,
                         requireBinary ? "error" : "warn");
  if (failed(pm.run(*module)))
    return 1;
  if (!evaluatePath.empty()) {
    qnnc::buildPlanPipeline(lower, /*threads=*/1, compress);
    return failed(lower.run(*module)) || failed(evaluateFile(*module, evaluatePath, outputDir)) ? 1 : 0;
  }
  const std::string reportTo = !reportDir.empty() ? reportDir.getValue() : writesDir ? outputDir.getValue() : "";
  // The binary layers as they are before packing; the report is written
  // after the output directory, with what the target needs.
  std::optional<std::vector<qnnc::BinaryLayerReport>> binaryLayers;
  qnnc::LayerNotes layerNotes;
  if (!reportTo.empty()) {
    binaryLayers = qnnc::binaryLayerReports(*module, compress);
    layerNotes = qnnc::layerNotes(*module);
    if (timeLayers && compress != qnnc::Compression::None && failed(addDecodeTimes(*module, *binaryLayers)))
      return 1;
  }
  auto writeReport = [&](const qnnc::TargetReport *targetReport) {
    return !binaryLayers || succeeded(qnnc::writeReport(searched ? &*searched : nullptr,
                                                        clustered ? &*clustered : nullptr, *binaryLayers,
                                                        layerNotes, targetReport, reportTo));
  };
  if (!writesDir && !writeReport(nullptr))
    return 1;
  if (emit != Emit::Mlir) {
    qnnc::buildEmitCPipeline(lower, entryName, threads, compress);
    if (failed(lower.run(*module)))
      return 1;
  }

  switch (emit) {
  case Emit::Import: // printed before the pipeline
  case Emit::Mlir:
  case Emit::EmitC:
    module->print(llvm::outs());
    return 0;
  case Emit::Cpp:
    return failed(qnnc::emitModelSource(*module, llvm::outs())) ? 1 : 0;
  case Emit::Dir:
  case Emit::Obj:
  case Emit::Llvm: {
    // IR has no assembler to include the weights' bytes: they stay in it.
    auto model = qnnc::generateModel(*module, entryName, emit == Emit::Llvm ? qnnc::WeightsForm::Text
                                                                            : weightsForm.getValue());
    if (failed(model))
      return 1;
    if (emit == Emit::Llvm)
      return failed(qnnc::compileWithLLVM(entryName, model->source, model->header, "", *target, qnnc::LlvmOutput::IR,
                                          outputDir.empty() ? "-" : outputDir.getValue()))
                 ? 1
                 : 0;
    const auto form = emit == Emit::Obj ? qnnc::ModelForm::Object : qnnc::ModelForm::Source;
    if (failed(qnnc::writeOutputDirectory(*model, outputDir, *target, form)))
      return 1;
    qnnc::TargetReport targetReport{target->name, target->archFlags, qnnc::targetTriple(*target),
                                    model->arenaBytes};
    if (form == qnnc::ModelForm::Object) {
      auto sections = qnnc::objectSections(outputDir + "/" + entryName + ".o");
      if (failed(sections))
        return 1;
      targetReport.object = *sections;
    }
    return writeReport(&targetReport) ? 0 : 1;
  }
  }
  return 0;
}
