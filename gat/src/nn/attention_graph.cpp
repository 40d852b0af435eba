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

template <class T>
AttentionWeights<T> kept_attention_weights(const char* layer, const Graph* g, bool kept, const BasicMatrix<T>& weights,
                                           std::int64_t heads) {
  GAT_REQUIRE(g != nullptr, layer, ": no attention weights before the first forward pass");
  GAT_REQUIRE(kept && weights.rows() == g->num_edges(), layer,
              ": attention weights were not kept; call keep_attention_weights(true) before forward");
  AttentionWeights<T> w;
  w.heads = heads;
  w.source.assign(g->in_sources().begin(), g->in_sources().end());
  w.target.assign(g->in_targets().begin(), g->in_targets().end());
  w.input_edge_id.assign(g->input_edge_ids().begin(), g->input_edge_ids().end());
  w.weights = weights;
  return w;
}

template AttentionWeights<float> kept_attention_weights<float>(const char*, const Graph*, bool,
                                                               const BasicMatrix<float>&, std::int64_t);
template AttentionWeights<double> kept_attention_weights<double>(const char*, const Graph*, bool,
                                                                 const BasicMatrix<double>&, std::int64_t);

}  // namespace gat::nn::detail
