#pragma once
// The graph a graph attention layer (GATConv, GATv2Conv) attends over, and its edges as an
// attention export lists them.
#include <cstdint>
#include <memory>
#include <vector>

#include "gat/graph/graph.hpp"

namespace gat::nn::detail {

// The graph a layer attends over: the input graph, or, with add_self_loops, the input graph with
// PyG's self-loop rule applied (Graph::with_self_loops: built once, shared by all layers; the
// layer holds it in keep_alive, so its exports stay valid after the input graph is gone).
// Throws InvalidArgument (with the way out) when a node has no incoming edge, self-loops are off
// and allow_zero_in_degree is not set: its output would silently be the bias alone.
const Graph& attention_graph(const Graph& g, bool add_self_loops, bool allow_zero_in_degree, const char* layer,
                             std::shared_ptr<const Graph>& keep_alive);

// The edges a layer attended over, as an attention export lists them.
void fill_edges(const Graph& g, std::vector<NodeId>& source, std::vector<NodeId>& target,
                std::vector<std::int64_t>& input_edge_id);

}  // namespace gat::nn::detail
