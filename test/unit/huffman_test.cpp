// Canonical length-limited Huffman codes (passes/HuffmanCode) against the
// runtime's decoders (qnn_rt::HuffmanLanes, decode_binary_weights): round
// trips over random streams and random lane counts, the length limit on the
// worst case, optimality where the limit does not bind, and coded kernels
// decoded into exactly the packer's words.
#include "passes/HuffmanCode.h"
#include "qnn_runtime/binary_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <queue>
#include <random>

namespace {

using qnnc::canonicalCode;
using qnnc::huffmanEncodeLanes;
using qnnc::huffmanLengths;

/// Total coded bits of unlimited Huffman (the textbook heap construction).
std::uint64_t unlimitedHuffmanBits(const std::vector<std::uint64_t> &counts) {
  std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>> heap;
  for (std::uint64_t c : counts)
    if (c > 0)
      heap.push(c);
  if (heap.size() == 1)
    return heap.top();
  std::uint64_t bits = 0;
  while (heap.size() > 1) {
    std::uint64_t a = heap.top();
    heap.pop();
    std::uint64_t b = heap.top();
    heap.pop();
    bits += a + b;
    heap.push(a + b);
  }
  return bits;
}

std::uint64_t codedBits(const std::vector<std::uint64_t> &counts, const std::vector<std::uint8_t> &lengths) {
  std::uint64_t bits = 0;
  for (size_t s = 0; s < counts.size(); ++s)
    bits += counts[s] * lengths[s];
  return bits;
}

/// Encodes `stream` into lanes (steps over lanes [0, first) and [64, 64 +
/// second) with random first and second from `rng`, or all 128 lanes),
/// decodes it with the runtime, and checks the code.
void roundTrip(const std::vector<std::uint16_t> &stream, int alphabet, int maxLength, std::uint64_t seed = 0) {
  std::vector<std::uint64_t> counts(alphabet, 0);
  for (std::uint16_t s : stream)
    ++counts[s];
  auto lengths = huffmanLengths(counts, maxLength);
  double kraft = 0;
  int used = 0;
  for (int s = 0; s < alphabet; ++s) {
    ASSERT_LE(lengths[s], maxLength);
    ASSERT_EQ(lengths[s] > 0, counts[s] > 0) << "symbol " << s;
    if (lengths[s]) {
      kraft += std::ldexp(1.0, -lengths[s]);
      ++used;
    }
  }
  if (used > 1)
    EXPECT_DOUBLE_EQ(kraft, 1.0); // complete: no codeword wasted
  auto code = canonicalCode(lengths, qnn_rt::kMaxHuffmanLength);
  std::mt19937_64 rng(seed);
  const int set = qnn_rt::kHuffmanLaneSet;
  std::vector<std::pair<int, int>> sets;
  std::vector<std::vector<int>> steps;
  for (size_t done = 0; done < stream.size();) {
    const int left = static_cast<int>(std::min<size_t>(2 * set, stream.size() - done));
    int first = std::min(left, seed ? static_cast<int>(rng() % (set + 1)) : set);
    const int second = std::min(left - first, seed ? static_cast<int>(rng() % (set + 1)) : set);
    if (first + second == 0)
      first = 1;
    sets.emplace_back(first, second);
    std::vector<int> &lanes = steps.emplace_back();
    for (int l = 0; l < first; ++l)
      lanes.push_back(l);
    for (int l = 0; l < second; ++l)
      lanes.push_back(set + l);
    done += lanes.size();
  }
  auto chunks = huffmanEncodeLanes(stream, steps, code);
  // The padding is under 2 chunks a lane; trailing zeros are left out.
  const std::uint64_t bits = codedBits(counts, lengths);
  EXPECT_LT(chunks.size() * 16, bits + 2 * 16 * qnn_rt::kHuffmanLanes);
  ASSERT_FALSE(chunks.empty());
  EXPECT_TRUE(chunks.size() == 1 || chunks.back() != 0);
  std::vector<std::uint16_t> lookup(qnn_rt::kHuffmanLookupEntries);
  const int longest = qnn_rt::huffman_lookup_table({code.counts.data(), code.symbols.data()}, lookup.data());
  EXPECT_EQ(longest, std::max<int>(1, *std::max_element(lengths.begin(), lengths.end())));
  qnn_rt::HuffmanLanes decoder(chunks.data(), static_cast<qnn_rt::index_t>(chunks.size()), lookup.data(), longest);
  std::uint16_t decoded[qnn_rt::kHuffmanLanes];
  size_t next = 0;
  for (const auto &[first, second] : sets) {
    decoder.step(first, second, decoded);
    for (int l = 0; l < qnn_rt::kHuffmanLanes; ++l) {
      const bool active = l < set ? l < first : l - set < second;
      ASSERT_EQ(decoded[l], active ? stream[next++] : 0) << "symbol " << next << ", lane " << l;
    }
  }
  EXPECT_GE(decoder.read(), static_cast<qnn_rt::index_t>(chunks.size())); // the stream, then zeros left out
}

TEST(Huffman, RoundTripRandomStreams) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    const int alphabet = 1 + static_cast<int>(rng() % 512);
    const int length = 1 + static_cast<int>(rng() % 3000);
    // Skewed like binary kernel sequences: a geometric-ish rank distribution.
    std::geometric_distribution<int> rank(0.02 + 0.3 * (trial % 7) / 7.0);
    std::vector<std::uint16_t> stream;
    for (int i = 0; i < length; ++i)
      stream.push_back(static_cast<std::uint16_t>(std::min(rank(rng), alphabet - 1)));
    roundTrip(stream, alphabet, qnn_rt::kMaxHuffmanLength, trial + 1);
    roundTrip(stream, alphabet, 10);
    if (alphabet <= 256) // the register-table decoder
      roundTrip(stream, alphabet, qnn_rt::kRegisterHuffmanLength, trial + 7);
  }
}

