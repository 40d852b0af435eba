#include <catch2/catch.hpp>
#include <cstring>

#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"
#include "gat/io/dataset.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/repeated_runs.hpp"
#include "gat/train/trainer.hpp"

#include "support/model_support.hpp"

using namespace gat;

namespace {

struct Prepared {
  io::Dataset data;
  Graph graph;
};

Prepared synthetic(std::int64_t nodes) {
  io::SyntheticCitationOptions o;
  o.nodes = nodes;
  o.seed = 3;
  Prepared p{io::make_synthetic_citation(o), {}};
  p.data.features.normalize_rows();
  p.graph = Graph::from_edges(p.data.edges);
  return p;
}

using gat_test::all_parameters;
using gat_test::model_options;

train::TrainResult run(Prepared& p, nn::GatModel<float>& model, std::int64_t epochs, std::int64_t patience) {
  train::TrainOptions o;
  o.max_epochs = epochs;
  o.patience = patience;
  o.seed = 11;
  const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                           p.data.test};
  return train::train_node_classifier(model, task, o);
}

}  // namespace

TEST_CASE("a short training run is bitwise identical with 1 and 2 threads", "[train][determinism]") {
  Prepared p = synthetic(2708);
  std::vector<float> params[2];
  double accuracy[2];
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    nn::GatModel<float> model(model_options(p.data));
    accuracy[threads - 1] = run(p, model, 15, 0).test_accuracy;
    params[threads - 1] = all_parameters(model);
  }
  set_num_threads(1);
  REQUIRE(params[0].size() == params[1].size());
  CHECK(std::memcmp(params[0].data(), params[1].data(), params[0].size() * sizeof(float)) == 0);
  CHECK(accuracy[0] == accuracy[1]);
}

TEST_CASE("training on receptive fields follows training on the whole graph when nothing is dropped", "[train][field]") {
  // Without dropout both compute the same losses and gradients, so they follow the same path up
  // to rounding; with dropout (the default) they draw different masks.
  Prepared p = synthetic(2708);
  auto mo = model_options(p.data);
  mo.feature_dropout = 0;
  mo.attention_dropout = 0;
  std::vector<train::EpochRecord> epochs[2];
  std::vector<float> params[2];
  for (bool field : {false, true}) {
    nn::GatModel<float> model(mo);
    train::TrainOptions o;
    o.max_epochs = 30;
    o.patience = 0;
    o.receptive_field = field;
    o.on_epoch = [&](const train::EpochRecord& e) { epochs[field].push_back(e); };
    const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                             p.data.test};
    const train::TrainResult result = train::train_node_classifier(model, task, o);
    if (field)
      CHECK(result.step_nodes < p.graph.num_nodes());  // the step read only its field
    else
      CHECK(result.step_nodes == p.graph.num_nodes());
    params[field] = all_parameters(model);
  }
  REQUIRE(epochs[0].size() == 30);
  REQUIRE(epochs[1].size() == 30);
  CHECK(epochs[0].back().train_loss < 0.9 * epochs[0].front().train_loss);  // it does learn
  for (std::size_t e = 0; e < 30; ++e) {
    INFO("epoch " << e + 1);
    CHECK(epochs[1][e].train_loss == Approx(epochs[0][e].train_loss).epsilon(1e-4));
    CHECK(epochs[1][e].val_loss == Approx(epochs[0][e].val_loss).epsilon(1e-4));
    CHECK(epochs[1][e].train_accuracy == epochs[0][e].train_accuracy);
  }
  REQUIRE(params[0].size() == params[1].size());
  for (std::size_t i = 0; i < params[0].size(); ++i) REQUIRE(params[1][i] == Approx(params[0][i]).margin(1e-4));
}

