// GAT, GATv2 and dot-product graph attention as three Scorers of the one fused kernel
// (fused_edge_attention.hpp). Each scorer turns node-level inputs into an edge score and routes
// the score gradient back to the destination-side inputs (row i) or the source-side ones (row j).
#include "gat/attention/graph_attention.hpp"

#include <type_traits>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <vector>

#include "attention/fused_vector_kernels.hpp"
#include "attention/kernel_util.hpp"
#include "attention/source_attention.hpp"
#include "core/row_block_sums.hpp"
#include "gat/core/parallel.hpp"

namespace gat::attention {
namespace {

using detail::require_shape;

template <class T>
struct ConcatEdgeScorer {
  MatrixView<const T> src, dst;
  T slope;
  MatrixView<T> d_src{}, d_dst{};

  T z(std::int64_t i, std::int64_t j, std::int64_t h) const { return src(j, h) + dst(i, h); }
  // Selects by bit masks: the sign of z is a coin flip, and a branch on it mispredicts half the time.
  // For a slope in [0, 1] LeakyReLU is max(v, slope * v): one maxss, where the select goes through
  // integer registers.
  T score(std::int64_t i, std::int64_t j, std::int64_t h) const {
    const T v = z(i, j, h);
    if (slope >= 0 && slope <= 1) return std::max(v, slope * v);
    return detail::blend(v > 0, v, slope * v);
  }
  T slope_at(std::int64_t i, std::int64_t j, std::int64_t h) const { return detail::blend(z(i, j, h) > 0, T(1), slope); }
  void dst_grad(std::int64_t i, std::int64_t j, std::int64_t h, T ds) const { d_dst(i, h) += ds * slope_at(i, j, h); }
  void src_grad(std::int64_t i, std::int64_t j, std::int64_t h, T ds) const { d_src(j, h) += ds * slope_at(i, j, h); }

  // All heads of edge j -> i at once (the rows of src, dst and their gradients are contiguous).
  void scores(std::int64_t i, std::int64_t j, std::int64_t heads, T* out) const {
    const T* sj = src.row_ptr(j);
    const T* di = dst.row_ptr(i);
    const T k = slope;
#pragma omp simd
    for (std::int64_t h = 0; h < heads; ++h) {
      const T v = sj[h] + di[h];
      out[h] = detail::blend(v > 0, v, k * v);
    }
  }
  void dst_grads(std::int64_t i, std::int64_t j, std::int64_t heads, const T* ds) const {
    grads(i, j, heads, ds, d_dst.row_ptr(i));
  }
  void src_grads(std::int64_t i, std::int64_t j, std::int64_t heads, const T* ds) const {
    grads(i, j, heads, ds, d_src.row_ptr(j));
  }
  // Asked for by the kernels on graphs beyond the cache, some edges before row j is scored.
  void prefetch_source(std::int64_t j) const { __builtin_prefetch(src.row_ptr(j)); }
  void prefetch_target(std::int64_t i) const { __builtin_prefetch(dst.row_ptr(i)); }
  // Eight heads as vectors (float only; the 8-head kernels of fused_vector_kernels.hpp).
  detail::v8f scores8(std::int64_t i, std::int64_t j) const { return scores8_of_sum(z8(i, j)); }
  detail::v8f slopes8(std::int64_t i, std::int64_t j) const { return slopes8_of_sum(z8(i, j)); }
  // The same from z = src(j) + dst(i) given: the recomputing backward keeps dst(i) next to node
  // i's other rows (fused_vector_kernels.hpp), one cache line fewer per edge.
  detail::v8f scores8_of_sum(detail::v8f z) const { return detail::select8(z > 0, z, slope * z); }
  detail::v8f slopes8_of_sum(detail::v8f z) const {
    return detail::select8(z > 0, detail::splat8(1.0f), detail::splat8(slope));
  }
  detail::v8f z8(std::int64_t i, std::int64_t j) const {
    return detail::load8(src.row_ptr(j)) + detail::load8(dst.row_ptr(i));
  }
  void grads(std::int64_t i, std::int64_t j, std::int64_t heads, const T* ds, T* out) const {
    const T* sj = src.row_ptr(j);
    const T* di = dst.row_ptr(i);
    const T k = slope;
#pragma omp simd
    for (std::int64_t h = 0; h < heads; ++h) out[h] += ds[h] * detail::blend(sj[h] + di[h] > 0, T(1), k);
  }
};

// GAT's scorer when src = head_dot(values, a) at 8 x 8 heads (source_attention.hpp): the
// 8-head kernels take source j's scores from j's value row, which they gather anyway
// (fused_vector_kernels.hpp, kSourceFromValues), with head_dot's own operations, so the same bits.
struct ConcatSourceFromValues : ConcatEdgeScorer<float> {
  detail::v8f att[8];