TEST(Huffman, SingleAndTwoSymbols) {
  roundTrip(std::vector<std::uint16_t>(100, 37), 512, qnn_rt::kMaxHuffmanLength);
  roundTrip({3, 5, 5, 3, 5}, 8, qnn_rt::kMaxHuffmanLength);
}

/// Fibonacci counts make unlimited Huffman as deep as there are symbols
/// (the worst case): the limit holds, and the code still round-trips.
TEST(Huffman, WorstCaseLengthIsLimited) {
  constexpr int kSymbols = 25; // 196,417 symbols in all; unlimited depth 24
  std::vector<std::uint16_t> stream;
  std::uint64_t a = 1, b = 1;
  for (int s = 0; s < kSymbols; ++s) {
    stream.insert(stream.end(), a, static_cast<std::uint16_t>(s));
    std::uint64_t next = a + b;
    a = b;
    b = next;
  }
  std::vector<std::uint64_t> counts(kSymbols, 0);
  for (std::uint16_t s : stream)
    ++counts[s];
  auto unlimited = huffmanLengths(counts, 64), limited = huffmanLengths(counts, qnn_rt::kMaxHuffmanLength);
  EXPECT_EQ(*std::max_element(unlimited.begin(), unlimited.end()), kSymbols - 1);
  EXPECT_EQ(*std::max_element(limited.begin(), limited.end()), qnn_rt::kMaxHuffmanLength);
  std::shuffle(stream.begin(), stream.end(), std::mt19937_64(3));
  roundTrip(stream, kSymbols, qnn_rt::kMaxHuffmanLength);
  roundTrip(stream, kSymbols, qnn_rt::kMaxHuffmanLength, 9);
}

/// Where no codeword reaches the limit, package-merge is plain Huffman.
TEST(Huffman, OptimalWhenTheLimitDoesNotBind) {
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 100; ++trial) {
    std::vector<std::uint64_t> counts(2 + rng() % 60);
    for (auto &c : counts)
      c = rng() % 1000;
    counts[0] = std::max<std::uint64_t>(counts[0], 1);
    counts[1] = std::max<std::uint64_t>(counts[1], 1);
    EXPECT_EQ(codedBits(counts, huffmanLengths(counts, 40)), unlimitedHuffmanBits(counts));
  }
}

/// Length-limited optimality against every prefix code on a small alphabet:
/// lengths (l_s) with Kraft sum <= 1 and l_s <= 3 for 6 symbols.
TEST(Huffman, LimitedCodeIsOptimal) {
  const std::vector<std::uint64_t> counts = {1, 1, 2, 3, 5, 40};
  std::uint64_t best = ~std::uint64_t(0);
  std::vector<int> l(6, 1);
  std::function<void(size_t)> search = [&](size_t s) {
    if (s == l.size()) {
      double kraft = 0;
      for (int x : l)
        kraft += std::ldexp(1.0, -x);
      if (kraft <= 1.0) {
        std::uint64_t bits = 0;
        for (size_t i = 0; i < l.size(); ++i)
          bits += counts[i] * l[i];
        best = std::min(best, bits);
      }
      return;
    }
    for (int x = 1; x <= 3; ++x) {
      l[s] = x;
      search(s + 1);
    }
  };
  search(0);
  EXPECT_EQ(codedBits(counts, huffmanLengths(counts, 3)), best);
}

