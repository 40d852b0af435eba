#include "gat/io/tu.hpp"

#include <algorithm>
#include <map>
#include <sstream>

#include "gat/core/check.hpp"
#include "gat/core/random.hpp"
#include "gat/io/atomic_file.hpp"
#include "io/internal.hpp"
#include "io/text_reader.hpp"

namespace gat::io {

namespace {

std::filesystem::path tu_file(const std::filesystem::path& dir, const std::string& name, const char* part) {
  return dir / (name + "_" + part + ".txt");
}

// One integer per line.
std::vector<std::int64_t> read_integers(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw DataError(path.string(), 0, "missing file");
  detail::LineReader in(path);
  std::vector<std::int64_t> out;
  std::string_view line;
  while (in.next(line)) {
    std::int64_t v = 0;
    if (!detail::parse_int(line, v)) in.fail("expected one integer, got " + detail::quote(line));
    out.push_back(v);
  }
  return out;
}

// Sorted distinct values -> 0, 1, ...
std::map<std::int64_t, std::int32_t> numbering(const std::vector<std::int64_t>& values) {
  std::map<std::int64_t, std::int32_t> m;
  for (std::int64_t v : values) m.emplace(v, 0);
  std::int32_t k = 0;
  for (auto& [v, id] : m) id = k++;
  return m;
}

// `n` is the node count of `count_file` (the graph indicator), named when the two disagree.
std::vector<std::vector<float>> read_attributes(const std::filesystem::path& path, std::int64_t n,
                                                const std::string& count_file) {
  detail::LineReader in(path);
  std::vector<std::vector<float>> rows;
  std::string_view line;
  while (in.next(line)) {
    std::vector<float> row;
    std::size_t start = 0;
    for (;;) {
      const auto comma = line.find(',', start);
      float v = 0;
      if (!detail::parse_float(line.substr(start, comma == std::string_view::npos ? line.npos : comma - start), v))
        in.fail("expected comma-separated finite numbers, got " + detail::quote(line));
      row.push_back(v);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (!rows.empty() && row.size() != rows.front().size())
      in.fail("has " + std::to_string(row.size()) + " attributes, the first line " + std::to_string(rows.front().size()));
    rows.push_back(std::move(row));
  }
  if (static_cast<std::int64_t>(rows.size()) != n)
    throw DataError(path.string(), 0, std::to_string(rows.size()) + " lines for the " + std::to_string(n) + " nodes of " +
                                          count_file + " (one of the two files is wrong)");
  return rows;
}

}  // namespace

std::string tu_name(const std::filesystem::path& dir) {
  std::string found;
  if (!std::filesystem::is_directory(dir)) return found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.size() > 6 && file.compare(file.size() - 6, 6, "_A.txt") == 0) {
      if (!found.empty()) return {};
      found = file.substr(0, file.size() - 6);
    }
  }
  return found;
}

