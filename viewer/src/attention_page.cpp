#include "gat/viewer/attention_page.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <nlohmann/json.hpp>

#include "gat/attention/attention_statistics.hpp"
#include "gat/core/check.hpp"
#include "page_template.hpp"

namespace gat::viewer {

namespace {

constexpr std::uint32_t kWeightScale = 65535;  // weights as 16-bit fixed point

template <class Int>
std::string base64(const std::vector<Int>& values) {
  static constexpr char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::vector<unsigned char> bytes;
  bytes.reserve(values.size() * sizeof(Int));
  for (Int v : values) {  // little-endian, as the page's typed arrays read it on every browser host
    auto u = static_cast<std::make_unsigned_t<Int>>(v);
    for (std::size_t b = 0; b < sizeof(Int); ++b, u >>= 8) bytes.push_back(static_cast<unsigned char>(u & 0xff));
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (i + 1 < bytes.size() ? bytes[i + 1] << 8 : 0) |
                            (i + 2 < bytes.size() ? bytes[i + 2] : 0);
    out += digits[(n >> 18) & 63];
    out += digits[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[n & 63] : '=';
  }
  return out;
}

// One layer's edges grouped by target (stable: each target keeps its edges' order).
struct ByTarget {
  std::vector<std::int64_t> offsets;  // num_nodes + 1
  std::vector<std::int64_t> edges;
};
ByTarget group_by_target(const AttentionWeights<float>& w, std::int64_t num_nodes) {
  ByTarget g;
  g.offsets.assign(static_cast<std::size_t>(num_nodes) + 1, 0);
  for (NodeId t : w.target) ++g.offsets[static_cast<std::size_t>(t) + 1];
  std::partial_sum(g.offsets.begin(), g.offsets.end(), g.offsets.begin());
  std::vector<std::int64_t> next(g.offsets.begin(), g.offsets.end() - 1);
  g.edges.resize(w.source.size());
  for (std::int64_t e = 0; e < w.num_edges(); ++e) g.edges[static_cast<std::size_t>(next[w.target[e]]++)] = e;
  return g;
}

// One target's weights of one head as fixed point. When they sum to 1 (an unfiltered export)
// the rounding keeps the sum exact: the units lost to flooring go to the largest remainders.
void quantize(const AttentionWeights<float>& w, std::span<const std::int64_t> edges, std::int64_t head,
              std::vector<std::uint16_t>& out, std::size_t first, std::size_t stride) {
  double sum = 0;
  for (std::int64_t e : edges) sum += w.weights(e, head);
  const bool normalised = std::abs(sum - 1.0) < 1e-3;
  std::vector<std::pair<double, std::size_t>> remainders;
  std::uint32_t total = 0;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const double scaled = w.weights(edges[i], head) * (normalised ? kWeightScale / sum : kWeightScale);
    const auto q = static_cast<std::uint32_t>(normalised ? std::floor(scaled) : std::lround(scaled));
    out[first + i * stride] = static_cast<std::uint16_t>(std::min(q, kWeightScale));
    total += q;
    remainders.emplace_back(scaled - std::floor(scaled), i);
  }
  if (!normalised) return;
  std::stable_sort(remainders.begin(), remainders.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; total < kWeightScale && k < remainders.size(); ++k, ++total)
    ++out[first + remainders[k].second * stride];
}

// The nodes with the largest `score` (ties by index), at most `count`, among those `keep` admits.
template <class Score, class Keep>
std::vector<NodeId> top_nodes(std::int64_t num_nodes, std::int64_t count, Score score, Keep keep) {
  std::vector<NodeId> nodes;
  for (NodeId n = 0; n < num_nodes; ++n)
    if (keep(n)) nodes.push_back(n);
  const auto k = std::min<std::size_t>(nodes.size(), static_cast<std::size_t>(count));
  std::partial_sort(nodes.begin(), nodes.begin() + static_cast<std::ptrdiff_t>(k), nodes.end(),
                    [&](NodeId a, NodeId b) { return score(a) > score(b) || (score(a) == score(b) && a < b); });
  nodes.resize(k);
  return nodes;
}

void check_input(const PageInput& in, const PageOptions& o) {
  GAT_REQUIRE(in.layers && !in.layers->empty(), "attention page: no attention layers");
  GAT_REQUIRE(in.num_nodes > 0, "attention page: the graph has no nodes");
  const auto n = static_cast<std::size_t>(in.num_nodes);
  GAT_REQUIRE(in.node_names.empty() || in.node_names.size() == n, "attention page: ", in.node_names.size(),
              " node names for ", n, " nodes");
  GAT_REQUIRE(in.labels.empty() || in.labels.size() == n, "attention page: ", in.labels.size(), " labels for ", n,
              " nodes");
  GAT_REQUIRE(in.predictions.size() == in.confidence.size() && (in.predictions.empty() || in.predictions.size() == n),
              "attention page: predictions and confidences must have one entry per node");
  for (NodeId v : o.nodes)
    GAT_REQUIRE(v >= 0 && v < in.num_nodes, "node ", v, " is not in the graph (it has ", n, " nodes)");
  for (const auto& w : *in.layers)
    for (std::int64_t e = 0; e < w.num_edges(); ++e)
      GAT_REQUIRE(w.source[e] >= 0 && w.source[e] < in.num_nodes && w.target[e] >= 0 && w.target[e] < in.num_nodes,
                  "attention page: edge ", e, " leaves the graph's ", n, " nodes");
}

}  // namespace

nlohmann::json attention_statistics_json(const std::vector<HeadAttentionStatistics>& all) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : all)
    out.push_back({{"layer", s.layer},
                   {"head", s.head},
                   {"nodes", s.nodes},
                   {"entropy", s.mean_entropy},
                   {"uniform_entropy", s.mean_uniform_entropy},
                   {"kl", s.mean_kl_from_uniform},
                   {"total_variation", s.mean_total_variation},
                   {"self_loop", s.mean_self_loop_weight},
                   {"uniform_self_loop", s.mean_uniform_self_loop},
                   {"histogram_width", s.histogram_width},
                   {"entropy_histogram", s.entropy_histogram},
                   {"uniform_histogram", s.uniform_histogram}});
  return out;
}

