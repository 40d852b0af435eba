#pragma once
// Classification metrics over a subset of nodes.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::train {

// The class with the largest logit for every node (ties: the smallest class).
template <class T>
std::vector<std::int32_t> predict_classes(MatrixView<const T> logits);

// Fraction of `nodes` whose arg-max logit equals the label.
template <class T>
double accuracy(MatrixView<const T> logits, std::span<const std::int32_t> labels, std::span<const NodeId> nodes);

// Multi-label micro-F1 with predictions logit > 0 against targets in {0, 1}.
template <class T>
double micro_f1(MatrixView<const T> logits, MatrixView<const T> targets, std::span<const NodeId> nodes);

}  // namespace gat::train

namespace gat::train {

// True and false positives and false negatives per label of multi-label predictions (logit > 0
// against targets > 0.5), accumulated over batches so that F1 covers a whole split.
struct LabelCounts {
  std::vector<std::int64_t> tp, fp, fn;

  template <class T>
  void add(MatrixView<const T> logits, MatrixView<const T> targets, std::span<const NodeId> nodes);
  // F1 of the pooled counts (PPI's metric in the GAT paper); 0 when nothing is positive.
  double micro_f1() const;
  // Mean over labels of each label's F1 (a label never positive nor predicted counts as 0, as
  // scikit-learn's f1_score(average="macro", zero_division=0)).
  double macro_f1() const;
};

// Macro-F1 of one subset (LabelCounts for several batches).
template <class T>
double macro_f1(MatrixView<const T> logits, MatrixView<const T> targets, std::span<const NodeId> nodes);

}  // namespace gat::train
