// Mini-batch training: one batch of every training node with fan-outs -1 is the full-batch
// trainer's run bit for bit; sampled batches learn, give the same bits on 1 and 2 threads, and
// train the same from a mapped store as from memory.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <unistd.h>

#include "gat/core/parallel.hpp"
#include "gat/io/dataset.hpp"
#include "gat/sampling/minibatch_trainer.hpp"
#include "gat/store/graph_store.hpp"
#include "gat/train/trainer.hpp"

#include "support/model_support.hpp"

using namespace gat;
using namespace gat::sampling;

namespace {

struct Prepared {
  io::Dataset data;
  Graph graph;
};

Prepared synthetic(std::int64_t nodes, std::uint64_t seed = 3) {
  Prepared p{io::make_synthetic_citation({.nodes = nodes, .seed = seed}), {}};
  p.graph = Graph::from_edges(p.data.edges);
  return p;
}

using gat_test::all_parameters;
using gat_test::model_options;

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

MiniBatchTask task_of(const Prepared& p, const FeatureSource& features) {
  return {CsrView::of(p.graph), features, p.data.labels, p.data.train, p.data.valid, p.data.test};
}

}  // namespace

TEST_CASE("mini-batch: one batch of all training nodes with fan-outs -1 is the full-batch run", "[sampling][train]") {
  Prepared p = synthetic(2708);
  p.data.features.normalize_rows();
  train::TrainOptions o;
  o.max_epochs = 40;
  o.patience = 8;
  o.seed = 5;
  std::vector<train::EpochRecord> full_epochs, mini_epochs;

  nn::GatModel<float> full_model(model_options(p.data));
  train::TrainOptions full_options = o;
  full_options.on_epoch = [&](const train::EpochRecord& e) { full_epochs.push_back(e); };
  const train::NodeClassificationTask full_task{&p.graph, &p.data.features, p.data.labels, p.data.train, p.data.valid,
                                                p.data.test};
  const train::TrainResult full = train::train_node_classifier(full_model, full_task, full_options);
  REQUIRE(full.step_nodes < p.graph.num_nodes());  // the full-batch step ran on the field too

  nn::GatModel<float> mini_model(model_options(p.data));
  MiniBatchOptions mo;
  mo.train = o;
  mo.train.on_epoch = [&](const train::EpochRecord& e) { mini_epochs.push_back(e); };
  mo.batch_size = 100000;
  mo.fan_outs = {-1, -1};
  mo.shuffle = false;
  const FeatureSource features(p.data.features);
  const MiniBatchResult mini = train_minibatch(mini_model, task_of(p, features), mo);

  REQUIRE(mini_epochs.size() == full_epochs.size());
  for (std::size_t e = 0; e < full_epochs.size(); ++e) {
    INFO("epoch " << e + 1);
    CHECK(mini_epochs[e].train_loss == full_epochs[e].train_loss);
    CHECK(mini_epochs[e].train_accuracy == full_epochs[e].train_accuracy);
    CHECK(mini_epochs[e].val_loss == full_epochs[e].val_loss);
    CHECK(mini_epochs[e].val_accuracy == full_epochs[e].val_accuracy);
  }
  CHECK(mini.result.epochs == full.epochs);
  CHECK(mini.result.best_epoch == full.best_epoch);
  CHECK(same_bits(all_parameters(mini_model), all_parameters(full_model)));
  // The test split: batched exact fields against one whole-graph pass, equal up to rounding.
  CHECK(mini.result.test_accuracy == full.test_accuracy);
  CHECK(mini.result.test_loss == Approx(full.test_loss).epsilon(1e-5));
  CHECK(mini.times.batches == static_cast<std::int64_t>(full_epochs.size()));
}

TEST_CASE("mini-batch: sampled batches learn and give the same bits on 1 and 2 threads", "[sampling][train]") {
  Prepared p = synthetic(3000, 4);
  p.data.features.normalize_rows();
  // More training nodes than the paper's split, so that an epoch has several batches.
  p.data.train.clear();
  for (NodeId v = 0; v < 3000; v += 3)
    if (!std::binary_search(p.data.valid.begin(), p.data.valid.end(), v) &&
        !std::binary_search(p.data.test.begin(), p.data.test.end(), v))
      p.data.train.push_back(v);
  MiniBatchOptions mo;
  mo.train.max_epochs = 10;
  mo.train.patience = 0;
  mo.train.seed = 2;
  mo.train.lr = 0.01;
  mo.batch_size = 128;
  mo.fan_outs = {5, 3};
  const FeatureSource features(p.data.features);
  std::vector<float> params[2];
  MiniBatchResult results[2];
  std::vector<double> losses;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    nn::GatModel<float> model(model_options(p.data));
    if (threads == 1) mo.train.on_epoch = [&](const train::EpochRecord& e) { losses.push_back(e.train_loss); };
    results[threads - 1] = train_minibatch(model, task_of(p, features), mo);
    mo.train.on_epoch = nullptr;
    params[threads - 1] = all_parameters(model);
  }
  set_num_threads(1);
  CHECK(same_bits(params[0], params[1]));
  CHECK(results[0].result.test_accuracy == results[1].result.test_accuracy);
  const std::int64_t batches = (static_cast<std::int64_t>(p.data.train.size()) + 127) / 128;
  CHECK(results[0].times.batches == 10 * batches);
  REQUIRE(losses.size() == 10);
  CHECK(losses.back() < 0.9 * losses.front());
  CHECK(results[0].result.test_accuracy > 0.5);  // 7 classes: chance is 0.14
  CHECK(results[0].result.step_nodes < 3000);
}

TEST_CASE("mini-batch: a mapped store trains exactly as the dataset in memory", "[sampling][train][store]") {
  const auto dir = std::filesystem::temp_directory_path() / ("gat_minibatch_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Prepared p = synthetic(1500, 6);
  store::write_store(p.data, dir / "s.gstore");
  const store::GraphStore s = store::GraphStore::open(dir / "s.gstore");
  p.data.features.normalize_rows();
  MiniBatchOptions mo;
  mo.train.max_epochs = 5;
  mo.train.patience = 0;
  mo.batch_size = 32;
  mo.fan_outs = {4, 4};
  mo.eval_fan_outs = {6, 6};
  std::vector<float> params[2];
  {
    nn::GatModel<float> model(model_options(p.data));
    const FeatureSource features(p.data.features);
    train_minibatch(model, task_of(p, features), mo);
    params[0] = all_parameters(model);
  }
  {
    nn::GatModel<float> model(model_options(p.data));
    const FeatureSource features(s, /*normalize_rows=*/true);
    const MiniBatchTask task{CsrView::of(s), features, s.labels(), s.train(), s.valid(), s.test()};
    train_minibatch(model, task, mo);
    params[1] = all_parameters(model);
  }
  CHECK(same_bits(params[0], params[1]));
  std::filesystem::remove_all(dir);
}

TEST_CASE("mini-batch: inconsistent options are refused", "[sampling][train]") {
  Prepared p = synthetic(300);
  nn::GatModel<float> model(model_options(p.data));
  const FeatureSource features(p.data.features);
  MiniBatchOptions mo;
  mo.fan_outs = {10};
  CHECK_THROWS_WITH(train_minibatch(model, task_of(p, features), mo), Catch::Contains("1 fan-outs for a model of 2"));
  mo.fan_outs = {10, 10};
  mo.batch_size = 0;
  CHECK_THROWS_WITH(train_minibatch(model, task_of(p, features), mo), Catch::Contains("batch size must be positive"));
}

