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
// Why fused: the forward works on one destination row at a time, in three short passes over its
// incoming edges: every edge's score and the row's max per head, then exp(s - max) and their sum,
// then the weighted sum of the value rows divided by that sum. The scores of one row live in a
// per-thread scratch the size of the largest in-degree, so no edges x heads x features tensor ever
// exists. The backward recomputes the edge scores from the node-level inputs and the stored row
// max/sum. Gradients of source-side inputs (values, src scores, keys) are sums over a node's
// OUTGOING edges; they are pulled over the transposed graph (out_offsets/out_edges) so no thread
// ever writes another thread's row: no atomics, and results are bitwise identical for any thread
// count.
//
// Memory: forward keeps O(N*H) state (GraphAttentionState; E x H more with keep_weights). The
// backward's pass over outgoing edges reads per-edge records of the pass over incoming ones, kept
// in buffers of the calling thread that grow to the largest graph seen and are never shrunk (so a
// training loop does not fault in fresh pages each step): 2*E*H values of T on the generic paths,
// 64 bytes per edge for float 8 heads x 8 features (past 64 MiB of them, 128 bytes per node: pass 2
// recomputes), 8 bytes per edge for one float head. Float shapes padded to
// 8 x 8 also keep N x 64 floats per padded copy (values, output or d_out, d_values). The additive
// backward allocates an N x H*F buffer for d_v's per-row shares per call.
//
// Layout: node tensors are [nodes][heads][features], i.e. a MatrixView with rows = nodes and
// cols = heads*F. Edge tensors are E x H, indexed by the stored edge index e of gat::Graph
// (map back to input edges with graph.input_edge_ids()).
//
// A node with no incoming edge gets out = 0, row_max = row_sum = 0, and zero gradients (never NaN).
// The unfused reference composition of the same computation is in edge_ops.hpp.
#include <cstdint>

#include "gat/attention/head_dot.hpp"  // GAT's node-level scores, src/dst = head_dot(W x, a)
#include "gat/core/random.hpp"
#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::attention {

// Attention dropout on the softmax weights: (edge e, head h) is dropped when
// key.bernoulli(e*heads + h, p); kept weights are scaled by 1/(1-p). The mask is a pure function
// of the key, drawn again in backward and never stored. p must be in [0, 1).
struct AttentionDropout {
  float p = 0;
  RandomKey key{};
};

// What forward keeps for backward: O(N*H), not O(E*H*F) (the backward's own per-edge buffers: above).
template <class T>
struct GraphAttentionState {
  BasicMatrix<T> row_max, row_sum;  // N x H: softmax max and normaliser per destination and head
  BasicMatrix<T> weights;           // E x H softmax weights (before dropout), filled only when keep_weights
};

// GAT (Velickovic et al. 2018): e(j->i,h) = LeakyReLU(src[j,h] + dst[i,h]).
struct ConcatScore {
  double negative_slope = 0.2;
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
