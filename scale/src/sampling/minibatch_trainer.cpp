#include "gat/sampling/minibatch_trainer.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "gat/core/check.hpp"
#include "gat/core/random.hpp"
#include "gat/train/early_stopping.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"

namespace gat::sampling {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr std::uint64_t kShuffleStream = 0x73687566666c65ULL;  // "shuffle"

std::vector<std::int64_t> all_neighbors(std::int64_t layers) {
  return std::vector<std::int64_t>(static_cast<std::size_t>(layers), kAllNeighbors);
}

// One batch's inputs, kept from batch to batch so that their buffers are reused.
struct Batch {
  Features features;
  std::vector<std::int32_t> labels;
  std::vector<NodeId> rows;

  // The field's features and its targets' labels; rows 0..targets-1 of the logits are scored.
  nn::LayerInput<float> prepare(const MiniBatchTask& task, const ReceptiveField& field) {
    task.features.gather(field.nodes(), features);
    const auto targets = field.nodes().first(static_cast<std::size_t>(field.num_targets()));
    labels.resize(targets.size());
    rows.resize(targets.size());
    for (std::size_t k = 0; k < targets.size(); ++k) {
      labels[k] = task.labels[static_cast<std::size_t>(targets[k])];
      rows[k] = static_cast<NodeId>(k);
    }
    return nn::LayerInput<float>::of(features);
  }
};

nn::ForwardContext context(const ReceptiveField& field, RandomKey key) { return {&field.layer_graph(0), key, &field}; }

}  // namespace

SplitEvaluation evaluate_minibatch(nn::GatModel<float>& model, const MiniBatchTask& task, std::span<const NodeId> nodes,
                                   std::int64_t batch_size, const std::vector<std::int64_t>& fan_outs) {
  GAT_REQUIRE(batch_size >= 1, "mini-batch evaluation: batch size must be positive, got ", batch_size);
  const auto layers = static_cast<std::int64_t>(model.num_attention_layers());
  NeighborSampler sampler(task.graph, {.fan_outs = fan_outs.empty() ? all_neighbors(layers) : fan_outs});
  GAT_REQUIRE(sampler.num_layers() == layers, "mini-batch evaluation: ", sampler.num_layers(),
              " fan-outs for a model of ", layers, " attention layers");
  model.eval();
  Batch batch;
  double loss = 0, correct = 0;
  SplitEvaluation single;
  const auto n = static_cast<std::int64_t>(nodes.size());
  for (std::int64_t first = 0, b = 0; first < n; first += batch_size, ++b) {
    const auto targets = nodes.subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(std::min(batch_size, n - first)));
    const ReceptiveField field = sampler.sample(targets, 0, static_cast<std::uint64_t>(b));
    const nn::LayerInput<float> input = batch.prepare(task, field);
    const auto logits = model.forward(context(field, {}), input).dense;
    const auto count = static_cast<double>(targets.size());
    single = {train::softmax_cross_entropy<float>(logits, batch.labels, batch.rows),
              train::accuracy<float>(logits, batch.labels, batch.rows)};
    loss += count * single.loss;
    correct += count * single.accuracy;
  }
  // One batch: its own mean, not a weighted sum divided back (which may differ in the last bit).
  if (n <= batch_size) return {single.loss, single.accuracy};
  return {loss / static_cast<double>(n), correct / static_cast<double>(n)};
}

SplitEvaluation evaluate_layerwise(nn::GatModel<float>& model, const MiniBatchTask& task, std::span<const NodeId> nodes,
                                   const LayerwiseOptions& options) {
  if (nodes.empty()) return {};
  // The split's rows of the logits, picked from the chunks as they pass in node order.
  std::vector<std::int64_t> by_node(nodes.size());
  std::iota(by_node.begin(), by_node.end(), 0);
  std::sort(by_node.begin(), by_node.end(), [&](std::int64_t a, std::int64_t b) { return nodes[a] < nodes[b]; });
  Matrix logits(static_cast<std::int64_t>(nodes.size()), model.options().num_classes);
  std::size_t next = 0;
  layerwise_forward(model, task.graph, task.features, options, [&](NodeId first, MatrixView<const float> chunk) {
    for (; next < by_node.size() && nodes[by_node[next]] < first + chunk.rows(); ++next) {
      const auto row = chunk.row(nodes[by_node[next]] - first);
      std::copy(row.begin(), row.end(), logits.row_ptr(by_node[next]));
    }
  });
  std::vector<std::int32_t> labels(nodes.size());
  std::vector<NodeId> rows(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    labels[k] = task.labels[static_cast<std::size_t>(nodes[k])];
    rows[k] = static_cast<NodeId>(k);
  }
  return {train::softmax_cross_entropy<float>(logits.view(), labels, rows), train::accuracy<float>(logits.view(), labels, rows)};
}

