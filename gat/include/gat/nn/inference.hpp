#pragma once
// Inference with a trained GatModel: evaluation-mode forward passes that return logits, over the
// whole graph or over the receptive field of some nodes. Below io and train, so that exporters
// and the trainer both use it (train re-exports it as gat::train::predict_logits).
#include <span>

#include "gat/graph/graph.hpp"
#include "gat/graph/receptive_field.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/tensor/features.hpp"

namespace gat::nn {

// Evaluation-mode forward pass: the logits of every node (N x classes).
Matrix predict_logits(GatModel<float>& model, const Graph& graph, const Features& features);
// The logits of `nodes` alone (row k: nodes[k]; a node may be listed twice), computed on their
// receptive field: the same rows as above up to rounding, for the work of their neighbourhood
// (a few nodes of a 10^6-node graph take milliseconds). Throws InvalidArgument naming a node
// outside the graph.
Matrix predict_logits(GatModel<float>& model, const Graph& graph, const Features& features,
                      std::span<const NodeId> nodes);
// The logits of a receptive field's targets (field.num_targets() x classes, in the field's order)
// from an evaluation-mode pass over the field alone, its nodes' features gathered from
// `features`. The layers keep what the pass saw (e.g. their attention weights over the field's
// layer graphs) until the next one.
Matrix predict_logits(GatModel<float>& model, const Graph& graph, const Features& features,
                      const ReceptiveField& field);

}  // namespace gat::nn
