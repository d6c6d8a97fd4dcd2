#include "compiler/ClusterSearch.h"

#include "compiler/Evaluator.h"
#include "compiler/Measure.h"
#include "compiler/Pipeline.h"
#include "compiler/Report.h"
#include "dialects/qnn/QnnDialect.h"
#include "passes/KernelSequences.h"
#include "passes/Storage.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace qnnc::qnn;

namespace qnnc {
namespace {

/// The convolutions clustering works on (sequenceWeights), in program
/// order.
SmallVector<Operation *> clusterable(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (sequenceWeights(op))
      ops.push_back(op);
  });
  return ops;
}

/// `module` with each binary convolution keeping keeps[i] sequences (0:
/// all), through the qnn pipeline and planned; the weights stay packed,
/// as Huffman coding gives the same outputs without the decoding.
FailureOr<OwningOpRef<ModuleOp>> compileWithKeeps(ModuleOp module, ArrayRef<int64_t> keeps) {
  OwningOpRef<ModuleOp> copy = module.clone();
  Builder b(module.getContext());
  for (auto [op, keep] : llvm::zip(clusterable(*copy), keeps))
    op->setAttr(kClusterKeepAttr, b.getI64IntegerAttr(keep));
  PassManager pm(module.getContext());
  buildQnnPipeline(pm);
  buildPlanPipeline(pm, /*threads=*/1);
  if (failed(pm.run(*copy)))
    return failure();
  return std::move(copy);
}

/// About how many windows each layer samples for its moments across
/// channels, and the largest C x T that gets them (a [C T][C T] matrix;
/// beyond it the moments stay within channels). They also need at least
/// kWindowsPerTap x C x T windows: estimated from fewer, the joint choice
/// fits the calibration inputs and not others (the W1A2 model's 7x7
/// classifier, C x T = 6,272 on 256 windows, lost accuracy with them).
constexpr int64_t kAcrossChannelsSamples = 16384, kAcrossChannelsLimit = 2304, kWindowsPerTap = 4;

/// Sums over the calibration inputs of one convolution's input windows
/// (small integers: -1, 0, +1 or levels, so the sums are exact): x_t and
/// x_t x_u within each channel over every window or, when C x T <=
/// kAcrossChannelsLimit, x_t and x_i x_j across channels over the windows
/// of every sampleEvery-th image (whole images: every position alike),
/// kept as bit planes until the end (their products are popcounts).
struct TapSums {
  int64_t C = 0, H = 0, W = 0, KH = 0, KW = 0, images = 0, windows = 0; // windows summed
  SmallVector<int64_t> strides, pads, dilations;
  std::vector<int64_t> sums, products; // [C][T], [C][T][T] (within channels only)
  int64_t sampleEvery = 0, sampleWords = 0;
  bool binaryValues = true; // planes: nonzero, negative; else a level's bits
  int64_t valuePlanes = 0;
  std::vector<std::uint64_t> samplePlanes; // [plane][C T][sampleWords]

  std::pair<int64_t, int64_t> outputSize() const {
    return {(H + pads[0] + pads[2] - dilations[0] * (KH - 1) - 1) / strides[0] + 1,
            (W + pads[1] + pads[3] - dilations[1] * (KW - 1) - 1) / strides[1] + 1};
  }

  /// Moments across channels over about kAcrossChannelsSamples of the
  /// windows of `total` images.
  void sampleAcrossChannels(int64_t total) {
    const auto [OH, OW] = outputSize();
    sampleEvery = std::max<int64_t>(1, total * OH * OW / kAcrossChannelsSamples);
    sampleWords = ((total + sampleEvery - 1) / sampleEvery * OH * OW + 63) / 64;
  }

