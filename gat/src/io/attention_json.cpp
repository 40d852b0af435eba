#include "gat/io/attention_json.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <tuple>

#include <nlohmann/json.hpp>

#include "gat/core/check.hpp"
#include "gat/graph/receptive_field.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/json_number.hpp"
#include "gat/nn/inference.hpp"

namespace gat::io {

namespace {

void write_float(std::ostream& out, float v) {
  char buf[32];
  const auto res = std::to_chars(buf, buf + sizeof buf, v);
  out.write(buf, res.ptr - buf);
}

std::string quoted(const std::string& s) { return nlohmann::json(s).dump(); }

// Which edges of each layer lie on a path into `node` through the layers above them.
std::vector<std::vector<char>> reaching_edges(const std::vector<AttentionWeights<float>>& layers, NodeId node,
                                              std::int64_t num_nodes) {
  std::vector<std::vector<char>> keep(layers.size());
  std::vector<char> active(static_cast<std::size_t>(num_nodes), 0);
  active[node] = 1;
  for (std::size_t l = layers.size(); l-- > 0;) {
    const auto& w = layers[l];
    keep[l].assign(static_cast<std::size_t>(w.num_edges()), 0);
    std::vector<char> next = active;
    for (std::int64_t e = 0; e < w.num_edges(); ++e)
      if (active[w.target[e]]) {
        keep[l][e] = 1;
        next[w.source[e]] = 1;
      }
    active = std::move(next);
  }
  return keep;
}

double edge_rank_weight(const AttentionWeights<float>& w, std::int64_t e, const AttentionExportOptions& o) {
  if (o.head) return w.weights(e, *o.head);
  double sum = 0;
  for (std::int64_t h = 0; h < w.heads; ++h) sum += w.weights(e, h);
  return sum / static_cast<double>(w.heads);
}

void write_record(std::ostream& out, std::size_t layer, const AttentionWeights<float>& w, std::int64_t e,
                  const AttentionExportInfo& info, const AttentionExportOptions& o) {
  out << "{\"layer\":" << layer << ",\"source\":" << w.source[e] << ",\"target\":" << w.target[e];
  if (!info.node_names.empty())
    out << ",\"source_id\":" << quoted(info.node_names[w.source[e]])
        << ",\"target_id\":" << quoted(info.node_names[w.target[e]]);
  if (w.input_edge_id[e] == kAddedSelfLoop)
    out << ",\"edge\":\"self_loop\"";
  else
    out << ",\"edge\":" << w.input_edge_id[e];
  out << ",\"weights\":[";
  if (o.average_heads) {
    double sum = 0;
    for (std::int64_t h = 0; h < w.heads; ++h) sum += w.weights(e, h);
    write_float(out, static_cast<float>(sum / static_cast<double>(w.heads)));
  } else if (o.head) {
    write_float(out, w.weights(e, *o.head));
  } else {
    for (std::int64_t h = 0; h < w.heads; ++h) {
      if (h) out << ',';
      write_float(out, w.weights(e, h));
    }
  }
  out << "]}";
}

}  // namespace

AttentionJsonWriter::AttentionJsonWriter(std::ostream& out, std::vector<LayerShape> layers, AttentionExportInfo info,
                                         AttentionExportOptions options)
    : out_(out), layers_(std::move(layers)), info_(std::move(info)), options_(std::move(options)) {
  const AttentionExportOptions& o = options_;
  const std::int64_t num_layers = static_cast<std::int64_t>(layers_.size());
  GAT_REQUIRE(!o.layer || (*o.layer >= 0 && *o.layer < num_layers), "--layer ", o.layer.value_or(0),
              " does not exist: the model has ", num_layers, " attention layers (0-based)");
  for (std::int64_t l = 0; l < num_layers; ++l)
    GAT_REQUIRE(!o.head || (o.layer && *o.layer != l) || (*o.head >= 0 && *o.head < layers_[l].heads), "--head ",
                o.head.value_or(0), " does not exist: layer ", l, " has ", layers_[l].heads, " heads (0-based)");
  GAT_REQUIRE(!o.node || (*o.node >= 0 && *o.node < info_.num_nodes), "--node ", o.node.value_or(0),
              " is outside [0, ", info_.num_nodes, ")");
  GAT_REQUIRE(!o.top_k || *o.top_k > 0, "--top-k must be positive, got ", o.top_k.value_or(0));
  GAT_REQUIRE(info_.node_names.empty() || static_cast<std::int64_t>(info_.node_names.size()) == info_.num_nodes,
              "attention export: ", info_.node_names.size(), " node names for ", info_.num_nodes, " nodes");

  out_ << "{\"format\":\"gat-attention\",\"version\":" << kAttentionJsonVersion << ",\"dataset\":" << quoted(info_.dataset)
       << ",\"num_nodes\":" << info_.num_nodes << ",\"weights_per_record\":"
       << quoted(o.average_heads ? "mean_over_heads" : o.head ? "one_head" : "per_head");
  if (o.head) out_ << ",\"head\":" << *o.head;
  out_ << ",\"layers\":[";
  for (std::int64_t l = 0; l < num_layers; ++l) {
    if (l) out_ << ',';
    out_ << "{\"layer\":" << l << ",\"heads\":" << layers_[l].heads << ",\"edges\":" << layers_[l].edges << '}';
  }
  out_ << "],\"records\":[\n";
}

void AttentionJsonWriter::write(std::int64_t l, const AttentionWeights<float>& w, const std::vector<char>* keep) {
  GAT_REQUIRE(l >= 0 && l < static_cast<std::int64_t>(layers_.size()), "attention export: layer ", l,
              " does not exist: the model has ", layers_.size(), " attention layers");
  const AttentionExportOptions& o = options_;
  if (o.layer && *o.layer != l) return;
  // Edges of one target are contiguous (the layer's incoming rows): rank within each run.
  for (std::int64_t begin = 0; begin < w.num_edges();) {
    std::int64_t end = begin;
    while (end < w.num_edges() && w.target[end] == w.target[begin]) ++end;
    order_.clear();
    for (std::int64_t e = begin; e < end; ++e)
      if (!keep || (*keep)[e]) order_.push_back(e);
    if (o.top_k) {
      std::stable_sort(order_.begin(), order_.end(), [&](std::int64_t a, std::int64_t b) {
        return edge_rank_weight(w, a, o) > edge_rank_weight(w, b, o);
      });
      if (static_cast<std::int64_t>(order_.size()) > *o.top_k) order_.resize(static_cast<std::size_t>(*o.top_k));
    }
    for (std::int64_t e : order_) {
      if (records_++) out_ << ",\n";
      write_record(out_, static_cast<std::size_t>(l), w, e, info_, o);
    }
    begin = end;
  }
}

std::int64_t AttentionJsonWriter::finish() {
  out_ << "\n]}\n";
  return records_;
}

std::int64_t write_attention_json(std::ostream& out, const std::vector<AttentionWeights<float>>& layers,
                          const AttentionExportInfo& info, const AttentionExportOptions& o) {
  std::vector<AttentionJsonWriter::LayerShape> shapes;
  for (const auto& w : layers) shapes.push_back({w.heads, w.num_edges()});
  AttentionJsonWriter writer(out, std::move(shapes), info, o);
  const auto reach = o.node ? reaching_edges(layers, *o.node, info.num_nodes) : std::vector<std::vector<char>>{};
  for (std::size_t l = 0; l < layers.size(); ++l)
    writer.write(static_cast<std::int64_t>(l), layers[l], o.node ? &reach[l] : nullptr);
  return writer.finish();
}

std::int64_t write_attention_json_file(const std::string& path, const std::vector<AttentionWeights<float>>& layers,
                               const AttentionExportInfo& info, const AttentionExportOptions& options) {
  AtomicFile file(path);
  const std::int64_t records = write_attention_json(file.stream(), layers, info, options);
  file.commit();
  return records;
}

namespace {

void check_inputs(const nn::GatModel<float>& model, const Graph& graph, const Features& features) {
  GAT_REQUIRE(features.rows() == graph.num_nodes(), "attention_weights: ", features.rows(),
              " feature rows for a graph of ", graph.num_nodes(), " nodes");
  GAT_REQUIRE(features.cols() == model.options().in_features, "attention_weights: the features have ",
              features.cols(), " columns but the model expects ", model.options().in_features);
}

// Layer l's weights on a receptive field, back on the graph: the edges into the rows the field
// computes (its other rows only feed nothing), with graph ids, in the graph's edge order.
AttentionWeights<float> on_graph(const AttentionWeights<float>& local, const ReceptiveField& field, std::int64_t l) {
  const auto nodes = field.nodes();
  const std::int64_t computed = field.rows(l + 1);
  std::vector<std::int64_t> kept;
  for (std::int64_t e = 0; e < local.num_edges(); ++e)
    if (local.target[static_cast<std::size_t>(e)] < computed) kept.push_back(e);
  auto key = [&](std::int64_t e) {
    return std::tuple(nodes[static_cast<std::size_t>(local.target[static_cast<std::size_t>(e)])],
                      nodes[static_cast<std::size_t>(local.source[static_cast<std::size_t>(e)])],
                      local.input_edge_id[static_cast<std::size_t>(e)]);
  };
  std::stable_sort(kept.begin(), kept.end(), [&](std::int64_t a, std::int64_t b) { return key(a) < key(b); });
  AttentionWeights<float> out;
  out.heads = local.heads;
  out.weights.resize_uninitialized(static_cast<std::int64_t>(kept.size()), local.heads);
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const auto [target, source, id] = key(kept[k]);
    out.target.push_back(target);
    out.source.push_back(source);
    out.input_edge_id.push_back(id);
    std::copy(local.weights.row_ptr(kept[k]), local.weights.row_ptr(kept[k]) + local.heads,
              out.weights.row_ptr(static_cast<std::int64_t>(k)));
  }
  return out;
}

}  // namespace