  detail::v8f src8_of_row(const float* row) const { return detail::head_dots8(row, att); }
};

template <class T>
struct AdditiveEdgeScorer {
  MatrixView<const T> q, k, v;
  std::int64_t F;
  bool use_tanh;
  T slope;
  MatrixView<T> d_q{}, d_k{}, dv_rows{};  // dv_rows[i] = destination i's share of d_v

  T act(T z) const { return use_tanh ? std::tanh(z) : (z > 0 ? z : slope * z); }
  T score(std::int64_t i, std::int64_t j, std::int64_t h) const {
    const T* qi = q.row_ptr(i) + h * F;
    const T* kj = k.row_ptr(j) + h * F;
    const T* vh = v.row_ptr(0) + h * F;
    T acc = 0;
    if (use_tanh) {
      for (std::int64_t f = 0; f < F; ++f) acc += vh[f] * std::tanh(qi[f] + kj[f]);
    } else {
#pragma omp simd reduction(+ : acc)
      for (std::int64_t f = 0; f < F; ++f) {
        const T z = qi[f] + kj[f];
        acc += vh[f] * (z > 0 ? z : slope * z);
      }
    }
    return acc;
  }
  // d act(z)/dz given z
  T dact(T z) const {
    if (use_tanh) {
      const T t = std::tanh(z);
      return T(1) - t * t;
    }
    return z > 0 ? T(1) : slope;
  }
  void dst_grad(std::int64_t i, std::int64_t j, std::int64_t h, T ds) const {
    const T* qi = q.row_ptr(i) + h * F;
    const T* kj = k.row_ptr(j) + h * F;
    const T* vh = v.row_ptr(0) + h * F;
    T* dq = d_q.row_ptr(i) + h * F;
    T* dv = dv_rows.row_ptr(i) + h * F;
    for (std::int64_t f = 0; f < F; ++f) {
      const T z = qi[f] + kj[f];
      dq[f] += ds * vh[f] * dact(z);
      dv[f] += ds * act(z);
    }
  }
  void src_grad(std::int64_t i, std::int64_t j, std::int64_t h, T ds) const {
    const T* qi = q.row_ptr(i) + h * F;
    const T* kj = k.row_ptr(j) + h * F;
    const T* vh = v.row_ptr(0) + h * F;
    T* dk = d_k.row_ptr(j) + h * F;
    for (std::int64_t f = 0; f < F; ++f) dk[f] += ds * vh[f] * dact(qi[f] + kj[f]);
  }
};

template <class T>
struct DotEdgeScorer {
  MatrixView<const T> q, k;
  std::int64_t F;
  T scale;
  MatrixView<T> d_q{}, d_k{};

