#include "compiler/Report.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "dialects/qnn/QnnDialect.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <set>

using namespace mlir;

namespace qnnc {
namespace {

llvm::json::Value choiceJson(const BitChoice &c) {
  return llvm::json::Object{{"weight_bits", c.weightBits}, {"input_bits", c.inputBits}, {"bytes", c.bytes},
                            {"bitops", c.bitops}, {"sensitivity", c.sensitivity}};
}

void addBitsJson(llvm::json::Object &root, const BitSearchResult &r) {
  llvm::json::Array layers;
  for (const LayerResult &l : r.layers) {
    const BitChoice &c = l.choices[l.chosen];
    llvm::json::Object weightSensitivity, inputSensitivity;
    for (auto [i, w] : llvm::enumerate(l.weightSensitivity))
      weightSensitivity[std::to_string(kWidths[i])] = w;
    for (auto [i, a] : llvm::enumerate(l.inputSensitivity))
      inputSensitivity[std::to_string(kWidths[i])] = a;
    llvm::json::Array choices;
    for (const BitChoice &choice : l.choices)
      choices.push_back(choiceJson(choice));
    layers.push_back(llvm::json::Object{
        {"name", l.name}, {"op", l.op}, {"weight_shape", llvm::json::Array(l.weightShape)}, {"macs", l.macs},
        {"searched", l.searched}, {"weight_bits", c.weightBits}, {"input_bits", c.inputBits},
        {"estimated_bytes", c.bytes}, {"bytes", l.measuredBytes}, {"bitops", c.bitops},
        {"estimated_us", l.estimatedMicros >= 0 ? llvm::json::Value(l.estimatedMicros) : nullptr},
        {"measured_us", l.measuredMicros >= 0 ? llvm::json::Value(l.measuredMicros) : nullptr},
        {"sensitivity", c.sensitivity}, {"weight_sensitivity", std::move(weightSensitivity)},
        {"input_sensitivity", std::move(inputSensitivity)}, {"choices", std::move(choices)}});
  }
  llvm::json::Array sweep;
  for (const TradeoffPoint &p : r.sweep)
    sweep.push_back(llvm::json::Object{{"label", p.label}, {"bytes", p.bytes}, {"bitops", p.bitops}, {"accuracy", p.accuracy}});
  llvm::json::Object bits{{"budget", r.budget},
                            {"calibration_inputs", r.images},
                            {"sensitivity_inputs", r.sensitivityImages},
                            {"accuracy_against", r.labelled ? "labels" : "float model top-1"},
                            {"float_accuracy", r.floatAccuracy},
                            {"accuracy", r.accuracy},
                            {"weight_bytes", r.bytes},
                            {"bitops", r.bitops},
                            {"predictions", llvm::json::Array(r.predictions)},
                            {"cost_table_target", r.costTarget},
                            {"measured_on", r.measuredOn},
                            {"layers", std::move(layers)},
                            {"sweep", std::move(sweep)}};
  for (auto &entry : bits)
    root[entry.first] = std::move(entry.second);
}

/// The search's figures for a binary layer, found by name.
const ClusterLayer *clusterLayer(const ClusterSearchResult *clustering, StringRef name) {
  if (!clustering)
    return nullptr;
  auto found = llvm::find_if(clustering->layers, [&](const ClusterLayer &l) { return l.name == name; });
  return found == clustering->layers.end() ? nullptr : &*found;
}

llvm::json::Value clusteringJson(const ClusterSearchResult &c) {
  return llvm::json::Object{{"max_accuracy_drop", c.maxAccuracyDrop},
                            {"accuracy_against", c.labelled ? "labels" : "uncompressed top-1"},
                            {"calibration_inputs", c.images},
                            {"sensitivity_inputs", c.sensitivityImages},
                            {"uncompressed_accuracy", c.referenceAccuracy},
                            {"accuracy", c.accuracy},
                            {"packed_bytes", c.packedBytes},
                            {"bytes", c.bytes}};
}

llvm::json::Value binaryLayersJson(ArrayRef<BinaryLayerReport> layers, const ClusterSearchResult *clustering) {
  llvm::json::Array out;
  for (const BinaryLayerReport &l : layers) {
    const SequenceStatistics &s = l.sequences;
    llvm::json::Array top;
    for (size_t i = 0; i < std::min<size_t>(s.histogram.size(), 16); ++i)
      top.push_back(llvm::json::Object{{"sequence", s.histogram[i].symbol},
                                       {"count", s.histogram[i].count},
                                       {"code_length", s.histogram[i].codeLength}});
    out.push_back(llvm::json::Object{{"name", l.name},
                                     {"op", l.op},
                                     {"weight_shape", llvm::json::Array(l.weightShape)},
                                     {"bits_per_sequence", s.bitsPerSymbol},
                                     {"sequences", s.symbols},
                                     {"unique", s.unique},
                                     {"entropy_bits", s.entropyBits},
                                     {"huffman_bits", s.huffmanBits},
                                     {"ideal_ratio", s.entropyBits > 0 ? s.bitsPerSymbol / s.entropyBits : 0.0},
                                     {"huffman_ratio", s.huffmanBits > 0 ? s.bitsPerSymbol / s.huffmanBits : 0.0},
                                     {"packed_bytes", l.packedBytes},
                                     {"distinct_output_channels", l.distinctOutputChannels},
                                     {"distinct_channel_sequences", l.distinctChannelSequences},
                                     {"stored_bytes", l.storedBytes},
                                     {"decode_us", l.decodeMicros >= 0 ? llvm::json::Value(l.decodeMicros) : nullptr},
                                     {"decode_share", l.decodeShare >= 0 ? llvm::json::Value(l.decodeShare) : nullptr},
                                     {"stored_bits_per_sequence",
                                      s.symbols ? 8.0 * static_cast<double>(l.storedBytes) / s.symbols : 0.0},
                                     {"top_sequences", std::move(top)}});
    if (const ClusterLayer *c = clusterLayer(clustering, l.name)) {
      llvm::json::Array choices;
      for (const ClusterLayer::Choice &choice : c->choices)
        choices.push_back(llvm::json::Object{
            {"keep", choice.keep}, {"bytes", choice.bytes}, {"sensitivity", choice.sensitivity}});
      llvm::json::Object &layer = *out.back().getAsObject();
      layer["kept_sequences"] = c->choices[c->chosen].keep;
      layer["accuracy_alone"] = c->accuracyAlone;
      layer["keep_choices"] = std::move(choices);
    }
  }
  return out;
}

std::string escape(StringRef s) {
  std::string out;
  for (char c : s)
    switch (c) {
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    default: out += c;
    }
  return out;
}

/// A bar chart, one group of bars per layer: `series` values per layer,
/// drawn against a linear axis from 0 to the largest value.
void barChart(llvm::raw_ostream &os, StringRef id, StringRef title, ArrayRef<std::string> labels,
              ArrayRef<std::pair<std::string, std::vector<double>>> series, ArrayRef<StringRef> colors, StringRef unit) {
  const double width = 60 + 28.0 * labels.size() * series.size() + 10.0 * labels.size(), height = 260, base = 200;
  double top = 0;
  for (const auto &s : series)
    for (double v : s.second)
      top = std::max(top, v);
  top = top > 0 ? top : 1;
  os << llvm::formatv("<h2>{0}</h2>\n<svg id=\"{1}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{2}\" height=\"{3}\">\n",
                      escape(title), id, width, height);
  os << llvm::formatv("<line x1=\"50\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#444\"/>\n", base, width - 5);
  for (int tick = 0; tick <= 4; ++tick) {
    const double y = base - 180.0 * tick / 4;
    os << llvm::formatv("<text x=\"45\" y=\"{0}\" text-anchor=\"end\" font-size=\"10\">{1}</text>\n", y + 3,
                        llvm::formatv("{0:G}", top * tick / 4).str());
  }
  os << llvm::formatv("<text x=\"5\" y=\"12\" font-size=\"10\">{0}</text>\n", escape(unit));
  double x = 55;
  for (auto [i, label] : llvm::enumerate(labels)) {
    const double groupStart = x;
    for (auto [k, s] : llvm::enumerate(series)) {
      const double h = 180.0 * s.second[i] / top;
      os << llvm::formatv("<rect class=\"bar\" x=\"{0}\" y=\"{1}\" width=\"24\" height=\"{2}\" fill=\"{3}\">"
                          "<title>{4}: {5} {6}</title></rect>\n",
                          x, base - h, h, colors[k % colors.size()], escape(label), s.first, s.second[i]);
      x += 28;
    }
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"9\" transform=\"rotate(35 {0} {1})\">{2}</text>\n",
                        groupStart + 4, base + 12, escape(label.size() > 24 ? label.substr(label.size() - 24) : label));
    x += 10;
  }
  os << "</svg>\n";
  for (auto [k, s] : llvm::enumerate(series))
    os << llvm::formatv("<span class=\"key\" style=\"background:{0}\"></span> {1} &nbsp;", colors[k % colors.size()],
                        escape(s.first));
  os << "\n";
}

/// Accuracy against weight bytes: the measured frontier points joined, the
/// uniform widths as separate marks.
void tradeoffChart(llvm::raw_ostream &os, const BitSearchResult &r) {
  const double width = 720, height = 360, left = 60, bottom = 310, plotW = 560, plotH = 280;
  double maxBytes = 0, minAcc = 1, maxAcc = 0;
  for (const TradeoffPoint &p : r.sweep) {
    maxBytes = std::max(maxBytes, double(p.bytes));
    minAcc = std::min(minAcc, p.accuracy);
    maxAcc = std::max(maxAcc, p.accuracy);
  }
  maxAcc = std::max(maxAcc, minAcc + 1e-3);
  auto px = [&](double bytes) { return left + plotW * bytes / std::max(maxBytes, 1.0); };
  auto py = [&](double acc) { return bottom - plotH * (acc - minAcc) / (maxAcc - minAcc); };
  os << "<h2>Accuracy and weight bytes (--sweep)</h2>\n";
  os << llvm::formatv("<svg id=\"tradeoff\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\">\n", width, height);
  os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#444\"/>", left, bottom, left + plotW);
  os << llvm::formatv("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#444\"/>\n", left, bottom, bottom - plotH);
  for (int tick = 0; tick <= 4; ++tick) {
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"10\" text-anchor=\"middle\">{2}</text>", px(maxBytes * tick / 4),
                        bottom + 14, int64_t(maxBytes * tick / 4));
    os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"10\" text-anchor=\"end\">{2:F3}</text>\n", left - 4,
                        py(minAcc + (maxAcc - minAcc) * tick / 4) + 3, minAcc + (maxAcc - minAcc) * tick / 4);
  }
  os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"11\" text-anchor=\"middle\">weight bytes</text>\n",
                      left + plotW / 2, bottom + 32);
  std::string path;
  for (const TradeoffPoint &p : r.sweep)
    if (p.label == "auto")
      path += llvm::formatv("{0}{1},{2} ", path.empty() ? "M" : "L", px(p.bytes), py(p.accuracy)).str();
  os << "<path class=\"frontier\" d=\"" << path << "\" fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\"/>\n";
  for (const TradeoffPoint &p : r.sweep) {
    const bool uniform = p.label != "auto";
    os << llvm::formatv("<circle class=\"point\" cx=\"{0}\" cy=\"{1}\" r=\"5\" fill=\"{2}\"><title>{3}: {4} bytes, "
                        "{5:F4}</title></circle>",
                        px(p.bytes), py(p.accuracy), uniform ? "#d62728" : "#1f77b4", escape(p.label), p.bytes, p.accuracy);
    if (uniform)
      os << llvm::formatv("<text x=\"{0}\" y=\"{1}\" font-size=\"10\">{2}</text>", px(p.bytes) + 7, py(p.accuracy) + 4,
                          escape(p.label));
    os << "\n";
  }
  os << "</svg>\n<p><span class=\"key\" style=\"background:#1f77b4\"></span> --bits=auto at evenly spaced byte "
        "budgets &nbsp; <span class=\"key\" style=\"background:#d62728\"></span> uniform widths</p>\n";
}