std::vector<AttentionWeights<float>> attention_weights(nn::GatModel<float>& model, const Graph& graph,
                                                       const Features& features) {
  check_inputs(model, graph, features);
  model.keep_attention_weights(true);
  std::vector<AttentionWeights<float>> layers;
  try {
    nn::predict_logits(model, graph, features);
    layers.reserve(model.num_attention_layers());
    for (std::size_t l = 0; l < model.num_attention_layers(); ++l) layers.push_back(model.attention_weights(l));
  } catch (...) {
    model.keep_attention_weights(false);
    throw;
  }
  model.keep_attention_weights(false);
  return layers;
}

std::vector<AttentionWeights<float>> attention_weights(nn::GatModel<float>& model, const Graph& graph,
                                                       const Features& features, std::span<const NodeId> nodes) {
  check_inputs(model, graph, features);
  const std::int64_t layers = static_cast<std::int64_t>(model.num_attention_layers());
  const ReceptiveField field(graph, nodes, layers);
  std::vector<AttentionWeights<float>> out;
  model.keep_attention_weights(true);
  try {
    nn::predict_logits(model, graph, features, field);
    for (std::int64_t l = 0; l < layers; ++l)
      out.push_back(on_graph(model.attention_weights(static_cast<std::size_t>(l)), field, l));
  } catch (...) {
    model.keep_attention_weights(false);
    throw;
  }
  model.keep_attention_weights(false);
  return out;
}

