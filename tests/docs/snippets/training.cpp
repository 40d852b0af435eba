// docs/api-guide.md, "Training", and docs/getting-started.md.
#include <gat/gat.hpp>

#include "check.hpp"

void snippet_training() {
  // [doc]
  // The built-in synthetic citation graph (gat::io::load_dataset reads Cora & co. the same way).
  gat::io::Dataset data = gat::io::make_synthetic_citation({.nodes = 300, .features = 100});
  data.features.normalize_rows();
  gat::Graph graph = gat::Graph::from_edges(data.edges);

  gat::nn::GatModel<float> model({.in_features = data.features.cols(), .num_classes = data.num_classes});
  gat::train::TrainOptions options{.max_epochs = 10, .patience = 5};
  options.on_epoch = [](const gat::train::EpochRecord& e) { (void)e.val_accuracy; };
  gat::train::TrainResult result = gat::train::train_node_classifier(
      model, {&graph, &data.features, data.labels, data.train, data.valid, data.test}, options);

  gat::Matrix logits = gat::train::predict_logits(model, graph, data.features);  // N x classes
  std::vector<std::int32_t> classes = gat::train::predict_classes<float>(logits.view());
  // [/doc]
  DOC_CHECK(result.epochs >= 1 && result.epochs <= 10);
  DOC_CHECK(result.test_accuracy >= 0 && result.test_accuracy <= 1);
  DOC_CHECK(static_cast<std::int64_t>(classes.size()) == data.num_nodes());
}
