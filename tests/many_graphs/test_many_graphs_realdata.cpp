// The real PPI graphs (GAT_DATA/ppi, GraphSAGE's files) with the paper's preset, and MUTAG or
// PROTEINS (GAT_DATA/tu/NAME) with 10-fold cross-validation; skipped when the files are absent.
#include <catch2/catch.hpp>

#include "gat/io/ppi.hpp"
#include "gat/io/tu.hpp"
#include "gat/train/graph_classification.hpp"
#include "gat/train/paper_presets.hpp"
#include "support/test_support.hpp"

using namespace gat;

TEST_CASE("real PPI reaches the paper's micro-F1 with its preset", "[many_graphs][realdata]") {
  const auto root = GAT_REQUIRE_DATASET("ppi");
  if (root.empty()) return;
  const GraphDataset d = io::read_ppi(root / "ppi");
  CHECK(d.features.cols() == 50);
  CHECK(d.num_classes == 121);
  train::InductivePreset p = train::ppi_preset(d.features.cols(), d.num_classes);
  nn::GatModel<float> model(p.model);
  const train::InductiveResult r = train::train_inductive(model, d, p.train);
  INFO("test micro-F1 " << r.test.micro_f1);
  CHECK(r.test.micro_f1 >= 0.97);
}

TEST_CASE("real MUTAG or PROTEINS: 10-fold accuracy well above chance", "[many_graphs][realdata]") {
  const auto root = GAT_REQUIRE_DATASET("tu");
  if (root.empty()) return;
  for (const char* name : {"MUTAG", "PROTEINS"}) {
    if (!std::filesystem::exists(root / "tu" / name)) continue;
    const GraphDataset d = io::read_tu(root / "tu" / name, name);
    nn::GraphClassifierOptions o;
    o.gnn.in_features = d.features.cols();
    o.gnn.num_classes = 64;
    o.gnn.hidden = 16;
    o.gnn.heads = 4;
    o.gnn.feature_dropout = o.gnn.attention_dropout = 0;
    o.num_classes = d.num_classes;
    const train::CrossValidationResult r = train::cross_validate(o, d, {});
    INFO(name << " 10-fold accuracy " << r.accuracy_mean << " +- " << r.accuracy_std);
    CHECK(r.accuracy_mean > 0.65);
  }
}
