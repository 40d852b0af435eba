#include "gat/attention/attention_pooling.hpp"

#include <cmath>
#include <limits>

#include "attention/kernel_util.hpp"
#include "gat/core/random.hpp"

namespace gat::attention {

template <class T>
AttentionPooling<T>::AttentionPooling(const AttentionPoolingOptions& o)
    : F_(o.in_features), A_(o.attention_dim > 0 ? o.attention_dim : o.in_features) {
  GAT_REQUIRE(o.in_features > 0, "AttentionPooling: options.in_features is ", o.in_features, ", expected > 0");
  GAT_REQUIRE(o.attention_dim >= 0, "AttentionPooling: options.attention_dim is ", o.attention_dim,
              ", expected >= 0 (0 means in_features)");
  weight_ = &this->register_parameter("weight", A_, F_);
  bias_ = &this->register_parameter("bias", 1, A_);
  context_ = &this->register_parameter("context", 1, A_);
  const RandomKey key{o.seed, 0x706f6f6c};
  const double bound_w = std::sqrt(6.0 / static_cast<double>(A_ + F_));  // Glorot, as for tanh layers
  const double bound_c = std::sqrt(3.0 / static_cast<double>(A_));
  for (std::int64_t i = 0; i < weight_->value.size(); ++i)
    weight_->value.data()[i] = static_cast<T>(bound_w * (2 * key.child(0).uniform_double(i) - 1));
  for (std::int64_t i = 0; i < A_; ++i)
    context_->value.data()[i] = static_cast<T>(bound_c * (2 * key.child(1).uniform_double(i) - 1));
}

template <class T>
const BasicMatrix<T>& AttentionPooling<T>::forward(In<T> x) {
  const std::int64_t offsets[2] = {0, x.rows()};
  return forward(x, offsets);
}

template <class T>
const BasicMatrix<T>& AttentionPooling<T>::forward(In<T> x, std::span<const std::int64_t> offsets) {
  constexpr const char* fn = "AttentionPooling::forward";
  GAT_REQUIRE(x.cols() == F_, fn, ": x is ", x.rows(), "x", x.cols(), ", expected n x ", F_, " (in_features)");
  GAT_REQUIRE(offsets.size() >= 2 && offsets.front() == 0 && offsets.back() == x.rows(), fn,
              ": offsets must start at 0 and end at x.rows() = ", x.rows(), " (got ", offsets.size(), " entries)");
  for (std::size_t g = 1; g < offsets.size(); ++g)
    GAT_REQUIRE(offsets[g] >= offsets[g - 1], fn, ": offsets decrease at ", g);
  const std::int64_t n = x.rows(), G = static_cast<std::int64_t>(offsets.size()) - 1;
  x_.assign(x);
  offsets_.assign(offsets.begin(), offsets.end());
  u_.resize_uninitialized(n, A_);
  matmul_nt<T>(x, weight_->value.view(), u_.view());
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t a = 0; a < A_; ++a) u_(r, a) = std::tanh(u_(r, a) + bias_->value(0, a));
  alpha_.resize(n, 1);
  matmul_nt<T>(u_.view(), context_->value.view(), alpha_.view());  // scores u_r . c
  out_.resize(G, F_);
  for (std::int64_t g = 0; g < G; ++g) {
    const std::int64_t b = offsets[g], e = offsets[g + 1];
    if (b == e) continue;
    T m = -std::numeric_limits<T>::infinity();
    for (std::int64_t r = b; r < e; ++r) m = std::max(m, alpha_(r, 0));
    T l = 0;
    for (std::int64_t r = b; r < e; ++r) l += (alpha_(r, 0) = std::exp(alpha_(r, 0) - m));
    for (std::int64_t r = b; r < e; ++r) {
      alpha_(r, 0) /= l;
      for (std::int64_t f = 0; f < F_; ++f) out_(g, f) += alpha_(r, 0) * x(r, f);
    }
  }
  return out_;
}

template <class T>
void AttentionPooling<T>::backward(In<T> d_out, MatrixView<T> d_x) {
  constexpr const char* fn = "AttentionPooling::backward";
  const std::int64_t n = x_.rows(), G = static_cast<std::int64_t>(offsets_.size()) - 1;
  GAT_REQUIRE(G >= 1, fn, ": call forward first");
  detail::require_shape(fn, "d_out", d_out, G, F_);
  detail::require_shape(fn, "d_x", MatrixView<const T>(d_x), n, F_);
  BasicMatrix<T> ds(n, 1);
  for (std::int64_t g = 0; g < G; ++g) {
    T c = 0;
    for (std::int64_t r = offsets_[g]; r < offsets_[g + 1]; ++r) {
      T da = 0;  // dL/dalpha_r = d_out_g . x_r
      for (std::int64_t f = 0; f < F_; ++f) {
        da += d_out(g, f) * x_(r, f);
        d_x(r, f) = alpha_(r, 0) * d_out(g, f);
      }
      ds(r, 0) = da;
      c += alpha_(r, 0) * da;
    }
    for (std::int64_t r = offsets_[g]; r < offsets_[g + 1]; ++r) ds(r, 0) = alpha_(r, 0) * (ds(r, 0) - c);
  }
  // s = u c^T: dc += ds^T u, du = ds c; u = tanh(z): dz = du (1 - u^2)
  matmul_tn<T>(ds.view(), u_.view(), context_->grad.view(), Accumulate::yes);
  BasicMatrix<T> dz(n, A_);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t a = 0; a < A_; ++a) {
      dz(r, a) = ds(r, 0) * context_->value(0, a) * (T(1) - u_(r, a) * u_(r, a));
      bias_->grad(0, a) += dz(r, a);
    }
  matmul_tn<T>(dz.view(), x_.view(), weight_->grad.view(), Accumulate::yes);
  matmul<T>(dz.view(), weight_->value.view(), d_x, Accumulate::yes);
}

template class AttentionPooling<float>;
template class AttentionPooling<double>;

}  // namespace gat::attention
