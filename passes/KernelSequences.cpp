#include "passes/KernelSequences.h"

#include "dialects/qnn/QnnDialect.h"
#include "passes/HuffmanCode.h"
#include "qnn_runtime/binary_kernels.h"

#include "llvm/ADT/bit.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace qnnc {

mlir::DenseElementsAttr sequenceWeights(mlir::Operation *op) {
  if (!llvm::isa<qnn::BinaryConv2DOp, qnn::BinaryConv2DSignOp, qnn::BinaryConv2DAffineOp, qnn::BitserialConv2DOp,
                 qnn::BitserialConv2DAffineOp>(op))
    return {};
  auto weights = llvm::dyn_cast_or_null<mlir::DenseElementsAttr>(op->getAttr("weight"));
  return weights && weights.getType().getRank() == 4 && weights.getElementType().isInteger(1) ? weights
                                                                                                : mlir::DenseElementsAttr();
}

KernelSequences kernelSequences(mlir::DenseElementsAttr weights) {
  auto shape = weights.getType().getShape();
  const int64_t O = shape[0], Cg = shape[1], KH = shape[2], KW = shape[3];
  KernelSequences result;
  result.bitsPerSymbol = qnn_rt::binary_sequence_taps(KH, KW);
  result.channels = Cg;
  result.runs = qnn_rt::binary_sequence_runs(KH, KW);
  auto values = weights.getValues<bool>();
  for (int64_t o = 0; o < O; ++o)
    for (int64_t c = 0; c < Cg; ++c) {
      const int64_t slice = (o * Cg + c) * KH * KW;
      for (int64_t start = 0; start < KH * KW; start += result.bitsPerSymbol) {
        std::uint16_t symbol = 0;
        for (int b = 0; b < result.bitsPerSymbol && start + b < KH * KW; ++b)
          symbol |= static_cast<std::uint16_t>(values[slice + start + b]) << b;
        result.symbols.push_back(symbol);
      }
    }
  return result;
}

std::vector<std::uint64_t> sequenceCounts(const KernelSequences &sequences) {
  std::vector<std::uint64_t> counts(std::size_t(1) << sequences.bitsPerSymbol, 0);
  for (std::uint16_t symbol : sequences.symbols)
    ++counts[symbol];
  return counts;
}

std::vector<std::uint8_t> sequenceCodeLengths(const std::vector<std::uint64_t> &counts) {
  std::vector<std::uint8_t> lengths = huffmanLengths(counts, qnn_rt::kMaxHuffmanLength);
  const auto used = std::count_if(counts.begin(), counts.end(), [](std::uint64_t c) { return c > 0; });
  if (used > (int64_t(1) << qnn_rt::kRegisterHuffmanLength))
    return lengths;
  std::vector<std::uint8_t> fast = huffmanLengths(counts, qnn_rt::kRegisterHuffmanLength);
  double bits = 0, fastBits = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    bits += static_cast<double>(counts[s]) * lengths[s];
    fastBits += static_cast<double>(counts[s]) * fast[s];
  }
  return fastBits <= 1.01 * bits ? fast : lengths;
}

SequenceStatistics sequenceStatistics(const KernelSequences &sequences) {
  SequenceStatistics s;
  s.bitsPerSymbol = sequences.bitsPerSymbol;
  s.symbols = static_cast<int64_t>(sequences.symbols.size());
  std::vector<std::uint64_t> counts = sequenceCounts(sequences);
  std::vector<std::uint8_t> lengths = sequenceCodeLengths(counts);
  double coded = 0;
  for (std::size_t symbol = 0; symbol < counts.size(); ++symbol) {
    if (counts[symbol] == 0)
      continue;
    ++s.unique;
    const double p = static_cast<double>(counts[symbol]) / static_cast<double>(s.symbols);
    s.entropyBits -= p * std::log2(p);
    coded += static_cast<double>(counts[symbol]) * lengths[symbol];
    s.histogram.push_back({static_cast<std::uint16_t>(symbol), counts[symbol], lengths[symbol]});
  }
  s.huffmanBits = s.symbols ? coded / static_cast<double>(s.symbols) : 0;
  std::stable_sort(s.histogram.begin(), s.histogram.end(),
                   [](const auto &a, const auto &b) { return a.count > b.count; });
  return s;
}