MiniBatchResult train_minibatch(nn::GatModel<float>& model, const MiniBatchTask& task, const MiniBatchOptions& options) {
  const train::TrainOptions& o = options.train;
  const auto layers = static_cast<std::int64_t>(model.num_attention_layers());
  GAT_REQUIRE(task.features.rows() == task.graph.num_nodes, "mini-batch training: features have ", task.features.rows(),
              " rows but the graph has ", task.graph.num_nodes, " nodes");
  GAT_REQUIRE(task.features.cols() == model.options().in_features, "mini-batch training: features have ",
              task.features.cols(), " columns but the model expects ", model.options().in_features);
  train::validate_labels_and_splits(task.graph.num_nodes, model.options().num_classes, task.labels, task.train,
                                    task.valid, task.test);
  GAT_REQUIRE(options.batch_size >= 1, "mini-batch training: batch size must be positive, got ", options.batch_size);
  GAT_REQUIRE(static_cast<std::int64_t>(options.fan_outs.size()) == layers, "mini-batch training: ",
              options.fan_outs.size(), " fan-outs for a model of ", layers, " attention layers (give one per layer)");
  GAT_REQUIRE(options.eval_fan_outs.empty() || static_cast<std::int64_t>(options.eval_fan_outs.size()) == layers,
              "mini-batch training: ", options.eval_fan_outs.size(), " evaluation fan-outs for a model of ", layers,
              " attention layers");
  const std::int64_t eval_batch = options.eval_batch_size > 0 ? options.eval_batch_size : options.batch_size;
  const auto evaluate = [&](std::span<const NodeId> nodes) {
    return options.layerwise_evaluation ? evaluate_layerwise(model, task, nodes, *options.layerwise_evaluation)
                                        : evaluate_minibatch(model, task, nodes, eval_batch, options.eval_fan_outs);
  };

  auto optimizer = train::make_optimizer(model, o);
  NeighborSampler sampler(task.graph, {.fan_outs = options.fan_outs, .replace = options.replace, .seed = o.seed});
  MiniBatchResult out;
  train::TrainResult& result = out.result;
  MiniBatchTimes& times = out.times;
  train::BestModelKeeper keeper(model, o);
  Batch batch;
  Matrix d_logits;
  std::vector<NodeId> order(task.train.begin(), task.train.end());
  const auto n_train = static_cast<std::int64_t>(order.size());
  const std::int64_t batches = (n_train + options.batch_size - 1) / options.batch_size;
  const auto start = Clock::now();

  for (std::int64_t epoch = 1; epoch <= o.max_epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    train::EpochRecord rec;
    rec.epoch = epoch;
    if (options.shuffle) {
      // Fisher-Yates from the original order with counter-based draws: epoch e's order is a
      // function of (seed, e) alone.
      std::copy(task.train.begin(), task.train.end(), order.begin());
      const RandomKey key = RandomKey{o.seed, kShuffleStream}.child(static_cast<std::uint64_t>(epoch));
      for (std::int64_t i = n_train - 1; i > 0; --i) {
        const auto j = static_cast<std::int64_t>(
            (static_cast<unsigned __int128>(key.bits(static_cast<std::uint64_t>(i))) * static_cast<std::uint64_t>(i + 1)) >> 64);
        std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(j)]);
      }
    }
    double loss_sum = 0, correct_sum = 0, last_loss = 0, last_accuracy = 0;
    for (std::int64_t b = 0; b < batches; ++b) {
      const std::int64_t first = b * options.batch_size, count = std::min(options.batch_size, n_train - first);
      const std::span<const NodeId> targets(order.data() + first, static_cast<std::size_t>(count));
      auto t = Clock::now();
      const ReceptiveField field = sampler.sample(targets, static_cast<std::uint64_t>(epoch), static_cast<std::uint64_t>(b));
      times.sampling += since(t);
      times.sampled_edges += sampler.sampled_edges();
      t = Clock::now();
      const nn::LayerInput<float> input = batch.prepare(task, field);
      times.gather += since(t);
      t = Clock::now();
      model.train();
      const RandomKey step_key{o.seed, static_cast<std::uint64_t>(epoch)};
      const nn::ForwardContext ctx = context(field, b == 0 ? step_key : step_key.child(static_cast<std::uint64_t>(b)));
      const auto logits = model.forward(ctx, input).dense;
      const double loss = train::softmax_cross_entropy(logits, batch.labels, batch.rows, &d_logits);
      train::require_finite_loss(loss, epoch, o.lr);
      last_loss = loss;
      last_accuracy = train::accuracy(logits, batch.labels, batch.rows);
      loss_sum += loss * static_cast<double>(count);
      correct_sum += last_accuracy * static_cast<double>(count);
      optimizer->zero_grad();
      model.backward(ctx, d_logits.view(), false);
      optimizer->step();
      times.compute += since(t);
      ++times.batches;
      result.step_nodes = std::max(result.step_nodes, field.rows(0));
      if (options.on_batch) options.on_batch(epoch, b, batches);
    }
    // One batch: its own mean (a weighted sum divided back may differ in the last bit).
    rec.train_loss = batches == 1 ? last_loss : loss_sum / static_cast<double>(n_train);
    rec.train_accuracy = batches == 1 ? last_accuracy : correct_sum / static_cast<double>(n_train);
    const auto t = Clock::now();
    const SplitEvaluation val = evaluate(task.valid);
    times.evaluation += since(t);
    rec.val_loss = val.loss;
    rec.val_accuracy = val.accuracy;
    rec.seconds = since(epoch_start);
    result.epochs = epoch;
    if (o.on_epoch) o.on_epoch(rec);
    if (keeper.end_epoch(epoch, rec.val_accuracy, rec.val_loss, result)) break;
  }
  keeper.restore();
  result.train_seconds = since(start);
  if (!task.test.empty()) {
    const SplitEvaluation test = evaluate(task.test);
    result.test_accuracy = test.accuracy;
    result.test_loss = test.loss;
  }
  return out;
}

}  // namespace gat::sampling
