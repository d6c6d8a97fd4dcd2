#include "compiler/Measure.h"

#include "compiler/Evaluator.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace qnnc {

void CalibratedSearch::progress(const llvm::Twine &message) const {
  if (!quiet)
    llvm::errs() << "qnnc: " << message << "\n";
}

int64_t Outputs::top1(int64_t i) const {
  const float *row = values.data() + i * classes;
  return std::max_element(row, row + classes) - row;
}

mlir::FailureOr<Outputs> evaluateInputs(mlir::ModuleOp planned, const float *inputs, int64_t images) {
  auto evaluator = Evaluator::create(planned);
  if (mlir::failed(evaluator))
    return mlir::failure();
  Outputs outputs;
  outputs.classes = evaluator->outputElements();
  outputs.values.resize(images * outputs.classes);
  for (int64_t i = 0; i < images; ++i)
    evaluator->run(inputs + i * evaluator->inputElements(), outputs.values.data() + i * outputs.classes);
  return outputs;
}

double top1Accuracy(const Outputs &outputs, int64_t count, llvm::ArrayRef<int32_t> labels, const Outputs &reference) {
  int64_t right = 0;
  for (int64_t i = 0; i < count; ++i)
    right += outputs.top1(i) == (labels.empty() ? reference.top1(i) : labels[i]);
  return static_cast<double>(right) / static_cast<double>(count);
}

double meanDivergence(const Outputs &reference, const Outputs &outputs, int64_t images) {
  const int64_t classes = outputs.classes;
  auto softmax = [&](const float *row, std::vector<double> &p) {
    const double top = *std::max_element(row, row + classes);
    double sum = 0;
    for (int64_t c = 0; c < classes; ++c)
      sum += p[c] = std::exp(static_cast<double>(row[c]) - top);
    for (double &v : p)
      v /= sum;
  };
  double total = 0;
  std::vector<double> p(classes), q(classes);
  for (int64_t i = 0; i < images; ++i) {
    softmax(reference.values.data() + i * classes, p);
    softmax(outputs.values.data() + i * classes, q);
    for (int64_t c = 0; c < classes; ++c)
      if (p[c] > 0)
        total += p[c] * (std::log(p[c]) - std::log(std::max(q[c], 1e-300)));
  }
  return total / static_cast<double>(images);
}

mlir::FailureOr<std::vector<double>> timeByGroup(mlir::ModuleOp planned, const float *inputs, int64_t runs,
                                                 size_t groups,
                                                 llvm::function_ref<int64_t(mlir::Operation *)> groupOf) {
  auto evaluator = Evaluator::create(planned);
  if (mlir::failed(evaluator))
    return mlir::failure();
  std::vector<float> output(evaluator->outputElements());
  std::vector<double> seconds(groups);
  for (int64_t i = 0; i < runs; ++i) {
    auto last = std::chrono::steady_clock::now();
    mlir::Operation *previous = nullptr;
    evaluator->run(inputs + i * evaluator->inputElements(), output.data(), [&](mlir::Value v, const void *) {
      mlir::Operation *op = v.getDefiningOp();
      if (!op || op == previous)
        return;
      previous = op;
      auto now = std::chrono::steady_clock::now();
      if (const int64_t group = groupOf(op); group >= 0)
        seconds[group] += std::chrono::duration<double>(now - last).count();
      last = now;
    });
  }
  for (double &s : seconds)
    s *= 1e6 / static_cast<double>(runs);
  return seconds;
}

mlir::FailureOr<size_t> cheapestAccurate(llvm::ArrayRef<BitAssignment> frontier, double allowed,
                                         llvm::function_ref<mlir::FailureOr<double>(size_t)> accuracyAt) {
  size_t lo = 0, hi = frontier.size() - 1;
  auto top = accuracyAt(hi);
  if (mlir::failed(top))
    return mlir::failure();
  if (*top < allowed)
    return frontier.size();
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    auto got = accuracyAt(mid);
    if (mlir::failed(got))
      return mlir::failure();
    if (*got >= allowed)
      hi = mid;
    else
      lo = mid + 1;
  }
  return hi;
}

} // namespace qnnc
