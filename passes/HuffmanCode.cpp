#include "passes/HuffmanCode.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace qnnc {

std::vector<std::uint8_t> huffmanLengths(const std::vector<std::uint64_t> &counts, int maxLength) {
  std::vector<std::uint8_t> lengths(counts.size(), 0);
  std::vector<int> used;
  for (size_t s = 0; s < counts.size(); ++s)
    if (counts[s] > 0)
      used.push_back(static_cast<int>(s));
  if (used.size() == 1)
    lengths[used[0]] = 1;
  if (used.size() <= 1)
    return lengths;
  assert((std::uint64_t(1) << maxLength) >= used.size() && "too many symbols for the length limit");
  // Package-merge (the coin collector's problem): each level merges the
  // symbols with pairs ("packages") of the level below; a symbol's length
  // is the number of times it occurs in the cheapest 2n - 2 items of the
  // last level. Items are nodes of a pool: a leaf or a pair.
  struct Node {
    std::uint64_t weight;
    int symbol; // >= 0: leaf
    int left, right;
  };
  std::vector<Node> pool;
  std::stable_sort(used.begin(), used.end(), [&](int a, int b) { return counts[a] < counts[b]; });
  std::vector<int> leaves;
  for (int s : used) {
    leaves.push_back(static_cast<int>(pool.size()));
    pool.push_back({counts[s], s, -1, -1});
  }
  std::vector<int> level = leaves;
  for (int depth = 1; depth < maxLength; ++depth) {
    std::vector<int> packages;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      packages.push_back(static_cast<int>(pool.size()));
      pool.push_back({pool[level[i]].weight + pool[level[i + 1]].weight, -1, level[i], level[i + 1]});
    }
    std::vector<int> merged;
    std::merge(leaves.begin(), leaves.end(), packages.begin(), packages.end(), std::back_inserter(merged),
               [&](int a, int b) { return pool[a].weight < pool[b].weight; });
    level = std::move(merged);
  }
  std::vector<int> stack;
  for (size_t i = 0; i < 2 * used.size() - 2; ++i) {
    stack.push_back(level[i]);
    while (!stack.empty()) {
      const Node &n = pool[stack.back()];
      stack.pop_back();
      if (n.symbol >= 0) {
        ++lengths[n.symbol];
      } else {
        stack.push_back(n.left);
        stack.push_back(n.right);
      }
    }
  }
  return lengths;
}

CanonicalCode canonicalCode(const std::vector<std::uint8_t> &lengths, int maxLength) {
  CanonicalCode code;
  code.lengths = lengths;
  code.codes.assign(lengths.size(), 0);
  code.counts.assign(maxLength + 1, 0);
  for (std::uint8_t l : lengths)
    if (l > 0)
      ++code.counts[l];
  std::uint32_t next = 0;
  std::vector<std::uint32_t> firstOfLength(maxLength + 2, 0);
  for (int l = 1; l <= maxLength; ++l) {
    firstOfLength[l] = next;
    next = (next + code.counts[l]) << 1;
  }
  for (int l = 1; l <= maxLength; ++l)
    for (size_t s = 0; s < lengths.size(); ++s)
      if (lengths[s] == l) {
        code.codes[s] = firstOfLength[l]++;
        code.symbols.push_back(static_cast<std::uint16_t>(s));
      }
  return code;
}

std::vector<std::uint16_t> huffmanEncodeLanes(const std::vector<std::uint16_t> &symbols,
                                              const std::vector<std::vector<int>> &steps, const CanonicalCode &code) {
  int longest = 1;
  for (std::uint8_t l : code.lengths)
    longest = std::max<int>(longest, l);
  // Each lane's codewords, cut into 16-bit chunks (most significant bit first).
  struct Lane {
    std::vector<std::uint16_t> chunks;
    std::uint64_t written = 0; // bits
    std::size_t read = 0;      // chunks the decoder has taken
    int buffered = 0;          // bits in the decoder's buffer
  };
  std::vector<Lane> lanes;
  std::size_t next = 0;
  for (const std::vector<int> &step : steps) {
    assert(std::is_sorted(step.begin(), step.end()) && "a step's lanes go in ascending order");
    for (int l : step) {
      if (static_cast<int>(lanes.size()) <= l)
        lanes.resize(l + 1);
      const std::uint16_t s = symbols[next++];
      const int length = code.lengths[s];
      assert(length > 0 && "a symbol without a codeword");
      Lane &lane = lanes[l];
      for (int b = length - 1; b >= 0; --b, ++lane.written) {
        if (lane.written % 16 == 0)
          lane.chunks.push_back(0);
        if ((code.codes[s] >> b) & 1)
          lane.chunks.back() |= static_cast<std::uint16_t>(1u << (15 - lane.written % 16));
      }
    }
  }
  assert(next == symbols.size() && "steps do not cover the symbols");
  // The decoder's reading order: in each step, every active lane holding
  // fewer than `longest` bits takes its next chunk, in lane order.
  std::vector<std::uint16_t> stream;
  next = 0;
  for (const std::vector<int> &step : steps)
    for (int l : step) {
      Lane &lane = lanes[l];
      if (lane.buffered < longest) {
        stream.push_back(lane.read < lane.chunks.size() ? lane.chunks[lane.read] : 0);
        ++lane.read;
        lane.buffered += 16;
      }
      lane.buffered -= code.lengths[symbols[next++]];
    }
  // The decoder reads 0 past the end; one chunk stays, as arrays in the
  // generated code cannot be empty.
  while (stream.size() > 1 && stream.back() == 0)
    stream.pop_back();
  return stream;
}

} // namespace qnnc