int64_t packedKernelBytes(llvm::ArrayRef<int64_t> shape) {
  return qnn_rt::binary_weight_halves(1, shape[0], shape[2], shape[3], shape[1]) * 4;
}

HuffmanKernels huffmanKernels(const KernelSequences &sequences) {
  HuffmanKernels h;
  h.code = canonicalCode(sequenceCodeLengths(sequenceCounts(sequences)), qnn_rt::kMaxHuffmanLength);
  // qnn_rt::decode_binary_weights' order: steps (output pair p, 64-channel
  // word cw, run r), lane 64 k + l taking output 2 p + k, input 64 cw + l.
  const int64_t Cg = sequences.channels, runs = sequences.runs, set = qnn_rt::kHuffmanLaneSet;
  const int64_t O = static_cast<int64_t>(sequences.symbols.size()) / (Cg * runs);
  std::vector<std::uint16_t> ordered;
  std::vector<std::vector<int>> steps;
  ordered.reserve(sequences.symbols.size());
  for (int64_t pair = 0; pair < O; pair += 2)
    for (int64_t cw = 0; cw * set < Cg; ++cw)
      for (int64_t r = 0; r < runs; ++r) {
        std::vector<int> &lanes = steps.emplace_back();
        for (int64_t k = 0; k < 2 && pair + k < O; ++k)
          for (int64_t l = 0; l < std::min(set, Cg - cw * set); ++l) {
            lanes.push_back(static_cast<int>(set * k + l));
            ordered.push_back(sequences.symbols[((pair + k) * Cg + cw * set + l) * runs + r]);
          }
      }
  h.stream = huffmanEncodeLanes(ordered, steps, h.code);
  h.bytes = static_cast<int64_t>((h.stream.size() + h.code.counts.size() + h.code.symbols.size()) * 2);
  return h;
}

int64_t compressedKernelBytes(const KernelSequences &sequences, llvm::ArrayRef<int64_t> shape) {
  return std::min(packedKernelBytes(shape), huffmanKernels(sequences).bytes);
}

namespace {

/// Replacing sequence `from` by `to` in one kernel slice of input channel
/// `c`, taps first .. first + bits - 1: the weights change by d = w' - w
/// (+-2 where they differ), the accumulator by x . d.
struct Replacement {
  const TapStatistics &statistics;
  int64_t taps;

  /// E[(x . d)^2] over the calibration inputs.
  double meanSquare(int64_t c, int64_t first, std::uint16_t from, std::uint16_t to) const {
    double sum = 0;
    for (std::uint16_t i = from ^ to; i; i &= i - 1) {
      const int a = llvm::countr_zero(i);
      const double da = ((from >> a) & 1) ? 2 : -2; // -1 -> +1 adds 2
      for (std::uint16_t j = from ^ to; j; j &= j - 1) {
        const int b = llvm::countr_zero(j);
        const double db = ((from >> b) & 1) ? 2 : -2;
        sum += da * db * statistics.moment(c, first + a, first + b, taps);
      }
    }
    return sum;
  }

