// Real-data checks: skipped with a message when the datasets are absent (set GAT_DATA).
#include <catch2/catch.hpp>

#include "gat/io/dataset.hpp"
#include "gat/train/trainer.hpp"
#include "support/test_support.hpp"

using namespace gat;

TEST_CASE("GAT reaches the paper's accuracy on Cora (one seed)", "[realdata][train]") {
  const auto root = GAT_REQUIRE_DATASET("cora");
  if (root.empty()) return;
  io::DatasetRequest request;
  request.name_or_path = "cora";
  request.data_root = root;
  io::Dataset d = io::load_dataset(request);
  d.features.normalize_rows();
  const Graph g = Graph::from_edges(d.edges);
  nn::GatModelOptions mo;
  mo.in_features = d.features.cols();
  mo.num_classes = d.num_classes;
  mo.seed = 0;
  nn::GatModel<float> model(mo);
  train::TrainOptions to;
  to.seed = 0;
  const auto result = train::train_node_classifier(model, {&g, &d.features, d.labels, d.train, d.valid, d.test}, to);
  INFO("test accuracy " << result.test_accuracy << " after " << result.epochs << " epochs");
  // The paper: 83.0 +- 0.7 over seeds; one seed may sit a little below the mean.
  CHECK(result.test_accuracy >= 0.805);
}