GraphDataset read_tu(const std::filesystem::path& dir, const std::string& name) {
  const auto indicator_path = tu_file(dir, name, "graph_indicator"), a_path = tu_file(dir, name, "A"),
             labels_path = tu_file(dir, name, "graph_labels"), node_labels_path = tu_file(dir, name, "node_labels"),
             attributes_path = tu_file(dir, name, "node_attributes");
  const std::vector<std::int64_t> indicator = read_integers(indicator_path);
  const std::vector<std::int64_t> graph_labels = read_integers(labels_path);
  const std::string ind_file = indicator_path.string();
  const auto n = static_cast<std::int64_t>(indicator.size());
  const auto G = static_cast<std::int64_t>(graph_labels.size());
  if (n == 0) throw DataError(ind_file, 0, "no nodes");
  if (G == 0) throw DataError(labels_path.string(), 0, "no graphs");
  GraphDataset d;
  d.name = name;
  std::vector<std::int64_t> count(static_cast<std::size_t>(G), 0);
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t g = indicator[i];
    if (g < 1 || g > G)
      throw DataError(ind_file, i + 1, "graph " + std::to_string(g) + " is outside the " + std::to_string(G) +
                                           " graphs of " + labels_path.string());
    if (i > 0 && g < indicator[i - 1])
      throw DataError(ind_file, i + 1, "nodes are not grouped by graph (graph " + std::to_string(g) + " after graph " +
                                           std::to_string(indicator[i - 1]) + ")");
    ++count[g - 1];
  }
  d.node_offsets.assign(1, 0);
  for (std::int64_t g = 0; g < G; ++g) {
    if (count[g] == 0) throw DataError(ind_file, 0, "graph " + std::to_string(g + 1) + " has no nodes");
    d.node_offsets.push_back(d.node_offsets.back() + count[g]);
  }

  std::vector<std::int64_t> graph_of(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) graph_of[i] = indicator[i] - 1;
  d.graphs.resize(static_cast<std::size_t>(G));
  for (std::int64_t g = 0; g < G; ++g) d.graphs[g].num_nodes = d.node_offsets[g + 1] - d.node_offsets[g];
  {
    if (!std::filesystem::exists(a_path)) throw DataError(a_path.string(), 0, "missing file");
    detail::LineReader in(a_path);
    std::string_view line;
    while (in.next(line)) {
      const auto comma = line.find(',');
      std::int64_t s = 0, t = 0;
      if (comma == std::string_view::npos || !detail::parse_int(line.substr(0, comma), s) ||
          !detail::parse_int(line.substr(comma + 1), t))
        in.fail("expected \"i, j\", got " + detail::quote(line));
      if (s < 1 || s > n || t < 1 || t > n)
        in.fail("node " + std::to_string(s < 1 || s > n ? s : t) + " is outside the " + std::to_string(n) + " nodes of " + ind_file);
      const std::int64_t g = graph_of[s - 1];
      if (graph_of[t - 1] != g) in.fail("the edge joins graphs " + std::to_string(g + 1) + " and " + std::to_string(graph_of[t - 1] + 1));
      d.graphs[g].source.push_back(static_cast<NodeId>(s - 1 - d.node_offsets[g]));
      d.graphs[g].target.push_back(static_cast<NodeId>(t - 1 - d.node_offsets[g]));
    }
  }
  const auto classes = numbering(graph_labels);
  d.num_classes = static_cast<std::int32_t>(classes.size());
  for (std::int64_t v : graph_labels) d.graph_labels.push_back(classes.at(v));

  std::vector<std::vector<float>> attributes;
  if (std::filesystem::exists(attributes_path)) attributes = read_attributes(attributes_path, n, ind_file);
  std::vector<std::int64_t> node_labels;
  std::map<std::int64_t, std::int32_t> node_classes;
  if (std::filesystem::exists(node_labels_path)) {
    node_labels = read_integers(node_labels_path);
    if (static_cast<std::int64_t>(node_labels.size()) != n)
      throw DataError(node_labels_path.string(), 0, std::to_string(node_labels.size()) + " lines for " +
                                                        std::to_string(n) + " nodes of " + ind_file);
    node_classes = numbering(node_labels);
  }
  const std::int64_t A = attributes.empty() ? 0 : static_cast<std::int64_t>(attributes.front().size());
  const std::int64_t L = static_cast<std::int64_t>(node_classes.size());
  const std::int64_t F = A + L > 0 ? A + L : 1;
  d.features.resize(n, F);
  for (std::int64_t i = 0; i < n; ++i) {
    for (std::int64_t k = 0; k < A; ++k) d.features(i, k) = attributes[i][k];
    if (L > 0) d.features(i, A + node_classes.at(node_labels[i])) = 1.0f;
    if (A + L == 0) d.features(i, 0) = 1.0f;
  }
  d.train.resize(static_cast<std::size_t>(G));
  for (std::int64_t g = 0; g < G; ++g) d.train[g] = g;
  d.files = {a_path, indicator_path, labels_path};
  if (L > 0) d.files.push_back(node_labels_path);
  if (A > 0) d.files.push_back(attributes_path);
  validate(d, ind_file);
  return d;
}