  T score(std::int64_t i, std::int64_t j, std::int64_t h) const {
    return scale * detail::dot(q.row_ptr(i) + h * F, k.row_ptr(j) + h * F, F);
  }
  void dst_grad(std::int64_t i, std::int64_t j, std::int64_t h, T ds) const {
    const T w = ds * scale;
    const T* kj = k.row_ptr(j) + h * F;
    T* dq = d_q.row_ptr(i) + h * F;
#pragma omp simd
    for (std::int64_t f = 0; f < F; ++f) dq[f] += w * kj[f];
  }
  void src_grad(std::int64_t i, std::int64_t j, std::int64_t h, T ds) const {
    const T w = ds * scale;
    const T* qi = q.row_ptr(i) + h * F;
    T* dk = d_k.row_ptr(j) + h * F;
#pragma omp simd
    for (std::int64_t f = 0; f < F; ++f) dk[f] += w * qi[f];
  }
};

void check_dropout(const char* fn, const AttentionDropout& d) {
  GAT_REQUIRE(d.p >= 0 && d.p < 1, fn, ": dropout.p is ", d.p, ", expected 0 <= p < 1");
}

template <class T>
std::int64_t check_values(const char* fn, const Graph& g, MatrixView<const T> values, std::int64_t heads) {
  detail::require_heads(fn, heads);
  GAT_REQUIRE(values.rows() == g.num_nodes(), fn, ": values is ", values.rows(), "x", values.cols(), ", expected ",
              g.num_nodes(), " rows (one per node)");
  return detail::features_per_head(fn, "values", values, heads);
}

template <class T>
void check_state(const char* fn, const Graph& g, const GraphAttentionState<T>& state, std::int64_t heads) {
  require_shape(fn, "state.row_max", state.row_max.view(), g.num_nodes(), heads);
  require_shape(fn, "state.row_sum", state.row_sum.view(), g.num_nodes(), heads);
}

}  // namespace

// ---- GAT ---------------------------------------------------------------------------------------

namespace {

// From this size of the source-score matrix (N x 8 floats) the 8-head kernels take the scores
// from the value rows: below it the scores stay in the cache and reading them is cheaper than
// recomputing them (the measurements behind the threshold: docs/kernel-tuning.md).
constexpr std::int64_t kSourcesFromValuesAboveBytes = std::int64_t{8} << 20;

// Whether a source attention vector is given; a given one must be 1 x H*F.
template <class T>
bool check_source_attention(const char* fn, MatrixView<const T> a, MatrixView<const T> values) {
  if (a.rows() == 0 && a.cols() == 0) return false;
  require_shape(fn, "source_attention", a, 1, values.cols());
  return true;
}

// The scorer that takes the source scores from the value rows, when the 8-head kernels should:
// the caller names the attention vector src_score came from, the shapes are the 8 x 8 kernels',
// the scores are beyond the cache. The hint is spot-checked on the first and last rows (same bits
// expected) at any size: a wrong vector is reported when it disagrees there, not proven right
// everywhere (that would cost the pass over the scores the hint saves).
std::optional<ConcatSourceFromValues> source_scorer(const char* fn, const ConcatEdgeScorer<float>& sc,
                                                    MatrixView<const float> values, std::int64_t heads,
                                                    MatrixView<const float> a) {
  if (!check_source_attention(fn, a, values)) return std::nullopt;
  if (heads != 8 || values.cols() != 64) return std::nullopt;
  ConcatSourceFromValues out{sc, {}};
  for (int h = 0; h < 8; ++h) out.att[h] = detail::load8(a.row_ptr(0) + 8 * h);
  for (const std::int64_t r : {std::int64_t{0}, values.rows() - 1}) {
    if (r < 0) continue;
    const detail::v8f s = out.src8_of_row(values.row_ptr(r));
    GAT_REQUIRE(std::memcmp(&s, sc.src.row_ptr(r), sizeof s) == 0, fn,
                ": source_attention does not give src_score at row ", r,
                " (src_score must be head_dot(values, source_attention))");
  }
  if (sc.src.rows() * 8 * static_cast<std::int64_t>(sizeof(float)) < kSourcesFromValuesAboveBytes) return std::nullopt;
  return out;
}

}  // namespace

template <class T>
void gat_attention_forward(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                           MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                           const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                           bool keep_weights) {
  detail::gat_attention_forward_from_values<T>(g, src_score, dst_score, values, heads, score, {}, dropout, out, state,
                                               keep_weights);
}

template <class T>
void gat_attention_backward(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                            MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                            const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                            MatrixView<const T> d_out, MatrixView<T> d_src_score, MatrixView<T> d_dst_score,
                            MatrixView<T> d_values) {
  detail::gat_attention_backward_from_values<T>(g, src_score, dst_score, values, heads, score, {}, dropout, state,
                                                d_out, d_src_score, d_dst_score, d_values);
}

namespace detail {

template <class T>
void gat_attention_forward_from_values(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                                       MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                                       MatrixView<const T> source_attention, const AttentionDropout& dropout,
                                       MatrixView<T> out, GraphAttentionState<T>& state, bool keep_weights) {
  constexpr const char* fn = "gat_attention_forward";
  check_values(fn, g, values, heads);
  check_dropout(fn, dropout);
  require_shape(fn, "src_score", src_score, g.num_nodes(), heads);
  require_shape(fn, "dst_score", dst_score, g.num_nodes(), heads);
  require_shape(fn, "out", MatrixView<const T>(out), g.num_nodes(), values.cols());
  const ConcatEdgeScorer<T> sc{src_score, dst_score, static_cast<T>(score.negative_slope)};
  if constexpr (std::is_same_v<T, float>) {
    if (const auto from_rows = source_scorer(fn, sc, values, heads, source_attention))
      return fused_forward_8x8(g, *from_rows, values, dropout, out, state, keep_weights);
  } else {
    check_source_attention(fn, source_attention, values);
  }
  fused_forward(g, sc, values, heads, dropout, out, state, keep_weights);
}

template <class T>
void gat_attention_backward_from_values(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                                        MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                                        MatrixView<const T> source_attention, const AttentionDropout& dropout,
                                        const GraphAttentionState<T>& state, MatrixView<const T> d_out,
                                        MatrixView<T> d_src_score, MatrixView<T> d_dst_score, MatrixView<T> d_values) {
  constexpr const char* fn = "gat_attention_backward";
  check_values(fn, g, values, heads);
  check_dropout(fn, dropout);
  const std::int64_t n = g.num_nodes();
  require_shape(fn, "src_score", src_score, n, heads);
  require_shape(fn, "dst_score", dst_score, n, heads);
  check_state(fn, g, state, heads);
  require_shape(fn, "d_out", d_out, n, values.cols());
  require_shape(fn, "d_src_score", MatrixView<const T>(d_src_score), n, heads);
  require_shape(fn, "d_dst_score", MatrixView<const T>(d_dst_score), n, heads);
  require_shape(fn, "d_values", MatrixView<const T>(d_values), n, values.cols());
  set_zero(d_src_score);
  set_zero(d_dst_score);
  set_zero(d_values);
  ConcatEdgeScorer<T> sc{src_score, dst_score, static_cast<T>(score.negative_slope), d_src_score, d_dst_score};
  if constexpr (std::is_same_v<T, float>) {
    if (const auto from_rows = source_scorer(fn, sc, values, heads, source_attention))
      return fused_backward_8x8(g, *from_rows, values, dropout, state, d_out, d_values);
  } else {
    check_source_attention(fn, source_attention, values);
  }
  fused_backward(g, sc, values, heads, dropout, state, d_out, d_values);
}

}  // namespace detail

template <class T>
void gat_attention_weights(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                           std::int64_t heads, const ConcatScore& score, MatrixView<T> weights) {
  constexpr const char* fn = "gat_attention_weights";
  detail::require_heads(fn, heads);
  require_shape(fn, "src_score", src_score, g.num_nodes(), heads);
  require_shape(fn, "dst_score", dst_score, g.num_nodes(), heads);
  require_shape(fn, "weights", MatrixView<const T>(weights), g.num_edges(), heads);
  const ConcatEdgeScorer<T> sc{src_score, dst_score, static_cast<T>(score.negative_slope)};
  detail::fused_weights(g, sc, heads, weights);
}

// ---- GATv2 / additive --------------------------------------------------------------------------

namespace {
template <class T>
std::int64_t check_additive(const char* fn, const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                            MatrixView<const T> v, std::int64_t heads) {
  detail::require_heads(fn, heads);
  const std::int64_t F = detail::features_per_head(fn, "query", query, heads);
  require_shape(fn, "query", query, g.num_nodes(), query.cols());
  require_shape(fn, "key", key, g.num_nodes(), query.cols());
  require_shape(fn, "v", v, 1, query.cols());
  return F;
}
}  // namespace

template <class T>
void additive_attention_forward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                MatrixView<const T> v, MatrixView<const T> values, std::int64_t heads,
                                const AdditiveScore& score, const AttentionDropout& dropout, MatrixView<T> out,
                                GraphAttentionState<T>& state, bool keep_weights) {
  constexpr const char* fn = "additive_attention_forward";
  const std::int64_t F = check_additive(fn, g, query, key, v, heads);
  check_values(fn, g, values, heads);
  check_dropout(fn, dropout);
  require_shape(fn, "out", MatrixView<const T>(out), g.num_nodes(), values.cols());
  const AdditiveEdgeScorer<T> sc{query, key, v, F, score.activation == AdditiveScore::Activation::tanh,
                             static_cast<T>(score.negative_slope)};
  detail::fused_forward(g, sc, values, heads, dropout, out, state, keep_weights);
}

