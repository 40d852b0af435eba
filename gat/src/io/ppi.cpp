#include "gat/io/ppi.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "gat/core/check.hpp"
#include "gat/core/random.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/npy.hpp"
#include "io/internal.hpp"

namespace gat::io {

namespace {

std::filesystem::path file_of(const std::filesystem::path& dir, const std::string& prefix, const char* suffix) {
  return dir / (prefix + suffix);
}

nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw DataError(path.string(), 0, "missing file");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path.string(), 0, std::string("not valid JSON: ") + e.what());
  }
}

std::string key_of(const nlohmann::json& id) { return id.is_string() ? id.get<std::string>() : id.dump(); }

enum class Split : std::uint8_t { train, valid, test };

struct NodeTable {
  std::vector<std::string> ids;
  std::unordered_map<std::string, std::int64_t> index;
  std::vector<Split> split;
  std::vector<std::int64_t> graph;  // the "graph" field, or -1
};

// networkx writes "test" and "val" as booleans; anything else is refused, not converted.
bool split_flag(const nlohmann::json& node, const char* key, const std::string& file) {
  if (!node.contains(key)) return false;
  if (!node[key].is_boolean())
    throw DataError(file, 0, "node " + key_of(node["id"]) + ": \"" + key + "\" must be true or false, found " + node[key].dump());
  return node[key].get<bool>();
}

NodeTable read_nodes(const nlohmann::json& doc, const std::string& file) {
  if (!doc.is_object() || !doc.contains("nodes") || !doc["nodes"].is_array())
    throw DataError(file, 0, "expected networkx node_link_data with a \"nodes\" array");
  NodeTable t;
  const auto& nodes = doc["nodes"];
  if (nodes.empty()) throw DataError(file, 0, "the graph has no nodes");
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& node = nodes[i];
    if (!node.is_object() || !node.contains("id"))
      throw DataError(file, 0, "node " + std::to_string(i) + " has no \"id\"");
    const std::string id = key_of(node["id"]);
    if (!t.index.emplace(id, static_cast<std::int64_t>(i)).second)
      throw DataError(file, 0, "node id " + id + " appears twice");
    t.ids.push_back(id);
    const bool test = split_flag(node, "test", file), val = split_flag(node, "val", file);
    t.split.push_back(test ? Split::test : val ? Split::valid : Split::train);
    t.graph.push_back(node.contains("graph") && node["graph"].is_number_integer() ? node["graph"].get<std::int64_t>() : -1);
  }
  return t;
}

std::int64_t find_root(std::vector<std::int64_t>& parent, std::int64_t v) {
  while (parent[v] != v) v = parent[v] = parent[parent[v]];
  return v;
}

// Graph of every node: its "graph" field where every node has one, else its connected component.
std::vector<std::int64_t> group_nodes(const NodeTable& t, const std::vector<std::pair<std::int64_t, std::int64_t>>& links,
                                      const std::string& file) {
  const auto n = static_cast<std::int64_t>(t.ids.size());
  const bool labelled = std::all_of(t.graph.begin(), t.graph.end(), [](std::int64_t g) { return g >= 0; });
  std::vector<std::int64_t> key(static_cast<std::size_t>(n));
  if (labelled) {
    key = t.graph;
  } else {
    std::vector<std::int64_t> parent(static_cast<std::size_t>(n));
    std::iota(parent.begin(), parent.end(), 0);
    for (auto [a, b] : links) {
      if (t.split[a] != t.split[b]) continue;  // reported below as a link between graphs
      parent[find_root(parent, a)] = find_root(parent, b);
    }
    for (std::int64_t v = 0; v < n; ++v) key[v] = find_root(parent, v);
  }
  // Graphs numbered by first appearance.
  std::unordered_map<std::int64_t, std::int64_t> number;
  std::vector<std::int64_t> graph(static_cast<std::size_t>(n));
  for (std::int64_t v = 0; v < n; ++v) graph[v] = number.emplace(key[v], static_cast<std::int64_t>(number.size())).first->second;
  for (auto [a, b] : links)
    if (graph[a] != graph[b])
      throw DataError(file, 0, "link " + t.ids[a] + " - " + t.ids[b] + " joins two graphs (or splits)");
  return graph;
}

}  // namespace

bool is_ppi_dir(const std::filesystem::path& dir, const std::string& prefix) {
  return std::filesystem::is_regular_file(file_of(dir, prefix, "-G.json"));
}

