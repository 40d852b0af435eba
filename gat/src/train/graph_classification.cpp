#include "gat/train/graph_classification.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "gat/core/check.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/optimizer.hpp"

namespace gat::train {

namespace {

using Clock = std::chrono::steady_clock;

void shuffle(std::vector<std::int64_t>& ids, RandomKey key) {
  for (std::size_t i = ids.size(); i > 1; --i)
    std::swap(ids[i - 1], ids[static_cast<std::size_t>(uniform_below(key.bits(i), static_cast<std::int64_t>(i)))]);
}

std::unique_ptr<Optimizer<float>> optimizer_for(Module<float>& model, const CrossValidationOptions& o) {
  switch (o.optimizer) {
    case OptimizerKind::adamw: return make_adamw<float>(model, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay});
    case OptimizerKind::sgd:
      return std::make_unique<Sgd<float>>(model, SgdOptions{.lr = o.lr, .weight_decay = o.weight_decay});
    case OptimizerKind::adam: break;
  }
  return std::make_unique<Adam<float>>(model, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay});
}

}  // namespace

std::vector<std::vector<std::int64_t>> stratified_folds(std::span<const std::int32_t> labels, std::int64_t k,
                                                        std::uint64_t seed) {
  GAT_REQUIRE(k >= 2, "stratified_folds: at least 2 folds, got ", k);
  GAT_REQUIRE(static_cast<std::int64_t>(labels.size()) >= k, "stratified_folds: ", labels.size(),
              " graphs cannot fill ", k, " folds");
  std::vector<std::vector<std::int64_t>> folds(static_cast<std::size_t>(k));
  const std::int32_t classes = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  std::int64_t next = 0;  // the fold the next graph goes to, carried across classes
  for (std::int32_t c = 0; c < classes; ++c) {
    std::vector<std::int64_t> members;
    for (std::size_t g = 0; g < labels.size(); ++g)
      if (labels[g] == c) members.push_back(static_cast<std::int64_t>(g));
    shuffle(members, RandomKey{seed, 0x666f6c64}.child(static_cast<std::uint64_t>(c)));
    for (std::int64_t g : members) folds[static_cast<std::size_t>(next++ % k)].push_back(g);
  }
  for (auto& fold : folds) std::sort(fold.begin(), fold.end());
  return folds;
}

double train_graph_classifier(nn::GraphClassifier<float>& model, const GraphDataset& d,
                              std::span<const std::int64_t> graphs, const CrossValidationOptions& o) {
  auto optimizer = optimizer_for(model, o);
  std::vector<std::int64_t> order(graphs.begin(), graphs.end());
  Matrix d_logits;
  double loss = 0;
  for (std::int64_t epoch = 1; epoch <= o.epochs; ++epoch) {
    const RandomKey key{o.seed, static_cast<std::uint64_t>(epoch)};
    shuffle(order, key.child(0x5eed));
    model.train();
    loss = 0;
    std::int64_t batches = 0;
    for (std::size_t b = 0; b < order.size(); b += static_cast<std::size_t>(o.batch_graphs)) {
      const std::span<const std::int64_t> ids(order.data() + b,
                                              std::min(order.size() - b, static_cast<std::size_t>(o.batch_graphs)));
      const DatasetBatch batch(d, ids);
      const nn::ForwardContext ctx{&batch.graph(), key.child(b)};
      const auto logits = model.forward(ctx, nn::LayerInput<float>::of(batch.features()), batch.batch().node_offsets);
      std::vector<NodeId> rows(ids.size());
      std::iota(rows.begin(), rows.end(), 0);
      loss += softmax_cross_entropy<float>(logits, batch.graph_labels(), rows, &d_logits);
      optimizer->zero_grad();
      model.backward(ctx, d_logits.view());
      optimizer->step();
      ++batches;
    }
    loss /= static_cast<double>(std::max<std::int64_t>(1, batches));
    require_finite_loss(loss, epoch, o.lr);
  }
  return loss;
}

Matrix predict_graph_logits(nn::GraphClassifier<float>& model, const GraphDataset& d,
                            std::span<const std::int64_t> graphs) {
  model.eval();
  Matrix out(static_cast<std::int64_t>(graphs.size()), model.options().num_classes);
  if (graphs.empty()) return out;
  const DatasetBatch batch(d, graphs);
  const nn::ForwardContext ctx{&batch.graph(), {}};
  out.assign(model.forward(ctx, nn::LayerInput<float>::of(batch.features()), batch.batch().node_offsets));
  return out;
}

CrossValidationResult cross_validate(const nn::GraphClassifierOptions& model_options, const GraphDataset& d,
                                     const CrossValidationOptions& o,
                                     const std::function<void(const FoldResult&)>& on_fold) {
  GAT_REQUIRE(!d.graph_labels.empty(), "cross_validate: the data set '", d.name, "' has no graph labels");
  GAT_REQUIRE(model_options.num_classes == d.num_classes, "cross_validate: the model has ", model_options.num_classes,
              " classes but the data set ", d.num_classes);
  GAT_REQUIRE(model_options.gnn.in_features == d.features.cols(), "cross_validate: the model expects ",
              model_options.gnn.in_features, " features but the data set has ", d.features.cols());
  GAT_REQUIRE(o.batch_graphs >= 1 && o.epochs >= 1, "cross_validate: batch_graphs and epochs must be positive");
  const auto folds = stratified_folds(d.graph_labels, o.folds, o.seed);
  CrossValidationResult out;
  for (std::int64_t k = 0; k < o.folds; ++k) {
    const auto start = Clock::now();
    FoldResult fold;
    fold.fold = k;
    fold.test_graphs = folds[static_cast<std::size_t>(k)];
    std::vector<std::int64_t> train;
    for (std::int64_t j = 0; j < o.folds; ++j)
      if (j != k) train.insert(train.end(), folds[j].begin(), folds[j].end());
    std::sort(train.begin(), train.end());
    nn::GraphClassifierOptions mo = model_options;
    mo.seed = model_options.seed + static_cast<std::uint64_t>(k);
    mo.gnn.seed = model_options.gnn.seed + static_cast<std::uint64_t>(k);
    auto model = std::make_unique<nn::GraphClassifier<float>>(mo);
    fold.train_loss = train_graph_classifier(*model, d, train, o);
    const Matrix logits = predict_graph_logits(*model, d, fold.test_graphs);
    std::vector<std::int32_t> labels;
    std::vector<NodeId> rows;
    for (std::size_t i = 0; i < fold.test_graphs.size(); ++i) {
      labels.push_back(d.graph_labels[static_cast<std::size_t>(fold.test_graphs[i])]);
      rows.push_back(static_cast<NodeId>(i));
    }
    fold.test_accuracy = accuracy<float>(logits.view(), labels, rows);
    fold.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (on_fold) on_fold(fold);
    out.folds.push_back(std::move(fold));
    out.last_model = std::move(model);
  }
  double sum = 0, sq = 0;
  for (const FoldResult& f : out.folds) sum += f.test_accuracy;
  out.accuracy_mean = sum / static_cast<double>(out.folds.size());
  for (const FoldResult& f : out.folds) sq += (f.test_accuracy - out.accuracy_mean) * (f.test_accuracy - out.accuracy_mean);
  out.accuracy_std = std::sqrt(sq / static_cast<double>(out.folds.size()));
  return out;
}

}  // namespace gat::train
