// The unfused reference composition. Score functions and their backward are plain loops over the
// stored edges (serial: they are verifiers, obviously correct first); softmax and aggregation pull
// over destination rows, and the aggregation backward pulls over the transposed graph.
#include "gat/attention/edge_ops.hpp"

#include <cmath>
#include <limits>

#include "attention/kernel_util.hpp"
#include "gat/core/parallel.hpp"
#include "gat/tensor/matmul.hpp"

namespace gat::attention {

using detail::require_shape;

template <class T>
void edge_scores_concat(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                        std::int64_t heads, const ConcatScore& score, MatrixView<T> scores) {
  constexpr const char* fn = "edge_scores_concat";
  detail::require_heads(fn, heads);
  require_shape(fn, "src_score", src_score, g.num_nodes(), heads);
  require_shape(fn, "dst_score", dst_score, g.num_nodes(), heads);
  require_shape(fn, "scores", MatrixView<const T>(scores), g.num_edges(), heads);
  const T slope = static_cast<T>(score.negative_slope);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    for (std::int64_t h = 0; h < heads; ++h) {
      const T z = src_score(g.in_sources()[e], h) + dst_score(g.in_targets()[e], h);
      scores(e, h) = z > 0 ? z : slope * z;
    }
}

template <class T>
void edge_scores_concat_backward(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                                 std::int64_t heads, const ConcatScore& score, MatrixView<const T> d_scores,
                                 MatrixView<T> d_src_score, MatrixView<T> d_dst_score) {
  constexpr const char* fn = "edge_scores_concat_backward";
  detail::require_heads(fn, heads);
  require_shape(fn, "src_score", src_score, g.num_nodes(), heads);
  require_shape(fn, "dst_score", dst_score, g.num_nodes(), heads);
  require_shape(fn, "d_scores", d_scores, g.num_edges(), heads);
  require_shape(fn, "d_src_score", MatrixView<const T>(d_src_score), g.num_nodes(), heads);
  require_shape(fn, "d_dst_score", MatrixView<const T>(d_dst_score), g.num_nodes(), heads);
  detail::set_zero(d_src_score);
  detail::set_zero(d_dst_score);
  const T slope = static_cast<T>(score.negative_slope);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t j = g.in_sources()[e], i = g.in_targets()[e];
      const T z = src_score(j, h) + dst_score(i, h);
      const T dz = d_scores(e, h) * (z > 0 ? T(1) : slope);
      d_src_score(j, h) += dz;
      d_dst_score(i, h) += dz;
    }
}

namespace {
template <class T>
std::int64_t check_qk(const char* fn, const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                      std::int64_t heads) {
  detail::require_heads(fn, heads);
  const std::int64_t F = detail::features_per_head(fn, "query", query, heads);
  require_shape(fn, "query", query, g.num_nodes(), query.cols());
  require_shape(fn, "key", key, g.num_nodes(), query.cols());
  return F;
}

template <class T>
T additive_act(const AdditiveScore& s, T z) {
  if (s.activation == AdditiveScore::Activation::tanh) return std::tanh(z);
  return z > 0 ? z : static_cast<T>(s.negative_slope) * z;
}
template <class T>
T additive_dact(const AdditiveScore& s, T z) {
  if (s.activation == AdditiveScore::Activation::tanh) {
    const T t = std::tanh(z);
    return T(1) - t * t;
  }
  return z > 0 ? T(1) : static_cast<T>(s.negative_slope);
}
}  // namespace

template <class T>
void edge_scores_additive(const Graph& g, MatrixView<const T> query, MatrixView<const T> key, MatrixView<const T> v,
                          std::int64_t heads, const AdditiveScore& score, MatrixView<T> scores) {
  constexpr const char* fn = "edge_scores_additive";
  const std::int64_t F = check_qk(fn, g, query, key, heads);
  require_shape(fn, "v", v, 1, query.cols());
  require_shape(fn, "scores", MatrixView<const T>(scores), g.num_edges(), heads);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t j = g.in_sources()[e], i = g.in_targets()[e];
      T acc = 0;
      for (std::int64_t f = 0; f < F; ++f) acc += v(0, h * F + f) * additive_act(score, query(i, h * F + f) + key(j, h * F + f));
      scores(e, h) = acc;
    }
}