  /// E[x . d].
  double mean(int64_t c, int64_t first, std::uint16_t from, std::uint16_t to) const {
    double sum = 0;
    for (std::uint16_t i = from ^ to; i; i &= i - 1) {
      const int a = llvm::countr_zero(i);
      sum += (((from >> a) & 1) ? 2.0 : -2.0) * statistics.means[c * taps + first + a];
    }
    return sum;
  }
};

/// Each output channel's slices chosen together (clusterKernels): `current`
/// holds every slice's sequence, each replaced one already the nearest kept
/// one by itself; needs moments across channels.
void refineJointly(const KernelSequences &sequences, llvm::ArrayRef<std::uint16_t> kept, int64_t perGroup,
                   int64_t taps, const TapStatistics &statistics, std::vector<std::uint16_t> &current) {
  const int64_t n = static_cast<int64_t>(statistics.means.size()), channels = n / taps;
  const int64_t Cg = sequences.channels, runs = sequences.runs, K = static_cast<int64_t>(kept.size());
  const int64_t O = static_cast<int64_t>(sequences.symbols.size()) / (Cg * runs);
  const int bits = sequences.bitsPerSymbol;
  std::vector<double> covariance(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      covariance[i * n + j] = statistics.moments[i * n + j] - double(statistics.means[i]) * statistics.means[j];
  auto value = [](std::uint16_t symbol, int64_t b) { return ((symbol >> b) & 1) ? -1.0 : 1.0; };
  auto width = [&](int64_t r) { return std::min<int64_t>(bits, taps - r * bits); };
  // v^T S v of each kept sequence v on each (input channel, run).
  std::vector<double> quadratic(channels * runs * K);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t r = 0; r < runs; ++r)
      for (int64_t k = 0; k < K; ++k) {
        const int64_t base = c * taps + r * bits;
        double q = 0;
        for (int64_t a = 0; a < width(r); ++a)
          for (int64_t b = 0; b < width(r); ++b)
            q += value(kept[k], a) * value(kept[k], b) * covariance[(base + a) * n + base + b];
        quadratic[(c * runs + r) * K + k] = q;
      }
  // Per output channel: d = w' - w over its input window and g = S d.
  std::vector<double> d(n), g(n), h(bits);
  for (int64_t o = 0; o < O; ++o) {
    const int64_t firstChannel = (o / perGroup) * Cg;
    auto slice = [&](int64_t cg, int64_t r) { return static_cast<std::size_t>((o * Cg + cg) * runs + r); };
    std::fill(d.begin(), d.end(), 0.0);
    std::fill(g.begin(), g.end(), 0.0);
    for (int64_t cg = 0; cg < Cg; ++cg)
      for (int64_t r = 0; r < runs; ++r)
        for (int64_t b = 0; b < width(r); ++b)
          d[(firstChannel + cg) * taps + r * bits + b] =
              value(current[slice(cg, r)], b) - value(sequences.symbols[slice(cg, r)], b);
    for (int64_t j = 0; j < n; ++j)
      if (d[j] != 0)
        for (int64_t i = 0; i < n; ++i)
          g[i] += covariance[i * n + j] * d[j];
    for (bool changed = true; changed;) {
      changed = false;
      for (int64_t cg = 0; cg < Cg; ++cg)
        for (int64_t r = 0; r < runs; ++r) {
          std::uint16_t &symbol = current[slice(cg, r)];
          const int64_t c = firstChannel + cg, base = c * taps + r * bits;
          // As a function of this slice's sequence v, the variance is
          // v^T S_ss v + 2 v . (g_s - S_ss v_now) up to a constant.
          for (int64_t a = 0; a < width(r); ++a) {
            h[a] = g[base + a];
            for (int64_t b = 0; b < width(r); ++b)
              h[a] -= covariance[(base + a) * n + base + b] * value(symbol, b);
          }
          auto cost = [&](int64_t k) {
            double sum = quadratic[(c * runs + r) * K + k];
            for (int64_t a = 0; a < width(r); ++a)
              sum += 2 * value(kept[k], a) * h[a];
            return sum;
          };
          int64_t best = llvm::find(kept, symbol) - kept.begin();
          double least = cost(best);
          for (int64_t k = 0; k < K; ++k)
            if (const double got = cost(k); got < least - 1e-9 * (std::abs(least) + 1)) {
              best = k;
              least = got;
            }
          if (kept[best] == symbol)
            continue;
          for (int64_t b = 0; b < width(r); ++b)
            if (const double delta = value(kept[best], b) - value(symbol, b); delta != 0) {
              d[base + b] += delta;
              for (int64_t i = 0; i < n; ++i)
                g[i] += covariance[i * n + base + b] * delta;
            }
          symbol = kept[best];
          changed = true;
        }
    }
  }
}

} // namespace

