#include "gat/train/inductive_trainer.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "gat/core/check.hpp"
#include "gat/train/early_stopping.hpp"
#include "gat/train/loss.hpp"

namespace gat::train {

namespace {

using Clock = std::chrono::steady_clock;

void check_task(const nn::GatModel<float>& model, const GraphDataset& d, std::int64_t batch_graphs) {
  GAT_REQUIRE(d.multi_label(), "train_inductive: the data set '", d.name, "' has no multi-label node targets");
  GAT_REQUIRE(d.targets.cols() == model.options().num_classes, "train_inductive: the data set has ",
              d.targets.cols(), " labels but the model outputs ", model.options().num_classes);
  GAT_REQUIRE(d.features.cols() == model.options().in_features, "train_inductive: the data set has ",
              d.features.cols(), " features but the model expects ", model.options().in_features);
  GAT_REQUIRE(!d.train.empty(), "train_inductive: no training graphs");
  GAT_REQUIRE(!d.valid.empty(), "train_inductive: no validation graphs (early stopping needs them)");
  GAT_REQUIRE(batch_graphs >= 1, "train_inductive: batch_graphs must be positive, got ", batch_graphs);
}

// A Fisher-Yates shuffle drawn from the key: the order depends on the seed and epoch only.
std::vector<std::int64_t> shuffled(std::span<const std::int64_t> ids, RandomKey key) {
  std::vector<std::int64_t> out(ids.begin(), ids.end());
  for (std::size_t i = out.size(); i > 1; --i)
    std::swap(out[i - 1], out[static_cast<std::size_t>(uniform_below(key.bits(i), static_cast<std::int64_t>(i)))]);
  return out;
}

template <class F>
void for_each_batch(std::span<const std::int64_t> graphs, std::int64_t batch_graphs, F&& f) {
  for (std::size_t b = 0; b < graphs.size(); b += static_cast<std::size_t>(batch_graphs))
    f(graphs.subspan(b, std::min(graphs.size() - b, static_cast<std::size_t>(batch_graphs))), b);
}

}  // namespace

double train_inductive_epoch(nn::GatModel<float>& model, Optimizer<float>& optimizer, const GraphDataset& d,
                             std::span<const std::int64_t> graphs, std::int64_t batch_graphs, RandomKey key,
                             LabelCounts* counts) {
  model.train();
  Matrix d_logits;
  double loss = 0;
  std::int64_t batches = 0;
  for_each_batch(graphs, batch_graphs, [&](std::span<const std::int64_t> ids, std::size_t b) {
    const DatasetBatch batch(d, ids);
    const nn::ForwardContext ctx{&batch.graph(), key.child(b)};
    const auto logits = model.forward(ctx, nn::LayerInput<float>::of(batch.features())).dense;
    loss += binary_cross_entropy_with_logits<float>(logits, batch.targets(), batch.all_nodes(), &d_logits);
    if (counts) counts->add<float>(logits, batch.targets(), batch.all_nodes());
    optimizer.zero_grad();
    model.backward(ctx, d_logits.view(), false);
    optimizer.step();
    ++batches;
  });
  return loss / static_cast<double>(std::max<std::int64_t>(1, batches));
}

MultiLabelScores evaluate_multi_label(nn::GatModel<float>& model, const GraphDataset& d,
                                      std::span<const std::int64_t> graphs, std::int64_t batch_graphs) {
  model.eval();
  LabelCounts counts;
  double loss = 0;
  std::int64_t nodes = 0;
  for_each_batch(graphs, batch_graphs, [&](std::span<const std::int64_t> ids, std::size_t) {
    const DatasetBatch batch(d, ids);
    const nn::ForwardContext ctx{&batch.graph(), {}};
    const auto logits = model.forward(ctx, nn::LayerInput<float>::of(batch.features())).dense;
    const auto n = static_cast<std::int64_t>(batch.all_nodes().size());
    loss += binary_cross_entropy_with_logits<float>(logits, batch.targets(), batch.all_nodes()) * static_cast<double>(n);
    nodes += n;
    counts.add<float>(logits, batch.targets(), batch.all_nodes());
  });
  return {loss / static_cast<double>(std::max<std::int64_t>(1, nodes)), counts.micro_f1(), counts.macro_f1()};
}

InductiveResult train_inductive(nn::GatModel<float>& model, const GraphDataset& d, const InductiveTrainOptions& o) {
  check_task(model, d, o.batch_graphs);
  TrainOptions selection = o.train;
  selection.selection = ModelSelection::accuracy;
  auto optimizer = make_optimizer(model, selection);
  BestModelKeeper keeper(model, selection);
  InductiveResult out;
  double step_seconds = 0;
  const auto start = Clock::now();
  for (std::int64_t epoch = 1; epoch <= o.train.max_epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    const RandomKey key{o.train.seed, static_cast<std::uint64_t>(epoch)};
    const std::vector<std::int64_t> order = o.shuffle ? shuffled(d.train, key.child(0x5eed)) : d.train;
    EpochRecord rec;
    rec.epoch = epoch;
    LabelCounts counts;
    rec.train_loss = train_inductive_epoch(model, *optimizer, d, order, o.batch_graphs, key, &counts);
    require_finite_loss(rec.train_loss, epoch, o.train.lr);
    rec.train_accuracy = counts.micro_f1();
    step_seconds += std::chrono::duration<double>(Clock::now() - epoch_start).count();
    const MultiLabelScores val = evaluate_multi_label(model, d, d.valid, o.batch_graphs);
    rec.val_loss = val.loss;
    rec.val_accuracy = val.micro_f1;
    rec.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    out.result.epochs = epoch;
    if (o.train.on_epoch) o.train.on_epoch(rec);
    if (keeper.end_epoch(epoch, rec.val_accuracy, rec.val_loss, out.result)) break;
  }
  keeper.restore();
  out.result.train_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.mean_epoch_seconds = step_seconds / static_cast<double>(std::max<std::int64_t>(1, out.result.epochs));
  out.result.step_nodes = d.num_nodes();
  if (!d.test.empty()) {
    out.test = evaluate_multi_label(model, d, d.test, o.batch_graphs);
    out.result.test_accuracy = out.test.micro_f1;
    out.result.test_loss = out.test.loss;
  }
  return out;
}

}  // namespace gat::train