  /// One observed input tensor: `planes` bit planes `planeWords` apart,
  /// each [N][H][W][words of C]; a binary tensor's are sign and nonzero
  /// (values -1, 0, +1), a levels tensor's the bits of each level.
  void add(const std::uint64_t *data, int64_t planeWords, int64_t planes, bool binary, int64_t N) {
    const int64_t words = (C + 63) / 64, T = KH * KW;
    const auto [OH, OW] = outputSize();
    if (sampleEvery && samplePlanes.empty()) {
      binaryValues = binary;
      valuePlanes = binary ? 2 : planes;
      samplePlanes.assign(valuePlanes * C * T * sampleWords, 0);
    }
    std::vector<int16_t> x(C * H * W); // [C][H][W]
    std::vector<int16_t> taps(T); // one window of one channel
    for (int64_t n = 0; n < N; ++n, ++images) {
      if (sampleEvery && images % sampleEvery)
        continue;
      for (int64_t p = 0; p < H * W; ++p)
        for (int64_t c = 0; c < C; ++c) {
          const int64_t word = (n * H * W + p) * words + c / 64;
          auto bit = [&](int64_t plane) { return (data[plane * planeWords + word] >> (c % 64)) & 1; };
          int value = 0;
          if (binary)
            value = bit(1) ? (bit(0) ? -1 : 1) : 0;
          else
            for (int64_t b = 0; b < planes; ++b)
              value |= static_cast<int>(bit(b)) << b;
          x[c * H * W + p] = static_cast<int16_t>(value);
        }
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          const int64_t window = windows++;
          for (int64_t c = 0; c < C; ++c) {
            for (int64_t kh = 0; kh < KH; ++kh)
              for (int64_t kw = 0; kw < KW; ++kw) {
                const int64_t ih = oh * strides[0] - pads[0] + kh * dilations[0];
                const int64_t iw = ow * strides[1] - pads[1] + kw * dilations[1];
                taps[kh * KW + kw] = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[(c * H + ih) * W + iw] : 0;
              }
            int64_t *s = sums.data() + c * T;
            for (int64_t t = 0; t < T; ++t)
              s[t] += taps[t];
            if (sampleEvery) {
              for (int64_t t = 0; t < T; ++t)
                for (int64_t plane = 0; plane < valuePlanes; ++plane) {
                  const int v = taps[t];
                  if (binary ? (plane == 0 ? v != 0 : v < 0) : ((v >> plane) & 1))
                    samplePlanes[(plane * C * T + c * T + t) * sampleWords + window / 64] |= std::uint64_t(1)
                                                                                           << (window % 64);
                }
              continue;
            }
            int64_t *m = products.data() + c * T * T;
            for (int64_t t = 0; t < T; ++t)
              for (int64_t u = 0; u < T; ++u)
                m[t * T + u] += taps[t] * taps[u];
          }
        }
    }
  }

  /// E[x_i x_j] over the sampled windows, [C T][C T].
  std::vector<float> momentsAcrossChannels() const {
    const int64_t n = C * KH * KW;
    auto plane = [&](int64_t p, int64_t i) { return samplePlanes.data() + (p * n + i) * sampleWords; };
    std::vector<float> moments(n * n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = i; j < n; ++j) {
        int64_t sum = 0;
        if (binaryValues) {
          // x_i x_j = z_i z_j (1 - 2 (s_i ^ s_j)), z nonzero, s negative.
          const std::uint64_t *zi = plane(0, i), *zj = plane(0, j), *si = plane(1, i), *sj = plane(1, j);
          for (int64_t w = 0; w < sampleWords; ++w) {
            const std::uint64_t both = zi[w] & zj[w];
            sum += llvm::popcount(both) - 2 * llvm::popcount(both & (si[w] ^ sj[w]));
          }
        } else {
          for (int64_t a = 0; a < valuePlanes; ++a)
            for (int64_t b = 0; b < valuePlanes; ++b) {
              const std::uint64_t *pa = plane(a, i), *pb = plane(b, j);
              int64_t count = 0;
              for (int64_t w = 0; w < sampleWords; ++w)
                count += llvm::popcount(pa[w] & pb[w]);
              sum += count << (a + b);
            }
        }
        moments[i * n + j] = moments[j * n + i] =
            static_cast<float>(static_cast<double>(sum) / static_cast<double>(windows));
      }
    return moments;
  }
};

class Search : CalibratedSearch {
public:
  Search(ModuleOp module, const float *inputs, int64_t count, ArrayRef<int32_t> labels,
         const ClusterSearchOptions &options)
      : CalibratedSearch{module, inputs, count, labels, options.quiet}, options(options) {}