template <class T>
void additive_attention_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                 MatrixView<const T> v, MatrixView<const T> values, std::int64_t heads,
                                 const AdditiveScore& score, const AttentionDropout& dropout,
                                 const GraphAttentionState<T>& state, MatrixView<const T> d_out,
                                 MatrixView<T> d_query, MatrixView<T> d_key, MatrixView<T> d_v,
                                 MatrixView<T> d_values) {
  constexpr const char* fn = "additive_attention_backward";
  const std::int64_t F = check_additive(fn, g, query, key, v, heads);
  check_values(fn, g, values, heads);
  check_dropout(fn, dropout);
  check_state(fn, g, state, heads);
  const std::int64_t n = g.num_nodes();
  require_shape(fn, "d_out", d_out, n, values.cols());
  require_shape(fn, "d_query", MatrixView<const T>(d_query), n, query.cols());
  require_shape(fn, "d_key", MatrixView<const T>(d_key), n, query.cols());
  require_shape(fn, "d_v", MatrixView<const T>(d_v), 1, query.cols());
  require_shape(fn, "d_values", MatrixView<const T>(d_values), n, values.cols());
  detail::set_zero(d_query);
  detail::set_zero(d_key);
  detail::set_zero(d_values);
  // d_v sums over every edge; each destination row writes its own share, and the shares are
  // then added in row order (deterministic, no atomics). O(N*H*F) like any node tensor.
  BasicMatrix<T> dv_rows(n, query.cols());
  AdditiveEdgeScorer<T> sc{query, key, v, F, score.activation == AdditiveScore::Activation::tanh,
                       static_cast<T>(score.negative_slope), d_query, d_key, dv_rows.view()};
  detail::fused_backward(g, sc, values, heads, dropout, state, d_out, d_values);
  detail::for_range(query.cols(), 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t c = begin; c < end; ++c) {
      T acc = 0;
      for (std::int64_t i = 0; i < n; ++i) acc += dv_rows(i, c);
      d_v(0, c) = acc;
    }
  });
}

