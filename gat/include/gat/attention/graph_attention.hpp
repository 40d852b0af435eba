#pragma once
// Fused edge-wise (graph) attention: the kernels every GAT layer is built on.
//
// A destination node i attends over its incoming edges e = (j -> i):
//     s(e,h)     = score(i, j, h)                          (one number per edge and head)
//     alpha(e,h) = exp(s(e,h) - max_i) / sum_{e' -> i} exp(s(e',h) - max_i)
//     out[i,h,:] = sum_{e = (j->i)} drop(alpha(e,h)) * values[j,h,:]
// with three score families:
//   ConcatScore   GAT   (Velickovic et al. 2018):  s = LeakyReLU(src[j,h] + dst[i,h]),
//                 where src = head_dot(W x, a_src) and dst = head_dot(W x, a_dst) are node-level.
//   AdditiveScore GATv2 (Brody et al. 2022) / Bahdanau et al. 2015:
//                 s = sum_f v[h,f] * act(query[i,h,f] + key[j,h,f]).
//   DotScore      Transformer-style (Vaswani et al. 2017) dot-product attention on a graph:
//                 s = scale * <query[i,h,:], key[j,h,:]>, scale = 1/sqrt(F) for scaled dot.
//
// Why fused: the forward makes one pass over each destination row with an online softmax
// (a running max and sum, rescaling the partial output when the max grows), so no
// edges x heads x features tensor ever exists. The backward recomputes edge scores from the
// node-level inputs and the stored row max/sum (O(N*H) state). Gradients of source-side inputs
// (values, src scores, keys) are sums over a node's OUTGOING edges; they are pulled over the
// transposed graph (out_offsets/out_edges) so no thread ever writes another thread's row: no
// atomics, and results are bitwise identical for any thread count.
//
// Layout: node tensors are [nodes][heads][features], i.e. a MatrixView with rows = nodes and
// cols = heads*F. Edge tensors are E x H, indexed by the stored edge index e of gat::Graph
// (map back to input edges with graph.input_edge_ids()).
//
// A node with no incoming edge gets out = 0, row_max = row_sum = 0, and zero gradients (never NaN).
// The unfused reference composition of the same computation is in edge_ops.hpp.
#include <cstdint>

#include "gat/core/random.hpp"
#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::attention {

// Attention dropout on the softmax weights: (edge e, head h) is dropped when
// key.bernoulli(e*heads + h, p); kept weights are scaled by 1/(1-p). The mask is a pure function
// of the key, regenerated in backward and never stored. p must be in [0, 1).
struct AttentionDropout {
  float p = 0;
  RandomKey key{};
};

// What forward keeps for backward: O(N*H), not O(E*H*F).
template <class T>
struct GraphAttentionState {
  BasicMatrix<T> row_max, row_sum;  // N x H: softmax max and normaliser per destination and head
  BasicMatrix<T> weights;           // E x H softmax weights (before dropout), filled only when keep_weights
};

// GAT (Velickovic et al. 2018): e(j->i,h) = LeakyReLU(src[j,h] + dst[i,h]).
struct ConcatScore {
  double negative_slope = 0.2;
  // Optional (float): the 1 x H*F attention vector src_score was computed from, when src_score =
  // head_dot(values, source_attention). Given, the 8 x 8-head kernels take each source's scores
  // from its value row, which they gather anyway, instead of reading src_score's row: one random
  // cache line fewer per edge on graphs beyond the cache, the same bits. A vector that does not
  // give src_score is an error.
  MatrixView<const float> source_attention{};
};

// GATv2 (Brody et al. 2022) / Bahdanau et al. 2015 additive score:
// e(j->i,h) = sum_f v[h,f] * act(query[i,h,f] + key[j,h,f]).
struct AdditiveScore {
  enum class Activation { leaky_relu, tanh } activation = Activation::leaky_relu;
  double negative_slope = 0.2;
};

// Dot-product score (Vaswani et al. 2017; Luong et al. 2015 "dot"):
// e(j->i,h) = scale * <query[i,h,:], key[j,h,:]>. Use scale = 1/sqrt(F) for scaled dot-product.
struct DotScore {
  double scale = 1.0;
};