void bitsHtml(llvm::raw_ostream &os, const BitSearchResult &r) {
  os << "<h1>Mixed-precision assignment</h1>\n";
  os << llvm::formatv("<p>Budget: <b>{0}</b>. Weight bytes <b>{1}</b>, bit-operations {2}. Top-1 on {3} calibration "
                      "inputs (against {4}): <b>{5:F4}</b>, float model {6:F4}. Sensitivity (mean KL divergence from "
                      "the float model's softmax) on {7} inputs. Estimated time from the cost table of {8}; measured time in qnnc's evaluator ({9}).</p>\n",
                      escape(r.budget), r.bytes, r.bitops, r.images, r.labelled ? "labels" : "the float model's top-1",
                      r.accuracy, r.floatAccuracy, r.sensitivityImages, r.costTarget.empty() ? "(none given)" : escape(r.costTarget),
                      r.measuredOn.empty() ? "not timed: --time-layers" : escape(r.measuredOn));
  std::vector<std::string> labels;
  std::vector<double> weightBits, inputBits, bytes;
  for (const LayerResult &l : r.layers) {
    labels.push_back(l.name);
    const BitChoice &c = l.choices[l.chosen];
    weightBits.push_back(c.weightBits ? c.weightBits : 32);
    inputBits.push_back(c.inputBits ? c.inputBits : 32);
    bytes.push_back(l.measuredBytes);
  }
  barChart(os, "widths", "Widths per layer (32: float)", labels, {{"weight bits", weightBits}, {"input bits", inputBits}},
           {"#1f77b4", "#ff7f0e"}, "bits");
  barChart(os, "bytes", "Weight bytes per layer", labels, {{"bytes", bytes}}, {"#2ca02c"}, "bytes");
  if (!r.sweep.empty())
    tradeoffChart(os, r);
  os << "<h2>Layers</h2>\n<table><tr><th>layer</th><th>op</th><th>MACs</th><th>searched</th><th>weight bits</th>"
        "<th>input bits</th><th>bytes (estimated)</th><th>bytes (compiled)</th><th>bit-ops</th><th>&micro;s (estimated)</th>"
        "<th>&micro;s (measured)</th><th>sensitivity</th>";
  for (int64_t w : kWidths)
    os << "<th>s(w" << w << ")</th>";
  for (int64_t a : kWidths)
    os << "<th>s(a" << a << ")</th>";
  os << "</tr>\n";
  for (const LayerResult &l : r.layers) {
    const BitChoice &c = l.choices[l.chosen];
    auto micros = [](double us) { return us >= 0 ? llvm::formatv("{0:F1}", us).str() : std::string("-"); };
    os << llvm::formatv("<tr><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6}</td>"
                        "<td>{7}</td><td>{8}</td><td>{9}</td><td>{10}</td><td>{11:E2}</td>",
                        escape(l.name), l.op, l.macs, l.searched ? "yes" : "fixed",
                        c.weightBits ? std::to_string(c.weightBits) : "float",
                        c.inputBits ? std::to_string(c.inputBits) : "float", c.bytes, l.measuredBytes, c.bitops,
                        micros(l.estimatedMicros), micros(l.measuredMicros), c.sensitivity);
    for (const auto *list : {&l.weightSensitivity, &l.inputSensitivity})
      for (size_t i = 0; i < std::size(kWidths); ++i)
        os << (i < list->size() ? llvm::formatv("<td>{0:E2}</td>", (*list)[i]).str() : "<td></td>");
    os << "</tr>\n";
  }
  os << "</table>\n";
}

