#pragma once
// Inductive multi-label node classification over many graphs: the PPI task of the GAT paper
// (Veličković et al. 2018, section 3.3). Training graphs go through the model in batches of
// `batch_graphs` disjoint graphs (one block-diagonal graph, gat::DatasetBatch), the loss is the
// mean binary cross-entropy with logits over every node and label of the batch, and after each
// epoch the validation graphs, never seen in training, are scored by micro-F1. Early stopping
// keeps the model of the best validation micro-F1 (ModelSelection::accuracy with micro-F1 as
// the accuracy), which is then scored on the test graphs.
#include <cstdint>
#include <span>

#include "gat/graph/graph_dataset.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/trainer.hpp"

namespace gat::train {

struct InductiveTrainOptions {
  // Epochs, patience, optimizer, lr, L2, seed (dropout and the order of the training graphs) and
  // the per-epoch callback. EpochRecord's accuracies are micro-F1s; `selection` is not used.
  TrainOptions train;
  std::int64_t batch_graphs = 2;
  bool shuffle = true;  // a new order of the training graphs every epoch
};

struct MultiLabelScores {
  double loss = 0, micro_f1 = 0, macro_f1 = 0;
};

struct InductiveResult {
  TrainResult result;      // val_accuracy and test_accuracy are micro-F1s
  MultiLabelScores test;   // of the kept model on the test graphs
  double mean_epoch_seconds = 0;  // training steps only (no evaluation)
};

// Throws InvalidArgument when the data set has no multi-label targets, their width is not the
// model's output width, or the training or validation list is empty.
InductiveResult train_inductive(nn::GatModel<float>& model, const GraphDataset& dataset,
                                const InductiveTrainOptions& options);

// One evaluation-mode pass over `graphs`, batch_graphs at a time: mean BCE and F1 of all nodes.
MultiLabelScores evaluate_multi_label(nn::GatModel<float>& model, const GraphDataset& dataset,
                                      std::span<const std::int64_t> graphs, std::int64_t batch_graphs = 2);

// One epoch of training steps over `graphs` in the given order; returns the mean training loss.
// For benchmarks: train_inductive runs these with evaluation and early stopping around them.
double train_inductive_epoch(nn::GatModel<float>& model, Optimizer<float>& optimizer, const GraphDataset& dataset,
                             std::span<const std::int64_t> graphs, std::int64_t batch_graphs, RandomKey key,
                             LabelCounts* counts = nullptr);

}  // namespace gat::train
