#pragma once
// Graph classification with k-fold cross-validation, the protocol of TU benchmarks (Xu et al.,
// "How Powerful are Graph Neural Networks?", ICLR 2019): the graphs are split into k folds
// stratified by class; for each fold a fresh model trains on the other k-1 folds for a fixed
// number of epochs (mini-batches of whole graphs, softmax cross-entropy) and is scored on the
// held-out fold. The accuracy is reported as the mean and standard deviation over the folds.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "gat/graph/graph_dataset.hpp"
#include "gat/nn/graph_classifier.hpp"
#include "gat/train/trainer.hpp"

namespace gat::train {

// k folds of the graphs, stratified: each class's graphs in a seeded random order are dealt to
// the folds in turn, so every fold has each class's share. Each fold sorted.
std::vector<std::vector<std::int64_t>> stratified_folds(std::span<const std::int32_t> labels, std::int64_t k,
                                                        std::uint64_t seed);

struct CrossValidationOptions {
  std::int64_t folds = 10;
  std::int64_t epochs = 100;
  std::int64_t batch_graphs = 32;
  OptimizerKind optimizer = OptimizerKind::adam;
  double lr = 0.005;
  double weight_decay = 5e-4;
  std::uint64_t seed = 0;  // folds, model initialisation, batch order and dropout
};

struct FoldResult {
  std::int64_t fold = 0;
  std::vector<std::int64_t> test_graphs;
  double train_loss = 0;  // of the last epoch
  double test_accuracy = 0;
  double seconds = 0;
};

struct CrossValidationResult {
  std::vector<FoldResult> folds;
  double accuracy_mean = 0, accuracy_std = 0;  // over folds (population deviation)
  std::unique_ptr<nn::GraphClassifier<float>> last_model;  // the last fold's model
};

// Throws InvalidArgument when the data set has no graph labels, fewer graphs than folds, or
// the model's input or output width does not match it.
CrossValidationResult cross_validate(const nn::GraphClassifierOptions& model, const GraphDataset& dataset,
                                     const CrossValidationOptions& options,
                                     const std::function<void(const FoldResult&)>& on_fold = {});

// Trains `model` on `graphs` for options.epochs epochs; returns the last epoch's mean loss.
double train_graph_classifier(nn::GraphClassifier<float>& model, const GraphDataset& dataset,
                              std::span<const std::int64_t> graphs, const CrossValidationOptions& options);

// Evaluation-mode logits of `graphs` (one row each, in order).
Matrix predict_graph_logits(nn::GraphClassifier<float>& model, const GraphDataset& dataset,
                            std::span<const std::int64_t> graphs);

}  // namespace gat::train
