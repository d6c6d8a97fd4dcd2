#include "compiler/Calibrate.h"

#include "compiler/Evaluator.h"
#include "compiler/Pipeline.h"

#include "dialects/qnn/QnnDialect.h"
#include "passes/QuantizationAttrs.h"

#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace qnnc::qnn;

namespace qnnc {
namespace {

/// The tensor each calibrated op reads: a convolution's input, a GEMM's A.
SmallVector<std::pair<Operation *, Value>> calibratedInputs(ModuleOp module) {
  SmallVector<std::pair<Operation *, Value>> inputs;
  module.walk([&](Operation *op) {
    if (auto conv = dyn_cast<Conv2DOp>(op))
      inputs.push_back({op, conv.getInput()});
    else if (auto gemm = dyn_cast<GemmOp>(op))
      inputs.push_back({op, gemm.getA()});
  });
  return inputs;
}

/// One tensor's values over the calibration set: the range, then (second
/// pass) a histogram over it for the percentile.
struct Statistics {
  int64_t elements = 0;
  float lo = std::numeric_limits<float>::infinity(), hi = -std::numeric_limits<float>::infinity();
  std::vector<uint64_t> histogram;
  static constexpr int64_t kBins = 8192;

  void range(const float *v) {
    for (int64_t i = 0; i < elements; ++i)
      if (std::isfinite(v[i])) {
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
      }
  }
  void count(const float *v) {
    histogram.resize(kBins);
    const double width = (double(hi) - double(lo)) / kBins;
    for (int64_t i = 0; i < elements; ++i)
      if (std::isfinite(v[i]) && width > 0)
        ++histogram[std::min<int64_t>(kBins - 1, static_cast<int64_t>((double(v[i]) - lo) / width))];
  }
  /// The upper edge of the bin where the `fraction` quantile falls.
  float percentile(double fraction) const {
    uint64_t total = 0, seen = 0;
    for (uint64_t n : histogram)
      total += n;
    for (int64_t b = 0; b < kBins; ++b) {
      seen += histogram[b];
      if (double(seen) >= fraction * double(total))
        return std::min(hi, static_cast<float>(lo + (double(hi) - double(lo)) * double(b + 1) / kBins));
    }
    return hi;
  }
};

} // namespace

LogicalResult calibrate(ModuleOp module, const float *inputs, int64_t count, RangeMethod method) {
  OwningOpRef<ModuleOp> planned = module.clone();
  auto targets = calibratedInputs(module), watched = calibratedInputs(*planned);
  PassManager pm(module.getContext());
  buildPlanPipeline(pm, /*threads=*/1);
  if (failed(pm.run(*planned)))
    return failure();
  auto evaluator = Evaluator::create(*planned);
  if (failed(evaluator))
    return failure();

  DenseMap<Value, Statistics> statistics;
  for (auto &[op, value] : watched)
    if (auto type = dyn_cast<RankedTensorType>(value.getType()); type && type.getElementType().isF32())
      statistics[value].elements = type.getNumElements();
  std::vector<float> output(evaluator->outputElements());
  auto pass = [&](auto &&visit) {
    for (int64_t i = 0; i < count; ++i)
      evaluator->run(inputs + i * evaluator->inputElements(), output.data(), [&](Value v, const void *data) {
        auto found = statistics.find(v);
        if (found != statistics.end())
          visit(found->second, static_cast<const float *>(data));
      });
  };
  pass([](Statistics &s, const float *v) { s.range(v); });
  if (method == RangeMethod::Percentile)
    pass([](Statistics &s, const float *v) { s.count(v); });

  Builder b(module.getContext());
  for (auto [target, watch] : llvm::zip(targets, watched)) {
    auto found = statistics.find(watch.second);
    if (found == statistics.end() || !(found->second.lo <= found->second.hi))
      continue;
    const Statistics &s = found->second;
    const float hi = method == RangeMethod::Percentile ? s.percentile(0.9999) : s.hi;
    target.first->setAttr(kInputRangeAttr, b.getDenseF32ArrayAttr({s.lo, hi}));
  }
  return success();
}

} // namespace qnnc
