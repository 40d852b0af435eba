#include "nn/attention_graph.hpp"

#include "gat/core/check.hpp"

namespace gat::nn::detail {

const Graph& attention_graph(const Graph& g, bool add_self_loops, bool allow_zero_in_degree, const char* layer,
                             std::shared_ptr<const Graph>& keep_alive) {
  if (!add_self_loops) {
    if (!allow_zero_in_degree) {
      const std::int64_t isolated = g.count_zero_in_degree();
      GAT_REQUIRE(isolated == 0, layer, ": ", isolated, " node(s) have no incoming edge, so their attention ",
                  "output would be undefined (only the bias). Turn add_self_loops on, add self-loops to the graph, ",
                  "or set allow_zero_in_degree = true to give them a zero output.");
    }
    keep_alive.reset();
    return g;
  }
  keep_alive = g.with_self_loops();
  return *keep_alive;
}

void fill_edges(const Graph& g, std::vector<NodeId>& source, std::vector<NodeId>& target,
                std::vector<std::int64_t>& input_edge_id) {
  source.assign(g.in_sources().begin(), g.in_sources().end());
  target.assign(g.in_targets().begin(), g.in_targets().end());
  input_edge_id.assign(g.input_edge_ids().begin(), g.input_edge_ids().end());
}

}  // namespace gat::nn::detail