void binaryLayersHtml(llvm::raw_ostream &os, ArrayRef<BinaryLayerReport> layers, const ClusterSearchResult *clustering) {
  os << "<h1>Binary kernel sequences</h1>\n<p>Each binary layer's kernels as bit sequences (a 3x3 slice of one "
        "output and one input channel: 9 bits). Entropy: the lossless bound in bits per sequence; Huffman: a "
        "canonical code limited to 16 bits.</p>\n";
  std::vector<std::string> labels;
  std::vector<double> stored, entropy, huffman;
  for (const BinaryLayerReport &l : layers) {
    labels.push_back(l.name);
    stored.push_back(l.sequences.bitsPerSymbol);
    entropy.push_back(l.sequences.entropyBits);
    huffman.push_back(l.sequences.huffmanBits);
  }
  barChart(os, "sequences", "Bits per kernel sequence", labels,
           {{"stored", stored}, {"entropy", entropy}, {"Huffman", huffman}}, {"#7f7f7f", "#2ca02c", "#9467bd"}, "bits");
  if (clustering)
    os << llvm::formatv("<p>--compress=cluster --max-accuracy-drop={0}: {1} binary weight bytes against {2} "
                        "bit-packed ({3:F2}x); top-1 {4:F4} against {5:F4} uncompressed on {6} calibration inputs "
                        "(vs {7}). Kept: the sequences each layer keeps (0: all); alone: top-1 with only that layer "
                        "clustered.</p>\n",
                        clustering->maxAccuracyDrop, clustering->bytes, clustering->packedBytes,
                        static_cast<double>(clustering->packedBytes) / std::max<int64_t>(clustering->bytes, 1),
                        clustering->accuracy, clustering->referenceAccuracy, clustering->images,
                        clustering->labelled ? "labels" : "the uncompressed model's top-1");
  os << "<table><tr><th>layer</th><th>op</th><th>weights</th><th>bits per sequence</th><th>sequences</th>"
        "<th>unique</th><th>entropy</th><th>Huffman</th><th>ideal ratio</th><th>Huffman ratio</th>"
        "<th>packed bytes</th><th>stored bytes</th><th>stored bits per sequence</th><th>distinct output "
        "channels</th><th>distinct (input channel, sequence)</th><th>decode share</th>"
     << (clustering ? "<th>kept</th><th>alone</th>" : "") << "</tr>\n";
  for (const BinaryLayerReport &l : layers) {
    const SequenceStatistics &s = l.sequences;
    std::string shape;
    for (int64_t d : l.weightShape)
      shape += (shape.empty() ? "" : "x") + std::to_string(d);
    os << llvm::formatv("<tr><td>{0}</td><td>{1}</td><td>{2}</td><td>{3}</td><td>{4}</td><td>{5}</td><td>{6:F3}</td>"
                        "<td>{7:F3}</td><td>{8:F3}</td><td>{9:F3}</td><td>{10}</td><td>{11}</td><td>{12:F3}</td>"
                        "<td>{13}</td><td>{14}</td><td>{15}</td>",
                        escape(l.name), l.op, shape, s.bitsPerSymbol, s.symbols, s.unique, s.entropyBits,
                        s.huffmanBits, s.entropyBits > 0 ? s.bitsPerSymbol / s.entropyBits : 0.0,
                        s.huffmanBits > 0 ? s.bitsPerSymbol / s.huffmanBits : 0.0, l.packedBytes, l.storedBytes,
                        s.symbols ? 8.0 * static_cast<double>(l.storedBytes) / s.symbols : 0.0,
                        l.distinctOutputChannels, l.distinctChannelSequences,
                        l.decodeShare >= 0 ? llvm::formatv("{0:P1}", l.decodeShare).str() : "-");
    if (const ClusterLayer *c = clusterLayer(clustering, l.name))
      os << llvm::formatv("<td>{0}</td><td>{1:F4}</td>", c->choices[c->chosen].keep, c->accuracyAlone);
    os << "</tr>\n";
  }
  os << "</table>\n";
}