ClusteredKernels clusterKernels(mlir::DenseElementsAttr weights, int64_t keep, int64_t group,
                                TapStatistics statistics) {
  auto shape = weights.getType().getShape();
  const int64_t O = shape[0], Cg = shape[1], taps = shape[2] * shape[3];
  const int64_t runs = qnn_rt::binary_sequence_runs(shape[2], shape[3]);
  ClusteredKernels result{weights, std::vector<double>(O, 0.0)};
  KernelSequences sequences = kernelSequences(weights);
  SequenceStatistics stats = sequenceStatistics(sequences);
  if (static_cast<int64_t>(stats.histogram.size()) <= keep)
    return result;
  const bool measured = !statistics.means.empty();
  const Replacement replacement{statistics, taps};
  std::vector<int> rank(std::size_t(1) << sequences.bitsPerSymbol, -1); // in the histogram
  for (auto [r, entry] : llvm::enumerate(stats.histogram))
    rank[entry.symbol] = static_cast<int>(r);

  std::vector<std::uint16_t> kept;
  for (int64_t k = 0; k < keep; ++k)
    kept.push_back(stats.histogram[k].symbol);

  // The kept sequence replacing `symbol` in input channel c at `first`.
  auto nearest = [&](std::uint16_t symbol, int64_t c, int64_t first) {
    std::tuple<double, int, int> best{0, 0, -1}; // mean square, Hamming, rank
    for (auto [k, to] : llvm::enumerate(kept)) {
      std::tuple<double, int, int> candidate{measured ? replacement.meanSquare(c, first, symbol, to) : 0.0,
                                             llvm::popcount(static_cast<unsigned>(symbol ^ to)), static_cast<int>(k)};
      if (std::get<2>(best) < 0 || candidate < best)
        best = candidate;
    }
    return kept[std::get<2>(best)];
  };

  const int64_t perGroup = O / group;
  // Symbol i's slice (o, cg), the input tensor's channel c and its first tap.
  struct Place {
    int64_t slice, o, c, first;
  };
  auto place = [&](std::size_t i) {
    const int64_t slice = static_cast<int64_t>(i) / runs, o = slice / Cg;
    return Place{slice, o, (o / perGroup) * Cg + slice % Cg, (static_cast<int64_t>(i) % runs) * sequences.bitsPerSymbol};
  };
  // (input channel, first tap, symbol) -> replacement: channels repeat
  // their sequences across output channels.
  std::map<std::tuple<int64_t, int64_t, std::uint16_t>, std::uint16_t> chosen;
  std::vector<std::uint16_t> current = sequences.symbols;
  for (std::size_t i = 0; i < sequences.symbols.size(); ++i) {
    const std::uint16_t symbol = sequences.symbols[i];
    if (rank[symbol] < keep)
      continue;
    const auto [slice, o, c, first] = place(i);
    auto [at, inserted] = chosen.try_emplace({measured ? c : 0, first, symbol}, 0);
    if (inserted)
      at->second = nearest(symbol, c, first);
    current[i] = at->second;
  }
  if (statistics.acrossChannels())
    refineJointly(sequences, kept, perGroup, taps, statistics, current);

  llvm::SmallVector<bool> values(weights.getValues<bool>());
  for (std::size_t i = 0; i < current.size(); ++i) {
    if (current[i] == sequences.symbols[i])
      continue;
    const auto [slice, o, c, first] = place(i);
    if (measured)
      result.accumulatorShift[o] += replacement.mean(c, first, sequences.symbols[i], current[i]);
    for (int b = 0; b < sequences.bitsPerSymbol && first + b < taps; ++b)
      values[slice * taps + first + b] = (current[i] >> b) & 1;
  }
  result.weights = mlir::DenseElementsAttr::get(weights.getType(), llvm::ArrayRef<bool>(values));
  return result;
}

} // namespace qnnc