// ---- GAT (concat score) -------------------------------------------------------------------

// src_score, dst_score: N x H; values: N x H*F; out: N x H*F (overwritten).
// state.row_max/row_sum are resized to N x H; state.weights to E x H when keep_weights (else 0 x 0).
template <class T>
void gat_attention_forward(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                           MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                           const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                           bool keep_weights = false);

// Same inputs as forward plus d_out (N x H*F). d_src_score, d_dst_score: N x H;
// d_values: N x H*F. All d_* are overwritten.
template <class T>
void gat_attention_backward(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                            MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                            const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                            MatrixView<const T> d_out, MatrixView<T> d_src_score, MatrixView<T> d_dst_score,
                            MatrixView<T> d_values);

// Softmax weights per stored edge and head (before dropout): what an attention export needs.
// src_score, dst_score: N x H; weights: E x H (overwritten).
template <class T>
void gat_attention_weights(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                           std::int64_t heads, const ConcatScore& score, MatrixView<T> weights);

// Per-head dot with an attention vector: out[n,h] = sum_f x[n,h,f] * a[0,h,f].
// x: N x H*F, a: 1 x H*F, out: N x H (overwritten).
template <class T>
void head_dot(MatrixView<const T> x, MatrixView<const T> a, std::int64_t heads, MatrixView<T> out);

// Backward of head_dot: dx[n,h,:] += d_out[n,h] * a[h,:] and da[h,:] += sum_n d_out[n,h] * x[n,h,:]
// (both accumulate). x, dx: N x H*F; a, da: 1 x H*F; d_out: N x H.
template <class T>
void head_dot_backward(MatrixView<const T> x, MatrixView<const T> a, std::int64_t heads, MatrixView<const T> d_out,
                       MatrixView<T> dx, MatrixView<T> da);

// ---- GATv2 / Bahdanau (additive score) ----------------------------------------------------

// query, key, values: N x H*F; v: 1 x H*F; out: N x H*F (overwritten).
template <class T>
void additive_attention_forward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                MatrixView<const T> v, MatrixView<const T> values, std::int64_t heads,
                                const AdditiveScore& score, const AttentionDropout& dropout, MatrixView<T> out,
                                GraphAttentionState<T>& state, bool keep_weights = false);

// d_query, d_key, d_values: N x H*F; d_v: 1 x H*F. All overwritten.
template <class T>
void additive_attention_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                 MatrixView<const T> v, MatrixView<const T> values, std::int64_t heads,
                                 const AdditiveScore& score, const AttentionDropout& dropout,
                                 const GraphAttentionState<T>& state, MatrixView<const T> d_out,
                                 MatrixView<T> d_query, MatrixView<T> d_key, MatrixView<T> d_v,
                                 MatrixView<T> d_values);

// query, key: N x H*F; v: 1 x H*F; weights: E x H (overwritten).
template <class T>
void additive_attention_weights(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                MatrixView<const T> v, std::int64_t heads, const AdditiveScore& score,
                                MatrixView<T> weights);

// ---- Dot-product attention on a graph ------------------------------------------------------

// query, key: N x H*Fk; values: N x H*Fv; out: N x H*Fv (overwritten). Fk and Fv may differ.
template <class T>
void dot_attention_forward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                           MatrixView<const T> values, std::int64_t heads, const DotScore& score,
                           const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                           bool keep_weights = false);

// d_query, d_key: N x H*Fk; d_values: N x H*Fv. All overwritten.
template <class T>
void dot_attention_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                            MatrixView<const T> values, std::int64_t heads, const DotScore& score,
                            const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                            MatrixView<const T> d_out, MatrixView<T> d_query, MatrixView<T> d_key,
                            MatrixView<T> d_values);

// query, key: N x H*Fk; weights: E x H (overwritten).
template <class T>
void dot_attention_weights(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                           std::int64_t heads, const DotScore& score, MatrixView<T> weights);

}  // namespace gat::attention