  FailureOr<ClusterSearchResult> run();

private:
  FailureOr<Outputs> evaluate(ArrayRef<int64_t> keeps, int64_t images) {
    auto planned = compileWithKeeps(module, keeps);
    if (failed(planned))
      return failure();
    return evaluateInputs(**planned, inputs, images);
  }

  FailureOr<double> accuracy(ArrayRef<int64_t> keeps) {
    auto outputs = evaluate(keeps, count);
    if (failed(outputs))
      return failure();
    return top1Accuracy(*outputs, count, labels, reference);
  }

  std::vector<int64_t> keepsOf(ArrayRef<unsigned> choice) const {
    std::vector<int64_t> keeps;
    for (auto [layer, c] : llvm::zip(result.layers, choice))
      keeps.push_back(layer.choices[c].keep);
    return keeps;
  }

  const ClusterSearchOptions &options;
  Outputs reference;
  ClusterSearchResult result;
};

/// Candidate numbers of kept sequences (each below the layer's distinct
/// sequences).
constexpr int64_t kKeeps[] = {256, 128, 96, 64, 48, 32, 24, 16, 12, 8, 6, 4, 3, 2, 1};

FailureOr<ClusterSearchResult> Search::run() {
  SmallVector<Operation *> convs = clusterable(module);
  const size_t layers = convs.size();
  result.maxAccuracyDrop = options.maxAccuracyDrop;
  result.images = count;
  result.sensitivityImages = std::min(count, options.sensitivityImages);
  result.labelled = !labels.empty();
  auto outputs = evaluate(std::vector<int64_t>(layers, 0), count);
  if (failed(outputs))
    return failure();
  reference = std::move(*outputs);
  result.referenceAccuracy = top1Accuracy(reference, count, labels, reference);

  progress("clustering: " + Twine(layers) + " binary convolutions, sensitivity on " +
           Twine(result.sensitivityImages) + " calibration inputs");
  for (auto [index, conv] : llvm::enumerate(convs)) {
    ClusterLayer &layer = result.layers.emplace_back();
    DenseElementsAttr weights = sequenceWeights(conv);
    layer.name = nodeName(conv);
    layer.weightShape.assign(weights.getType().getShape().begin(), weights.getType().getShape().end());
    layer.packedBytes = packedKernelBytes(layer.weightShape);
    const KernelSequences sequences = kernelSequences(weights);
    layer.choices.push_back({0, compressedKernelBytes(sequences, layer.weightShape), 0.0});
    const int64_t unique = sequenceStatistics(sequences).unique;
    auto means = conv->getAttrOfType<DenseF32ArrayAttr>(kTapMeansAttr);
    auto moments = conv->getAttrOfType<DenseF32ArrayAttr>(kTapMomentsAttr);
    TapStatistics statistics; // none on bit-serial convolutions
    if (means && moments)
      statistics = {means.asArrayRef(), moments.asArrayRef()};
    std::string line;
    for (int64_t keep : kKeeps) {
      if (keep >= unique)
        continue;
      ClusteredKernels clustered =
          clusterKernels(weights, keep, conv->getAttrOfType<IntegerAttr>("group").getInt(), statistics);
      std::vector<int64_t> keeps(layers, 0);
      keeps[index] = keep;
      auto perturbed = evaluate(keeps, result.sensitivityImages);
      if (failed(perturbed))
        return failure();
      const double s = meanDivergence(reference, *perturbed, result.sensitivityImages);
      layer.choices.push_back({keep, compressedKernelBytes(kernelSequences(clustered.weights), layer.weightShape), s});
      llvm::raw_string_ostream(line) << llvm::formatv(" {0}:{1}B/{2:G3}", keep, layer.choices.back().bytes, s);
    }
    progress("  " + layer.name + " (" + Twine(unique) + " sequences):" + line);
  }

  SmallVector<SmallVector<BitChoice>> table; // the solver's view: bytes and sensitivity
  for (const ClusterLayer &layer : result.layers) {
    auto &choices = table.emplace_back();
    for (const ClusterLayer::Choice &c : layer.choices)
      choices.push_back({0, 0, c.bytes, 0, c.sensitivity});
  }
  std::vector<BitAssignment> frontier = bitFrontier(table, BitCost::Bytes);
  const double allowed = result.referenceAccuracy - options.maxAccuracyDrop / 100.0;
  progress("searching " + Twine(frontier.size()) + " assignments on the byte frontier for accuracy >= " +
           llvm::formatv("{0:F4}", allowed));
  // The last point (every layer lossless) keeps the reference accuracy;
  // the answer is one the bisection measured.
  DenseMap<size_t, double> measured;
  auto at = cheapestAccurate(frontier, allowed, [&](size_t i) -> FailureOr<double> {
    auto got = accuracy(keepsOf(frontier[i].choice));
    if (succeeded(got)) {
      measured[i] = *got;
      progress("  " + Twine(frontier[i].cost) + " bytes: accuracy " + llvm::formatv("{0:F4}", *got));
    }
    return got;
  });
  if (failed(at))
    return failure();
  const std::vector<unsigned> &choice = frontier[*at].choice;
  result.accuracy = measured.lookup(*at);
  Builder b(module.getContext());
  for (auto [index, conv, layer, c] : llvm::enumerate(convs, result.layers, choice)) {
    layer.chosen = c;
    result.packedBytes += layer.packedBytes;
    result.bytes += layer.choices[c].bytes;
    conv->setAttr(kClusterKeepAttr, b.getI64IntegerAttr(layer.choices[c].keep));
    std::vector<int64_t> alone(layers, 0);
    alone[index] = layer.choices[c].keep;
    auto got = accuracy(alone);
    if (failed(got))
      return failure();
    layer.accuracyAlone = *got;
  }
  progress(llvm::formatv("clustering: {0} binary weight bytes ({1:F2}x smaller than {2} packed), accuracy {3:F4} "
                         "(uncompressed {4:F4}) on {5} calibration inputs",
                         result.bytes, static_cast<double>(result.packedBytes) / result.bytes, result.packedBytes,
                         result.accuracy, result.referenceAccuracy, count)
               .str());
  return result;
}

} // namespace

