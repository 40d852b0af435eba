#include "gat/graph/graph_batch.hpp"

#include <algorithm>

#include "gat/core/check.hpp"

namespace gat {

std::vector<std::int32_t> GraphBatch::graph_of_nodes() const {
  std::vector<std::int32_t> out(static_cast<std::size_t>(node_offsets.back()));
  for (std::int64_t g = 0; g < num_graphs(); ++g)
    std::fill(out.begin() + node_offsets[g], out.begin() + node_offsets[g + 1], static_cast<std::int32_t>(g));
  return out;
}

std::pair<std::int64_t, std::int64_t> GraphBatch::source_edge(std::int64_t input_edge) const {
  GAT_REQUIRE(input_edge >= 0 && input_edge < edge_offsets.back(), "GraphBatch::source_edge: input edge ", input_edge,
              " is outside the batch's ", edge_offsets.back(), " input edges");
  const auto it = std::upper_bound(edge_offsets.begin(), edge_offsets.end(), input_edge);
  const std::int64_t g = (it - edge_offsets.begin()) - 1;
  return {g, input_edge - edge_offsets[g]};
}

GraphBatch batch_graphs(std::span<const EdgeList* const> graphs, const GraphOptions& options) {
  GAT_REQUIRE(!graphs.empty(), "batch_graphs: no graphs to batch");
  GraphBatch batch;
  batch.node_offsets.assign(1, 0);
  batch.edge_offsets.assign(1, 0);
  for (std::size_t g = 0; g < graphs.size(); ++g) {
    const EdgeList& e = *graphs[g];
    GAT_REQUIRE(e.num_nodes > 0, "batch_graphs: graph ", g, " has no nodes");
    GAT_REQUIRE(e.source.size() == e.target.size(), "batch_graphs: graph ", g, " has ", e.source.size(),
                " sources but ", e.target.size(), " targets");
    batch.node_offsets.push_back(batch.node_offsets.back() + e.num_nodes);
    batch.edge_offsets.push_back(batch.edge_offsets.back() + e.num_edges());
  }
  GAT_REQUIRE(batch.node_offsets.back() <= INT32_MAX, "batch_graphs: ", batch.node_offsets.back(),
              " nodes in one batch, more than a graph holds (2^31-1)");
  std::vector<NodeId> source, target;
  source.reserve(static_cast<std::size_t>(batch.edge_offsets.back()));
  target.reserve(source.capacity());
  for (std::size_t g = 0; g < graphs.size(); ++g) {
    const EdgeList& e = *graphs[g];
    const auto shift = static_cast<NodeId>(batch.node_offsets[g]);
    for (std::int64_t i = 0; i < e.num_edges(); ++i) {
      GAT_REQUIRE(e.source[i] >= 0 && e.source[i] < e.num_nodes && e.target[i] >= 0 && e.target[i] < e.num_nodes,
                  "batch_graphs: edge ", i, " of graph ", g, " (", e.source[i], " -> ", e.target[i],
                  ") leaves the graph's ", e.num_nodes, " nodes");
      source.push_back(e.source[i] + shift);
      target.push_back(e.target[i] + shift);
    }
  }
  batch.graph = Graph::from_edges(batch.node_offsets.back(), source, target, options);
  return batch;
}

}  // namespace gat