GraphDataset read_ppi(const std::filesystem::path& dir, const std::string& prefix) {
  const auto g_path = file_of(dir, prefix, "-G.json"), feats_path = file_of(dir, prefix, "-feats.npy"),
             id_path = file_of(dir, prefix, "-id_map.json"), class_path = file_of(dir, prefix, "-class_map.json");
  const std::string g_file = g_path.string(), id_file = id_path.string(), class_file = class_path.string();
  const nlohmann::json doc = read_json(g_path);
  const NodeTable t = read_nodes(doc, g_file);
  const auto n = static_cast<std::int64_t>(t.ids.size());

  std::vector<std::pair<std::int64_t, std::int64_t>> links;
  if (doc.contains("links")) {
    if (!doc["links"].is_array()) throw DataError(g_file, 0, "\"links\" is not an array");
    for (std::size_t i = 0; i < doc["links"].size(); ++i) {
      const auto& link = doc["links"][i];
      if (!link.is_object() || !link.contains("source") || !link.contains("target"))
        throw DataError(g_file, 0, "link " + std::to_string(i) + " has no \"source\" and \"target\"");
      const auto s = t.index.find(key_of(link["source"])), e = t.index.find(key_of(link["target"]));
      if (s == t.index.end() || e == t.index.end())
        throw DataError(g_file, 0, "link " + std::to_string(i) + " names a node that is not in \"nodes\"");
      links.emplace_back(s->second, e->second);
    }
  }
  const std::vector<std::int64_t> graph_of = group_nodes(t, links, g_file);

  const Matrix feats = read_npy_matrix(feats_path);
  const nlohmann::json id_map = read_json(id_path);
  if (!id_map.is_object()) throw DataError(id_file, 0, "expected an object {\"node id\": feature row}");
  std::vector<std::int64_t> row(static_cast<std::size_t>(n), -1);
  for (const auto& [id, value] : id_map.items()) {
    const auto it = t.index.find(id);
    if (it == t.index.end()) throw DataError(id_file, 0, "names node " + id + ", which is not in " + g_file);
    if (!value.is_number_integer() || value.get<std::int64_t>() < 0 || value.get<std::int64_t>() >= feats.rows())
      throw DataError(id_file, 0, "node " + id + " maps to row " + value.dump() + ", outside the " +
                                      std::to_string(feats.rows()) + " rows of " + feats_path.string());
    row[it->second] = value.get<std::int64_t>();
  }
  for (std::int64_t v = 0; v < n; ++v)
    if (row[v] < 0) throw DataError(id_file, 0, "node " + t.ids[v] + " has no feature row");

  const nlohmann::json class_map = read_json(class_path);
  if (!class_map.is_object() || class_map.empty())
    throw DataError(class_file, 0, "expected an object {\"node id\": [labels]}");
  std::int64_t width = -1;
  std::vector<const nlohmann::json*> labels(static_cast<std::size_t>(n), nullptr);
  for (const auto& [id, value] : class_map.items()) {
    const auto it = t.index.find(id);
    if (it == t.index.end()) throw DataError(class_file, 0, "names node " + id + ", which is not in " + g_file);
    if (!value.is_array()) throw DataError(class_file, 0, "node " + id + ": expected a list of 0/1 labels");
    if (width < 0) width = static_cast<std::int64_t>(value.size());
    if (static_cast<std::int64_t>(value.size()) != width || width == 0)
      throw DataError(class_file, 0, "node " + id + " has " + std::to_string(value.size()) + " labels, expected " +
                                         std::to_string(width) + " (as the first node)");
    labels[it->second] = &value;
  }

  // Graphs in order of first appearance, each graph's nodes in file order.
  GraphDataset d;
  d.name = prefix;
  d.num_classes = static_cast<std::int32_t>(width);
  const std::int64_t G = *std::max_element(graph_of.begin(), graph_of.end()) + 1;
  std::vector<std::vector<std::int64_t>> members(static_cast<std::size_t>(G));
  for (std::int64_t v = 0; v < n; ++v) members[graph_of[v]].push_back(v);
  std::vector<std::int64_t> local(static_cast<std::size_t>(n));
  d.node_offsets.assign(1, 0);
  d.features.resize(n, feats.cols());
  d.targets.resize(n, width);
  std::int64_t r = 0;
  for (std::int64_t g = 0; g < G; ++g) {
    const Split split = t.split[members[g].front()];
    for (std::int64_t v : members[g]) {
      if (t.split[v] != split)
        throw DataError(g_file, 0, "graph " + std::to_string(g) + " mixes splits: node " + t.ids[v] +
                                       " is not in the split of node " + t.ids[members[g].front()]);
      local[v] = r - d.node_offsets.back();
      std::copy(feats.row_ptr(row[v]), feats.row_ptr(row[v]) + feats.cols(), d.features.row_ptr(r));
      if (!labels[v]) throw DataError(class_file, 0, "node " + t.ids[v] + " has no labels");
      for (std::int64_t l = 0; l < width; ++l) {
        const auto& x = (*labels[v])[static_cast<std::size_t>(l)];
        if (!x.is_number() || (x.get<double>() != 0 && x.get<double>() != 1))
          throw DataError(class_file, 0, "node " + t.ids[v] + ": label " + std::to_string(l) + " is " + x.dump() +
                                             ", not 0 or 1");
        d.targets(r, l) = x.get<float>();
      }
      ++r;
    }
    d.node_offsets.push_back(r);
    (split == Split::train ? d.train : split == Split::valid ? d.valid : d.test).push_back(g);
  }
  d.graphs.resize(static_cast<std::size_t>(G));
  for (std::int64_t g = 0; g < G; ++g) d.graphs[g].num_nodes = static_cast<std::int64_t>(members[g].size());
  for (auto [a, b] : links) {
    if (a == b) continue;
    EdgeList& e = d.graphs[graph_of[a]];
    for (auto [s, t2] : {std::pair{a, b}, std::pair{b, a}}) {
      e.source.push_back(static_cast<NodeId>(local[s]));
      e.target.push_back(static_cast<NodeId>(local[t2]));
    }
  }
  d.files = {g_path, feats_path, id_path, class_path};
  validate(d, g_file);
  return d;
}

