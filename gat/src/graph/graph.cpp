#include "gat/graph/graph.hpp"

#include <algorithm>
#include <limits>
#include <mutex>

#include "gat/core/check.hpp"

namespace gat {

namespace {

struct RowEntry {
  NodeId source;
  std::int64_t input_id;
  bool operator<(const RowEntry& o) const noexcept {
    return source != o.source ? source < o.source : input_id < o.input_id;
  }
};

void validate_input(std::int64_t num_nodes, std::span<const NodeId> source, std::span<const NodeId> target) {
  GAT_REQUIRE(num_nodes >= 0, "graph: the number of nodes must not be negative, got ", num_nodes);
  GAT_REQUIRE(num_nodes > 0, "graph: the graph is empty (0 nodes); a graph needs at least one node");
  GAT_REQUIRE(num_nodes <= std::numeric_limits<NodeId>::max(), "graph: ", num_nodes,
              " nodes exceed the 32-bit node id range (at most ", std::numeric_limits<NodeId>::max(), ")");
  GAT_REQUIRE(source.size() == target.size(), "graph: the edge list has ", source.size(), " sources but ",
              target.size(), " targets; both arrays must have one entry per edge");
  for (std::size_t i = 0; i < source.size(); ++i) {
    GAT_REQUIRE(source[i] >= 0 && source[i] < num_nodes, "graph: edge ", i, " (", source[i], " -> ", target[i],
                ") has source ", source[i], " outside [0, ", num_nodes, ")");
    GAT_REQUIRE(target[i] >= 0 && target[i] < num_nodes, "graph: edge ", i, " (", source[i], " -> ", target[i],
                ") has target ", target[i], " outside [0, ", num_nodes, ")");
  }
}

}  // namespace

Graph Graph::from_edges(std::int64_t num_nodes, std::span<const NodeId> source, std::span<const NodeId> target,
                        const GraphOptions& options) {
  return from_edges(num_nodes, source, target, options, {});
}

Graph Graph::rebuilt(const GraphOptions& options) const {
  Graph g = from_edges(num_nodes_, in_sources_, in_targets_, options, input_edge_ids_);
  g.num_input_edges_ = num_input_edges_;
  return g;
}

namespace {
std::mutex& self_looped_lock() {  // one for all graphs: held only to build or copy the pointer
  static std::mutex m;
  return m;
}
}  // namespace

Graph::SelfLoopedCache::SelfLoopedCache(const SelfLoopedCache& other) {
  std::lock_guard<std::mutex> lock(self_looped_lock());
  slot = other.slot;
}

Graph::SelfLoopedCache& Graph::SelfLoopedCache::operator=(const SelfLoopedCache& other) {
  if (this != &other) {
    std::lock_guard<std::mutex> lock(self_looped_lock());
    slot = other.slot;
  }
  return *this;
}

std::shared_ptr<const Graph> Graph::with_self_loops() const {
  std::lock_guard<std::mutex> lock(self_looped_lock());
  if (!with_self_loops_.slot) with_self_loops_.slot = std::make_shared<SelfLoopedCache::Slot>();  // moved from
  std::shared_ptr<const Graph>& graph = with_self_loops_.slot->graph;
  if (!graph) graph = std::make_shared<const Graph>(rebuilt({.self_loops = SelfLoops::add}));
  return graph;
}

Graph Graph::from_edges(std::int64_t num_nodes, std::span<const NodeId> source, std::span<const NodeId> target,
                        const GraphOptions& options, std::span<const std::int64_t> input_ids) {
  validate_input(num_nodes, source, target);
  GAT_REQUIRE(input_ids.empty() || input_ids.size() == source.size(), "graph: ", input_ids.size(),
              " input edge ids for ", source.size(), " edges");
  const bool drop_loops = options.self_loops != SelfLoops::keep;
  const bool add_loops = options.self_loops == SelfLoops::add;
  const std::int64_t m = static_cast<std::int64_t>(source.size());

  // Visit the stored edges (input order, reversed copies, added loops) without materialising them.
  auto for_each_edge = [&](auto&& visit) {
    for (std::int64_t i = 0; i < m; ++i) {
      const NodeId s = source[i], t = target[i];
      if (s == t && drop_loops) continue;
      const std::int64_t id = input_ids.empty() ? i : input_ids[i];
      visit(s, t, id);
      if (options.make_undirected && s != t) visit(t, s, id);
    }
    if (add_loops)
      for (NodeId v = 0; v < num_nodes; ++v) visit(v, v, kAddedSelfLoop);
  };

  Graph g;
  g.num_nodes_ = num_nodes;
  g.num_input_edges_ = m;
  g.in_offsets_.assign(static_cast<std::size_t>(num_nodes) + 1, 0);
  for_each_edge([&](NodeId, NodeId t, std::int64_t) { ++g.in_offsets_[t + 1]; });
  for (std::int64_t v = 0; v < num_nodes; ++v) g.in_offsets_[v + 1] += g.in_offsets_[v];

  std::vector<RowEntry> entries(static_cast<std::size_t>(g.in_offsets_.back()));
  {
    std::vector<EdgeIndex> next(g.in_offsets_.begin(), g.in_offsets_.end() - 1);
    for_each_edge([&](NodeId s, NodeId t, std::int64_t id) { entries[next[t]++] = {s, id}; });
  }

  // Sort each row by source; drop repeats if asked, compacting rows in place.
  EdgeIndex write = 0;
  for (std::int64_t v = 0; v < num_nodes; ++v) {
    const EdgeIndex begin = g.in_offsets_[v], end = g.in_offsets_[v + 1];
    std::sort(entries.begin() + begin, entries.begin() + end);
    g.in_offsets_[v] = write;
    for (EdgeIndex e = begin; e < end; ++e) {
      if (options.duplicates == Duplicates::remove && e > begin && entries[e].source == entries[e - 1].source)
        continue;
      entries[write++] = entries[e];
    }
  }
  g.in_offsets_[num_nodes] = write;
  entries.resize(static_cast<std::size_t>(write));

  g.in_sources_.resize(entries.size());
  g.input_edge_ids_.resize(entries.size());
  g.in_targets_.resize(entries.size());
  for (std::size_t e = 0; e < entries.size(); ++e) {
    g.in_sources_[e] = entries[e].source;
    g.input_edge_ids_[e] = entries[e].input_id;
  }
  for (std::int64_t v = 0; v < num_nodes; ++v)
    std::fill(g.in_targets_.begin() + g.in_offsets_[v], g.in_targets_.begin() + g.in_offsets_[v + 1],
              static_cast<NodeId>(v));
  g.build_transpose();
  return g;
}

void Graph::build_transpose() {
  out_offsets_.assign(static_cast<std::size_t>(num_nodes_) + 1, 0);
  for (NodeId s : in_sources_) ++out_offsets_[s + 1];
  for (std::int64_t u = 0; u < num_nodes_; ++u) out_offsets_[u + 1] += out_offsets_[u];
  out_targets_.resize(in_sources_.size());
  out_edges_.resize(in_sources_.size());
  std::vector<EdgeIndex> next(out_offsets_.begin(), out_offsets_.end() - 1);
  // Edges are visited in increasing edge index, hence increasing target: outgoing rows come out sorted.
  for (EdgeIndex e = 0; e < num_edges(); ++e) {
    const EdgeIndex slot = next[in_sources_[e]]++;
    out_targets_[slot] = in_targets_[e];
    out_edges_[slot] = e;
  }
}

bool Graph::has_self_loop(NodeId v) const noexcept {
  const auto sources = in_neighbors(v);
  return std::binary_search(sources.begin(), sources.end(), v);
}

std::int64_t Graph::count_zero_in_degree() const noexcept {
  std::int64_t count = 0;
  for (std::int64_t v = 0; v < num_nodes_; ++v) count += in_offsets_[v + 1] == in_offsets_[v];
  return count;
}

EdgeList Graph::to_edge_list() const {
  EdgeList list;
  list.num_nodes = num_nodes_;
  list.source = in_sources_;
  list.target = in_targets_;
  return list;
}

}  // namespace gat