std::int64_t write_attention_json(std::ostream& out, nn::GatModel<float>& model, const Graph& graph,
                                  const Features& features, const AttentionExportInfo& info,
                                  const AttentionExportOptions& options) {
  return write_attention_json(out, attention_weights(model, graph, features), info, options);
}

std::int64_t write_attention_json_file(const std::string& path, nn::GatModel<float>& model, const Graph& graph,
                                       const Features& features, const AttentionExportInfo& info,
                                       const AttentionExportOptions& options) {
  return write_attention_json_file(path, attention_weights(model, graph, features), info, options);
}

bool AttentionDocument::filtered() const {
  for (std::size_t l = 0; l < layers.size(); ++l)
    if (layers[l].num_edges() < layer_edges[l]) return true;
  return false;
}

namespace {

// The header of an attention document: what it is, its version, and its layers.
void read_header(const nlohmann::json& doc, const std::string& path, AttentionDocument& out) {
  const auto fail = [&](const std::string& what) { throw DataError(path, 0, what); };
  if (!doc.is_object() || doc.value("format", std::string()) != "gat-attention")
    fail("not a gat attention export (expected \"format\": \"gat-attention\"; see docs/attention-json.md)");
  if (!doc.contains("version")) fail("the attention export has no integer \"version\"");
  const auto version = json_integer<std::int64_t>(doc["version"], path, "version");
  if (version != kAttentionJsonVersion)
    fail("attention export of format version " + std::to_string(version) + "; this gat reads version " +
         std::to_string(kAttentionJsonVersion) + " (export it again with this gat's 'gat attention')");
  // Node ids are NodeId (int32), so no export has more nodes than that.
  if (!doc.contains("num_nodes") || !doc["num_nodes"].is_number_integer())
    fail("\"num_nodes\" must be a positive integer");
  out.info.num_nodes = json_integer<NodeId>(doc["num_nodes"], path, "num_nodes");
  if (out.info.num_nodes < 1) fail("\"num_nodes\" must be a positive integer");
  out.info.dataset = doc.value("dataset", std::string());
  out.weights_per_record = doc.value("weights_per_record", std::string());
  if (out.weights_per_record != "per_head" && out.weights_per_record != "one_head" &&
      out.weights_per_record != "mean_over_heads")
    fail("\"weights_per_record\" must be per_head, one_head or mean_over_heads");
  if (!doc.contains("layers") || !doc["layers"].is_array() || doc["layers"].empty())
    fail("\"layers\" must be a non-empty array");
  for (const auto& layer : doc["layers"]) {
    const auto heads = layer.contains("heads") ? json_integer<std::int64_t>(layer["heads"], path, "heads") : 0;
    const auto edges = layer.contains("edges") ? json_integer<std::int64_t>(layer["edges"], path, "edges") : -1;
    if (heads < 1 || edges < 0) fail("every entry of \"layers\" needs positive \"heads\" and \"edges\"");
    out.layer_heads.push_back(heads);
    out.layer_edges.push_back(edges);
  }
  if (!doc.contains("records") || !doc["records"].is_array()) fail("\"records\" must be an array");
}

}  // namespace