void write_tu(const GraphDataset& d, const std::filesystem::path& dir, const std::string& name) {
  GAT_REQUIRE(!d.multi_label() && !d.graph_labels.empty(), "write_tu: the data set has no graph labels");
  std::filesystem::create_directories(dir);
  std::ostringstream a, indicator, labels, node_labels;
  for (std::int64_t g = 0; g < d.num_graphs(); ++g) {
    const EdgeList& e = d.graphs[g];
    const std::int64_t base = d.node_offsets[g] + 1;
    for (std::int64_t i = 0; i < e.num_edges(); ++i) a << base + e.source[i] << ", " << base + e.target[i] << '\n';
    for (std::int64_t v = 0; v < e.num_nodes; ++v) indicator << g + 1 << '\n';
    labels << d.graph_labels[g] << '\n';
  }
  for (std::int64_t v = 0; v < d.num_nodes(); ++v) {
    const float* row = d.features.row_ptr(v);
    node_labels << std::max_element(row, row + d.features.cols()) - row << '\n';
  }
  AtomicFile::write(tu_file(dir, name, "A"), a.str());
  AtomicFile::write(tu_file(dir, name, "graph_indicator"), indicator.str());
  AtomicFile::write(tu_file(dir, name, "graph_labels"), labels.str());
  AtomicFile::write(tu_file(dir, name, "node_labels"), node_labels.str());
}

GraphDataset make_synthetic_tu(const SyntheticTuOptions& o) {
  GAT_REQUIRE(o.graphs >= 2, "make_synthetic_tu: at least 2 graphs, got ", o.graphs);
  GAT_REQUIRE(o.min_nodes >= 3 && o.max_nodes >= o.min_nodes, "make_synthetic_tu: bad node range [", o.min_nodes,
              ", ", o.max_nodes, "]");
  constexpr std::int64_t kNodeLabels = 3;
  const RandomKey root{o.seed, 0x7475};
  GraphDataset d;
  d.name = "tu-synthetic";
  d.num_classes = 2;
  d.node_offsets.assign(1, 0);
  std::vector<std::int32_t> node_label;
  for (std::int64_t g = 0; g < o.graphs; ++g) {
    const RandomKey key = root.child(static_cast<std::uint64_t>(g));
    const std::int64_t n = o.min_nodes + uniform_below(key.bits(0), o.max_nodes - o.min_nodes + 1);
    const auto cls = static_cast<std::int32_t>(g % 2);
    std::vector<std::int32_t> label(static_cast<std::size_t>(n));
    std::vector<std::vector<NodeId>> by_label(kNodeLabels);
    for (std::int64_t v = 0; v < n; ++v) {
      label[v] = static_cast<std::int32_t>(uniform_below(key.child(1).bits(v), kNodeLabels));
      by_label[label[v]].push_back(static_cast<NodeId>(v));
    }
    std::vector<NodeId> src, dst;
    for (std::int64_t v = 0; v < n; ++v)  // a path keeps the graph connected
      if (v > 0) {
        src.push_back(static_cast<NodeId>(v - 1));
        dst.push_back(static_cast<NodeId>(v));
      }
    for (std::int64_t k = 0; k < 2 * n; ++k) {
      const auto u = static_cast<NodeId>(uniform_below(key.child(2).bits(k), n));
      // Label 0 pairs with label 1 in class 1 and with label 2 in class 0.
      const int mate = cls == 1 ? 1 : 2;
      const int partner = label[u] == 0 ? mate : label[u] == mate ? 0 : -1;
      NodeId v = static_cast<NodeId>(uniform_below(key.child(3).bits(k), n));
      if (partner >= 0 && !by_label[partner].empty() && key.child(4).uniform_double(k) < o.partner_bias)
        v = by_label[partner][uniform_below(key.child(5).bits(k), static_cast<std::int64_t>(by_label[partner].size()))];
      src.push_back(u);
      dst.push_back(v);
    }
    d.graphs.push_back(detail::undirected_edges(n, src, dst));
    d.graph_labels.push_back(cls);
    d.node_offsets.push_back(d.node_offsets.back() + n);
    node_label.insert(node_label.end(), label.begin(), label.end());
  }
  d.features.resize(d.num_nodes(), kNodeLabels);
  for (std::int64_t v = 0; v < d.num_nodes(); ++v) d.features(v, node_label[v]) = 1.0f;
  d.train.resize(static_cast<std::size_t>(o.graphs));
  for (std::int64_t g = 0; g < o.graphs; ++g) d.train[g] = g;
  validate(d, d.name);
  return d;
}

}  // namespace gat::io