LogicalResult attachTapStatistics(ModuleOp module, const float *inputs, int64_t count) {
  // The unfused convolutions whose accumulator is x . w: binary ones, and
  // bit-serial ones on a single +-1 plane without weight offsets (levels x
  // +-1); a bit-serial one with offsets keeps the Hamming rule.
  SmallVector<Operation *> convs;
  for (Operation *op : clusterable(module)) {
    auto serial = dyn_cast<BitserialConv2DOp>(op);
    if (isa<BinaryConv2DOp>(op) || (serial && !serial.getWeightOffsets()))
      convs.push_back(op);
  }
  if (convs.empty())
    return success();
  auto planned = compileWithKeeps(module, std::vector<int64_t>(clusterable(module).size(), 0));
  if (failed(planned))
    return failure();
  // Each layer's sums, found in the planned module by location (fused
  // convolutions keep it); the Evaluator shows every tensor as it is made.
  std::vector<TapSums> sums(convs.size());
  DenseMap<Location, size_t> layerAt;
  for (auto [index, conv] : llvm::enumerate(convs)) {
    if (!layerAt.try_emplace(conv->getLoc(), index).second)
      return conv->emitError("--compress=cluster: two binary convolutions share this location");
    TapSums &s = sums[index];
    auto input = cast<ShapedType>(conv->getOperand(0).getType()).getShape();
    auto weight = sequenceWeights(conv).getType().getShape();
    s.C = input[1];
    s.H = input[2];
    s.W = input[3];
    s.KH = weight[2];
    s.KW = weight[3];
    for (auto [name, into] : {std::pair<StringRef, SmallVector<int64_t> *>{"strides", &s.strides},
                              {"pads", &s.pads}, {"dilations", &s.dilations}}) {
      auto values = conv->getAttrOfType<DenseI64ArrayAttr>(name).asArrayRef();
      into->assign(values.begin(), values.end());
    }
    s.sums.assign(s.C * s.KH * s.KW, 0);
    const auto [OH, OW] = s.outputSize();
    const int64_t n = s.C * s.KH * s.KW;
    if (n <= kAcrossChannelsLimit && std::min(count * input[0] * OH * OW, kAcrossChannelsSamples) >= kWindowsPerTap * n) {
      s.sampleAcrossChannels(count * input[0]);
    } else {
      s.products.assign(s.C * s.KH * s.KW * s.KH * s.KW, 0);
    }
  }
  DenseMap<Value, SmallVector<size_t>> readers; // an input tensor -> the layers reading it
  (*planned)->walk([&](Operation *op) {
    if (isa<BinaryConv2DOp, BinaryConv2DSignOp, BinaryConv2DAffineOp, BitserialConv2DOp, BitserialConv2DAffineOp>(op))
      if (auto found = layerAt.find(op->getLoc()); found != layerAt.end())
        readers[op->getOperand(0)].push_back(found->second);
  });
  auto evaluator = Evaluator::create(**planned);
  if (failed(evaluator))
    return failure();
  std::vector<float> output(evaluator->outputElements());
  for (int64_t i = 0; i < count; ++i)
    evaluator->run(inputs + i * evaluator->inputElements(), output.data(), [&](Value v, const void *data) {
      auto found = readers.find(v);
      if (found == readers.end())
        return;
      const auto *words = static_cast<const std::uint64_t *>(data);
      const int64_t N = cast<ShapedType>(v.getType()).getShape()[0];
      auto levels = dyn_cast<LevelsTensorType>(v.getType());
      for (size_t layer : found->second)
        sums[layer].add(words, storage::planeStrideWords(v.getType()), levels ? levels.getBits() : 2, !levels, N);
    });
  Builder b(module.getContext());
  for (auto [conv, s] : llvm::zip(convs, sums)) {
    if (s.windows == 0)
      return conv->emitError("--compress=cluster: the calibration run never reached this binary convolution");
    auto scaled = [&](ArrayRef<int64_t> values) {
      SmallVector<float> out;
      for (int64_t v : values)
        out.push_back(static_cast<float>(static_cast<double>(v) / static_cast<double>(s.windows)));
      return b.getDenseF32ArrayAttr(out);
    };
    conv->setAttr(kTapMeansAttr, scaled(s.sums));
    conv->setAttr(kTapMomentsAttr,
                  s.sampleEvery ? b.getDenseF32ArrayAttr(s.momentsAcrossChannels()) : scaled(s.products));
  }
  return success();
}

