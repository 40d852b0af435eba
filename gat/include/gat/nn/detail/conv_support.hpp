#pragma once
// Pieces shared by the graph attention layers (GATConv, GATv2Conv); not part of the public API.
#include "gat/nn/layer.hpp"

namespace gat::nn::detail {

// The graph a layer attends over: the input graph, or the input graph with PyG's self-loop rule
// applied, built once and reused while the input graph stays the same.
class AttentionGraphCache {
 public:
  // Throws InvalidArgument (with the way out) when a node has no incoming edge, self-loops are
  // off and allow_zero_in_degree is not set: its output would silently be the bias alone.
  const Graph& get(const Graph& g, bool add_self_loops, bool allow_zero_in_degree, const char* layer);

 private:
  const Graph* from_ = nullptr;
  std::int64_t from_edges_ = -1;
  std::int64_t from_nodes_ = -1;
  Graph looped_;
};

// Dropout of a layer's input (DGL's feat_drop), dense or sparse, remembering the mask key for
// backward.
template <class T>
class InputDropout {
 public:
  LayerInput<T> forward(const LayerInput<T>& x, float p, RandomKey key, bool training);
  // Applies the mask of the last forward pass to a gradient, in place.
  void backward(MatrixView<T> d) const;

 private:
  float p_ = 0;
  RandomKey key_{};
  BasicMatrix<T> dense_;
  BasicCsrMatrix<T> sparse_;
};

// heads_out: N x heads*F. Concat: out = heads_out (+ bias); mean: out = mean over heads (+ bias).
template <class T>
void merge_heads(MatrixView<const T> heads_out, std::int64_t heads, bool concat, const Parameter<T>* bias,
                 BasicMatrix<T>& out);
template <class T>
void merge_heads_backward(MatrixView<const T> d_out, std::int64_t heads, std::int64_t features, bool concat,
                          Parameter<T>* bias, BasicMatrix<T>& d_heads_out);

// The edges a layer attended over, as an attention export lists them.
void fill_edges(const Graph& g, std::vector<NodeId>& source, std::vector<NodeId>& target,
                std::vector<std::int64_t>& input_edge_id);

}  // namespace gat::nn::detail
