#pragma once
// Mini-batch training of a node classifier on sampled neighbourhoods (GraphSAGE's recipe, as
// PyG's NeighborLoader and DGL's NeighborSampler run it): every epoch the training nodes, in a
// shuffled order, are cut into batches; each batch trains one step on its sampled field
// (NeighborSampler), with only that field's features gathered. Validation and test run on
// batches too, with every neighbour (exact: the same outputs as a whole-graph pass, up to
// rounding) or with sampled fan-outs. Early stopping, model selection, the optimizer and the
// epoch records are those of the full-batch trainer (gat/train/trainer.hpp).
//
// Batch b of epoch e samples with (seed, e, b) and draws dropout from RandomKey{seed, e} for
// b = 0 and its child(b) after: one batch holding every training node in order, with fan-outs
// -1 and no shuffling, is the full-batch trainer's step on the training nodes' receptive field,
// bit for bit.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include <optional>

#include "gat/nn/gat_model.hpp"
#include "gat/sampling/feature_source.hpp"
#include "gat/sampling/layerwise_inference.hpp"
#include "gat/sampling/neighbor_sampler.hpp"
#include "gat/train/trainer.hpp"

namespace gat::sampling {

struct MiniBatchTask {
  CsrView graph;
  FeatureSource features;
  std::span<const std::int32_t> labels;
  std::span<const NodeId> train, valid, test;
};

struct MiniBatchOptions {
  train::TrainOptions train;  // epochs, patience, selection, optimizer, seed, on_epoch (receptive_field unused)
  std::int64_t batch_size = 1024;
  std::vector<std::int64_t> fan_outs{10, 10};  // hop 1 (the output layer) first; -1: all
  bool replace = false;
  bool shuffle = true;
  // Fan-outs of validation and test batches; empty: every neighbour (exact).
  std::vector<std::int64_t> eval_fan_outs;
  std::int64_t eval_batch_size = 0;  // 0: batch_size
  // Set: validation and test exact by layer-wise inference over every node (one pass scores the
  // whole split; cheaper than receptive fields when the split holds a good part of the graph).
  // Takes precedence over eval_fan_outs.
  std::optional<LayerwiseOptions> layerwise_evaluation;
  // After each training batch: (epoch, batch, batches in the epoch), for progress lines.
  std::function<void(std::int64_t, std::int64_t, std::int64_t)> on_batch;
};

// Where an epoch's time went (seconds, summed over the run).
struct MiniBatchTimes {
  double sampling = 0, gather = 0, compute = 0, evaluation = 0;
  std::int64_t sampled_edges = 0, batches = 0;
};

struct MiniBatchResult {
  train::TrainResult result;
  MiniBatchTimes times;
};

// Throws InvalidArgument when the task is inconsistent or the fan-outs do not give one per layer.
MiniBatchResult train_minibatch(nn::GatModel<float>& model, const MiniBatchTask& task, const MiniBatchOptions& options);

struct SplitEvaluation {
  double loss = 0, accuracy = 0;
};
// Evaluation-mode loss and accuracy over `nodes`, in batches of `batch_size` on fields sampled
// with `fan_outs` (empty: every neighbour, exact).
SplitEvaluation evaluate_minibatch(nn::GatModel<float>& model, const MiniBatchTask& task, std::span<const NodeId> nodes,
                                   std::int64_t batch_size, const std::vector<std::int64_t>& fan_outs = {});
// Evaluation-mode loss and accuracy over `nodes` from one layer-wise pass over the whole graph.
SplitEvaluation evaluate_layerwise(nn::GatModel<float>& model, const MiniBatchTask& task, std::span<const NodeId> nodes,
                                   const LayerwiseOptions& options);

}  // namespace gat::sampling
