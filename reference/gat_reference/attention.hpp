#pragma once
// The unfused reference of graph attention: scores -> edge_softmax -> edge_dropout -> aggregate
// (gat/attention/edge_ops.hpp, one plain loop per step) and its backward, for the fused kernels
// to be compared with by normalised error. Used by tests/attention and bench/gat_kernels --verify.
#include <cmath>
#include <cstdint>

#include <gat/attention/edge_ops.hpp>
#include <gat/attention/graph_attention.hpp>

#include "gat_reference/error.hpp"

namespace gat::reference {

// The softmax, dropout and aggregation steps for given edge scores, and their backward.
template <class T>
struct EdgeAttention {
  BasicMatrix<T> weights, dropped, out;

  void forward(const Graph& g, const BasicMatrix<T>& scores, const BasicMatrix<T>& values,
               const attention::AttentionDropout& drop) {
    weights.resize(g.num_edges(), scores.cols());
    attention::edge_softmax<T>(g, scores.view(), weights.view());
    dropped = weights;
    attention::edge_dropout<T>(drop, dropped.view());
    out.resize(g.num_nodes(), values.cols());
    attention::aggregate<T>(g, dropped.view(), values.view(), out.view());
  }
  // Returns d_scores; fills d_values.
  BasicMatrix<T> backward(const Graph& g, const BasicMatrix<T>& values, const attention::AttentionDropout& drop,
                          const BasicMatrix<T>& d_out, BasicMatrix<T>& d_values) {
    BasicMatrix<T> d_dropped(g.num_edges(), weights.cols()), d_scores(g.num_edges(), weights.cols());
    d_values.resize(values.rows(), values.cols());
    attention::aggregate_backward<T>(g, dropped.view(), values.view(), d_out.view(), d_dropped.view(),
                                     d_values.view());
    attention::edge_dropout<T>(drop, d_dropped.view());
    attention::edge_softmax_backward<T>(g, weights.view(), d_dropped.view(), d_scores.view());
    return d_scores;
  }
};

// GAT's concat score through the unfused steps: the forward pass and every gradient.
template <class T>
struct ConcatAttention {
  EdgeAttention<T> ref;  // ref.out, ref.weights
  BasicMatrix<T> d_values, d_src, d_dst;
};

template <class T>
ConcatAttention<T> concat_attention(const Graph& g, const BasicMatrix<T>& src, const BasicMatrix<T>& dst,
                                    const BasicMatrix<T>& values, const BasicMatrix<T>& d_out, std::int64_t heads,
                                    const attention::ConcatScore& cs, const attention::AttentionDropout& drop) {
  ConcatAttention<T> r;
  BasicMatrix<T> scores(g.num_edges(), heads);
  attention::edge_scores_concat<T>(g, src.view(), dst.view(), heads, cs, scores.view());
  r.ref.forward(g, scores, values, drop);
  r.d_src.resize(g.num_nodes(), heads);
  r.d_dst.resize(g.num_nodes(), heads);
  const BasicMatrix<T> d_scores = r.ref.backward(g, values, drop, d_out, r.d_values);
  attention::edge_scores_concat_backward<T>(g, src.view(), dst.view(), heads, cs, d_scores.view(), r.d_src.view(),
                                            r.d_dst.view());
  return r;
}

}  // namespace gat::reference