template <class T>
void additive_attention_weights(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                                MatrixView<const T> v, std::int64_t heads, const AdditiveScore& score,
                                MatrixView<T> weights) {
  constexpr const char* fn = "additive_attention_weights";
  const std::int64_t F = check_additive(fn, g, query, key, v, heads);
  require_shape(fn, "weights", MatrixView<const T>(weights), g.num_edges(), heads);
  const AdditiveEdgeScorer<T> sc{query, key, v, F, score.activation == AdditiveScore::Activation::tanh,
                             static_cast<T>(score.negative_slope)};
  detail::fused_weights(g, sc, heads, weights);
}

// ---- dot product ---------------------------------------------------------------------------------

namespace {
template <class T>
std::int64_t check_dot(const char* fn, const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                       std::int64_t heads) {
  detail::require_heads(fn, heads);
  const std::int64_t F = detail::features_per_head(fn, "query", query, heads);
  require_shape(fn, "query", query, g.num_nodes(), query.cols());
  require_shape(fn, "key", key, g.num_nodes(), query.cols());
  return F;
}
}  // namespace

template <class T>
void dot_attention_forward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                           MatrixView<const T> values, std::int64_t heads, const DotScore& score,
                           const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                           bool keep_weights) {
  constexpr const char* fn = "dot_attention_forward";
  const std::int64_t F = check_dot(fn, g, query, key, heads);
  check_values(fn, g, values, heads);
  check_dropout(fn, dropout);
  require_shape(fn, "out", MatrixView<const T>(out), g.num_nodes(), values.cols());
  const DotEdgeScorer<T> sc{query, key, F, static_cast<T>(score.scale)};
  detail::fused_forward(g, sc, values, heads, dropout, out, state, keep_weights);
}

template <class T>
void dot_attention_backward(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                            MatrixView<const T> values, std::int64_t heads, const DotScore& score,
                            const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                            MatrixView<const T> d_out, MatrixView<T> d_query, MatrixView<T> d_key,
                            MatrixView<T> d_values) {
  constexpr const char* fn = "dot_attention_backward";
  const std::int64_t F = check_dot(fn, g, query, key, heads);
  check_values(fn, g, values, heads);
  check_dropout(fn, dropout);
  check_state(fn, g, state, heads);
  const std::int64_t n = g.num_nodes();
  require_shape(fn, "d_out", d_out, n, values.cols());
  require_shape(fn, "d_query", MatrixView<const T>(d_query), n, query.cols());
  require_shape(fn, "d_key", MatrixView<const T>(d_key), n, query.cols());
  require_shape(fn, "d_values", MatrixView<const T>(d_values), n, values.cols());
  detail::set_zero(d_query);
  detail::set_zero(d_key);
  detail::set_zero(d_values);
  DotEdgeScorer<T> sc{query, key, F, static_cast<T>(score.scale), d_query, d_key};
  detail::fused_backward(g, sc, values, heads, dropout, state, d_out, d_values);
}

