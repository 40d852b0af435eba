// docs/api-guide.md, "Training": a model's outputs at a few nodes from their receptive field.
#include <gat/gat.hpp>

#include "check.hpp"

void snippet_receptive_field() {
  gat::io::Dataset data = gat::io::make_synthetic_citation({.nodes = 300, .features = 100});
  data.features.normalize_rows();
  gat::Graph graph = gat::Graph::from_edges(data.edges);
  gat::nn::GatModel<float> model({.in_features = data.features.cols(), .num_classes = data.num_classes});
  model.eval();
  // [doc]
  // What a 2-layer model's outputs at nodes 7 and 42 read: their 2-hop in-neighbourhood.
  std::vector<gat::NodeId> targets{7, 42};
  gat::ReceptiveField field(graph, targets, /*layers=*/2);
  gat::Features inputs = data.features.rows_of(field.nodes());  // field.rows(0) rows, field order

  gat::nn::ForwardContext ctx{&graph, {}, &field};
  gat::Matrix out = gat::Matrix::from_view(model.forward(ctx, gat::nn::LayerInput<float>::of(inputs)).dense);
  // out is 2 x classes: rows 7 and 42 of the whole graph's output (up to rounding)
  // [/doc]
  const gat::Matrix all = gat::train::predict_logits(model, graph, data.features);
  DOC_CHECK(out.rows() == 2 && out.cols() == data.num_classes);
  DOC_CHECK(field.rows(0) < data.num_nodes());
  for (std::int64_t c = 0; c < out.cols(); ++c) {
    DOC_CHECK(std::abs(out(0, c) - all(7, c)) < 1e-5f);
    DOC_CHECK(std::abs(out(1, c) - all(42, c)) < 1e-5f);
  }
}