/// Random +-1 kernels, coded as their kernel sequences, decode into the
/// words pack_binary_weights writes: 3x3 (9-tap sequences), 1x1, 5x5 and
/// 7x7 (rows), 1x20 (runs of 12 across the flattened taps); channel counts
/// off the 64-bit words and output counts off the 8-lane blocks.
TEST(Huffman, DecodeBinaryWeightsMatchesThePacker) {
  struct Shape {
    qnn_rt::index_t O, Cg, KH, KW;
  };
  std::mt19937_64 rng(5);
  for (Shape s : {Shape{16, 64, 3, 3}, Shape{13, 70, 3, 3}, Shape{9, 3, 1, 1}, Shape{8, 5, 5, 5},
                  Shape{3, 130, 7, 7}, Shape{5, 2, 1, 20}}) {
    const int taps = qnn_rt::binary_sequence_taps(s.KH, s.KW);
    // Skewed weights, as trained kernels are: few distinct sequences.
    std::vector<bool> negative(s.O * s.Cg * s.KH * s.KW);
    for (size_t i = 0; i < negative.size(); ++i)
      negative[i] = rng() % 10 < 2;
    auto sequence = [&](qnn_rt::index_t o, qnn_rt::index_t c, qnn_rt::index_t start) {
      std::uint16_t symbol = 0;
      for (int t = 0; t < taps && start + t < s.KH * s.KW; ++t)
        symbol |= static_cast<std::uint16_t>(negative[(o * s.Cg + c) * s.KH * s.KW + start + t]) << t;
      return symbol;
    };
    // The decoder's order: steps (output pair, 64-channel word, run), lane
    // 64 (o % 2) + c % 64.
    std::vector<std::uint16_t> sequences;
    std::vector<std::vector<int>> steps;
    for (qnn_rt::index_t pair = 0; pair < s.O; pair += 2)
      for (qnn_rt::index_t cw = 0; cw * 64 < s.Cg; ++cw)
        for (qnn_rt::index_t start = 0; start < s.KH * s.KW; start += taps) {
          std::vector<int> &lanes = steps.emplace_back();
          for (qnn_rt::index_t k = 0; k < 2 && pair + k < s.O; ++k)
            for (qnn_rt::index_t l = 0; l < std::min<qnn_rt::index_t>(64, s.Cg - cw * 64); ++l) {
              lanes.push_back(static_cast<int>(64 * k + l));
              sequences.push_back(sequence(pair + k, cw * 64 + l, start));
            }
        }
    std::vector<std::uint64_t> counts(std::size_t(1) << taps, 0);
    for (std::uint16_t q : sequences)
      ++counts[q];
    std::vector<std::uint32_t> packed(qnn_rt::binary_weight_halves(1, s.O, s.KH, s.KW, s.Cg));
    qnn_rt::pack_binary_weights(packed.data(), 1, s.O, s.Cg, s.KH, s.KW,
                                [&](qnn_rt::index_t, qnn_rt::index_t o, qnn_rt::index_t c, qnn_rt::index_t kh,
                                    qnn_rt::index_t kw) { return negative[((o * s.Cg + c) * s.KH + kh) * s.KW + kw]; });
    const auto used = std::count_if(counts.begin(), counts.end(), [](std::uint64_t c) { return c > 0; });
    // Both decoders: lookups gathered (12-bit limit) and from registers (8).
    for (int limit : {qnn_rt::kMaxHuffmanLength, qnn_rt::kRegisterHuffmanLength}) {
      if (used > (1 << limit))
        continue;
      auto code = canonicalCode(huffmanLengths(counts, limit), qnn_rt::kMaxHuffmanLength);
      auto stream = huffmanEncodeLanes(sequences, steps, code);
      std::vector<std::uint32_t> scratch(qnn_rt::decode_binary_weights_scratch_bytes(s.O, s.Cg, s.KH, s.KW) / 4,
                                         0xdeadbeef);
      qnn_rt::decode_binary_weights(stream.data(), static_cast<qnn_rt::index_t>(stream.size()), code.counts.data(),
                                    code.symbols.data(), s.O, s.Cg, s.KH, s.KW, scratch.data());
      EXPECT_EQ(std::vector<std::uint32_t>(scratch.begin(), scratch.begin() + packed.size()), packed)
          << s.O << "x" << s.Cg << "x" << s.KH << "x" << s.KW << ", limit " << limit;
    }
  }
}

} // namespace

