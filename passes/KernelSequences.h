// The bit sequences of binary convolution kernels (Silfa et al., "Exploiting
// kernel compression on BNNs"): a 3x3 kernel slice of one output and one
// input channel is one of 512 9-bit patterns, and a few dominate. What
// Huffman coding and kernel clustering work on, and what the compile report
// shows per binary layer.
#ifndef QNNC_PASSES_KERNELSEQUENCES_H
#define QNNC_PASSES_KERNELSEQUENCES_H

#include "passes/HuffmanCode.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cstdint>
#include <vector>

namespace qnnc {

/// The weights Huffman coding and clustering work on: the i1 [O, Cg, KH,
/// KW] kernels (true = -1) of a binary convolution (qnn.binary_conv2d,
/// _sign, _affine) or of a bit-serial one with a single +-1 plane
/// (qnn.bitserial_conv2d, _affine); null for any other op or form.
mlir::DenseElementsAttr sequenceWeights(mlir::Operation *op);

/// A binary layer's weights (i1 [O, Cg, KH, KW], true = -1) as symbols:
/// one per (o, c) slice when KH x KW <= 12 (bit kh * KW + kw is tap (kh,
/// kw): 3x3 gives 9-bit symbols), else runs of up to 12 taps
/// (qnn_rt::binary_sequence_taps).
struct KernelSequences {
  int bitsPerSymbol = 0;
  int64_t channels = 0, runs = 0;     // Cg, and runs per (o, c) slice
  std::vector<std::uint16_t> symbols; // in (o, c, run) order
};
KernelSequences kernelSequences(mlir::DenseElementsAttr weights);

/// How often each of the 2^bitsPerSymbol sequences occurs.
std::vector<std::uint64_t> sequenceCounts(const KernelSequences &sequences);

/// The codeword lengths of a layer's code: limited to
/// qnn_rt::kRegisterHuffmanLength (8) bits where that costs at most 1 % more
/// coded bits than the kMaxHuffmanLength (12) limit, else to 12. The
/// AVX-512 decoder reads codes of up to 8 bits from a table in registers at
/// about twice the speed of gathered lookups. (Limits of 6 or 7 bits, one
/// or two permutes instead of four, measured no faster on Bi-Real-18.)
std::vector<std::uint8_t> sequenceCodeLengths(const std::vector<std::uint64_t> &counts);

/// What a layer's sequences allow: the histogram, the entropy bound and
/// what the layer's canonical Huffman code (sequenceCodeLengths) reaches.
struct SequenceStatistics {
  int bitsPerSymbol = 0;
  int64_t symbols = 0, unique = 0;
  double entropyBits = 0;  // per symbol: the lossless bound
  double huffmanBits = 0;  // per symbol, length-limited canonical Huffman
  struct Entry {
    std::uint16_t symbol;
    std::uint64_t count;
    int codeLength; // in that Huffman code
  };
  std::vector<Entry> histogram; // by count, descending (ties: symbol)
};
SequenceStatistics sequenceStatistics(const KernelSequences &sequences);

/// Bytes of a binary layer's packed weight words ([O, Cg, KH, KW]).
int64_t packedKernelBytes(llvm::ArrayRef<int64_t> shape);

/// A binary layer's weights as a canonical Huffman code of its sequences
/// (sequenceCodeLengths): the lane-interleaved stream and its
/// decode table, and their bytes together.
struct HuffmanKernels {
  CanonicalCode code;
  std::vector<std::uint16_t> stream;
  int64_t bytes = 0;
};
HuffmanKernels huffmanKernels(const KernelSequences &sequences);

/// What the generated code stores for a binary layer of weight shape
/// `shape` and these sequences under Huffman compression: the code where
/// it is smaller, else the packed words.
int64_t compressedKernelBytes(const KernelSequences &sequences, llvm::ArrayRef<int64_t> shape);

/// Calibration statistics of a binary convolution's input, which clustering
/// uses when the op carries them: per input channel c and window taps t, u
/// (t = kh * KW + kw) over every output position of the calibration inputs,
/// zero padding counting as 0: E[x_t] as `qnn.input_tap_means` [C][T], and
/// as `qnn.input_tap_moments` either E[x_t x_u] within each channel,
/// [C][T][T], or E[x_i x_j] across channels, [C T][C T] with i = c T + t,
/// which lets each output channel's replacements be chosen together (f32
/// arrays, T = KH x KW).
inline constexpr char kTapMeansAttr[] = "qnn.input_tap_means";
inline constexpr char kTapMomentsAttr[] = "qnn.input_tap_moments";
/// The sequences one binary convolution keeps (the compiler's search sets
/// it per layer; it overrides qnn-cluster-kernels' `keep`).
inline constexpr char kClusterKeepAttr[] = "qnn.cluster_keep";

struct TapStatistics {
  llvm::ArrayRef<float> means, moments; // empty: none

  /// Whether `moments` is the [C T][C T] form (for one channel both forms
  /// are the same).
  bool acrossChannels() const { return !means.empty() && moments.size() == means.size() * means.size(); }
  /// E[x_(c, t) x_(c, u)] in either form.
  double moment(int64_t c, int64_t t, int64_t u, int64_t taps) const {
    if (acrossChannels())
      return moments[(c * taps + t) * static_cast<int64_t>(means.size()) + c * taps + u];
    return moments[(c * taps + t) * taps + u];
  }
};

/// A layer's weights after clustering, and per output channel the expected
/// change of its accumulator on the calibration inputs (0 without
/// statistics), which the layer's bias takes back.
struct ClusteredKernels {
  mlir::DenseElementsAttr weights;
  std::vector<double> accumulatorShift;
};

/// Keeps the `keep` most frequent sequences of `weights` (i1 [O, Cg, KH,
/// KW], `group` groups); every other sequence becomes a kept one: without
/// statistics the nearest in Hamming distance (ties: the more frequent),
/// with them the one that changes the accumulator least in mean square on
/// the calibration inputs, E[(x . (w' - w))^2] (ties: Hamming distance, then
/// the more frequent). With moments across channels each output channel's
/// slices are then chosen together, kept ones included: coordinate descent
/// on the variance of the channel's whole accumulator change (its mean the
/// bias takes back), each slice in turn taking the kept sequence that
/// lowers it most, until a sweep changes nothing.
ClusteredKernels clusterKernels(mlir::DenseElementsAttr weights, int64_t keep, int64_t group, TapStatistics statistics);

} // namespace qnnc

#endif
