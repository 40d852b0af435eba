#pragma once
// Losses over a subset of nodes (a split's mask), returning the mean loss over that subset and,
// when asked, its gradient with respect to the logits (zero outside the subset).
#include <cstdint>
#include <span>

#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::train {

// Mean over `nodes` of -log softmax(logits[n])[labels[n]]; logits N x C, labels N in [0, C).
template <class T>
double softmax_cross_entropy(MatrixView<const T> logits, std::span<const std::int32_t> labels,
                             std::span<const NodeId> nodes, BasicMatrix<T>* d_logits = nullptr);

// Multi-label: mean over `nodes` and classes of BCE(sigmoid(logits), targets), computed stably
// from the logits; targets N x C in {0, 1}.
template <class T>
double binary_cross_entropy_with_logits(MatrixView<const T> logits, MatrixView<const T> targets,
                                        std::span<const NodeId> nodes, BasicMatrix<T>* d_logits = nullptr);

}  // namespace gat::train