LogicalResult writeFile(StringRef path, llvm::function_ref<void(llvm::raw_ostream &)> write) {
  std::error_code error;
  llvm::raw_fd_ostream os(path, error, llvm::sys::fs::OF_Text);
  if (error) {
    llvm::errs() << "qnnc: error: cannot create " << path << ": " << error.message() << "\n";
    return failure();
  }
  write(os);
  return success();
}

} // namespace

std::string nodeName(Operation *op) { return nodeName(op->getLoc(), op->getName().getStringRef()); }

std::string nodeName(Location loc, StringRef fallback) {
  if (auto fused = dyn_cast<FusedLoc>(loc); fused && !fused.getLocations().empty())
    loc = fused.getLocations().front();
  if (auto named = dyn_cast<NameLoc>(loc)) {
    // The importer's "node 'NAME' (Op)": the node's own name.
    StringRef name = named.getName().strref();
    if (name.consume_front("node '") && name.contains('\''))
      return name.take_front(name.rfind('\'')).str();
    return named.getName().str();
  }
  return fallback.str();
}

std::vector<BinaryLayerReport> binaryLayerReports(ModuleOp module, Compression compression) {
  std::vector<BinaryLayerReport> reports;
  module.walk([&](Operation *op) {
    DenseElementsAttr weights = sequenceWeights(op);
    if (!weights)
      return;
    BinaryLayerReport &r = reports.emplace_back();
    r.name = nodeName(op);
    r.op = op->getName().getStringRef().str();
    r.weightShape.assign(weights.getType().getShape().begin(), weights.getType().getShape().end());
    r.packedBytes = packedKernelBytes(r.weightShape);
    KernelSequences sequences = kernelSequences(weights);
    const int64_t O = r.weightShape[0], perChannel = static_cast<int64_t>(sequences.symbols.size()) / O;
    const int64_t perInput = perChannel / r.weightShape[1]; // sequences per (o, c) slice
    std::set<std::vector<std::uint16_t>> outputs, pairs;
    for (int64_t o = 0; o < O; ++o) {
      auto first = sequences.symbols.begin() + o * perChannel;
      outputs.emplace(first, first + perChannel);
      for (int64_t c = 0; c < r.weightShape[1]; ++c) {
        std::vector<std::uint16_t> pair{static_cast<std::uint16_t>(c)};
        pair.insert(pair.end(), first + c * perInput, first + (c + 1) * perInput);
        pairs.insert(std::move(pair));
      }
    }
    r.distinctOutputChannels = static_cast<int64_t>(outputs.size());
    r.distinctChannelSequences = static_cast<int64_t>(pairs.size());
    r.sequences = sequenceStatistics(sequences);
    r.storedBytes = compression == Compression::None ? r.packedBytes : compressedKernelBytes(sequences, r.weightShape);
  });
  return reports;
}

