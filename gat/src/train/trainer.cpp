#include "gat/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>

#include "gat/core/phase_profile.hpp"
#include "nn/distinct_nodes.hpp"
#include "gat/train/early_stopping.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/optimizer.hpp"

namespace gat::train {

namespace {

using Clock = std::chrono::steady_clock;

void validate(const nn::GatModel<float>& model, const NodeClassificationTask& task) {
  GAT_REQUIRE(task.graph && task.features, "training: the task needs a graph and features");
  const std::int64_t n = task.graph->num_nodes();
  GAT_REQUIRE(task.features->rows() == n, "training: features have ", task.features->rows(), " rows but the graph has ",
              n, " nodes");
  validate_labels_and_splits(n, model.options().num_classes, task.labels, task.train, task.valid, task.test);
}

}  // namespace

void validate_labels_and_splits(std::int64_t n, std::int64_t classes, std::span<const std::int32_t> labels,
                                std::span<const NodeId> train, std::span<const NodeId> valid,
                                std::span<const NodeId> test) {
  GAT_REQUIRE(static_cast<std::int64_t>(labels.size()) == n, "training: ", labels.size(), " labels for ", n, " nodes");
  GAT_REQUIRE(!train.empty(), "training: the training split is empty");
  GAT_REQUIRE(!valid.empty(), "training: the validation split is empty (early stopping needs it)");
  const std::pair<const char*, std::span<const NodeId>> splits[] = {{"training", train}, {"validation", valid}, {"test", test}};
  for (const auto& [name, split] : splits)
    for (std::size_t k = 0; k < split.size(); ++k)
      GAT_REQUIRE(split[k] >= 0 && split[k] < n, "training: entry ", k, " of the ", name, " split is node ", split[k],
                  ", outside the graph's ", n, " nodes");
  for (std::int64_t i = 0; i < n; ++i)
    GAT_REQUIRE(labels[i] >= 0 && labels[i] < classes, "training: node ", i, " has label ", labels[i],
                " but the model has ", classes, " classes");
}

std::unique_ptr<Optimizer<float>> make_optimizer(nn::GatModel<float>& model, const TrainOptions& o) {
  switch (o.optimizer) {
    case OptimizerKind::adam:
      return std::make_unique<Adam<float>>(model, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay});
    case OptimizerKind::adamw:
      return make_adamw<float>(model, AdamOptions{.lr = o.lr, .weight_decay = o.weight_decay});
    case OptimizerKind::sgd:
      return std::make_unique<Sgd<float>>(model, SgdOptions{.lr = o.lr, .momentum = o.momentum,
                                                            .weight_decay = o.weight_decay});
  }
  return nullptr;
}

void require_finite_loss(double loss, std::int64_t epoch, double lr) {
  // A non-finite loss makes every later step NaN: stop with the cause instead of training on.
  GAT_REQUIRE(std::isfinite(loss), "training diverged: the training loss is ", loss, " at epoch ", epoch,
              "; lower the learning rate (lr = ", lr, ") or check the features for huge or non-finite values");
}

namespace {

// Past this share of the whole graph's edge visits a field saves little, and its features
// would be a copy of most of the graph's.
constexpr double kMaxFieldEdgeShare = 0.75;

double edge_share(const ReceptiveField& field, const Graph& g) {
  double edges = 0;
  for (std::int64_t l = 0; l < field.num_layers(); ++l) edges += static_cast<double>(field.layer_graph(l).num_edges());
  return edges / (static_cast<double>(field.num_layers()) * static_cast<double>(std::max<std::int64_t>(1, g.num_edges())));
}

// The nodes one pass computes on: the whole graph, or the receptive field of its split, with the
// field's features and the labels of its targets in the field's order.
class SplitPass {
 public:
  SplitPass(const NodeClassificationTask& task, std::span<const NodeId> split, std::int64_t layers, bool use_field)
      : graph_(task.graph), input_(nn::LayerInput<float>::of(*task.features)), labels_(task.labels), rows_(split) {
    // A node listed twice counts twice in the loss; a field has one row per node.
    if (!use_field || nn::detail::first_occurrences(split, task.graph->num_nodes(), nullptr).size() < split.size()) return;
    ReceptiveField field(*task.graph, split, layers);
    if (edge_share(field, *task.graph) > kMaxFieldEdgeShare) return;
    field_ = std::move(field);
    features_ = task.features->rows_of(field_.nodes());
    input_ = nn::LayerInput<float>::of(features_);
    local_labels_.resize(split.size());
    local_rows_.resize(split.size());
    for (std::size_t k = 0; k < split.size(); ++k) {
      local_labels_[k] = task.labels[static_cast<std::size_t>(split[k])];
      local_rows_[k] = static_cast<NodeId>(k);
    }
    labels_ = local_labels_;
    rows_ = local_rows_;
  }
  SplitPass(const SplitPass&) = delete;
  SplitPass& operator=(const SplitPass&) = delete;

