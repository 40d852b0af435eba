#pragma once
// The GAT paper's node-classification setup (Veličković et al., ICLR 2018, section 3.3) as gat
// reproduces it (docs/results.md): two GAT layers, 8 heads x 8 features with ELU, one output head
// (Pubmed: 8, averaged), dropout 0.6, Adam lr 0.005 and L2 5e-4 (Pubmed: 0.01 and 0.001),
// patience 100. Dropout sits where the reference code puts it: a mask per head on every layer's
// input and on the aggregated projected features. Pubmed keeps the model of the lowest
// validation loss, the others use the reference code's accuracy-and-loss rule.
// GatModelOptions and TrainOptions alone default to PyG's behaviour instead.
#include <cstdint>
#include <string>

#include "gat/train/trainer.hpp"

namespace gat::train {

struct PaperPreset {
  nn::GatModelOptions model;
  TrainOptions train;
};

// `dataset` is "cora", "citeseer", "pubmed" or anything else (the Cora/Citeseer setup).
PaperPreset paper_preset(const std::string& dataset, std::int64_t in_features, std::int64_t num_classes);

}  // namespace gat::train

#include "gat/train/inductive_trainer.hpp"

namespace gat::train {

// The paper's inductive PPI setup: three GAT layers, 4 and 4 heads x 256 features with ELU, then
// 6 averaged output heads, skip connections (a linear projection of each layer's input added to
// its output, as PyG's PPI example), no dropout, no L2, Adam lr 0.005, batches of 2 graphs,
// patience 100, the model of the best validation micro-F1 kept.
struct InductivePreset {
  nn::GatModelOptions model;
  InductiveTrainOptions train;
};
InductivePreset ppi_preset(std::int64_t in_features, std::int64_t num_labels);

}  // namespace gat::train
