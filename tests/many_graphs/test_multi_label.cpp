// Multi-label training over many graphs: BCE with logits (stable, finite differences), F1
// counts, the skip-connected PPI model's gradients, and a GAT learning the planted labels that
// the same model without edges (a per-node MLP) cannot.
#include <catch2/catch.hpp>
#include <cmath>

#include "gat/io/ppi.hpp"
#include "gat/train/inductive_trainer.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/paper_presets.hpp"
#include "support/test_support.hpp"

using namespace gat;

TEST_CASE("BCE with logits is finite for huge logits and its gradient matches finite differences", "[many_graphs][loss]") {
  MatrixD logits(2, 3), targets(2, 3);
  logits(0, 0) = 1000;
  logits(0, 1) = -1000;
  logits(0, 2) = 0.3;
  logits(1, 0) = -2;
  logits(1, 1) = 5;
  logits(1, 2) = 0;
  targets(0, 0) = 0;
  targets(0, 1) = 1;
  targets(0, 2) = 1;
  targets(1, 1) = 1;
  const NodeId nodes[] = {0, 1};
  MatrixD d;
  const double loss = train::binary_cross_entropy_with_logits<double>(logits.view(), targets.view(), nodes, &d);
  REQUIRE(std::isfinite(loss));
  // Two saturated wrong answers cost 1000 each: (2000 + small terms) / 6.
  CHECK(loss == Approx((2000 + std::log1p(std::exp(-0.3)) + std::log1p(std::exp(-2.0)) + std::log1p(std::exp(-5.0)) +
                        std::log(2.0)) / 6));
  CHECK(d(0, 0) == Approx(1.0 / 6));
  MatrixD x = gat_test::random_matrix<double>(2, 3, 7, 3.0);
  const auto f = [&] { return train::binary_cross_entropy_with_logits<double>(x.view(), targets.view(), nodes); };
  train::binary_cross_entropy_with_logits<double>(x.view(), targets.view(), nodes, &d);
  CHECK(gat_test::max_gradient_error(x, d, f) < 1e-7);
}

TEST_CASE("micro- and macro-F1 pool the counts as scikit-learn does", "[many_graphs][metrics]") {
  // Label 0: tp 1, fp 1, fn 0 -> F1 2/3; label 1: tp 0, fp 0, fn 1 -> 0; micro: tp 1, fp 1, fn 1 -> 1/2.
  Matrix logits(2, 2), targets(2, 2);
  logits(0, 0) = 1;
  logits(1, 0) = 2;
  logits(0, 1) = -1;
  logits(1, 1) = -1;
  targets(0, 0) = 1;
  targets(1, 1) = 1;
  const NodeId nodes[] = {0, 1};
  train::LabelCounts counts;
  counts.add<float>(logits.view(), targets.view(), nodes);
  CHECK(counts.micro_f1() == Approx(0.5));
  CHECK(counts.macro_f1() == Approx(1.0 / 3));
  CHECK(train::micro_f1<float>(logits.view(), targets.view(), nodes) == Approx(0.5));
  CHECK(train::macro_f1<float>(logits.view(), targets.view(), nodes) == Approx(1.0 / 3));
  // Counts over two batches equal the counts over both at once.
  train::LabelCounts split;
  split.add<float>(logits.view(), targets.view(), std::span<const NodeId>(nodes, 1));
  split.add<float>(logits.view(), targets.view(), std::span<const NodeId>(nodes + 1, 1));
  CHECK(split.tp == counts.tp);
  CHECK(split.fn == counts.fn);
}

