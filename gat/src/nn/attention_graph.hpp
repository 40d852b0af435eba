#pragma once
// The graph a graph attention layer (GATConv, GATv2Conv) attends over, and its edges as an
// attention export lists them.
#include <cstdint>
#include <memory>
#include <vector>

#include "gat/attention/attention_weights.hpp"
#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::nn::detail {

// The graph a layer attends over: the input graph, or, with add_self_loops, the input graph with
// PyG's self-loop rule applied (Graph::with_self_loops: built once, shared by all layers; the
// layer holds it in keep_alive, so its exports stay valid after the input graph is gone).
// Throws InvalidArgument (with the way out) when a node has no incoming edge, self-loops are off
// and allow_zero_in_degree is not set: its output would silently be the bias alone.
const Graph& attention_graph(const Graph& g, bool add_self_loops, bool allow_zero_in_degree, const char* layer,
                             std::shared_ptr<const Graph>& keep_alive);

// The attention weights (E x heads) a layer kept in its last forward pass over g, with the edges
// they belong to, as an attention export lists them. Throws InvalidArgument naming the layer when
// there was no forward pass (g null) or the weights were not kept.
template <class T>
AttentionWeights<T> kept_attention_weights(const char* layer, const Graph* g, bool kept, const BasicMatrix<T>& weights,
                                           std::int64_t heads);

}  // namespace gat::nn::detail
