#include "compiler/BitSearch.h"

#include "compiler/Evaluator.h"
#include "compiler/Measure.h"
#include "compiler/Pipeline.h"
#include "compiler/Report.h"
#include "dialects/qnn/KernelCall.h"
#include "dialects/qnn/QnnDialect.h"
#include "passes/Passes.h"
#include "passes/QuantizationAttrs.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>

using namespace mlir;
using namespace qnnc::qnn;

namespace qnnc {
namespace {

using Widths = std::pair<int64_t, int64_t>; // weight bits, input bits; 0 = float

/// The ops widths are assigned to, in program order.
SmallVector<Operation *> layerOps(ModuleOp module) {
  SmallVector<Operation *> ops;
  module.walk([&](Operation *op) {
    if (isa<Conv2DOp, GemmOp>(op))
      ops.push_back(op);
  });
  return ops;
}

/// Bytes of a dense array as the generated code stores it (a splat too:
/// every element).
int64_t arrayBytes(DenseElementsAttr values) {
  return values ? values.getNumElements() * ((values.getElementType().getIntOrFloatBitWidth() + 7) / 8) : 0;
}

int64_t constantBytes(Value v) {
  auto constant = v.getDefiningOp<arith::ConstantOp>();
  return constant ? arrayBytes(dyn_cast<DenseElementsAttr>(constant.getValue())) : 0;
}

/// The weight bytes of each op of a planned @main that holds weights, by
/// its location (the convolution's or GEMM's it came from: fused ops keep
/// it): the packed and int8 weight tables its kernel call passes (bits,
/// weights, weight_offsets) and a float convolution's or GEMM's weight
/// tensor, the arrays the generated code names *_bits, *_weights and
/// *_weight_offsets.
DenseMap<Location, int64_t> weightBytesByLocation(ModuleOp planned) {
  DenseMap<Location, int64_t> bytes;
  auto main = planned.lookupSymbol<func::FuncOp>("main");
  for (Operation &op : main.getBody().front()) {
    int64_t held = 0;
    if (isa<Conv2DOp, GemmOp, PointwiseConvOp>(op))
      held += constantBytes(op.getOperand(1));
    if (auto kernel = dyn_cast<KernelOpInterface>(op)) {
      KernelCall call;
      if (succeeded(kernel.buildKernelCall(call)))
        for (const KernelCall::Call &c : call.getCalls())
          for (const KernelArg &arg : c.args)
            if (arg.kind == KernelArg::Kind::Table &&
                (arg.name == "bits" || arg.name == "weights" || arg.name == "weight_offsets"))
              held += arrayBytes(arg.values);
    }
    if (held > 0)
      bytes[op.getLoc()] += held;
  }
  return bytes;
}

/// The weight bytes of each layer (`layers`: the unplanned ops) in
/// `planned`; failure when some weights belong to no layer or a layer's
/// location is shared.
FailureOr<SmallVector<int64_t>> layerWeightBytes(ArrayRef<Operation *> layers, ModuleOp planned) {
  DenseMap<Location, int64_t> held = weightBytesByLocation(planned);
  SmallVector<int64_t> bytes;
  DenseSet<Location> seen;
  for (Operation *op : layers) {
    if (!seen.insert(op->getLoc()).second)
      return op->emitError("--bits=auto: two convolutions or GEMMs share this location; their weights cannot be "
                           "told apart");
    bytes.push_back(held.lookup(op->getLoc()));
  }
  for (auto &[loc, count] : held)
    if (!seen.contains(loc))
      return emitError(loc, "--bits=auto: weights of no convolution or GEMM (") << count << " bytes)";
  return bytes;
}

/// Bit-operations of `macs` multiply-accumulates at these widths (a float
/// side counts 32 bits).
int64_t bitops(int64_t macs, Widths w) { return macs * (w.first ? w.first : 32) * (w.second ? w.second : 32); }

/// Multiply-accumulates of one inference of a layer.
int64_t layerMacs(Operation *op) {
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  auto weight = cast<RankedTensorType>(op->getOperand(1).getType());
  if (isa<Conv2DOp>(op)) // [N, O, OH, OW] x [O, C/G, KH, KW]
    return result.getNumElements() * weight.getNumElements() / weight.getDimSize(0);
  auto gemm = cast<GemmOp>(op); // [M, N] x K
  return result.getNumElements() * weight.getDimSize(gemm.getTransB() ? 1 : 0);
}

class Search : CalibratedSearch {
public:
  Search(ModuleOp module, const float *inputs, int64_t count, ArrayRef<int32_t> labels,
         const BitSearchOptions &options)
      : CalibratedSearch{module, inputs, count, labels, options.quiet}, options(options) {}