void write_ppi(const GraphDataset& d, const std::filesystem::path& dir, const std::string& prefix) {
  GAT_REQUIRE(d.multi_label(), "write_ppi: the data set has no multi-label targets");
  std::filesystem::create_directories(dir);
  std::vector<int> split(static_cast<std::size_t>(d.num_graphs()), 0);
  for (std::int64_t g : d.valid) split[g] = 1;
  for (std::int64_t g : d.test) split[g] = 2;
  nlohmann::json nodes = nlohmann::json::array(), links = nlohmann::json::array();
  nlohmann::json id_map = nlohmann::json::object(), class_map = nlohmann::json::object();
  for (std::int64_t g = 0; g < d.num_graphs(); ++g) {
    const std::int64_t base = d.node_offsets[g];
    for (std::int64_t v = base; v < d.node_offsets[g + 1]; ++v) {
      nodes.push_back({{"id", v}, {"val", split[g] == 1}, {"test", split[g] == 2}, {"graph", g}});
      id_map[std::to_string(v)] = v;
      std::vector<int> row(static_cast<std::size_t>(d.targets.cols()));
      for (std::int64_t l = 0; l < d.targets.cols(); ++l) row[l] = d.targets(v, l) > 0.5f;
      class_map[std::to_string(v)] = row;
    }
    const EdgeList& e = d.graphs[g];
    for (std::int64_t i = 0; i < e.num_edges(); ++i)
      if (e.source[i] < e.target[i]) links.push_back({{"source", base + e.source[i]}, {"target", base + e.target[i]}});
  }
  const nlohmann::json doc{{"directed", false}, {"multigraph", false}, {"graph", {{"name", d.name}}},
                           {"nodes", nodes}, {"links", links}};
  AtomicFile::write(file_of(dir, prefix, "-G.json"), doc.dump());
  AtomicFile::write(file_of(dir, prefix, "-id_map.json"), id_map.dump());
  AtomicFile::write(file_of(dir, prefix, "-class_map.json"), class_map.dump());
  write_npy(file_of(dir, prefix, "-feats.npy"), d.features.view());
}