  nn::ForwardContext context(RandomKey key) const {
    return {graph_, key, field_.num_layers() > 0 ? &field_ : nullptr};
  }
  const nn::LayerInput<float>& input() const { return input_; }
  std::int64_t nodes() const { return field_.num_layers() > 0 ? field_.rows(0) : graph_->num_nodes(); }
  // Labels and rows of the split's nodes in the logits this pass gives.
  std::span<const std::int32_t> labels() const { return labels_; }
  std::span<const NodeId> rows() const { return rows_; }

 private:
  const Graph* graph_;
  ReceptiveField field_;
  Features features_;
  nn::LayerInput<float> input_;
  std::vector<std::int32_t> local_labels_;
  std::vector<NodeId> local_rows_;
  std::span<const std::int32_t> labels_;
  std::span<const NodeId> rows_;
};

}  // namespace

TrainResult train_node_classifier(nn::GatModel<float>& model, const NodeClassificationTask& task,
                                  const TrainOptions& options) {
  validate(model, task);
  auto optimizer = make_optimizer(model, options);
  const auto layers = static_cast<std::int64_t>(model.num_attention_layers());
  const SplitPass step(task, task.train, layers, options.receptive_field);
  const SplitPass evaluation(task, task.valid, layers, options.receptive_field);
  Matrix d_logits;

  TrainResult result;
  BestModelKeeper keeper(model, options);
  const auto start = Clock::now();

  for (std::int64_t epoch = 1; epoch <= options.max_epochs; ++epoch) {
    // What no phase below claims (the loop's own bookkeeping, early stopping, the callback).
    const profile::Scope timed_epoch(profile::Phase::bookkeeping);
    const auto epoch_start = Clock::now();
    EpochRecord rec;
    rec.epoch = epoch;

    model.train();
    const nn::ForwardContext ctx = step.context(RandomKey{options.seed, static_cast<std::uint64_t>(epoch)});
    const auto logits = model.forward(ctx, step.input()).dense;
    {
      const profile::Scope timed(profile::Phase::loss);
      rec.train_loss = softmax_cross_entropy(logits, step.labels(), step.rows(), &d_logits);
      require_finite_loss(rec.train_loss, epoch, options.lr);
      rec.train_accuracy = accuracy(logits, step.labels(), step.rows());
    }
    {
      const profile::Scope timed(profile::Phase::optimizer);
      optimizer->zero_grad();
    }
    model.backward(ctx, d_logits.view(), false);
    {
      const profile::Scope timed(profile::Phase::optimizer);
      optimizer->step();
    }
    {
      const profile::Scope timed(profile::Phase::validation, true);
      model.eval();
      const nn::ForwardContext eval_ctx = evaluation.context({});
      const auto eval_logits = model.forward(eval_ctx, evaluation.input()).dense;
      rec.val_loss = softmax_cross_entropy<float>(eval_logits, evaluation.labels(), evaluation.rows());
      rec.val_accuracy = accuracy(eval_logits, evaluation.labels(), evaluation.rows());
    }
    rec.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    result.epochs = epoch;
    if (options.on_epoch) options.on_epoch(rec);

    if (keeper.end_epoch(epoch, rec.val_accuracy, rec.val_loss, result)) break;
  }
  keeper.restore();
  result.train_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.step_nodes = step.nodes();

  const Matrix logits = predict_logits(model, *task.graph, *task.features);
  if (!task.test.empty()) {
    result.test_accuracy = accuracy<float>(logits.view(), task.labels, task.test);
    result.test_loss = softmax_cross_entropy<float>(logits.view(), task.labels, task.test);
  }
  return result;
}

}  // namespace gat::train