  FailureOr<BitSearchResult> run();

private:
  /// `module` with these widths per layer, quantized and planned.
  FailureOr<OwningOpRef<ModuleOp>> compile(ArrayRef<Widths> widths) {
    OwningOpRef<ModuleOp> copy = module.clone();
    if (failed(setLayerWidths(*copy, widths)))
      return failure();
    PassManager pm(module.getContext());
    pm.nest<func::FuncOp>().addPass(createQuantize());
    buildQnnPipeline(pm);
    buildPlanPipeline(pm, /*threads=*/1);
    if (failed(pm.run(*copy)))
      return failure();
    return std::move(copy);
  }

  FailureOr<Outputs> evaluate(ModuleOp planned, int64_t images) { return evaluateInputs(planned, inputs, images); }

  /// Top-1 accuracy on all calibration inputs: against the labels, or
  /// agreement with the float model's predictions.
  double accuracy(const Outputs &outputs) const { return top1Accuracy(outputs, count, labels, floatOutputs); }

  /// Widths of every layer for choice `choice[i]` of layer i.
  std::vector<Widths> widthsOf(ArrayRef<unsigned> choice) const {
    std::vector<Widths> widths;
    for (auto [layer, c] : llvm::zip(result.layers, choice))
      widths.push_back({layer.choices[c].weightBits, layer.choices[c].inputBits});
    return widths;
  }

  /// Compiles and evaluates an assignment on all calibration inputs.
  struct Measured {
    OwningOpRef<ModuleOp> planned;
    double accuracy;
    SmallVector<int64_t> bytes; // per layer
    std::vector<int64_t> predictions;
  };
  FailureOr<Measured> measure(ArrayRef<Widths> widths) {
    auto planned = compile(widths);
    if (failed(planned))
      return failure();
    auto outputs = evaluate(**planned, count);
    auto bytes = layerWeightBytes(layerOps(module), **planned);
    if (failed(outputs) || failed(bytes))
      return failure();
    Measured m{std::move(*planned), accuracy(*outputs), std::move(*bytes), {}};
    for (int64_t i = 0; i < count; ++i)
      m.predictions.push_back(outputs->top1(i));
    return m;
  }

  /// The choices of every layer, as the solver takes them.
  SmallVector<SmallVector<BitChoice>> choiceTable() const {
    SmallVector<SmallVector<BitChoice>> table;
    for (const LayerResult &layer : result.layers)
      table.emplace_back(layer.choices.begin(), layer.choices.end());
    return table;
  }

  /// Every searched layer at `searched`, the others at their fixed widths.
  std::vector<Widths> uniformWidths(Widths searched) const {
    std::vector<Widths> widths = fixedWidths;
    for (auto [w, layer] : llvm::zip(widths, result.layers))
      if (layer.searched)
        w = searched;
    return widths;
  }

  /// Per-layer time of a compiled assignment in the evaluator,
  /// microseconds per inference over up to 64 calibration inputs: the time
  /// from one op's results to the next's goes to the op, and an op to the
  /// layer whose location it carries.
  LogicalResult profile(ModuleOp planned) {
    DenseMap<Location, size_t> layerAt;
    for (auto [index, op] : llvm::enumerate(layerOps(module)))
      layerAt[op->getLoc()] = index;
    auto micros = timeByGroup(planned, inputs, std::min<int64_t>(count, 64), result.layers.size(), [&](Operation *op) {
      auto found = layerAt.find(op->getLoc());
      return found == layerAt.end() ? int64_t(-1) : static_cast<int64_t>(found->second);
    });
    if (failed(micros))
      return failure();
    for (auto [layer, us] : llvm::zip(result.layers, *micros))
      layer.measuredMicros = us;
    result.measuredOn = Evaluator::instructionSet();
    return success();
  }

  LogicalResult measureSensitivity();
  LogicalResult measureCosts();
  FailureOr<std::vector<unsigned>> choose();
  LogicalResult measureTradeoff(const std::vector<BitAssignment> &frontier);

