#pragma once
// The unfused edge-attention building blocks: edge scores (E x H) -> edge softmax per destination
// -> (dropout) -> weighted aggregation. Composing them gives exactly what the fused kernels in
// graph_attention.hpp compute, only with an E x H score tensor in memory; they are the
// obviously-correct reference the fused kernels are tested against (as gapbs keeps a verifier
// next to each kernel), and the pieces to build new attention variants from.
//
// Edge tensors are E x H, indexed by the stored edge index e of gat::Graph; node tensors are
// [nodes][heads][features] (rows = nodes, cols = heads*F). Every backward overwrites its d_*.
#include <cstdint>

#include "gat/attention/graph_attention.hpp"

namespace gat::attention {

// ---- edge score functions -------------------------------------------------------------------

// GAT (Velickovic et al. 2018): scores[e,h] = LeakyReLU(src[j,h] + dst[i,h]) for e = (j -> i).
// src_score, dst_score: N x H; scores: E x H.
template <class T>
void edge_scores_concat(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                        std::int64_t heads, const ConcatScore& score, MatrixView<T> scores);
// d_scores: E x H; d_src_score, d_dst_score: N x H.
template <class T>
void edge_scores_concat_backward(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                                 std::int64_t heads, const ConcatScore& score, MatrixView<const T> d_scores,
                                 MatrixView<T> d_src_score, MatrixView<T> d_dst_score);

// GATv2 (Brody et al. 2022) / Bahdanau et al. 2015:
// scores[e,h] = sum_f v[h,f] act(query[i,h,f] + key[j,h,f]). query, key: N x H*F; v: 1 x H*F.
template <class T>
void edge_scores_additive(const Graph& g, MatrixView<const T> query, MatrixView<const T> key, MatrixView<const T> v,
                          std::int64_t heads, const AdditiveScore& score, MatrixView<T> scores);
// d_query, d_key: N x H*F; d_v: 1 x H*F.
template <class T>
void edge_scores_additive_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                   MatrixView<const T> v, std::int64_t heads, const AdditiveScore& score,
                                   MatrixView<const T> d_scores, MatrixView<T> d_query, MatrixView<T> d_key,
                                   MatrixView<T> d_v);

// Dot / scaled dot (Luong et al. 2015; Vaswani et al. 2017):
// scores[e,h] = scale * <query[i,h,:], key[j,h,:]>. query, key: N x H*F.
template <class T>
void edge_scores_dot(const Graph& g, MatrixView<const T> query, MatrixView<const T> key, std::int64_t heads,
                     const DotScore& score, MatrixView<T> scores);
template <class T>
void edge_scores_dot_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key, std::int64_t heads,
                              const DotScore& score, MatrixView<const T> d_scores, MatrixView<T> d_query,
                              MatrixView<T> d_key);

// Bilinear ("general", Luong et al. 2015) scores q^T W_h k are dot scores against transformed keys:
// out[n,h,:] = W_h key[n,h,:], where W (H*Fq x Fk) stacks the per-head W_h (Fq x Fk).
// key: N x H*Fk; out: N x H*Fq. Then edge_scores_dot(query, out) or dot_attention_forward.
template <class T>
void bilinear_transform_keys(MatrixView<const T> key, MatrixView<const T> W, std::int64_t heads, MatrixView<T> out);
// d_out: N x H*Fq; d_key: N x H*Fk; d_W: H*Fq x Fk.
template <class T>
void bilinear_transform_keys_backward(MatrixView<const T> key, MatrixView<const T> W, std::int64_t heads,
                                      MatrixView<const T> d_out, MatrixView<T> d_key, MatrixView<T> d_W);

// ---- softmax, dropout, aggregation -------------------------------------------------------------

// Softmax of the scores over each destination's incoming edges, per head, stabilised by the row
// max. scores, weights: E x H. Rows of nodes without incoming edges are empty.
template <class T>
void edge_softmax(const Graph& g, MatrixView<const T> scores, MatrixView<T> weights);
// d_scores[e] = w[e] * (d_weights[e] - sum_{e' -> i} w[e'] d_weights[e']). All E x H.
template <class T>
void edge_softmax_backward(const Graph& g, MatrixView<const T> weights, MatrixView<const T> d_weights,
                           MatrixView<T> d_scores);

// In place: weights[e,h] *= 0 if dropout.key.bernoulli(e*H + h, p) else 1/(1-p). weights: E x H.
// Its backward is the same call on the gradient.
template <class T>
void edge_dropout(const AttentionDropout& dropout, MatrixView<T> weights);

// out[i,h,:] = sum_{e=(j->i)} weights[e,h] * values[j,h,:]. weights: E x H; values, out: N x H*F.
template <class T>
void aggregate(const Graph& g, MatrixView<const T> weights, MatrixView<const T> values, MatrixView<T> out);
// d_weights[e,h] = <d_out[i,h,:], values[j,h,:]>; d_values[j,h,:] = sum over j's outgoing edges
// (pulled over the transposed graph). d_out, d_values: N x H*F; d_weights: E x H.
template <class T>
void aggregate_backward(const Graph& g, MatrixView<const T> weights, MatrixView<const T> values,
                        MatrixView<const T> d_out, MatrixView<T> d_weights, MatrixView<T> d_values);

}  // namespace gat::attention