template <class T>
void edge_scores_additive_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                   MatrixView<const T> v, std::int64_t heads, const AdditiveScore& score,
                                   MatrixView<const T> d_scores, MatrixView<T> d_query, MatrixView<T> d_key,
                                   MatrixView<T> d_v) {
  constexpr const char* fn = "edge_scores_additive_backward";
  const std::int64_t F = check_qk(fn, g, query, key, heads);
  require_shape(fn, "v", v, 1, query.cols());
  require_shape(fn, "d_scores", d_scores, g.num_edges(), heads);
  require_shape(fn, "d_query", MatrixView<const T>(d_query), g.num_nodes(), query.cols());
  require_shape(fn, "d_key", MatrixView<const T>(d_key), g.num_nodes(), query.cols());
  require_shape(fn, "d_v", MatrixView<const T>(d_v), 1, query.cols());
  detail::set_zero(d_query);
  detail::set_zero(d_key);
  detail::set_zero(d_v);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t j = g.in_sources()[e], i = g.in_targets()[e];
      const T ds = d_scores(e, h);
      for (std::int64_t f = 0; f < F; ++f) {
        const std::int64_t c = h * F + f;
        const T z = query(i, c) + key(j, c);
        const T dz = ds * v(0, c) * additive_dact(score, z);
        d_query(i, c) += dz;
        d_key(j, c) += dz;
        d_v(0, c) += ds * additive_act(score, z);
      }
    }
}

template <class T>
void edge_scores_dot(const Graph& g, MatrixView<const T> query, MatrixView<const T> key, std::int64_t heads,
                     const DotScore& score, MatrixView<T> scores) {
  constexpr const char* fn = "edge_scores_dot";
  const std::int64_t F = check_qk(fn, g, query, key, heads);
  require_shape(fn, "scores", MatrixView<const T>(scores), g.num_edges(), heads);
  const T scale = static_cast<T>(score.scale);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t j = g.in_sources()[e], i = g.in_targets()[e];
      T acc = 0;
      for (std::int64_t f = 0; f < F; ++f) acc += query(i, h * F + f) * key(j, h * F + f);
      scores(e, h) = scale * acc;
    }
}

template <class T>
void edge_scores_dot_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key, std::int64_t heads,
                              const DotScore& score, MatrixView<const T> d_scores, MatrixView<T> d_query,
                              MatrixView<T> d_key) {
  constexpr const char* fn = "edge_scores_dot_backward";
  const std::int64_t F = check_qk(fn, g, query, key, heads);
  require_shape(fn, "d_scores", d_scores, g.num_edges(), heads);
  require_shape(fn, "d_query", MatrixView<const T>(d_query), g.num_nodes(), query.cols());
  require_shape(fn, "d_key", MatrixView<const T>(d_key), g.num_nodes(), query.cols());
  detail::set_zero(d_query);
  detail::set_zero(d_key);
  const T scale = static_cast<T>(score.scale);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    for (std::int64_t h = 0; h < heads; ++h) {
      const std::int64_t j = g.in_sources()[e], i = g.in_targets()[e];
      const T ds = scale * d_scores(e, h);
      for (std::int64_t f = 0; f < F; ++f) {
        d_query(i, h * F + f) += ds * key(j, h * F + f);
        d_key(j, h * F + f) += ds * query(i, h * F + f);
      }
    }
}

template <class T>
void bilinear_transform_keys(MatrixView<const T> key, MatrixView<const T> W, std::int64_t heads, MatrixView<T> out) {
  constexpr const char* fn = "bilinear_transform_keys";
  detail::require_heads(fn, heads);
  const std::int64_t Fk = detail::features_per_head(fn, "key", key, heads);
  GAT_REQUIRE(W.rows() > 0 && W.rows() % heads == 0, fn, ": W has ", W.rows(),
              " rows, expected a positive multiple of heads = ", heads, " (W stacks one Fq x Fk block per head)");
  const std::int64_t Fq = W.rows() / heads;
  require_shape(fn, "W", W, heads * Fq, Fk);
  require_shape(fn, "out", MatrixView<const T>(out), key.rows(), heads * Fq);
  for (std::int64_t h = 0; h < heads; ++h)
    matmul_nt<T>(key.block_cols(h * Fk, Fk), W.block_rows(h * Fq, Fq), out.block_cols(h * Fq, Fq));
}