GraphDataset make_synthetic_ppi(const SyntheticPpiOptions& o) {
  GAT_REQUIRE(o.graphs >= 3, "make_synthetic_ppi: at least 3 graphs (train, valid, test), got ", o.graphs);
  GAT_REQUIRE(o.min_nodes >= 2 && o.max_nodes >= o.min_nodes, "make_synthetic_ppi: bad node range [", o.min_nodes,
              ", ", o.max_nodes, "]");
  GAT_REQUIRE(o.features > 0 && o.labels > 0, "make_synthetic_ppi: features and labels must be positive");
  GAT_REQUIRE(o.own_weight >= 0 && o.own_weight <= 1, "make_synthetic_ppi: own_weight must be in [0, 1]");
  const RandomKey root{o.seed, 0x707069};
  const std::int64_t F = o.features, L = o.labels;
  GraphDataset d;
  d.name = "ppi-synthetic";
  d.num_classes = o.labels;
  d.node_offsets.assign(1, 0);
  for (std::int64_t g = 0; g < o.graphs; ++g)
    d.node_offsets.push_back(d.node_offsets.back() + o.min_nodes +
                             uniform_below(root.child(1).bits(static_cast<std::uint64_t>(g)), o.max_nodes - o.min_nodes + 1));
  const std::int64_t n = d.num_nodes();
  d.features.resize(n, F);
  const RandomKey fkey = root.child(2);
  for (std::int64_t i = 0; i < d.features.size(); ++i) d.features.data()[i] = static_cast<float>(fkey.normal(i));
  // Each node draws average_degree / 2 partners in its graph; both directions are stored.
  const auto draws = static_cast<std::int64_t>(std::lround(o.average_degree / 2));
  d.graphs.resize(static_cast<std::size_t>(o.graphs));
  for (std::int64_t g = 0; g < o.graphs; ++g) {
    const std::int64_t size = d.node_offsets[g + 1] - d.node_offsets[g];
    const RandomKey ekey = root.child(3).child(static_cast<std::uint64_t>(g));
    std::vector<NodeId> src, dst;
    for (std::int64_t v = 0; v < size; ++v)
      for (std::int64_t k = 0; k < draws; ++k) {
        auto u = uniform_below(ekey.bits(static_cast<std::uint64_t>(v * draws + k)), size - 1);
        if (u >= v) ++u;
        src.push_back(static_cast<NodeId>(v));
        dst.push_back(static_cast<NodeId>(u));
      }
    d.graphs[g] = detail::undirected_edges(size, src, dst);
  }
  // Planted labels from the node's own features and its neighbours' mean.
  Matrix a(L, F), b(L, F);
  const RandomKey wkey = root.child(4);
  for (std::int64_t i = 0; i < a.size(); ++i) a.data()[i] = static_cast<float>(wkey.normal(2 * i));
  for (std::int64_t i = 0; i < b.size(); ++i) b.data()[i] = static_cast<float>(wkey.normal(2 * i + 1));
  auto unit_rows = [F](Matrix& m) {
    for (std::int64_t l = 0; l < m.rows(); ++l) {
      double s = 0;
      for (std::int64_t f = 0; f < F; ++f) s += double(m(l, f)) * m(l, f);
      for (std::int64_t f = 0; f < F; ++f) m(l, f) = static_cast<float>(m(l, f) / std::sqrt(s));
    }
  };
  unit_rows(a);
  unit_rows(b);
  std::vector<double> threshold(static_cast<std::size_t>(L));
  // Thresholds of a unit-variance score for prevalences between about 20% and 40%.
  for (std::int64_t l = 0; l < L; ++l) threshold[l] = 0.25 + 0.6 * root.child(5).uniform_double(l);
  const double own = std::sqrt(o.own_weight), neighbours = std::sqrt((1 - o.own_weight) * o.average_degree);
  d.targets.resize(n, L);
  std::vector<double> mean(static_cast<std::size_t>(F));
  for (std::int64_t g = 0; g < o.graphs; ++g) {
    const Graph graph = Graph::from_edges(d.graphs[g]);
    const std::int64_t base = d.node_offsets[g];
    for (NodeId v = 0; v < graph.num_nodes(); ++v) {
      std::fill(mean.begin(), mean.end(), 0.0);
      for (NodeId u : graph.in_neighbors(v))
        for (std::int64_t f = 0; f < F; ++f) mean[f] += d.features(base + u, f);
      const double deg = std::max<double>(1, static_cast<double>(graph.in_degree(v)));
      for (std::int64_t l = 0; l < L; ++l) {
        double s_own = 0, s_nb = 0;
        for (std::int64_t f = 0; f < F; ++f) {
          s_own += a(l, f) * d.features(base + v, f);
          s_nb += b(l, f) * mean[f];
        }
        d.targets(base + v, l) = own * s_own + neighbours * s_nb / deg > threshold[l] ? 1.0f : 0.0f;
      }
    }
  }
  // PPI's split: the last two graphs test, the two before them validation (one each below 6 graphs).
  const std::int64_t held_out = o.graphs >= 6 ? 2 : 1;
  for (std::int64_t g = 0; g < o.graphs; ++g)
    (g >= o.graphs - held_out ? d.test : g >= o.graphs - 2 * held_out ? d.valid : d.train).push_back(g);
  validate(d, d.name);
  return d;
}

}  // namespace gat::io