template <class T>
void dot_attention_weights(const Graph& g, MatrixView<const T> query, MatrixView<const T> key,
                           std::int64_t heads, const DotScore& score, MatrixView<T> weights) {
  constexpr const char* fn = "dot_attention_weights";
  const std::int64_t F = check_dot(fn, g, query, key, heads);
  require_shape(fn, "weights", MatrixView<const T>(weights), g.num_edges(), heads);
  const DotEdgeScorer<T> sc{query, key, F, static_cast<T>(score.scale)};
  detail::fused_weights(g, sc, heads, weights);
}

#define GAT_INSTANTIATE(T)                                                                                         \
  template void gat_attention_forward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,                  \
                                         MatrixView<const T>, std::int64_t, const ConcatScore&,                   \
                                         const AttentionDropout&, MatrixView<T>, GraphAttentionState<T>&, bool);  \
  template void gat_attention_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,                 \
                                          MatrixView<const T>, std::int64_t, const ConcatScore&,                  \
                                          const AttentionDropout&, const GraphAttentionState<T>&,                 \
                                          MatrixView<const T>, MatrixView<T>, MatrixView<T>, MatrixView<T>);      \
  template void detail::gat_attention_forward_from_values<T>(                                                     \
      const Graph&, MatrixView<const T>, MatrixView<const T>, MatrixView<const T>, std::int64_t,                  \
      const ConcatScore&, MatrixView<const T>, const AttentionDropout&, MatrixView<T>, GraphAttentionState<T>&,   \
      bool);                                                                                                      \
  template void detail::gat_attention_backward_from_values<T>(                                                    \
      const Graph&, MatrixView<const T>, MatrixView<const T>, MatrixView<const T>, std::int64_t,                  \
      const ConcatScore&, MatrixView<const T>, const AttentionDropout&, const GraphAttentionState<T>&,            \
      MatrixView<const T>, MatrixView<T>, MatrixView<T>, MatrixView<T>);                                          \
  template void gat_attention_weights<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, std::int64_t,    \
                                         const ConcatScore&, MatrixView<T>);                                      \
  template void additive_attention_forward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,             \
                                              MatrixView<const T>, MatrixView<const T>, std::int64_t,             \
                                              const AdditiveScore&, const AttentionDropout&, MatrixView<T>,       \
                                              GraphAttentionState<T>&, bool);                                     \
  template void additive_attention_backward<T>(                                                                   \
      const Graph&, MatrixView<const T>, MatrixView<const T>, MatrixView<const T>, MatrixView<const T>,           \
      std::int64_t, const AdditiveScore&, const AttentionDropout&, const GraphAttentionState<T>&,                 \
      MatrixView<const T>, MatrixView<T>, MatrixView<T>, MatrixView<T>, MatrixView<T>);                           \
  template void additive_attention_weights<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,             \
                                              MatrixView<const T>, std::int64_t, const AdditiveScore&,            \
                                              MatrixView<T>);                                                     \
  template void dot_attention_forward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,                  \
                                         MatrixView<const T>, std::int64_t, const DotScore&,                      \
                                         const AttentionDropout&, MatrixView<T>, GraphAttentionState<T>&, bool);  \
  template void dot_attention_backward<T>(const Graph&, MatrixView<const T>, MatrixView<const T>,                 \
                                          MatrixView<const T>, std::int64_t, const DotScore&,                     \
                                          const AttentionDropout&, const GraphAttentionState<T>&,                 \
                                          MatrixView<const T>, MatrixView<T>, MatrixView<T>, MatrixView<T>);      \
  template void dot_attention_weights<T>(const Graph&, MatrixView<const T>, MatrixView<const T>, std::int64_t,    \
                                         const DotScore&, MatrixView<T>);

GAT_INSTANTIATE(float)
GAT_INSTANTIATE(double)
#undef GAT_INSTANTIATE

}  // namespace gat::attention
