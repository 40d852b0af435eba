#pragma once
// Full-graph inference layer by layer (DGL's MultiLayerFullNeighborSampler recipe): attention
// layer l runs over every node in chunks of destination nodes, each chunk on the graph of its
// in-edges and the rows of layer l's input they read, so only one layer's input and output are
// held at a time, never a whole model's activations. The input features may stay in a mapped
// graph store; hidden layers' outputs may live in a mapped scratch file instead of anonymous
// memory. The last layer's logits and every layer's attention weights go to callbacks chunk by
// chunk, so predictions and attention exports are written as they are computed.
//
// A chunk's nodes are numbered in ascending graph id, so every destination reads its in-edges in
// the whole graph's order and sums the same terms in the same order as a whole-graph pass. The
// bits do not depend on the thread count. They can depend on the chunk size in the last place: a
// node's projected row comes out of a dense product of another height, at another position, and
// oneDNN rounds the rows of a block's edge differently (on 700 nodes, 2% of the logits differ,
// by ~1e-9); the tests allow 1e-5 against the whole-graph pass.
#include <cstdint>
#include <filesystem>
#include <functional>

#include "gat/attention/attention_weights.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/sampling/feature_source.hpp"
#include "gat/sampling/neighbor_sampler.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::sampling {

struct LayerwiseOptions {
  std::int64_t chunk_nodes = 8192;  // destination nodes per chunk
  // Empty: hidden layers' outputs in memory. A directory: in a temporary file there, mapped
  // (file pages, not anonymous memory) and removed when inference ends, also on a crash.
  std::filesystem::path scratch_directory;
};

// Logits of nodes [first, first + logits.rows()), in ascending chunks covering every node once.
using LogitsSink = std::function<void(NodeId first, MatrixView<const float> logits)>;
// Attention weights of layer `layer` over the in-edges of one chunk's destinations, in graph ids
// and in the whole graph's edge order (as gat::io::attention_weights gives them): layer by layer,
// chunks in ascending node order.
using AttentionSink = std::function<void(std::int64_t layer, const AttentionWeights<float>& chunk)>;

// Runs `model` in evaluation mode over all nodes of `graph`. Throws InvalidArgument when the
// features do not have one row per node and the model's input columns, or chunk_nodes < 1.
void layerwise_forward(nn::GatModel<float>& model, const CsrView& graph, const FeatureSource& features,
                       const LayerwiseOptions& options, const LogitsSink& on_logits,
                       const AttentionSink& on_attention = {});

// The logits of every node (num_nodes x classes), layer by layer.
Matrix layerwise_logits(nn::GatModel<float>& model, const CsrView& graph, const FeatureSource& features,
                        const LayerwiseOptions& options = {});

// Edges each attention layer of `model` attends over on `graph` (its in-edges, with the input's
// self-loops replaced by one per node when the model adds them): the attention export's header.
std::int64_t attended_edges(const nn::GatModel<float>& model, const CsrView& graph);

}  // namespace gat::sampling