template <class T>
void bilinear_transform_keys_backward(MatrixView<const T> key, MatrixView<const T> W, std::int64_t heads,
                                      MatrixView<const T> d_out, MatrixView<T> d_key, MatrixView<T> d_W) {
  constexpr const char* fn = "bilinear_transform_keys_backward";
  detail::require_heads(fn, heads);
  const std::int64_t Fk = detail::features_per_head(fn, "key", key, heads);
  GAT_REQUIRE(W.rows() > 0 && W.rows() % heads == 0, fn, ": W has ", W.rows(),
              " rows, expected a positive multiple of heads = ", heads, " (W stacks one Fq x Fk block per head)");
  const std::int64_t Fq = W.rows() / heads;
  require_shape(fn, "W", W, heads * Fq, Fk);
  require_shape(fn, "d_out", d_out, key.rows(), heads * Fq);
  require_shape(fn, "d_key", MatrixView<const T>(d_key), key.rows(), key.cols());
  require_shape(fn, "d_W", MatrixView<const T>(d_W), W.rows(), W.cols());
  for (std::int64_t h = 0; h < heads; ++h) {
    matmul<T>(d_out.block_cols(h * Fq, Fq), W.block_rows(h * Fq, Fq), d_key.block_cols(h * Fk, Fk));
    matmul_tn<T>(d_out.block_cols(h * Fq, Fq), key.block_cols(h * Fk, Fk), d_W.block_rows(h * Fq, Fq));
  }
}

template <class T>
void edge_softmax(const Graph& g, MatrixView<const T> scores, MatrixView<T> weights) {
  constexpr const char* fn = "edge_softmax";
  require_shape(fn, "scores", scores, g.num_edges(), scores.cols());
  require_shape(fn, "weights", MatrixView<const T>(weights), g.num_edges(), scores.cols());
  const std::int64_t heads = scores.cols();
  const auto offsets = g.in_offsets();
  detail::for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < heads; ++h) {
        T m = -std::numeric_limits<T>::infinity();
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) m = std::max(m, scores(e, h));
        T l = 0;
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) l += std::exp(scores(e, h) - m);
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) weights(e, h) = std::exp(scores(e, h) - m) / l;
      }
  });
}

template <class T>
void edge_softmax_backward(const Graph& g, MatrixView<const T> weights, MatrixView<const T> d_weights,
                           MatrixView<T> d_scores) {
  constexpr const char* fn = "edge_softmax_backward";
  require_shape(fn, "weights", weights, g.num_edges(), weights.cols());
  require_shape(fn, "d_weights", d_weights, g.num_edges(), weights.cols());
  require_shape(fn, "d_scores", MatrixView<const T>(d_scores), g.num_edges(), weights.cols());
  const std::int64_t heads = weights.cols();
  const auto offsets = g.in_offsets();
  detail::for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t h = 0; h < heads; ++h) {
        T c = 0;
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) c += weights(e, h) * d_weights(e, h);
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) d_scores(e, h) = weights(e, h) * (d_weights(e, h) - c);
      }
  });
}

template <class T>
void edge_dropout(const AttentionDropout& dropout, MatrixView<T> weights) {
  GAT_REQUIRE(dropout.p >= 0 && dropout.p < 1, "edge_dropout: dropout.p is ", dropout.p, ", expected 0 <= p < 1");
  if (dropout.p <= 0) return;
  const T keep_scale = T(1) / (T(1) - static_cast<T>(dropout.p));
  const std::int64_t heads = weights.cols();
  for (std::int64_t e = 0; e < weights.rows(); ++e)
    for (std::int64_t h = 0; h < heads; ++h)
      weights(e, h) *= dropout.key.bernoulli(static_cast<std::uint64_t>(e * heads + h), dropout.p) ? T(0) : keep_scale;
}

template <class T>
void aggregate(const Graph& g, MatrixView<const T> weights, MatrixView<const T> values, MatrixView<T> out) {
  constexpr const char* fn = "aggregate";
  const std::int64_t heads = weights.cols();
  detail::require_heads(fn, heads);
  require_shape(fn, "weights", weights, g.num_edges(), heads);
  require_shape(fn, "values", values, g.num_nodes(), values.cols());
  const std::int64_t F = detail::features_per_head(fn, "values", values, heads);
  require_shape(fn, "out", MatrixView<const T>(out), g.num_nodes(), values.cols());
  const auto offsets = g.in_offsets();
  const auto sources = g.in_sources();
  detail::for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      T* o = out.row_ptr(i);
      for (std::int64_t c = 0; c < values.cols(); ++c) o[c] = T(0);
      for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e)
        for (std::int64_t h = 0; h < heads; ++h) {
          const T w = weights(e, h);
          const T* vj = values.row_ptr(sources[e]) + h * F;
#pragma omp simd
          for (std::int64_t f = 0; f < F; ++f) o[h * F + f] += w * vj[f];
        }
    }
  });
}