LayerNotes layerNotes(ModuleOp module) {
  LayerNotes notes;
  module.walk([&](func::FuncOp func) {
    for (auto [attrName, list] : {std::pair{"qnn.float_layers", &notes.stayedFloat},
                                  std::pair{"qnn.ternary_layers", &notes.ternary}})
      if (auto layers = func->getAttrOfType<ArrayAttr>(attrName))
        for (auto layer : layers.getAsRange<DictionaryAttr>())
          list->push_back({nodeName(cast<LocationAttr>(layer.get("loc")), "?"),
                           cast<StringAttr>(layer.get("reason")).str()});
  });
  return notes;
}

LogicalResult writeReport(const BitSearchResult *bits, const ClusterSearchResult *clustering,
                          ArrayRef<BinaryLayerReport> binaryLayers, const LayerNotes &notes,
                          const TargetReport *target, StringRef directory) {
  if (std::error_code error = llvm::sys::fs::create_directories(directory)) {
    llvm::errs() << "qnnc: error: cannot create " << directory << ": " << error.message() << "\n";
    return failure();
  }
  auto json = [&](llvm::raw_ostream &os) {
    auto notesJson = [](ArrayRef<LayerNote> list) {
      llvm::json::Array array;
      for (const LayerNote &l : list)
        array.push_back(llvm::json::Object{{"name", l.name}, {"reason", l.reason}});
      return array;
    };
    llvm::json::Object root;
    if (bits)
      addBitsJson(root, *bits);
    if (clustering)
      root["clustering"] = clusteringJson(*clustering);
    root["binary_layers"] = binaryLayersJson(binaryLayers, clustering);
    root["float_layers"] = notesJson(notes.stayedFloat);
    root["ternary_layers"] = notesJson(notes.ternary);
    if (target) {
      llvm::json::Object t{{"name", target->name},
                           {"flags", target->flags},
                           {"triple", target->triple},
                           {"arena_bytes", target->arenaBytes}};
      if (target->object)
        t["model_object_bytes"] = llvm::json::Object{{"text", target->object->text},
                                                     {"rodata", target->object->rodata},
                                                     {"data", target->object->data},
                                                     {"bss", target->object->bss}};
      root["target"] = std::move(t);
    }
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  };
  auto html = [&](llvm::raw_ostream &os) {
    os << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>qnnc report</title>\n"
          "<style>body{font-family:sans-serif;margin:2em;max-width:1100px} table{border-collapse:collapse;"
          "font-size:12px} td,th{border:1px solid #ccc;padding:2px 6px;text-align:right} td:first-child{text-align:"
          "left} .key{display:inline-block;width:12px;height:12px}</style></head><body>\n";
    if (bits)
      bitsHtml(os, *bits);
    if (!binaryLayers.empty())
      binaryLayersHtml(os, binaryLayers, clustering);
    os << "</body></html>\n";
  };
  if (failed(writeFile((directory + "/report.json").str(), json)))
    return failure();
  return writeFile((directory + "/report.html").str(), html);
}

} // namespace qnnc
