#pragma once
// The sparse graph store.
//
// Edges are stored as compressed rows over each node's *incoming* edges (the direction in which
// attention aggregates: a destination pulls from its sources), plus the transpose (each node's
// outgoing edges) so that backward passes also pull and never need atomics. Stored edge e (its
// position in the incoming rows) remembers the input edge it came from, so that results such as
// attention weights map back to the user's edge list. Memory is O(N + E): six flat arrays.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace gat {

using NodeId = std::int32_t;
using EdgeIndex = std::int64_t;

// The input edge id of a self-loop that the graph added (it has no input edge).
inline constexpr std::int64_t kAddedSelfLoop = -1;

enum class SelfLoops {
  keep,     // store the input's loops as they are
  remove,   // drop every loop
  add,      // PyG's add_self_loops rule: drop the input's loops, then add exactly one per node
};

enum class Duplicates {
  keep,     // parallel edges stay (each has its own input edge id)
  remove,   // keep the first occurrence (smallest input edge id) of each (source, target)
};

struct GraphOptions {
  SelfLoops self_loops = SelfLoops::keep;
  Duplicates duplicates = Duplicates::keep;
  // Add (target, source) for every input edge; the reverse edge carries the same input edge id.
  // Combine with Duplicates::remove to merge edges that were already listed both ways.
  bool make_undirected = false;
};

// An edge list in coordinate form: edge i goes from source[i] to target[i].
struct EdgeList {
  std::int64_t num_nodes = 0;
  std::vector<NodeId> source;
  std::vector<NodeId> target;

  std::int64_t num_edges() const noexcept { return static_cast<std::int64_t>(source.size()); }
};

class Graph {
 public:
  Graph() = default;

  // Validates and builds. Throws InvalidArgument (naming the offending edge) when a node id is out
  // of range, the arrays differ in length, num_nodes is negative, zero, or above 2^31-1.
  static Graph from_edges(std::int64_t num_nodes, std::span<const NodeId> source, std::span<const NodeId> target,
                          const GraphOptions& options = {});
  static Graph from_edges(const EdgeList& edges, const GraphOptions& options = {}) {
    return from_edges(edges.num_nodes, edges.source, edges.target, options);
  }
  // As above, but edge i records input_ids[i] as its input edge id instead of i (for graphs
  // derived from other graphs, so ids keep pointing at the user's original edges).
  static Graph from_edges(std::int64_t num_nodes, std::span<const NodeId> source, std::span<const NodeId> target,
                          const GraphOptions& options, std::span<const std::int64_t> input_ids);

  // This graph with the given options applied again (e.g. SelfLoops::add), input edge ids kept.
  Graph rebuilt(const GraphOptions& options) const;
  // rebuilt({.self_loops = SelfLoops::add}) (PyG's add_self_loops: existing loops dropped, one per
  // node added), as GAT layers attend over it by default: built on first use (thread-safe) and
  // kept with this graph, so that all the layers of a model share one copy. Copies of this graph
  // share it too; the graph is immutable, so it never goes stale. Holders of the pointer keep it
  // alive after this graph is gone.
  std::shared_ptr<const Graph> with_self_loops() const;

  std::int64_t num_nodes() const noexcept { return num_nodes_; }
  std::int64_t num_edges() const noexcept { return static_cast<std::int64_t>(in_sources_.size()); }
  // Edges in the input that were stored (before loops were added or duplicates dropped).
  std::int64_t num_input_edges() const noexcept { return num_input_edges_; }

  // Incoming rows: the sources of node v are in_sources()[in_offsets()[v] .. in_offsets()[v+1]),
  // sorted by source id (ties by input edge id). Index into these arrays is the edge index e.
  std::span<const EdgeIndex> in_offsets() const noexcept { return in_offsets_; }
  std::span<const NodeId> in_sources() const noexcept { return in_sources_; }
  // For every stored edge e, the input edge id it came from, or kAddedSelfLoop.
  std::span<const std::int64_t> input_edge_ids() const noexcept { return input_edge_ids_; }
  // Destination of stored edge e (derived from the rows; kept because exports and the backward
  // pass need it per edge).
  std::span<const NodeId> in_targets() const noexcept { return in_targets_; }

  // Outgoing rows (the transpose): the targets of node u are out_targets()[out_offsets()[u] ..
  // out_offsets()[u+1]), and out_edges()[k] is the edge index e of that edge in the incoming rows.
  std::span<const EdgeIndex> out_offsets() const noexcept { return out_offsets_; }
  std::span<const NodeId> out_targets() const noexcept { return out_targets_; }
  std::span<const EdgeIndex> out_edges() const noexcept { return out_edges_; }

  std::int64_t in_degree(NodeId v) const noexcept { return in_offsets_[v + 1] - in_offsets_[v]; }
  std::int64_t out_degree(NodeId u) const noexcept { return out_offsets_[u + 1] - out_offsets_[u]; }
  std::span<const NodeId> in_neighbors(NodeId v) const noexcept {
    return std::span<const NodeId>(in_sources_).subspan(in_offsets_[v], in_degree(v));
  }
  std::span<const NodeId> out_neighbors(NodeId u) const noexcept {
    return std::span<const NodeId>(out_targets_).subspan(out_offsets_[u], out_degree(u));
  }

  bool has_self_loop(NodeId v) const noexcept;
  // Nodes with no incoming edge (a GAT layer refuses them unless told otherwise).
  std::int64_t count_zero_in_degree() const noexcept;
  // The stored edges back as a list, in edge-index order.
  EdgeList to_edge_list() const;

 private:
  friend Graph permute(const Graph&, const class Permutation&);
  void build_transpose();

  std::int64_t num_nodes_ = 0;
  std::int64_t num_input_edges_ = 0;
  std::vector<EdgeIndex> in_offsets_{0};
  std::vector<NodeId> in_sources_;
  std::vector<NodeId> in_targets_;
  std::vector<std::int64_t> input_edge_ids_;
  std::vector<EdgeIndex> out_offsets_{0};
  std::vector<NodeId> out_targets_;
  std::vector<EdgeIndex> out_edges_;
  // with_self_loops()'s graph, built on first use and shared by copies of this graph: copies
  // share the slot it goes in, so a copy made before the build gets it too. Copying takes the
  // same lock as building, so copying a graph while another thread asks it for its self-looped
  // form is safe, as calls of const members are expected to be.
  struct SelfLoopedCache {
    struct Slot {
      std::shared_ptr<const Graph> graph;
    };
    std::shared_ptr<Slot> slot = std::make_shared<Slot>();
    SelfLoopedCache() = default;
    SelfLoopedCache(const SelfLoopedCache& other);
    SelfLoopedCache& operator=(const SelfLoopedCache& other);
    SelfLoopedCache(SelfLoopedCache&&) noexcept = default;
    SelfLoopedCache& operator=(SelfLoopedCache&&) noexcept = default;
  };
  mutable SelfLoopedCache with_self_loops_;
};

}  // namespace gat
