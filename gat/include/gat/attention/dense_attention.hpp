#pragma once
// Dense attention: out = dropout(masked_softmax(score(Q, K))) V  (Bahdanau et al. 2015;
// Luong et al. 2015; Vaswani et al. 2017), for any Score from score_functions.hpp.
//
// The score function, the softmax and the aggregation are separate steps so that a new score
// function is one small struct. Every query attends over all n_k keys; graph attention
// (graph_attention.hpp) is the same computation restricted to the edges of a graph, and equals
// this with the adjacency as the mask.
#include <cstdint>

#include "gat/attention/masked_softmax.hpp"
#include "gat/attention/score_functions.hpp"
#include "gat/tensor/matmul.hpp"

namespace gat::attention {

// Q: n_q x d_q, K: n_k x d_k, V: n_k x d_v -> out: n_q x d_v (overwritten) and
// weights: n_q x n_k, the softmax weights before dropout (overwritten; keep them for backward).
// Attention dropout drops (i, k) when dropout.key.bernoulli(i*n_k + k, p).
template <class T, class Score>
void dense_attention_forward(const Score& score, In<T> q, In<T> k, In<T> v, const AttentionMask& mask,
                             MatrixView<T> out, MatrixView<T> weights, const AttentionDropout& dropout = {}) {
  constexpr const char* fn = "dense_attention_forward";
  GAT_REQUIRE(k.rows() == v.rows(), fn, ": K has ", k.rows(), " rows but V has ", v.rows(),
              "; keys and values must pair up");
  detail::require_dense_shape<T>(fn, "out", out, q.rows(), v.cols());
  detail::require_dense_shape<T>(fn, "weights", weights, q.rows(), k.rows());
  mask.check(fn, q.rows(), k.rows());
  score.forward(q, k, weights);
  masked_softmax<T>(weights, mask, weights);
  if (dropout.p > 0) {
    BasicMatrix<T> dropped = BasicMatrix<T>::from_view(weights);
    dense_dropout<T>(dropout, dropped.view());
    matmul<T>(dropped.view(), v, out);
  } else {
    matmul<T>(weights, v, out);
  }
}

// weights: what forward returned; d_out: n_q x d_v. d_q, d_k, d_v are overwritten; the Score's
// parameter gradients accumulate. Rows whose keys were all masked get zero gradients.
template <class T, class Score>
void dense_attention_backward(const Score& score, In<T> q, In<T> k, In<T> v, In<T> weights,
                              const AttentionDropout& dropout, In<T> d_out, MatrixView<T> d_q, MatrixView<T> d_k,
                              MatrixView<T> d_v) {
  constexpr const char* fn = "dense_attention_backward";
  GAT_REQUIRE(k.rows() == v.rows(), fn, ": K has ", k.rows(), " rows but V has ", v.rows(),
              "; keys and values must pair up");
  detail::require_dense_shape<T>(fn, "weights", weights, q.rows(), k.rows());
  detail::require_dense_shape<T>(fn, "d_out", d_out, q.rows(), v.cols());
  detail::require_dense_shape<T>(fn, "d_q", d_q, q.rows(), q.cols());
  detail::require_dense_shape<T>(fn, "d_k", d_k, k.rows(), k.cols());
  detail::require_dense_shape<T>(fn, "d_v", d_v, v.rows(), v.cols());
  BasicMatrix<T> d_p(q.rows(), k.rows());
  matmul_nt<T>(d_out, v, d_p.view());  // dP' = dOut V^T
  if (dropout.p > 0) {
    BasicMatrix<T> dropped = BasicMatrix<T>::from_view(weights);
    dense_dropout<T>(dropout, dropped.view());
    matmul_tn<T>(dropped.view(), d_out, d_v);  // dV = P'^T dOut
    dense_dropout<T>(dropout, d_p.view());
  } else {
    matmul_tn<T>(weights, d_out, d_v);
  }
  masked_softmax_backward<T>(weights, d_p.view(), d_p.view());
  for (std::int64_t i = 0; i < d_q.rows(); ++i)
    for (std::int64_t c = 0; c < d_q.cols(); ++c) d_q(i, c) = T(0);
  for (std::int64_t i = 0; i < d_k.rows(); ++i)
    for (std::int64_t c = 0; c < d_k.cols(); ++c) d_k(i, c) = T(0);
  score.backward(q, k, d_p.view(), d_q, d_k);
}

}  // namespace gat::attention
