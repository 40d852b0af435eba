#pragma once
// Multi-head attention (Vaswani et al. 2017, section 3.2.2), with the options, defaults and
// parameter names of PyTorch's nn.MultiheadAttention so configurations and checkpoints port:
//   Q = query W_q^T + b_q,  K = key W_k^T + b_k,  V = value W_v^T + b_v
//   head_h = softmax(Q_h K_h^T / sqrt(E/H) under the masks) V_h      (dropout on the weights)
//   out    = concat(head_1..head_H) W_o^T + b_o
// Inputs are unbatched: query L x E, key S x kdim, value S x vdim, output L x E.
// Parameters: in_proj_weight (3E x E) when kdim == vdim == E, else q_proj_weight (E x E),
// k_proj_weight (E x kdim), v_proj_weight (E x vdim); in_proj_bias (1 x 3E) and out_proj.bias
// (1 x E) when bias; out_proj.weight (E x E). Not supported from PyTorch: add_bias_kv,
// add_zero_attn, batch_first (there is no batch dimension), float masks.
#include <cstdint>

#include "gat/attention/masked_softmax.hpp"
#include "gat/core/random.hpp"
#include "gat/module/module.hpp"
#include "gat/tensor/matmul.hpp"

namespace gat::attention {

struct MultiheadAttentionOptions {
  std::int64_t embed_dim = 0;         // E, required
  std::int64_t num_heads = 1;         // H, must divide E
  double dropout = 0.0;               // attention-weight dropout, in training mode only
  bool bias = true;                   // in_proj_bias and out_proj.bias
  std::int64_t kdim = 0;              // key features; 0 means embed_dim
  std::int64_t vdim = 0;              // value features; 0 means embed_dim
  bool need_weights = true;           // keep the attention weights for attention_weights()
  bool average_attn_weights = true;   // average the weights over heads (else one block per head)
  std::uint64_t seed = 0;             // initialisation and dropout (gat addition; PyTorch uses a global RNG)
};

namespace detail {
// The output projection, a child module so its parameters are named out_proj.weight/out_proj.bias.
template <class T>
class OutProjection : public Module<T> {
 public:
  OutProjection(std::int64_t embed_dim, bool bias);
  Parameter<T>* weight = nullptr;  // E x E
  Parameter<T>* bias = nullptr;    // 1 x E, or null
};
}  // namespace detail

template <class T>
class MultiheadAttention : public Module<T> {
 public:
  explicit MultiheadAttention(const MultiheadAttentionOptions& options);

  // query: L x E, key: S x kdim, value: S x vdim -> L x E. Keeps what backward needs.
  // mask.attn_mask: L x S, mask.key_padding_mask: S (nonzero = masked out), mask.causal.
  const BasicMatrix<T>& forward(In<T> query, In<T> key, In<T> value, const AttentionMask& mask = {});
  // Self-attention: query = key = value = x (needs kdim == vdim == E).
  const BasicMatrix<T>& forward(In<T> x, const AttentionMask& mask = {});

  // d_out: L x E. d_query (L x E), d_key (S x kdim), d_value (S x vdim) are overwritten;
  // parameter gradients accumulate into Parameter::grad.
  void backward(In<T> d_out, MatrixView<T> d_query, MatrixView<T> d_key, MatrixView<T> d_value);
  // Backward of the self-attention forward: d_x (L x E) = d_query + d_key + d_value.
  void backward(In<T> d_out, MatrixView<T> d_x);

  // The last forward's attention weights (after masking, before dropout): L x S averaged over
  // heads, or H*L x S with head h in rows [h*L, (h+1)*L) when !average_attn_weights.
  // Empty when !need_weights.
  const BasicMatrix<T>& attention_weights() const noexcept { return weights_out_; }
  const MultiheadAttentionOptions& options() const noexcept { return options_; }
  // The dropout stream: the t-th forward after this call (t = 0, 1, ...) drops with
  // key.child(t).child(head). Calling it again with the same key repeats the same masks.
  void set_dropout_key(RandomKey key) noexcept {
    dropout_key_ = key;
    step_ = 0;
  }

 private:
  void project(In<T> x, MatrixView<const T> w, MatrixView<const T> b, BasicMatrix<T>& out);
  MatrixView<T> w_value(int which);
  MatrixView<T> w_grad(int which);

  MultiheadAttentionOptions options_;
  std::int64_t E_, kdim_, vdim_, head_dim_;
  bool same_dims_;
  Parameter<T>* in_proj_weight_ = nullptr;
  Parameter<T>* q_proj_weight_ = nullptr;
  Parameter<T>* k_proj_weight_ = nullptr;
  Parameter<T>* v_proj_weight_ = nullptr;
  Parameter<T>* in_proj_bias_ = nullptr;
  detail::OutProjection<T> out_proj_;
  RandomKey dropout_key_{};
  std::uint64_t step_ = 0;

  // Saved by forward for backward.
  BasicMatrix<T> query_, key_, value_, q_, k_, v_, heads_out_, weights_, out_, weights_out_;
  AttentionDropout last_dropout_{};
  bool self_attention_ = false;
};

extern template class MultiheadAttention<float>;
extern template class MultiheadAttention<double>;

}  // namespace gat::attention
