// Multi-head attention as projections (gat::matmul, oneDNN for float) around the dense attention
// primitive, one head at a time over column blocks of the projected Q, K, V (no reshapes).
#include "gat/attention/multihead_attention.hpp"

#include <cmath>

#include "attention/kernel_util.hpp"
#include "gat/attention/dense_attention.hpp"

namespace gat::attention {

namespace {

// Uniform(-bound, bound) from a counter-based key, so initialisation is reproducible.
template <class T>
void fill_uniform(BasicMatrix<T>& m, double bound, RandomKey key) {
  for (std::int64_t i = 0; i < m.size(); ++i)
    m.data()[i] = static_cast<T>(bound * (2.0 * key.uniform_double(static_cast<std::uint64_t>(i)) - 1.0));
}

// PyTorch's xavier_uniform_: bound = sqrt(6 / (fan_in + fan_out)).
template <class T>
void xavier_uniform(BasicMatrix<T>& m, RandomKey key) {
  fill_uniform(m, std::sqrt(6.0 / static_cast<double>(m.rows() + m.cols())), key);
}

// out (+)= column sums of x, summed in row order (deterministic).
template <class T>
void add_column_sums(MatrixView<const T> x, MatrixView<T> out) {
  for (std::int64_t r = 0; r < x.rows(); ++r)
    for (std::int64_t c = 0; c < x.cols(); ++c) out(0, c) += x(r, c);
}

std::int64_t checked_embed_dim(const MultiheadAttentionOptions& o) {
  GAT_REQUIRE(o.embed_dim > 0, "MultiheadAttention: options.embed_dim is ", o.embed_dim, ", expected > 0");
  return o.embed_dim;
}

}  // namespace

template <class T>
detail::OutProjection<T>::OutProjection(std::int64_t embed_dim, bool with_bias) {
  weight = &this->register_parameter("weight", embed_dim, embed_dim);
  if (with_bias) bias = &this->register_parameter("bias", 1, embed_dim);
}

template <class T>
MultiheadAttention<T>::MultiheadAttention(const MultiheadAttentionOptions& o)
    : options_(o),
      E_(o.embed_dim),
      kdim_(o.kdim > 0 ? o.kdim : o.embed_dim),
      vdim_(o.vdim > 0 ? o.vdim : o.embed_dim),
      head_dim_(o.num_heads > 0 ? o.embed_dim / o.num_heads : 0),
      same_dims_(kdim_ == E_ && vdim_ == E_),
      out_proj_(checked_embed_dim(o), o.bias) {
  GAT_REQUIRE(o.num_heads > 0 && o.embed_dim % o.num_heads == 0, "MultiheadAttention: options.num_heads is ",
              o.num_heads, ", expected a positive divisor of embed_dim = ", o.embed_dim);
  GAT_REQUIRE(o.kdim >= 0 && o.vdim >= 0, "MultiheadAttention: options.kdim/vdim are ", o.kdim, "/", o.vdim,
              ", expected >= 0 (0 means embed_dim)");
  GAT_REQUIRE(o.dropout >= 0 && o.dropout < 1, "MultiheadAttention: options.dropout is ", o.dropout,
              ", expected 0 <= dropout < 1");
  const RandomKey init{o.seed, 0x6d6861};
  if (same_dims_) {
    in_proj_weight_ = &this->register_parameter("in_proj_weight", 3 * E_, E_);
    xavier_uniform(in_proj_weight_->value, init.child(0));
  } else {
    q_proj_weight_ = &this->register_parameter("q_proj_weight", E_, E_);
    k_proj_weight_ = &this->register_parameter("k_proj_weight", E_, kdim_);
    v_proj_weight_ = &this->register_parameter("v_proj_weight", E_, vdim_);
    xavier_uniform(q_proj_weight_->value, init.child(1));
    xavier_uniform(k_proj_weight_->value, init.child(2));
    xavier_uniform(v_proj_weight_->value, init.child(3));
  }
  if (o.bias) in_proj_bias_ = &this->register_parameter("in_proj_bias", 1, 3 * E_);  // zero, as in PyTorch
  this->register_module("out_proj", out_proj_);
  // nn.Linear's default: kaiming_uniform(a = sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  fill_uniform(out_proj_.weight->value, 1.0 / std::sqrt(static_cast<double>(E_)), init.child(4));
  dropout_key_ = RandomKey{o.seed, 0x64726f70};
}

template <class T>
MatrixView<T> MultiheadAttention<T>::w_value(int which) {
  if (same_dims_) return in_proj_weight_->value.view().block_rows(which * E_, E_);
  return (which == 0 ? q_proj_weight_ : which == 1 ? k_proj_weight_ : v_proj_weight_)->value.view();
}
template <class T>
MatrixView<T> MultiheadAttention<T>::w_grad(int which) {
  if (same_dims_) return in_proj_weight_->grad.view().block_rows(which * E_, E_);
  return (which == 0 ? q_proj_weight_ : which == 1 ? k_proj_weight_ : v_proj_weight_)->grad.view();
}

template <class T>
void MultiheadAttention<T>::project(In<T> x, MatrixView<const T> w, MatrixView<const T> b, BasicMatrix<T>& out) {
  out.resize_uninitialized(x.rows(), w.rows());
  matmul_nt<T>(x, w, out.view());
  if (b.data())
    for (std::int64_t r = 0; r < out.rows(); ++r)
      for (std::int64_t c = 0; c < out.cols(); ++c) out(r, c) += b(0, c);
}

template <class T>
const BasicMatrix<T>& MultiheadAttention<T>::forward(In<T> query, In<T> key, In<T> value, const AttentionMask& mask) {
  constexpr const char* fn = "MultiheadAttention::forward";
  GAT_REQUIRE(query.cols() == E_, fn, ": query is ", query.rows(), "x", query.cols(), ", expected L x ", E_,
              " (embed_dim)");
  GAT_REQUIRE(key.cols() == kdim_, fn, ": key is ", key.rows(), "x", key.cols(), ", expected S x ", kdim_, " (kdim)");
  GAT_REQUIRE(value.cols() == vdim_ && value.rows() == key.rows(), fn, ": value is ", value.rows(), "x",
              value.cols(), ", expected ", key.rows(), "x", vdim_, " (S x vdim)");
  const std::int64_t L = query.rows(), S = key.rows(), H = options_.num_heads, D = head_dim_;
  mask.check(fn, L, S);
  self_attention_ = false;
  query_.assign(query);
  key_.assign(key);
  value_.assign(value);
  MatrixView<const T> bias = in_proj_bias_ ? MatrixView<const T>(in_proj_bias_->value.view()) : MatrixView<const T>();
  auto bias_block = [&](int which) {
    return bias.data() ? bias.block_cols(which * E_, E_) : MatrixView<const T>();
  };
  project(query, w_value(0), bias_block(0), q_);
  project(key, w_value(1), bias_block(1), k_);
  project(value, w_value(2), bias_block(2), v_);

  const bool drop = this->is_training() && options_.dropout > 0;
  last_dropout_ = AttentionDropout{drop ? static_cast<float>(options_.dropout) : 0.0f, dropout_key_.child(step_++)};
  heads_out_.resize_uninitialized(L, E_);
  weights_.resize_uninitialized(H * L, S);
  for (std::int64_t h = 0; h < H; ++h) {
    const AttentionDropout head_drop{last_dropout_.p, last_dropout_.key.child(static_cast<std::uint64_t>(h))};
    dense_attention_forward<T>(ScaledDotProductScorer<T>{}, q_.view().block_cols(h * D, D),
                               k_.view().block_cols(h * D, D), v_.view().block_cols(h * D, D), mask,
                               heads_out_.view().block_cols(h * D, D), weights_.view().block_rows(h * L, L),
                               head_drop);
  }
  project(heads_out_.view(), out_proj_.weight->value.view(),
          out_proj_.bias ? MatrixView<const T>(out_proj_.bias->value.view()) : MatrixView<const T>(), out_);

  if (!options_.need_weights) {
    weights_out_.resize(0, 0);
  } else if (!options_.average_attn_weights) {
    weights_out_ = weights_;
  } else {
    weights_out_.resize(L, S);
    for (std::int64_t h = 0; h < H; ++h)
      for (std::int64_t i = 0; i < L; ++i)
        for (std::int64_t k = 0; k < S; ++k) weights_out_(i, k) += weights_(h * L + i, k);
    for (auto& x : weights_out_.flat()) x /= static_cast<T>(H);
  }
  return out_;
}

template <class T>
const BasicMatrix<T>& MultiheadAttention<T>::forward(In<T> x, const AttentionMask& mask) {
  GAT_REQUIRE(same_dims_, "MultiheadAttention::forward(x): self-attention needs kdim == vdim == embed_dim (",
              E_, "), got kdim = ", kdim_, ", vdim = ", vdim_);
  forward(x, x, x, mask);
  self_attention_ = true;
  return out_;
}

template <class T>
void MultiheadAttention<T>::backward(In<T> d_out, MatrixView<T> d_query, MatrixView<T> d_key, MatrixView<T> d_value) {
  constexpr const char* fn = "MultiheadAttention::backward";
  const std::int64_t L = query_.rows(), S = key_.rows(), H = options_.num_heads, D = head_dim_;
  GAT_REQUIRE(out_.rows() == L && out_.cols() == E_, fn, ": call forward first");
  attention::detail::require_shape(fn, "d_out", d_out, L, E_);
  attention::detail::require_shape(fn, "d_query", MatrixView<const T>(d_query), L, E_);
  attention::detail::require_shape(fn, "d_key", MatrixView<const T>(d_key), S, kdim_);
  attention::detail::require_shape(fn, "d_value", MatrixView<const T>(d_value), S, vdim_);

  // out = heads W_o^T + b_o
  matmul_tn<T>(d_out, heads_out_.view(), out_proj_.weight->grad.view(), Accumulate::yes);
  if (out_proj_.bias) add_column_sums<T>(d_out, out_proj_.bias->grad.view());
  BasicMatrix<T> d_heads(L, E_);
  matmul<T>(d_out, out_proj_.weight->value.view(), d_heads.view());

  BasicMatrix<T> dq(L, E_), dk(S, E_), dv(S, E_);
  for (std::int64_t h = 0; h < H; ++h) {
    const AttentionDropout head_drop{last_dropout_.p, last_dropout_.key.child(static_cast<std::uint64_t>(h))};
    dense_attention_backward<T>(ScaledDotProductScorer<T>{}, q_.view().block_cols(h * D, D),
                                k_.view().block_cols(h * D, D), v_.view().block_cols(h * D, D),
                                weights_.view().block_rows(h * L, L), head_drop, d_heads.view().block_cols(h * D, D),
                                dq.view().block_cols(h * D, D), dk.view().block_cols(h * D, D),
                                dv.view().block_cols(h * D, D));
  }
  // Q = query W_q^T + b_q, and likewise for K and V.
  const BasicMatrix<T>* inputs[3] = {&query_, &key_, &value_};
  const BasicMatrix<T>* grads[3] = {&dq, &dk, &dv};
  MatrixView<T> d_inputs[3] = {d_query, d_key, d_value};
  for (int which = 0; which < 3; ++which) {
    matmul_tn<T>(grads[which]->view(), inputs[which]->view(), w_grad(which), Accumulate::yes);
    if (in_proj_bias_) add_column_sums<T>(grads[which]->view(), in_proj_bias_->grad.view().block_cols(which * E_, E_));
    matmul<T>(grads[which]->view(), w_value(which), d_inputs[which]);
  }
}

template <class T>
void MultiheadAttention<T>::backward(In<T> d_out, MatrixView<T> d_x) {
  GAT_REQUIRE(self_attention_, "MultiheadAttention::backward(d_out, d_x): the last forward was not self-attention; "
              "use backward(d_out, d_query, d_key, d_value)");
  const std::int64_t L = query_.rows();
  attention::detail::require_shape("MultiheadAttention::backward", "d_x", MatrixView<const T>(d_x), L, E_);
  BasicMatrix<T> dk(L, E_), dv(L, E_);
  backward(d_out, d_x, dk.view(), dv.view());
  for (std::int64_t r = 0; r < L; ++r)
    for (std::int64_t c = 0; c < E_; ++c) d_x(r, c) += dk(r, c) + dv(r, c);
}

template class detail::OutProjection<float>;
template class detail::OutProjection<double>;
template class MultiheadAttention<float>;
template class MultiheadAttention<double>;

}  // namespace gat::attention