TEST_CASE("the skip-connected PPI model's gradients match finite differences", "[many_graphs][gradient]") {
  // The PPI preset's shape, scaled down: 3 layers, skip connections on all, output heads averaged.
  train::InductivePreset preset = train::ppi_preset(4, 3);
  nn::GatModelOptions o = preset.model;
  o.hidden = 3;
  o.heads = 2;
  o.output_heads = 2;
  o.seed = 9;
  REQUIRE(o.residual);
  REQUIRE(o.layers == 3);
  nn::GatModel<double> model(o);
  EdgeList e{5, {0, 1, 2, 3, 4, 1}, {1, 2, 3, 4, 0, 3}};
  const Graph g = Graph::from_edges(e);
  const MatrixD x = gat_test::random_matrix<double>(5, 4, 11);
  MatrixD targets(5, 3);
  for (std::int64_t v = 0; v < 5; ++v) targets(v, v % 3) = 1;
  const NodeId nodes[] = {0, 1, 2, 3, 4};
  const nn::ForwardContext ctx{&g, {}};
  const auto loss = [&] {
    const auto out = model.forward(ctx, nn::LayerInput<double>::of(x.view())).dense;
    return train::binary_cross_entropy_with_logits<double>(out, targets.view(), nodes);
  };
  model.eval();
  MatrixD d;
  const auto out = model.forward(ctx, nn::LayerInput<double>::of(x.view())).dense;
  train::binary_cross_entropy_with_logits<double>(out, targets.view(), nodes, &d);
  for (auto& p : model.named_parameters()) p.parameter->grad.set_zero();
  model.backward(ctx, d.view(), false);
  bool saw_skip = false;
  for (auto& p : model.named_parameters()) {
    saw_skip = saw_skip || p.name.find("res.weight") != std::string::npos;
    INFO(p.name);
    CHECK(gat_test::max_gradient_error(p.parameter->value, p.parameter->grad, loss) < 1e-6);
  }
  CHECK(saw_skip);
}

TEST_CASE("a GAT learns planted labels from neighbours that the same model without edges cannot", "[many_graphs][train]") {
  const GraphDataset d = io::make_synthetic_ppi(
      {.graphs = 10, .min_nodes = 60, .max_nodes = 80, .average_degree = 8, .features = 8, .labels = 6, .own_weight = 0.2,
       .seed = 2});
  GraphDataset no_edges = d;
  for (EdgeList& e : no_edges.graphs) {
    e.source.clear();
    e.target.clear();
  }
  const auto run = [](const GraphDataset& data) {
    train::InductivePreset p = train::ppi_preset(data.features.cols(), data.num_classes);
    p.model.hidden = 16;
    p.model.heads = 2;
    p.model.output_heads = 2;
    p.model.layers = 2;
    p.train.train.max_epochs = 40;
    p.train.train.patience = 0;
    p.train.train.lr = 0.01;
    nn::GatModel<float> model(p.model);
    return train::train_inductive(model, data, p.train);
  };
  const train::InductiveResult gat = run(d), mlp = run(no_edges);
  INFO("GAT test micro-F1 " << gat.test.micro_f1 << ", without edges " << mlp.test.micro_f1);
  CHECK(gat.result.epochs == 40);
  CHECK(gat.test.micro_f1 > mlp.test.micro_f1 + 0.1);
  CHECK(gat.test.macro_f1 > 0);
  // Same seed, same bits.
  CHECK(run(d).test.micro_f1 == gat.test.micro_f1);
}

TEST_CASE("inductive training refuses targets of the wrong width and missing splits", "[many_graphs][train]") {
  GraphDataset d = io::make_synthetic_ppi({.graphs = 3, .min_nodes = 5, .max_nodes = 6, .average_degree = 2,
                                           .features = 3, .labels = 2});
  train::InductivePreset p = train::ppi_preset(3, 4);
  p.model.hidden = 2;
  nn::GatModel<float> model(p.model);
  CHECK_THROWS_WITH(train::train_inductive(model, d, p.train), Catch::Contains("2 labels but the model outputs 4"));
  d.valid.clear();
  nn::GatModel<float> right(train::ppi_preset(3, 2).model);
  CHECK_THROWS_WITH(train::train_inductive(right, d, p.train), Catch::Contains("no validation graphs"));
}
