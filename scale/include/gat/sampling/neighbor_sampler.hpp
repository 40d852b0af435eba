#pragma once
// Neighbour sampling for mini-batch training (Hamilton et al., GraphSAGE, NeurIPS 2017; PyG's
// NeighborLoader, DGL's NeighborSampler): the message-flow graphs of a batch of target nodes
// with at most fan_outs[h] in-edges kept per destination node at hop h + 1 from the targets.
//
// The result is a gat::ReceptiveField, the per-layer graphs the layers already run on: local
// ids are the targets first, then the nodes first reached at hop 1, hop 2, ... (each ring in
// ascending graph id); layer l (0-based, of L = fan_outs.size()) has the sampled in-edges of the
// first rows(l + 1) local nodes, drawn for hop L - l (so the output layer uses fan_outs[0], PyG's
// num_neighbors order), with their input edge ids kept so attention maps back to the graph's
// edges. Every destination of a layer draws afresh for that layer, as DGL and PyG do. A fan-out
// of -1 keeps every in-edge: fan-outs all -1 give exactly ReceptiveField(graph, targets, L).
//
// Without replacement (the default) a destination of in-degree d keeps min(k, d) distinct
// in-edges, each with probability min(k, d) / d (Floyd's algorithm, O(k^2) per destination);
// with replacement it draws k in-edges uniformly and independently (parallel edges in the layer
// graph), none when d = 0. The draws of destination v at hop h in batch b of epoch e are a
// function of (seed, e, b, h, v) alone (the counter-based generator of gat/core/random.hpp), and
// destinations are sampled in parallel: the same batch gives the same bits on any thread count.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/graph/graph.hpp"
#include "gat/graph/receptive_field.hpp"

namespace gat::store {
class GraphStore;
}

namespace gat::sampling {

// Incoming compressed rows to sample from: a Graph's or a mapped store's (no copy).
struct CsrView {
  std::int64_t num_nodes = 0;
  std::span<const EdgeIndex> offsets;       // num_nodes + 1
  std::span<const NodeId> sources;          // offsets.back()
  std::span<const std::int64_t> edge_ids;   // input edge id of each stored edge; empty: its position

  static CsrView of(const Graph& g) { return {g.num_nodes(), g.in_offsets(), g.in_sources(), g.input_edge_ids()}; }
  static CsrView of(const store::GraphStore& s);
  std::int64_t degree(NodeId v) const noexcept { return offsets[v + 1] - offsets[v]; }
  std::int64_t edge_id(EdgeIndex e) const noexcept { return edge_ids.empty() ? e : edge_ids[e]; }
};

inline constexpr std::int64_t kAllNeighbors = -1;

struct NeighborSamplerOptions {
  // One per layer, hop 1 (the output layer) first; -1 keeps every in-edge.
  std::vector<std::int64_t> fan_outs{10, 10};
  bool replace = false;
  std::uint64_t seed = 0;
};

class NeighborSampler {
 public:
  // Throws InvalidArgument when there is no fan-out or one is 0 or below -1.
  NeighborSampler(CsrView graph, NeighborSamplerOptions options);

  // The sampled field of `targets` for batch `batch` of epoch `epoch`. Throws InvalidArgument
  // when targets is empty, names a node outside the graph or names one twice.
  ReceptiveField sample(std::span<const NodeId> targets, std::uint64_t epoch, std::uint64_t batch);

  const NeighborSamplerOptions& options() const noexcept { return options_; }
  std::int64_t num_layers() const noexcept { return static_cast<std::int64_t>(options_.fan_outs.size()); }
  // Edges kept in the last sample, over all layers (self-loops of nodes no layer reads excluded).
  std::int64_t sampled_edges() const noexcept { return sampled_edges_; }

 private:
  struct Hop {
    std::vector<std::int64_t> starts;  // picks of destination k: picks[starts[k], starts[k+1])
    std::vector<EdgeIndex> picks;      // stored edge positions, ascending per destination
  };
  void draw_hop(std::int64_t hop, std::int64_t destinations, std::uint64_t epoch, std::uint64_t batch);

  CsrView graph_;
  NeighborSamplerOptions options_;
  std::vector<NodeId> local_;  // local id of each graph node in the current sample, -1 outside
  std::vector<NodeId> order_;  // graph node of each local id
  std::vector<NodeId> ring_;
  std::vector<Hop> hops_;
  std::vector<NodeId> src_, dst_;
  std::vector<std::int64_t> ids_;
  std::int64_t sampled_edges_ = 0;
};

}  // namespace gat::sampling
