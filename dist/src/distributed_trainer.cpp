#include "gat/dist/distributed_trainer.hpp"

#include <chrono>
#include <cmath>

#include "gat/core/check.hpp"
#include "gat/train/early_stopping.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"

namespace gat::dist {

namespace {

using Clock = std::chrono::steady_clock;

// This rank's summed loss and correct count over its rows of a split, and (when asked) the
// gradient of the global mean loss at its logits.
struct LocalSums {
  double loss = 0, correct = 0, nodes = 0;
};

LocalSums local_sums(MatrixView<const float> logits, std::span<const std::int32_t> labels,
                     std::span<const std::int32_t> rows, Matrix* d_logits) {
  LocalSums s;
  s.nodes = static_cast<double>(rows.size());
  if (rows.empty()) {
    if (d_logits) d_logits->resize(logits.rows(), logits.cols());
    return s;
  }
  s.loss = train::softmax_cross_entropy<float>(logits, labels, rows, d_logits) * s.nodes;
  s.correct = std::round(train::accuracy<float>(logits, labels, rows) * s.nodes);
  return s;
}

LocalSums global_sums(Communicator& comm, const LocalSums& local) {
  double sums[3] = {local.loss, local.correct, local.nodes};
  comm.sum_in_rank_order(std::span<double>(sums));
  return {sums[0], sums[1], sums[2]};
}

// The gradients of all parameters, summed over ranks in rank order.
void sum_gradients(nn::GatModel<float>& model, Communicator& comm, std::vector<float>& flat) {
  const auto params = model.named_parameters();
  flat.clear();
  for (const auto& p : params) flat.insert(flat.end(), p.parameter->grad.flat().begin(), p.parameter->grad.flat().end());
  comm.sum_in_rank_order(std::span<float>(flat));
  std::size_t at = 0;
  for (const auto& p : params) {
    auto g = p.parameter->grad.flat();
    std::copy_n(flat.begin() + static_cast<std::ptrdiff_t>(at), g.size(), g.begin());
    at += g.size();
  }
}

}  // namespace

SplitMetrics evaluate_split(DistributedGat& net, const GraphPart& part, Communicator& comm,
                            std::span<const std::int32_t> rows) {
  const MatrixView<const float> logits = net.forward(false, {});
  const LocalSums s = global_sums(comm, local_sums(logits, part.labels, rows, nullptr));
  if (s.nodes == 0) return {};
  return {s.loss / s.nodes, s.correct / s.nodes, static_cast<std::int64_t>(s.nodes)};
}

DistributedTrainResult train_distributed(nn::GatModel<float>& model, const GraphPart& part, Communicator& comm,
                                         const train::TrainOptions& options) {
  DistributedGat net(model, part, comm);
  const std::int64_t train_nodes = comm.sum(static_cast<std::int64_t>(part.train.size()));
  const std::int64_t valid_nodes = comm.sum(static_cast<std::int64_t>(part.valid.size()));
  GAT_REQUIRE(train_nodes > 0, "training: the training split is empty");
  GAT_REQUIRE(valid_nodes > 0, "training: the validation split is empty (early stopping needs it)");
  auto optimizer = train::make_optimizer(model, options);
  train::TrainResult result;
  train::BestModelKeeper keeper(model, options);
  Matrix d_logits;
  std::vector<float> flat;
  DistributedTrainResult out;
  const auto start = Clock::now();
  for (std::int64_t epoch = 1; epoch <= options.max_epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    train::EpochRecord rec;
    rec.epoch = epoch;
    model.train();
    const MatrixView<const float> logits = net.forward(true, RandomKey{options.seed, static_cast<std::uint64_t>(epoch)});
    const LocalSums local = local_sums(logits, part.labels, part.train, &d_logits);
    // The loss is the mean over all ranks' training nodes: this rank's mean times its share.
    const float share = static_cast<float>(local.nodes / static_cast<double>(train_nodes));
    for (float& v : d_logits.flat()) v *= share;
    const LocalSums sums = global_sums(comm, local);
    rec.train_loss = sums.loss / sums.nodes;
    rec.train_accuracy = sums.correct / sums.nodes;
    train::require_finite_loss(rec.train_loss, epoch, options.lr);
    optimizer->zero_grad();
    net.backward(d_logits.view());
    if (epoch == 1) out.step_bytes = net.exchange().bytes_sent();
    sum_gradients(model, comm, flat);
    optimizer->step();
    model.eval();
    const SplitMetrics val = evaluate_split(net, part, comm, part.valid);
    if (epoch == 1) out.eval_bytes = net.exchange().bytes_sent() - out.step_bytes;
    rec.val_loss = val.loss;
    rec.val_accuracy = val.accuracy;
    rec.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    result.epochs = epoch;
    if (options.on_epoch) options.on_epoch(rec);
    if (keeper.end_epoch(epoch, rec.val_accuracy, rec.val_loss, result)) break;
  }
  keeper.restore();
  result.train_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.step_nodes = comm.sum(part.num_owned());
  if (comm.sum(static_cast<std::int64_t>(part.test.size())) > 0) {
    const SplitMetrics test = evaluate_split(net, part, comm, part.test);
    result.test_accuracy = test.accuracy;
    result.test_loss = test.loss;
  }
  out.result = result;
  return out;
}

}  // namespace gat::dist
