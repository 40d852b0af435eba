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