TEST_CASE("a receptive field covering most of the graph is not used", "[train][field]") {
  // A clique of 60 nodes and, apart from it, a path of 12: the field of 50 clique nodes is 60 of
  // the 72 nodes but 91% of the edge visits, so training runs on the whole graph; the path's field
  // is small.
  std::vector<NodeId> src, dst;
  for (NodeId u = 0; u < 60; ++u)
    for (NodeId v = 0; v < 60; ++v)
      if (u != v) src.push_back(u), dst.push_back(v);
  for (NodeId v = 60; v + 1 < 72; ++v) src.push_back(v), dst.push_back(v + 1), src.push_back(v + 1), dst.push_back(v);
  const Graph graph = Graph::from_edges(72, src, dst);
  Matrix x(72, 4);
  std::vector<std::int32_t> labels(72);
  for (std::int64_t v = 0; v < 72; ++v) {
    labels[static_cast<std::size_t>(v)] = static_cast<std::int32_t>(v % 2);
    for (std::int64_t c = 0; c < 4; ++c) x(v, c) = static_cast<float>((v * 7 + c * 3) % 5);
  }
  const Features features(x);
  std::vector<NodeId> clique;
  for (NodeId v = 0; v < 50; ++v) clique.push_back(v);
  const std::vector<NodeId> path{70, 71}, valid{50, 51, 52}, test{56, 57};
  nn::GatModelOptions mo;
  mo.in_features = 4;
  mo.num_classes = 2;
  train::TrainOptions o;
  o.max_epochs = 2;
  o.patience = 0;
  nn::GatModel<float> a(mo), b(mo);
  CHECK(train::train_node_classifier(a, {&graph, &features, labels, clique, valid, test}, o).step_nodes == 72);
  CHECK(train::train_node_classifier(b, {&graph, &features, labels, path, valid, test}, o).step_nodes == 4);
}

TEST_CASE("predictions for a few nodes from their receptive field equal the whole graph's rows", "[train][field]") {
  Prepared p = synthetic(2708);
  nn::GatModel<float> model(model_options(p.data));
  run(p, model, 5, 0);
  const Matrix all = train::predict_logits(model, p.graph, p.data.features);
  const std::vector<NodeId> nodes{2707, 0, 1500, 0, 33};  // one twice
  const Matrix some = train::predict_logits(model, p.graph, p.data.features, nodes);
  REQUIRE(some.rows() == 5);
  REQUIRE(some.cols() == all.cols());
  for (std::size_t k = 0; k < nodes.size(); ++k)
    for (std::int64_t c = 0; c < all.cols(); ++c)
      CHECK(some(static_cast<std::int64_t>(k), c) == Approx(all(nodes[k], c)).margin(1e-5));
  CHECK(train::predict_logits(model, p.graph, p.data.features, std::vector<NodeId>{}).rows() == 0);
  const std::vector<NodeId> targets{33, 2707};
  const ReceptiveField field(p.graph, targets, 2);
  const Matrix on_field = train::predict_logits(model, p.graph, p.data.features, field);
  REQUIRE(on_field.rows() == 2);
  for (std::int64_t c = 0; c < all.cols(); ++c) {
    CHECK(on_field(0, c) == Approx(all(33, c)).margin(1e-5));
    CHECK(on_field(1, c) == Approx(all(2707, c)).margin(1e-5));
  }
  CHECK_THROWS_WITH(train::predict_logits(model, p.graph, p.data.features, std::vector<NodeId>{5, 2708}),
                    Catch::Contains("node 1 is 2708, outside the graph's 2708 nodes"));
}

TEST_CASE("the same seed gives the same model, another seed another", "[train][determinism]") {
  Prepared p = synthetic(600);
  nn::GatModel<float> a(model_options(p.data)), b(model_options(p.data));
  run(p, a, 5, 0);
  run(p, b, 5, 0);
  CHECK(all_parameters(a) == all_parameters(b));
  auto other = model_options(p.data);
  other.seed = 2;
  nn::GatModel<float> c(other);
  run(p, c, 5, 0);
  CHECK(all_parameters(a) != all_parameters(c));
}

TEST_CASE("training learns the synthetic citation graph, early stopping restores the kept model", "[train]") {
  Prepared p = synthetic(2708);
  nn::GatModel<float> model(model_options(p.data));
  std::vector<train::EpochRecord> epochs;
  train::TrainOptions o;
  o.max_epochs = 400;
  o.patience = 10;
  o.lr = 0.05;  // overfits fast, so validation stops improving early
  o.on_epoch = [&](const train::EpochRecord& e) { epochs.push_back(e); };
  const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                           p.data.test};
  const auto result = train::train_node_classifier(model, task, o);
  CHECK(result.epochs < 400);  // stopped early
  CHECK(result.epochs == static_cast<std::int64_t>(epochs.size()));
  REQUIRE(result.best_epoch >= 1);
  // The kept model is the one of best_epoch: its validation accuracy is what was recorded then.
  const Matrix logits = train::predict_logits(model, p.graph, p.data.features);
  CHECK(train::accuracy<float>(logits.view(), p.data.labels, p.data.valid) == epochs[result.best_epoch - 1].val_accuracy);
  const double chance = 1.0 / p.data.num_classes;
  CHECK(result.test_accuracy > chance + 0.3);
  CHECK(epochs.back().train_loss < epochs.front().train_loss);
}

