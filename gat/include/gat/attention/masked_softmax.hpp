#pragma once
// Row-wise softmax under an attention mask: the normaliser of dense attention.
//
// Stable: each row subtracts its largest allowed score before exponentiating, so scores of
// +-1e4 (or any finite magnitude) never overflow. A row in which every key is masked out gives
// all-zero weights, hence zero output and zero gradient, never NaN (the usual
// softmax-of-all-minus-infinity failure).
#include <cstdint>
#include <span>

#include "gat/attention/graph_attention.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::attention {

// Which (query i, key k) pairs may attend. Follows PyTorch's boolean convention: a nonzero entry
// means "masked out" (may NOT attend). All three parts combine; an empty part imposes nothing.
struct AttentionMask {
  MatrixView<const std::uint8_t> attn_mask{};       // n_q x n_k, or empty
  std::span<const std::uint8_t> key_padding_mask{};  // n_k (nonzero = the key is padding), or empty
  bool causal = false;                               // query i may attend only keys k <= i

  bool allowed(std::int64_t i, std::int64_t k) const noexcept {
    if (causal && k > i) return false;
    if (!key_padding_mask.empty() && key_padding_mask[static_cast<std::size_t>(k)]) return false;
    if (attn_mask.data() != nullptr && attn_mask(i, k)) return false;
    return true;
  }
  // Throws InvalidArgument (naming the mask part) if a part does not fit n_q x n_k.
  void check(const char* fn, std::int64_t n_q, std::int64_t n_k) const;
};

// weights[i,k] = exp(s[i,k] - max_i) / sum_{allowed k'} exp(s[i,k'] - max_i) for allowed (i,k), else 0.
// scores, weights: n_q x n_k (weights may alias scores).
template <class T>
void masked_softmax(MatrixView<const T> scores, const AttentionMask& mask, MatrixView<T> weights);

// d_scores[i,k] = w[i,k] * (d_weights[i,k] - sum_k' w[i,k'] d_weights[i,k']). All n_q x n_k
// (d_scores may alias d_weights). Masked entries have w = 0 and get 0.
template <class T>
void masked_softmax_backward(MatrixView<const T> weights, MatrixView<const T> d_weights, MatrixView<T> d_scores);

// In place: w[i,k] *= 0 when dropout.key.bernoulli(i*n_k + k, p), else 1/(1-p). Its backward is
// the same call on the gradient.
template <class T>
void dense_dropout(const AttentionDropout& dropout, MatrixView<T> weights);

}  // namespace gat::attention
