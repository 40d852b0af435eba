#include "gat/train/paper_presets.hpp"

namespace gat::train {

PaperPreset paper_preset(const std::string& dataset, std::int64_t in_features, std::int64_t num_classes) {
  PaperPreset p;
  nn::GatModelOptions& m = p.model;
  m.in_features = in_features;
  m.num_classes = num_classes;
  m.hidden = 8;
  m.heads = 8;
  m.output_heads = 1;
  m.feature_dropout = 0.6f;
  m.feature_dropout_per_head = true;
  m.value_dropout = 0.6f;
  m.attention_dropout = 0.6f;
  TrainOptions& t = p.train;
  t.lr = 0.005;
  t.weight_decay = 5e-4;
  t.patience = 100;
  t.selection = ModelSelection::accuracy_and_loss;
  if (dataset == "pubmed") {
    m.output_heads = 8;
    t.lr = 0.01;
    t.weight_decay = 0.001;
    // The reference code's rule gives 77.6 on Pubmed, in its own hands too; selecting on the
    // validation loss reaches the paper's 79.0 (docs/results.md).
    t.selection = ModelSelection::loss;
  }
  return p;
}

}  // namespace gat::train

namespace gat::train {

InductivePreset ppi_preset(std::int64_t in_features, std::int64_t num_labels) {
  InductivePreset p;
  nn::GatModelOptions& m = p.model;
  m.in_features = in_features;
  m.num_classes = num_labels;
  m.layers = 3;
  m.hidden = 256;
  m.heads = 4;
  m.output_heads = 6;
  m.feature_dropout = m.attention_dropout = m.value_dropout = 0.0f;
  m.residual = true;
  TrainOptions& t = p.train.train;
  t.lr = 0.005;
  t.weight_decay = 0;
  t.patience = 100;
  t.selection = ModelSelection::accuracy;
  p.train.batch_graphs = 2;
  return p;
}

}  // namespace gat::train