TEST_CASE("inconsistent tasks are refused", "[train]") {
  Prepared p = synthetic(300);
  nn::GatModel<float> model(model_options(p.data));
  std::vector<NodeId> none;
  const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, none, p.data.valid, p.data.test};
  REQUIRE_THROWS_WITH(train::train_node_classifier(model, task, {}), Catch::Contains("training split is empty"));
  std::vector<std::int32_t> bad_labels(p.data.labels);
  bad_labels[5] = 99;
  const train::NodeClassificationTask bad{&p.graph, &p.data.features, bad_labels, p.data.train, p.data.valid,
                                          p.data.test};
  REQUIRE_THROWS_WITH(train::train_node_classifier(model, bad, {}), Catch::Contains("node 5 has label 99"));
  std::vector<NodeId> outside(p.data.valid.begin(), p.data.valid.end());
  outside[2] = 300;
  const train::NodeClassificationTask off{&p.graph, &p.data.features, p.data.labels, p.data.train, outside,
                                          p.data.test};
  REQUIRE_THROWS_WITH(train::train_node_classifier(model, off, {}),
                      Catch::Contains("entry 2 of the validation split is node 300, outside the graph's 300 nodes"));
}

TEST_CASE("a split that names a node twice trains on the whole graph with that node counted twice", "[train][field]") {
  Prepared p = synthetic(300);
  std::vector<NodeId> twice(p.data.train.begin(), p.data.train.end());
  twice.push_back(twice.front());
  double loss[2] = {};
  for (bool field : {false, true}) {
    nn::GatModel<float> model(model_options(p.data));
    train::TrainOptions o;
    o.max_epochs = 2;
    o.patience = 0;
    o.receptive_field = field;
    o.on_epoch = [&](const train::EpochRecord& e) { loss[field] = e.train_loss; };
    const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, twice, p.data.valid,
                                             p.data.test};
    CHECK(train::train_node_classifier(model, task, o).step_nodes == 300);
  }
  CHECK(loss[0] == loss[1]);
}

TEST_CASE("a diverging run stops with an error naming the epoch and the learning rate", "[train]") {
  Prepared p = synthetic(300);
  nn::GatModel<float> model(model_options(p.data));
  train::TrainOptions o;
  o.max_epochs = 50;
  o.lr = 1e30;  // the first Adam step moves every weight by ~1e30: logits overflow
  const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                           p.data.test};
  REQUIRE_THROWS_WITH(train::train_node_classifier(model, task, o),
                      Catch::Contains("training diverged") && Catch::Contains("at epoch") &&
                          Catch::Contains("lower the learning rate"));
}

TEST_CASE("models trained side by side in an OpenMP region equal the same models trained one by one",
          "[train][determinism][threads]") {
  // gat's loops run on the calling thread inside a caller's parallel region (no nested teams):
  // each run is then exactly the run it would have been alone.
  Prepared p = synthetic(2708);
  auto train_seed = [&](std::uint64_t seed) {
    auto mo = model_options(p.data);
    mo.seed = seed;
    nn::GatModel<float> model(mo);
    train::TrainOptions o;
    o.max_epochs = 8;
    o.patience = 0;
    o.seed = seed;
    const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                             p.data.test};
    train::train_node_classifier(model, task, o);
    return all_parameters(model);
  };
  set_num_threads(2);
  std::vector<float> alone[2], side_by_side[2];
  for (int r = 0; r < 2; ++r) alone[r] = train_seed(static_cast<std::uint64_t>(r + 5));
#pragma omp parallel for num_threads(2) schedule(static, 1)
  for (int r = 0; r < 2; ++r) side_by_side[r] = train_seed(static_cast<std::uint64_t>(r + 5));
  set_num_threads(1);
  CHECK(alone[0] == side_by_side[0]);
  CHECK(alone[1] == side_by_side[1]);
  CHECK(alone[0] != alone[1]);
}