AttentionDocument read_attention_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path, 0, "cannot open the attention export");
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, 0, std::string("not valid JSON: ") + e.what());
  }
  AttentionDocument out;
  try {
    read_header(doc, path, out);
  } catch (const nlohmann::json::exception& e) {  // a field of the wrong type ("dataset": 3)
    throw DataError(path, 0, std::string("malformed header: ") + e.what());
  }
  const std::size_t num_layers = out.layer_heads.size();
  out.layers.resize(num_layers);
  std::vector<std::vector<float>> weights(num_layers);
  for (std::size_t l = 0; l < num_layers; ++l)
    out.layers[l].heads = out.weights_per_record == "per_head" ? out.layer_heads[l] : 1;
  std::map<NodeId, std::string> names;
  bool all_named = true;
  std::int64_t index = 0;
  for (const auto& r : doc["records"]) {
    const auto fail = [&](const std::string& what) {
      throw DataError(path, 0, "record " + std::to_string(index) + ": " + what);
    };
    try {
      const auto layer = json_integer<std::int64_t>(r.at("layer"), path, "layer");
      const auto source = json_integer<std::int64_t>(r.at("source"), path, "source");
      const auto target = json_integer<std::int64_t>(r.at("target"), path, "target");
      if (layer < 0 || layer >= static_cast<std::int64_t>(num_layers))
        fail("layer " + std::to_string(layer) + " is not in the header's layers");
      if (source < 0 || source >= out.info.num_nodes || target < 0 || target >= out.info.num_nodes)
        fail("source or target outside [0, num_nodes = " + std::to_string(out.info.num_nodes) + ")");
      auto& w = out.layers[static_cast<std::size_t>(layer)];
      const auto& values = r.at("weights");
      if (!values.is_array() || static_cast<std::int64_t>(values.size()) != w.heads)
        fail("expected " + std::to_string(w.heads) + " weights");
      for (const auto& v : values) {
        const float x = json_float(v, path, "weights");
        if (!(x >= 0.0f && x <= 1.0f)) fail("a weight outside [0, 1]");
        weights[static_cast<std::size_t>(layer)].push_back(x);
      }
      w.source.push_back(static_cast<NodeId>(source));
      w.target.push_back(static_cast<NodeId>(target));
      const auto& edge = r.at("edge");
      w.input_edge_id.push_back(edge.is_string() ? kAddedSelfLoop : json_integer<std::int64_t>(edge, path, "edge"));
      if (r.contains("source_id") && r.contains("target_id") && all_named) {
        names.emplace(static_cast<NodeId>(source), r["source_id"].get<std::string>());
        names.emplace(static_cast<NodeId>(target), r["target_id"].get<std::string>());
      } else {
        all_named = false;
      }
    } catch (const nlohmann::json::exception& e) {
      fail(std::string("malformed record: ") + e.what());
    }
    ++index;
  }
  for (std::size_t l = 0; l < num_layers; ++l) {
    auto& w = out.layers[l];
    w.weights = BasicMatrix<float>(w.num_edges(), w.heads);
    std::copy(weights[l].begin(), weights[l].end(), w.weights.data());
  }
  // Names per node only when every node has one: the header's num_nodes is a claim, and a vector
  // of that many names would let a small file allocate without bound.
  if (all_named && !names.empty() && static_cast<std::int64_t>(names.size()) == out.info.num_nodes) {
    out.info.node_names.resize(names.size());
    for (auto& [v, name] : names) out.info.node_names[static_cast<std::size_t>(v)] = std::move(name);
  }
  return out;
}

}  // namespace gat::io
