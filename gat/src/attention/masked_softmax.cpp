#include "gat/attention/masked_softmax.hpp"

#include <cmath>
#include <limits>

#include "attention/kernel_util.hpp"

namespace gat::attention {

void AttentionMask::check(const char* fn, std::int64_t n_q, std::int64_t n_k) const {
  if (attn_mask.data() != nullptr)
    GAT_REQUIRE(attn_mask.rows() == n_q && attn_mask.cols() == n_k, fn, ": mask.attn_mask is ", attn_mask.rows(),
                "x", attn_mask.cols(), ", expected ", n_q, "x", n_k, " (queries x keys)");
  if (!key_padding_mask.empty())
    GAT_REQUIRE(static_cast<std::int64_t>(key_padding_mask.size()) == n_k, fn, ": mask.key_padding_mask has ",
                key_padding_mask.size(), " entries, expected ", n_k, " (one per key)");
}

template <class T>
void masked_softmax(MatrixView<const T> scores, const AttentionMask& mask, MatrixView<T> weights) {
  constexpr const char* fn = "masked_softmax";
  detail::require_shape(fn, "weights", MatrixView<const T>(weights), scores.rows(), scores.cols());
  mask.check(fn, scores.rows(), scores.cols());
  const std::int64_t n_k = scores.cols();
  detail::for_range(scores.rows(), 64, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T m = -std::numeric_limits<T>::infinity();
      bool any = false;
      for (std::int64_t k = 0; k < n_k; ++k)
        if (mask.allowed(i, k)) {
          any = true;
          if (scores(i, k) > m) m = scores(i, k);
        }
      T l = 0;
      for (std::int64_t k = 0; k < n_k; ++k) {
        const T p = any && mask.allowed(i, k) ? std::exp(scores(i, k) - m) : T(0);
        weights(i, k) = p;
        l += p;
      }
      if (!any) continue;
      const T inv = T(1) / l;
      for (std::int64_t k = 0; k < n_k; ++k) weights(i, k) *= inv;
    }
  });
}

template <class T>
void masked_softmax_backward(MatrixView<const T> weights, MatrixView<const T> d_weights, MatrixView<T> d_scores) {
  constexpr const char* fn = "masked_softmax_backward";
  detail::require_shape(fn, "d_weights", d_weights, weights.rows(), weights.cols());
  detail::require_shape(fn, "d_scores", MatrixView<const T>(d_scores), weights.rows(), weights.cols());
  detail::for_range(weights.rows(), 64, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T c = 0;
      for (std::int64_t k = 0; k < weights.cols(); ++k) c += weights(i, k) * d_weights(i, k);
      for (std::int64_t k = 0; k < weights.cols(); ++k) d_scores(i, k) = weights(i, k) * (d_weights(i, k) - c);
    }
  });
}

template <class T>
void dense_dropout(const AttentionDropout& dropout, MatrixView<T> weights) {
  GAT_REQUIRE(dropout.p >= 0 && dropout.p < 1, "dense_dropout: dropout.p is ", dropout.p, ", expected 0 <= p < 1");
  if (dropout.p <= 0) return;
  const T keep_scale = T(1) / (T(1) - static_cast<T>(dropout.p));
  const std::int64_t n_k = weights.cols();
  for (std::int64_t i = 0; i < weights.rows(); ++i)
    for (std::int64_t k = 0; k < n_k; ++k)
      weights(i, k) *= dropout.key.bernoulli(static_cast<std::uint64_t>(i * n_k + k), dropout.p) ? T(0) : keep_scale;
}

template void masked_softmax<float>(MatrixView<const float>, const AttentionMask&, MatrixView<float>);
template void masked_softmax<double>(MatrixView<const double>, const AttentionMask&, MatrixView<double>);
template void masked_softmax_backward<float>(MatrixView<const float>, MatrixView<const float>, MatrixView<float>);
template void masked_softmax_backward<double>(MatrixView<const double>, MatrixView<const double>, MatrixView<double>);
template void dense_dropout<float>(const AttentionDropout&, MatrixView<float>);
template void dense_dropout<double>(const AttentionDropout&, MatrixView<double>);

}  // namespace gat::attention