TEST_CASE("repeated runs side by side give the runs one after the other, reported in run order",
          "[train][determinism][threads]") {
  Prepared p = synthetic(1200);
  const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                           p.data.test};
  train::TrainOptions o;
  o.max_epochs = 40;
  o.patience = 5;
  train::RepeatedRunsResult results[2];
  std::vector<int> order[2];
  set_num_threads(2);
  for (int concurrent : {1, 2}) {
    auto& seen = order[concurrent - 1];
    results[concurrent - 1] = train::train_repeated(model_options(p.data), o, task,
                                                    {.runs = 5, .first_seed = 3, .concurrent = concurrent},
                                                    [&](const train::RunOutcome& r) { seen.push_back(r.run); });
  }
  set_num_threads(1);
  CHECK(order[0] == std::vector<int>{0, 1, 2, 3, 4});
  CHECK(order[1] == order[0]);
  const auto& a = results[0];
  const auto& b = results[1];
  REQUIRE(a.runs.size() == 5);
  REQUIRE(b.runs.size() == 5);
  for (std::size_t r = 0; r < 5; ++r) {
    INFO("run " << r);
    CHECK(a.runs[r].seed == 3 + r);
    CHECK(b.runs[r].seed == 3 + r);
    CHECK(a.runs[r].result.test_accuracy == b.runs[r].result.test_accuracy);
    CHECK(a.runs[r].result.epochs == b.runs[r].result.epochs);
    CHECK(a.runs[r].epochs.size() == static_cast<std::size_t>(a.runs[r].result.epochs));
    CHECK(b.runs[r].epochs.size() == a.runs[r].epochs.size());
  }
  CHECK(a.best_run == b.best_run);
  REQUIRE(a.best_model);
  REQUIRE(b.best_model);
  CHECK(all_parameters(*a.best_model) == all_parameters(*b.best_model));
  CHECK(a.test_accuracy_mean == b.test_accuracy_mean);
  CHECK(a.test_accuracy_std > 0);
  for (const auto& r : a.runs) CHECK(a.runs[a.best_run].result.val_accuracy >= r.result.val_accuracy);
}

TEST_CASE("a failing run stops repeated runs with its error, side by side too", "[train][threads]") {
  Prepared p = synthetic(300);
  std::vector<NodeId> none;
  const train::NodeClassificationTask bad{&p.graph, &p.data.features, p.data.labels, none, p.data.valid,
                                          p.data.test};
  set_num_threads(2);
  for (int concurrent : {1, 2})
    CHECK_THROWS_WITH(train::train_repeated(model_options(p.data), {}, bad, {.runs = 3, .concurrent = concurrent}),
                      Catch::Contains("training split is empty"));
  CHECK_THROWS_WITH(train::train_repeated(model_options(p.data), {}, bad, {.runs = 0}),
                    Catch::Contains("runs must be at least 1"));
  set_num_threads(1);
}

TEST_CASE("model selection by validation loss or accuracy keeps that epoch's model", "[train]") {
  Prepared p = synthetic(1200);
  const train::NodeClassificationTask task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                           p.data.test};
  for (auto selection : {train::ModelSelection::loss, train::ModelSelection::accuracy,
                         train::ModelSelection::accuracy_and_loss}) {
    nn::GatModel<float> model(model_options(p.data));
    std::vector<train::EpochRecord> epochs;
    train::TrainOptions o;
    o.max_epochs = 300;
    o.patience = 8;
    o.lr = 0.05;
    o.selection = selection;
    o.on_epoch = [&](const train::EpochRecord& e) { epochs.push_back(e); };
    const auto result = train::train_node_classifier(model, task, o);
    INFO("selection " << static_cast<int>(selection));
    REQUIRE(result.epochs == static_cast<std::int64_t>(epochs.size()));
    // Replay the rule over the recorded curve: the kept epoch and the stopping epoch must match.
    double best_acc = 0, best_loss = 1e300;
    std::int64_t kept = 0, bad = 0, stop = 0;
    for (const auto& e : epochs) {
      const bool acc_ok = e.val_accuracy >= best_acc, loss_ok = e.val_loss <= best_loss;
      const bool keep = selection == train::ModelSelection::loss       ? loss_ok
                        : selection == train::ModelSelection::accuracy ? acc_ok
                                                                       : acc_ok && loss_ok;
      const bool progress = selection == train::ModelSelection::accuracy_and_loss ? acc_ok || loss_ok : keep;
      if (keep) kept = e.epoch;
      if (progress) {
        best_acc = std::max(best_acc, e.val_accuracy);
        best_loss = std::min(best_loss, e.val_loss);
        bad = 0;
      } else if (++bad >= o.patience) {
        stop = e.epoch;
        break;
      }
    }
    CHECK(result.best_epoch == kept);
    CHECK(result.epochs == stop);
    CHECK(result.val_loss == epochs[kept - 1].val_loss);
    const Matrix logits = train::predict_logits(model, p.graph, p.data.features);
    CHECK(train::accuracy<float>(logits.view(), p.data.labels, p.data.valid) == epochs[kept - 1].val_accuracy);
  }
}