FailureOr<DecodeTiming> timeDecoding(ModuleOp module, ArrayRef<std::string> layers, Compression compression,
                                     const float *inputs, int64_t count) {
  DecodeTiming timing;
  timing.measuredOn = Evaluator::instructionSet();
  std::vector<double> best[2];
  for (Compression stored : {Compression::None, compression}) {
    OwningOpRef<ModuleOp> planned = module.clone();
    PassManager pm(module.getContext());
    buildPlanPipeline(pm, /*threads=*/1, stored);
    if (failed(pm.run(*planned)))
      return failure();
    // Group i: binary layer i; group layers.size(): every other op.
    auto groupOf = [&](Operation *op) -> int64_t {
      if (isa<BinaryConv2DOp, BinaryConv2DSignOp, BinaryConv2DAffineOp, BitserialConv2DOp, BitserialConv2DAffineOp>(op)) {
        auto found = llvm::find(layers, nodeName(op));
        if (found != layers.end())
          return found - layers.begin();
      }
      return static_cast<int64_t>(layers.size());
    };
    std::vector<double> &least = best[stored != Compression::None];
    for (int round = 0; round < 3; ++round) {
      auto micros = timeByGroup(*planned, inputs, std::min<int64_t>(count, 64), layers.size() + 1, groupOf);
      if (failed(micros))
        return failure();
      if (least.empty())
        least = *micros;
      for (auto [l, m] : llvm::zip(least, *micros))
        l = std::min(l, m);
    }
  }
  for (size_t i = 0; i < layers.size(); ++i)
    timing.decodeMicros.push_back(std::max(0.0, best[1][i] - best[0][i]));
  for (double m : best[1])
    timing.inferenceMicros += m;
  return timing;
}

FailureOr<ClusterSearchResult> searchClusterKeeps(ModuleOp module, const float *inputs, int64_t count,
                                                  ArrayRef<int32_t> labels, const ClusterSearchOptions &options) {
  return Search(module, inputs, count, labels, options).run();
}

} // namespace qnnc
