#include "gat/nn/inference.hpp"

#include <algorithm>
#include <vector>

#include "gat/core/check.hpp"
#include "nn/distinct_nodes.hpp"

namespace gat::nn {

Matrix predict_logits(GatModel<float>& model, const Graph& graph, const Features& features) {
  model.eval();
  ForwardContext ctx{&graph, {}};
  return Matrix::from_view(model.forward(ctx, LayerInput<float>::of(features)).dense);
}

Matrix predict_logits(GatModel<float>& model, const Graph& graph, const Features& features,
                      std::span<const NodeId> nodes) {
  const std::int64_t n = graph.num_nodes();
  GAT_REQUIRE(features.rows() == n, "predict_logits: features have ", features.rows(), " rows but the graph has ", n,
              " nodes");
  for (std::size_t k = 0; k < nodes.size(); ++k)
    GAT_REQUIRE(nodes[k] >= 0 && nodes[k] < n, "predict_logits: node ", k, " is ", nodes[k], ", outside the graph's ", n,
                " nodes");
  // The field takes each node once; row k of the result is the field row of nodes[k].
  std::vector<NodeId> row_of;
  const std::vector<NodeId> distinct = detail::first_occurrences(nodes, n, &row_of);
  Matrix out(static_cast<std::int64_t>(nodes.size()), model.options().num_classes);
  if (nodes.empty()) return out;
  const ReceptiveField field(graph, distinct, static_cast<std::int64_t>(model.num_attention_layers()));
  const Matrix logits = predict_logits(model, graph, features, field);
  for (std::size_t k = 0; k < nodes.size(); ++k)
    std::copy(logits.row_ptr(row_of[k]), logits.row_ptr(row_of[k]) + logits.cols(),
              out.row_ptr(static_cast<std::int64_t>(k)));
  return out;
}

Matrix predict_logits(GatModel<float>& model, const Graph& graph, const Features& features,
                      const ReceptiveField& field) {
  GAT_REQUIRE(features.rows() == graph.num_nodes(), "predict_logits: features have ", features.rows(),
              " rows but the graph has ", graph.num_nodes(), " nodes");
  const Features inputs = features.rows_of(field.nodes());
  model.eval();
  const ForwardContext ctx{&graph, {}, &field};
  return Matrix::from_view(model.forward(ctx, LayerInput<float>::of(inputs)).dense);
}

}  // namespace gat::nn