  const BitSearchOptions &options;
  int64_t sensitivityImages = 0;
  Outputs floatOutputs;
  std::vector<Widths> fixedWidths; // per layer; searched layers: unused
  BitSearchResult result;
};

LogicalResult Search::measureSensitivity() {
  const size_t searched = llvm::count_if(result.layers, [](const LayerResult &l) { return l.searched; });
  progress("sensitivity of " + Twine(searched) + " layers at " + Twine(std::size(kWidths)) + " weight and " +
           Twine(std::size(kWidths)) + " input widths, on " + Twine(sensitivityImages) + " calibration inputs");
  for (auto [index, layer] : llvm::enumerate(result.layers)) {
    if (!layer.searched)
      continue;
    auto start = std::chrono::steady_clock::now();
    std::string line;
    for (bool weights : {true, false})
      for (int64_t width : kWidths) {
        std::vector<Widths> widths(result.layers.size(), Widths{0, 0});
        widths[index] = weights ? Widths{width, 0} : Widths{0, width};
        auto planned = compile(widths);
        if (failed(planned))
          return failure();
        auto outputs = evaluate(**planned, sensitivityImages);
        if (failed(outputs))
          return failure();
        double s = meanDivergence(floatOutputs, *outputs, sensitivityImages);
        (weights ? layer.weightSensitivity : layer.inputSensitivity).push_back(s);
        llvm::raw_string_ostream(line) << (weights ? " w" : " a") << width << " " << llvm::format("%.3g", s);
      }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    progress("  " + layer.name + ":" + line + llvm::formatv(" ({0:F1} s)", took.count()));
  }
  return success();
}

/// Bytes are measured, one compile per width pair with every searched
/// layer at it: a layer's weight arrays depend on its own widths alone.
LogicalResult Search::measureCosts() {
  for (auto [wi, w] : llvm::enumerate(kWidths))
    for (auto [ai, a] : llvm::enumerate(kWidths)) {
      auto planned = compile(uniformWidths({w, a}));
      if (failed(planned))
        return failure();
      auto bytes = layerWeightBytes(layerOps(module), **planned);
      if (failed(bytes))
        return failure();
      for (auto [layer, held] : llvm::zip(result.layers, *bytes)) {
        if (!layer.searched) {
          if (layer.choices.empty())
            layer.choices.push_back({0, 0, held, 0, 0.0});
          continue;
        }
        layer.choices.push_back({w, a, held, bitops(layer.macs, {w, a}),
                                 layer.weightSensitivity[wi] + layer.inputSensitivity[ai]});
      }
    }
  for (auto [layer, fixed] : llvm::zip(result.layers, fixedWidths))
    if (!layer.searched) {
      BitChoice &c = layer.choices.front();
      c.weightBits = fixed.first;
      c.inputBits = fixed.second;
      c.bitops = bitops(layer.macs, fixed);
    }
  return success();
}

FailureOr<std::vector<unsigned>> Search::choose() {
  if (!options.maxAccuracyDrop) {
    // The pass picks: the table goes onto a copy of the layers as
    // qnn.bit_choices, the choice comes back as qnn.bits.
    OwningOpRef<ModuleOp> copy = module.clone();
    Builder b(module.getContext());
    for (auto [op, layer] : llvm::zip(layerOps(*copy), result.layers)) {
      SmallVector<Attribute> choices;
      for (const BitChoice &c : layer.choices)
        choices.push_back(b.getDictionaryAttr(
            {b.getNamedAttr("w", b.getI64IntegerAttr(c.weightBits)), b.getNamedAttr("a", b.getI64IntegerAttr(c.inputBits)),
             b.getNamedAttr("bytes", b.getI64IntegerAttr(c.bytes)), b.getNamedAttr("bitops", b.getI64IntegerAttr(c.bitops)),
             b.getNamedAttr("sensitivity", b.getF64FloatAttr(c.sensitivity))}));
      op->setAttr(kBitChoicesAttr, b.getArrayAttr(choices));
    }
    PassManager pm(module.getContext());
    AssignBitsOptions assign;
    (options.budgetKind == BitCost::Bytes ? assign.budgetBytes : assign.budgetBitops) = options.budget;
    pm.nest<func::FuncOp>().addPass(createAssignBits(assign));
    if (failed(pm.run(*copy)))
      return failure();
    std::vector<unsigned> choice;
    for (auto [op, layer] : llvm::zip(layerOps(*copy), result.layers)) {
      auto bits = op->getAttrOfType<DenseI64ArrayAttr>(kBitsAttr);
      auto found = llvm::find_if(layer.choices, [&](const BitChoice &c) {
        return c.weightBits == bits[0] && c.inputBits == bits[1];
      });
      choice.push_back(static_cast<unsigned>(found - layer.choices.begin()));
    }
    return choice;
  }
  // Least bytes within the accuracy drop: along the byte frontier, whose
  // sensitivity falls as bytes rise, by bisection on measured accuracy;
  // the answer is one that was measured to hold.
  std::vector<BitAssignment> frontier = bitFrontier(choiceTable(), BitCost::Bytes);
  const double allowed = result.floatAccuracy - *options.maxAccuracyDrop / 100.0;
  progress("searching " + Twine(frontier.size()) + " assignments on the byte frontier for accuracy >= " +
           llvm::formatv("{0:F4}", allowed));
  std::optional<double> widest;
  auto at = cheapestAccurate(frontier, allowed, [&](size_t i) -> FailureOr<double> {
    auto got = measure(widthsOf(frontier[i].choice));
    if (failed(got))
      return failure();
    if (widest)
      progress("  " + Twine(frontier[i].cost) + " bytes: accuracy " + llvm::formatv("{0:F4}", got->accuracy));
    else
      widest = got->accuracy;
    return got->accuracy;
  });
  if (failed(at))
    return failure();
  if (*at == frontier.size())
    return module.emitError("--max-accuracy-drop=") << *options.maxAccuracyDrop << ": even the widest assignment "
                                                    << "loses " << llvm::formatv("{0:F2}", 100 * (result.floatAccuracy - *widest))
                                                    << " points on the calibration set";
  return frontier[*at].choice;
}

/// --sweep: accuracy at evenly spaced byte budgets along the frontier, and
/// at each uniform width, all measured on the calibration set.
LogicalResult Search::measureTradeoff(const std::vector<BitAssignment> &frontier) {
  constexpr int kPoints = 8;
  std::vector<size_t> picked;
  for (int k = 0; k < kPoints; ++k) {
    const double target = frontier.front().cost + (frontier.back().cost - frontier.front().cost) * k / (kPoints - 1.0);
    size_t at = std::upper_bound(frontier.begin(), frontier.end(), target,
                                 [](double t, const BitAssignment &a) { return t < a.cost; }) -
                frontier.begin();
    at = at == 0 ? 0 : at - 1;
    if (picked.empty() || picked.back() != at)
      picked.push_back(at);
  }
  auto add = [&](const std::string &label, ArrayRef<Widths> widths) -> LogicalResult {
    auto got = measure(widths);
    if (failed(got))
      return failure();
    TradeoffPoint point{label, 0, 0, got->accuracy};
    for (auto [layer, w, bytes] : llvm::zip(result.layers, widths, got->bytes)) {
      point.bytes += bytes;
      point.bitops += bitops(layer.macs, w);
    }
    progress("  " + label + ": " + Twine(point.bytes) + " bytes, accuracy " + llvm::formatv("{0:F4}", point.accuracy));
    result.sweep.push_back(point);
    return success();
  };
  progress("sweep: " + Twine(picked.size()) + " frontier points and " + Twine(std::size(kWidths)) + " uniform widths");
  for (size_t at : picked)
    if (failed(add("auto", widthsOf(frontier[at].choice))))
      return failure();
  for (int64_t w : kWidths)
    if (failed(add(llvm::formatv("uniform {0}/{0}", w).str(), uniformWidths({w, w}))))
      return failure();
  return success();
}

FailureOr<BitSearchResult> Search::run() {
  auto start = std::chrono::steady_clock::now();
  if (failed(calibrate(module, inputs, count, options.rangeMethod)))
    return failure();
  sensitivityImages = std::min(count, options.sensitivityImages);
  result.images = count;
  result.sensitivityImages = sensitivityImages;
  result.labelled = !labels.empty();

  // Layers with a usable range are searched but the first and the last of
  // them, which keep 8 bits (or float); the rest stay float.
  SmallVector<Operation *> ops = layerOps(module);
  SmallVector<size_t> usable;
  for (auto [index, op] : llvm::enumerate(ops)) {
    if (quantizableRange(op->getAttrOfType<DenseF32ArrayAttr>(kInputRangeAttr)))
      usable.push_back(index);
  }
  for (auto [index, op] : llvm::enumerate(ops)) {
    LayerResult &layer = result.layers.emplace_back();
    layer.name = nodeName(op);
    layer.op = isa<Conv2DOp>(op) ? "Conv" : "Gemm";
    auto shape = cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
    layer.weightShape.assign(shape.begin(), shape.end());
    layer.macs = layerMacs(op);
    const bool edge = !usable.empty() && (index == usable.front() || index == usable.back());
    layer.searched = llvm::is_contained(usable, index) && !edge;
    fixedWidths.push_back(edge && !options.firstLastFloat ? Widths{8, 8} : Widths{0, 0});
  }

  auto floatModel = compile(std::vector<Widths>(ops.size(), Widths{0, 0}));
  if (failed(floatModel))
    return failure();
  auto outputs = evaluate(**floatModel, count);
  if (failed(outputs))
    return failure();
  floatOutputs = std::move(*outputs);
  result.floatAccuracy = labels.empty() ? 1.0 : accuracy(floatOutputs);

  if (failed(measureSensitivity()) || failed(measureCosts()))
    return failure();
  auto choice = choose();
  if (failed(choice))
    return failure();
  if (options.sweep && failed(measureTradeoff(bitFrontier(choiceTable(), BitCost::Bytes))))
    return failure();

  // The assignment as compiled: its measured bytes must be the table's.
  std::vector<Widths> widths = widthsOf(*choice);
  auto chosen = measure(widths);
  if (failed(chosen))
    return failure();
  result.accuracy = chosen->accuracy;
  result.predictions = std::move(chosen->predictions);
  for (auto [layer, c, bytes] : llvm::zip(result.layers, *choice, chosen->bytes)) {
    layer.chosen = c;
    layer.measuredBytes = bytes;
    if (bytes != layer.choices[c].bytes)
      return module.emitError("--bits=auto: layer ")
             << layer.name << " compiled to " << bytes << " weight bytes, not the " << layer.choices[c].bytes
             << " measured for its widths";
    result.bytes += bytes;
    result.bitops += layer.choices[c].bitops;
  }
  if (options.timeLayers && failed(profile(*chosen->planned)))
    return failure();
  result.costTarget = options.costTarget;
  for (LayerResult &layer : result.layers) {
    const BitChoice &c = layer.choices[layer.chosen];
    auto cost = options.nsPerMac.find({c.weightBits, c.inputBits});
    if (cost != options.nsPerMac.end())
      layer.estimatedMicros = cost->second * static_cast<double>(layer.macs) / 1000.0;
  }
  if (failed(setLayerWidths(module, widths)))
    return failure();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  progress(llvm::formatv("assignment: {0} weight bytes, {1} bit-ops, accuracy {2:F4} (float {3:F4}) on {4} "
                         "calibration inputs, {5:F1} s",
                         result.bytes, result.bitops, result.accuracy, result.floatAccuracy, count, result.seconds)
               .str());
  return result;
}

} // namespace

LogicalResult setLayerWidths(ModuleOp module, ArrayRef<std::pair<int64_t, int64_t>> widths) {
  SmallVector<Operation *> ops = layerOps(module);
  if (ops.size() != widths.size())
    return module.emitError("--bits: ") << widths.size() << " width pairs for " << ops.size()
                                        << " convolutions and GEMMs";
  Builder b(module.getContext());
  for (auto [op, w] : llvm::zip(ops, widths)) {
    if (w.first < 0 || w.first > 8 || w.second < 0 || w.second > 8)
      return op->emitError("--bits: widths are 0 (float) or 1 to 8, not ") << w.first << ":" << w.second;
    op->setAttr(kBitsAttr, b.getDenseI64ArrayAttr({w.first, w.second}));
  }
  return success();
}

LogicalResult readCostTable(StringRef path, BitSearchOptions &options) {
  auto fail = [&](const Twine &why) {
    llvm::errs() << "qnnc: error: " << path << ": " << why << "\n";
    return failure();
  };
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return fail("cannot read: " + file.getError().message());
  auto parsed = llvm::json::parse((*file)->getBuffer());
  if (!parsed)
    return fail(llvm::toString(parsed.takeError()));
  const llvm::json::Object *root = parsed->getAsObject();
  const llvm::json::Object *costs = root ? root->getObject("ns_per_mac") : nullptr;
  if (!costs)
    return fail("not a cost table: needs {\"target\": NAME, \"ns_per_mac\": {\"W:A\": ns, ...}}");
  if (auto target = root->getString("target"))
    options.costTarget = target->str();
  for (const auto &[key, value] : *costs) {
    auto [w, a] = StringRef(key).split(':');
    int64_t wb, ab;
    auto ns = value.getAsNumber();
    if (w.getAsInteger(10, wb) || a.getAsInteger(10, ab) || !ns || *ns < 0)
      return fail("bad entry \"" + StringRef(key) + "\" (keys W:A, values ns per MAC)");
    options.nsPerMac[{wb, ab}] = *ns;
  }
  return success();
}

FailureOr<BitSearchResult> searchBits(ModuleOp module, const float *inputs, int64_t count, ArrayRef<int32_t> labels,
                                      const BitSearchOptions &options) {
  return Search(module, inputs, count, labels, options).run();
}

} // namespace qnnc