std::string attention_page(const PageInput& in, const PageOptions& o, PageSummary* summary) {
  check_input(in, o);
  const auto& layers = *in.layers;
  const std::int64_t n = in.num_nodes;
  std::vector<ByTarget> grouped;
  std::int64_t total_weights = 0;
  for (const auto& w : layers) {
    grouped.push_back(group_by_target(w, n));
    total_weights += w.num_edges() * w.heads;
  }
  const std::vector<HeadAttentionStatistics> statistics = attention_statistics(layers, n);

  // The pickers' lists. Entropy: the last layer's, averaged over its heads.
  const auto& last = layers.back();
  std::vector<double> entropy(static_cast<std::size_t>(n), 0.0);
  for (std::int64_t h = 0; h < last.heads; ++h) {
    const auto e = attention_entropy(last, h, n);
    for (std::size_t v = 0; v < e.size(); ++v) entropy[v] += e[v] / static_cast<double>(last.heads);
  }
  const bool predicted = !in.predictions.empty(), labelled = !in.labels.empty();
  const auto confidence = [&](NodeId v) { return in.confidence[static_cast<std::size_t>(v)]; };
  const auto any = [](NodeId) { return true; };
  const std::vector<NodeId> confident = predicted ? top_nodes(n, o.picker_size, confidence, any) : std::vector<NodeId>{};
  const std::vector<NodeId> misclassified =
      predicted && labelled
          ? top_nodes(n, o.picker_size, confidence, [&](NodeId v) { return in.predictions[v] != in.labels[v]; })
          : std::vector<NodeId>{};
  const std::vector<NodeId> high_entropy =
      top_nodes(n, o.picker_size, [&](NodeId v) { return entropy[static_cast<std::size_t>(v)]; }, any);

  const auto in_degree = [&](NodeId v) { return grouped.back().offsets[v + 1] - grouped.back().offsets[v]; };
  NodeId first = high_entropy.empty() ? 0 : high_entropy.front();
  if (!o.nodes.empty()) {
    first = o.nodes.front();
  } else if (!confident.empty()) {
    // The most confident node that listens to a few neighbours says more than a leaf.
    const auto it = std::find_if(confident.begin(), confident.end(), [&](NodeId v) { return in_degree(v) >= 4; });
    first = it != confident.end() ? *it : confident.front();
  }

  const bool complete = o.embed == Embed::all || (o.embed == Embed::automatic && total_weights <= o.max_complete_weights);
  std::vector<char> focus(static_cast<std::size_t>(n), complete ? 1 : 0);
  for (const auto* list : {&o.nodes, &confident, &misclassified, &high_entropy})
    for (NodeId v : *list) focus[v] = 1;
  focus[first] = 1;

  // Per layer: the targets embedded (focus nodes and, for their 2-hop picture, their sources).
  std::vector<char> embedded_node(static_cast<std::size_t>(n), 0);
  nlohmann::json attention = nlohmann::json::array();
  std::int64_t most_targets = 0;
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const auto& w = layers[l];
    const auto& g = grouped[l];
    std::vector<char> target = focus;
    if (!complete)
      for (NodeId v = 0; v < n; ++v)
        if (focus[v])
          for (std::int64_t i = g.offsets[v]; i < g.offsets[v + 1]; ++i) target[w.source[g.edges[i]]] = 1;
    std::vector<std::int32_t> targets, offsets{0}, sources;
    std::vector<std::uint16_t> weights;
    for (NodeId v = 0; v < n; ++v) {
      if (!target[v]) continue;
      const std::span<const std::int64_t> edges(g.edges.data() + g.offsets[v],
                                                static_cast<std::size_t>(g.offsets[v + 1] - g.offsets[v]));
      targets.push_back(v);
      embedded_node[v] = 1;
      const std::size_t base = weights.size();
      weights.resize(base + edges.size() * static_cast<std::size_t>(w.heads));
      for (std::int64_t h = 0; h < w.heads; ++h)
        quantize(w, edges, h, weights, base + static_cast<std::size_t>(h), static_cast<std::size_t>(w.heads));
      for (std::int64_t e : edges) {
        sources.push_back(w.source[e]);
        embedded_node[w.source[e]] = 1;
      }
      offsets.push_back(static_cast<std::int32_t>(sources.size()));
    }
    most_targets = std::max<std::int64_t>(most_targets, static_cast<std::int64_t>(targets.size()));
    attention.push_back({{"heads", w.heads},
                         {"edges", w.num_edges()},
                         {"targets", base64(targets)},
                         {"offsets", base64(offsets)},
                         {"sources", base64(sources)},
                         {"weights", base64(weights)}});
  }

  // Per embedded node: its index, name, class and prediction.
  std::vector<std::int32_t> index, labels, predictions;
  std::vector<std::uint16_t> confidences;  // per mille
  nlohmann::json names = nlohmann::json::array();
  for (NodeId v = 0; v < n; ++v) {
    if (!embedded_node[v]) continue;
    index.push_back(v);
    if (!in.node_names.empty()) names.push_back(in.node_names[v]);
    if (labelled) labels.push_back(in.labels[v]);
    if (predicted) {
      predictions.push_back(in.predictions[v]);
      confidences.push_back(static_cast<std::uint16_t>(std::lround(1000.0 * confidence(v))));
    }
  }
  std::int32_t classes = 0;
  for (auto* list : {&in.labels, &in.predictions})
    for (std::int32_t c : *list) classes = std::max(classes, c + 1);

  const nlohmann::json data{
      {"page_version", kPageDataVersion},
      {"dataset", in.dataset},
      {"note", in.note},
      {"num_nodes", n},
      {"num_classes", classes},
      {"complete", complete},
      {"first_node", first},
      {"nodes",
       {{"index", base64(index)},
        {"names", names},
        {"labels", labelled ? base64(labels) : ""},
        {"predictions", predicted ? base64(predictions) : ""},
        {"confidence", predicted ? base64(confidences) : ""}}},
      {"attention", attention},
      {"pickers", {{"most_confident", confident}, {"misclassified", misclassified}, {"highest_entropy", high_entropy}}},
      {"statistics", attention_statistics_json(statistics)},
      {"training_curve_svg", in.training_curve_svg}};
  // "</" inside a string would end the <script> element the data sits in; "<\/" is the same JSON.
  std::string json = data.dump();
  for (std::size_t at = 0; (at = json.find("</", at)) != std::string::npos; at += 3) json.replace(at, 2, "<\\/");

  std::string page = detail::kPageHtml;
  const auto splice = [&](const std::string& marker, const std::string& text) {
    const std::size_t at = page.find(marker);
    GAT_REQUIRE(at != std::string::npos, "attention page: the template has no ", marker);
    page.replace(at, marker.size(), text);
  };
  splice("/*GAT_STYLE*/", detail::kPageCss);
  splice("/*GAT_SCRIPT*/", detail::kPageScript);
  splice("/*GAT_DATA*/", json);  // last: the data may contain the other markers
  if (summary) *summary = {most_targets, complete, first};
  return page;
}

}  // namespace gat::viewer
