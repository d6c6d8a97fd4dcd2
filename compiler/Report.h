// The compile report, report.json and report.html in OUTDIR: per binary
// layer the statistics of its kernel bit sequences (what Huffman coding and
// clustering can save), and with --bits=auto the assignment and why.
#ifndef QNNC_COMPILER_REPORT_H
#define QNNC_COMPILER_REPORT_H

#include "compiler/BitSearch.h"
#include "compiler/ClusterSearch.h"
#include "compiler/LlvmEmitter.h"
#include "compiler/Pipeline.h"
#include "passes/KernelSequences.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace qnnc {

/// The ONNX node an op came from (its location's name), else the op's name.
std::string nodeName(mlir::Operation *op);
/// The ONNX node of a location, else `fallback`.
std::string nodeName(mlir::Location loc, llvm::StringRef fallback);

/// A layer the report explains: its node and why.
struct LayerNote {
  std::string name, reason;
};
/// What qnn-recognize-binary recorded: convolutions and GEMMs whose input is
/// binary or low-bit but which stay float (qnn.float_layers), and ternary
/// ones that run as two binary convolutions (qnn.ternary_layers).
struct LayerNotes {
  std::vector<LayerNote> stayedFloat, ternary;
};
LayerNotes layerNotes(mlir::ModuleOp module);

struct BinaryLayerReport {
  std::string name, op;
  std::vector<int64_t> weightShape;
  SequenceStatistics sequences;
  int64_t packedBytes = 0; // plain bit-packing
  int64_t storedBytes = 0; // as the generated code holds them
  /// What kernel reuse could skip: output channels with identical kernels,
  /// and the distinct (input channel, sequence) pairs (partial sums a
  /// layer would need if each were computed once and shared).
  int64_t distinctOutputChannels = 0, distinctChannelSequences = 0;
  /// --time-layers with coded weights: what decoding adds per inference,
  /// and its share of the inference (-1: not timed).
  double decodeMicros = -1, decodeShare = -1;
};

/// Every binary convolution of `module` (after the qnn pipeline, before its
/// weights are packed), in program order, stored with `compression`.
std::vector<BinaryLayerReport> binaryLayerReports(mlir::ModuleOp module, Compression compression);

/// What the generated code needs on its target: the instruction set, the
/// arena, and with --emit=obj the model object's section bytes (what it
/// adds to a program's flash and RAM; the harness, C library and stack
/// come on top: tools/device_report.py measures those under emulation).
struct TargetReport {
  std::string name, flags, triple;
  int64_t arenaBytes = 0;
  std::optional<ObjectSections> object;
};

/// report.json and report.html (one self-contained page, SVG charts) in
/// `directory`; `bits` is the --bits=auto result and `clustering` the
/// --compress=cluster search's, if any; `notes` the layers that stayed
/// float with binary input and the ternary ones; `target` that of an output
/// directory.
mlir::LogicalResult writeReport(const BitSearchResult *bits, const ClusterSearchResult *clustering,
                                llvm::ArrayRef<BinaryLayerReport> binaryLayers, const LayerNotes &notes,
                                const TargetReport *target, llvm::StringRef directory);

} // namespace qnnc

#endif