template <class T>
void aggregate_backward(const Graph& g, MatrixView<const T> weights, MatrixView<const T> values,
                        MatrixView<const T> d_out, MatrixView<T> d_weights, MatrixView<T> d_values) {
  constexpr const char* fn = "aggregate_backward";
  const std::int64_t heads = weights.cols();
  detail::require_heads(fn, heads);
  require_shape(fn, "weights", weights, g.num_edges(), heads);
  require_shape(fn, "values", values, g.num_nodes(), values.cols());
  const std::int64_t F = detail::features_per_head(fn, "values", values, heads);
  require_shape(fn, "d_out", d_out, g.num_nodes(), values.cols());
  require_shape(fn, "d_weights", MatrixView<const T>(d_weights), g.num_edges(), heads);
  require_shape(fn, "d_values", MatrixView<const T>(d_values), g.num_nodes(), values.cols());
  const auto in_offsets = g.in_offsets();
  const auto sources = g.in_sources();
  detail::for_rows(in_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i)
      for (std::int64_t e = in_offsets[i]; e < in_offsets[i + 1]; ++e)
        for (std::int64_t h = 0; h < heads; ++h) {
          T acc = 0;
          for (std::int64_t f = 0; f < F; ++f) acc += d_out(i, h * F + f) * values(sources[e], h * F + f);
          d_weights(e, h) = acc;
        }
  });
  const auto out_offsets = g.out_offsets();
  const auto out_targets = g.out_targets();
  const auto out_edges = g.out_edges();
  detail::for_rows(out_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      T* dv = d_values.row_ptr(j);
      for (std::int64_t c = 0; c < values.cols(); ++c) dv[c] = T(0);
      for (std::int64_t k = out_offsets[j]; k < out_offsets[j + 1]; ++k)
        for (std::int64_t h = 0; h < heads; ++h) {
          const T w = weights(out_edges[k], h);
          const T* go = d_out.row_ptr(out_targets[k]) + h * F;
#pragma omp simd
          for (std::int64_t f = 0; f < F; ++f) dv[h * F + f] += w * go[f];
        }
    }
  });
}

#define GAT_INSTANTIATE(T)                                                                                          \
  template void edge_scores_concat<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, std::int64_t,        \
                                      const ConcatScore&, MatrixView<T>);                                          \
  template void edge_scores_concat_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,             \
                                               std::int64_t, const ConcatScore&, MatrixView<const T>,              \
                                               MatrixView<T>, MatrixView<T>);                                      \
  template void edge_scores_additive<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,                    \
                                        MatrixView<const T>, std::int64_t, const AdditiveScore&, MatrixView<T>);   \
  template void edge_scores_additive_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,           \
                                                 MatrixView<const T>, std::int64_t, const AdditiveScore&,          \
                                                 MatrixView<const T>, MatrixView<T>, MatrixView<T>,                \
                                                 MatrixView<T>);                                                   \
  template void edge_scores_dot<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, std::int64_t,           \
                                   const DotScore&, MatrixView<T>);                                                \
  template void edge_scores_dot_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, std::int64_t,  \
                                            const DotScore&, MatrixView<const T>, MatrixView<T>, MatrixView<T>);   \
  template void bilinear_transform_keys<T>(MatrixView<const T>, MatrixView<const T>, std::int64_t, MatrixView<T>); \
  template void bilinear_transform_keys_backward<T>(MatrixView<const T>, MatrixView<const T>, std::int64_t,        \
                                                    MatrixView<const T>, MatrixView<T>, MatrixView<T>);            \
  template void edge_softmax<T>(const Graph&, MatrixView<const T>, MatrixView<T>);                                 \
  template void edge_softmax_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, MatrixView<T>);   \
  template void edge_dropout<T>(const AttentionDropout&, MatrixView<T>);                                           \
  template void aggregate<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, MatrixView<T>);               \
  template void aggregate_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, MatrixView<const T>, \
                                      MatrixView<T>, MatrixView<T>);

GAT_INSTANTIATE(float)
GAT_INSTANTIATE(double)
#undef GAT_INSTANTIATE

}  // namespace gat::attention
