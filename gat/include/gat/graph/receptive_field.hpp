#pragma once
// What the outputs of a stack of message-passing layers at some target nodes depend on, and the
// graphs that compute only that (DGL's message-flow graphs with every neighbour kept).
//
// A layer's output at node v reads its input at v's in-neighbours, so L layers at the targets read
// the graph's input within L hops (along incoming edges) and nothing else. On Cora's 140 training
// nodes a 2-layer GAT's loss depends on 1,664 of 2,708 nodes' features and on 4,478 + 778 of the
// 2 x 13,264 edge visits of a full-graph pass; on Pubmed's 60, on 4,481 + 357 of 2 x 108,365.
// Training on the field gives the same loss and gradients as on the whole graph, for a fraction
// of the work.
//
// Nodes get local ids: the targets first (in the order given), then the nodes one hop out, then
// two hops, ... (each ring in ascending graph id). Layer l (0-based) reads rows(l) input rows and
// must produce rows(l + 1) of them, the first ones: its graph has rows(l) nodes, the in-edges of
// the first rows(l + 1) as in the input graph (renamed, input edge ids kept), and one self-loop
// on each other node, whose output no later layer reads (the loop keeps layers that refuse nodes
// without incoming edges working; layers that add self-loops replace it by theirs).
#include <cstdint>
#include <span>
#include <vector>

#include "gat/graph/graph.hpp"

namespace gat {

class ReceptiveField {
 public:
  ReceptiveField() = default;
  // Throws InvalidArgument when targets is empty, names a node outside the graph or names one
  // twice, or when layers < 1.
  ReceptiveField(const Graph& g, std::span<const NodeId> targets, std::int64_t layers);
  // A field built elsewhere (a neighbour sampler keeps a subset of each layer's edges): the
  // graph node of each local id, the input rows of each layer and the number of targets last
  // (rows.size() == graphs.size() + 1, rows[0] == nodes.size(), non-increasing), and the layer
  // graphs, layer l with rows[l] nodes. Throws InvalidArgument when the shapes disagree.
  static ReceptiveField from_parts(std::vector<NodeId> nodes, std::vector<std::int64_t> rows, std::vector<Graph> graphs);

  std::int64_t num_layers() const noexcept { return static_cast<std::int64_t>(graphs_.size()); }
  // Input rows of layer l for l < num_layers(); rows(num_layers()) is the number of targets.
  std::int64_t rows(std::int64_t l) const { return rows_.at(static_cast<std::size_t>(l)); }
  std::int64_t num_targets() const noexcept { return rows_.empty() ? 0 : rows_.back(); }
  // The graph node of each local id, rows(0) of them (the first num_targets() are the targets).
  std::span<const NodeId> nodes() const noexcept { return nodes_; }
  const Graph& layer_graph(std::int64_t l) const { return graphs_.at(static_cast<std::size_t>(l)); }

 private:
  std::vector<NodeId> nodes_;
  std::vector<std::int64_t> rows_;
  std::vector<Graph> graphs_;
};

}  // namespace gat
