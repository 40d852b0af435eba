#pragma once
// A batch of disjoint graphs as one block-diagonal graph, the way PyG's DataLoader and DGL's
// dgl.batch put many small graphs through one pass: graph g's nodes are rows
// [node_offsets[g], node_offsets[g+1]) of the batch, and its input edge i is the batch's input
// edge edge_offsets[g] + i, so results per edge (attention weights) map back to the source graph.
// No edge crosses from one graph to another, so a GAT layer over the batch computes exactly what
// it computes over each graph alone.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "gat/graph/graph.hpp"

namespace gat {

struct GraphBatch {
  Graph graph;
  std::vector<std::int64_t> node_offsets;  // G+1 row boundaries, node_offsets[0] = 0
  std::vector<std::int64_t> edge_offsets;  // G+1 input-edge boundaries, edge_offsets[0] = 0

  std::int64_t num_graphs() const noexcept { return static_cast<std::int64_t>(node_offsets.size()) - 1; }
  // Which graph of the batch each node belongs to (PyG's `batch` vector).
  std::vector<std::int32_t> graph_of_nodes() const;
  // The source graph and that graph's own input edge id of the batch's input edge `input_edge`.
  std::pair<std::int64_t, std::int64_t> source_edge(std::int64_t input_edge) const;
};

// The graphs side by side, node ids shifted by the nodes before them; `options` applies to each
// (a self-loop per node, say). Throws InvalidArgument naming the graph that has no nodes or whose
// edges leave it.
GraphBatch batch_graphs(std::span<const EdgeList* const> graphs, const GraphOptions& options = {});

}  // namespace gat
