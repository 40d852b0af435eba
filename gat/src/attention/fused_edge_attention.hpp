#pragma once
// The one fused edge-attention kernel, templated on a Scorer (compile-time, so no per-edge
// virtual calls). A Scorer provides
//   T    score(i, j, h)           the raw score of edge j -> i, head h
//   void dst_grad(i, j, h, ds)    accumulate dL/ds into the destination-side gradients (row i)
//   void src_grad(i, j, h, ds)    accumulate dL/ds into the source-side gradients (row j)
// dst_grad is only called while row i is owned by the calling thread (pass over incoming rows),
// src_grad only while row j is owned (pass over outgoing rows), so neither needs atomics.
#include <cmath>
#include <cstdint>
#include <limits>

#include "gat/attention/graph_attention.hpp"
#include "attention/kernel_util.hpp"

namespace gat::attention::detail {

// The dropout factor of (edge e, head h): 0 when dropped, 1/(1-p) when kept, 1 without dropout.
template <class T>
struct DropFactor {
  const AttentionDropout& dropout;
  std::int64_t heads;
  T keep_scale;

  DropFactor(const AttentionDropout& d, std::int64_t h)
      : dropout(d), heads(h), keep_scale(T(1) / (T(1) - static_cast<T>(d.p))) {}
  T operator()(std::int64_t e, std::int64_t h) const {
    if (dropout.p <= 0) return T(1);
    return dropout.key.bernoulli(static_cast<std::uint64_t>(e * heads + h), dropout.p) ? T(0) : keep_scale;
  }
};

template <class T>
T dot(const T* a, const T* b, std::int64_t n) {
  T acc = 0;
#pragma omp simd reduction(+ : acc)
  for (std::int64_t f = 0; f < n; ++f) acc += a[f] * b[f];
  return acc;
}

// Forward: one pass per (destination, head) with an online softmax (Milakov & Gimelshein 2018):
// when a larger score arrives, the running sum and partial output are rescaled by exp(old - new).
template <class T, class Scorer>
void fused_forward(const Graph& g, const Scorer& sc, MatrixView<const T> values, std::int64_t heads,
                   const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                   bool keep_weights) {
  const std::int64_t n = g.num_nodes();
  const std::int64_t F = values.cols() / heads;
  state.row_max.resize_uninitialized(n, heads);
  state.row_sum.resize_uninitialized(n, heads);
  if (keep_weights)
    state.weights.resize_uninitialized(g.num_edges(), heads);
  else
    state.weights.resize(0, 0);
  const auto offsets = g.in_offsets();
  const auto sources = g.in_sources();
  const DropFactor<T> drop(dropout, heads);
  MatrixView<T> wts = state.weights.view(), rmax = state.row_max.view(), rsum = state.row_sum.view();

  for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = offsets[i], e1 = offsets[i + 1];
      for (std::int64_t h = 0; h < heads; ++h) {
        T* oh = out.row_ptr(i) + h * F;
#pragma omp simd
        for (std::int64_t f = 0; f < F; ++f) oh[f] = T(0);
        T m = -std::numeric_limits<T>::infinity();
        T l = 0;
        for (std::int64_t e = e0; e < e1; ++e) {
          const std::int64_t j = sources[e];
          const T s = sc.score(i, j, h);
          if (keep_weights) wts(e, h) = s;
          if (s > m) {
            if (l > 0) {
              const T r = std::exp(m - s);
              l *= r;
#pragma omp simd
              for (std::int64_t f = 0; f < F; ++f) oh[f] *= r;
            }
            m = s;
          }
          const T p = std::exp(s - m);
          l += p;
          const T d = drop(e, h);
          if (d == T(0)) continue;
          const T w = p * d;
          const T* vj = values.row_ptr(j) + h * F;
#pragma omp simd
          for (std::int64_t f = 0; f < F; ++f) oh[f] += w * vj[f];
        }
        if (e1 == e0) {  // no incoming edge: out stays 0, and the state says so
          rmax(i, h) = 0;
          rsum(i, h) = 0;
          continue;
        }
        const T inv = T(1) / l;
#pragma omp simd
        for (std::int64_t f = 0; f < F; ++f) oh[f] *= inv;
        rmax(i, h) = m;
        rsum(i, h) = l;
        if (keep_weights)
          for (std::int64_t e = e0; e < e1; ++e) wts(e, h) = std::exp(wts(e, h) - m) * inv;
      }
    }
  });
}

// Backward. With P the softmax weights, D the dropout factors and g_e = <d_out[i,h], values[j,h]>:
//   dL/dvalues[j,h] = sum_{e=(j->i)} P_e D_e d_out[i,h]
//   dL/ds_e        = P_e (D_e g_e - c_i),   c_i = sum_{e'->i} P_e' D_e' g_e' (= <d_out_i, out_i>)
// Pass 1 pulls over incoming rows (c_i and the destination-side gradients), pass 2 over outgoing
// rows of the transposed graph (values and source-side gradients). d_values must be zero on entry.
template <class T, class Scorer>
void fused_backward(const Graph& g, const Scorer& sc, MatrixView<const T> values, std::int64_t heads,
                    const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                    MatrixView<const T> d_out, MatrixView<T> d_values) {
  const std::int64_t n = g.num_nodes();
  const std::int64_t F = values.cols() / heads;
  const auto in_offsets = g.in_offsets();
  const auto sources = g.in_sources();
  const auto out_offsets = g.out_offsets();
  const auto out_targets = g.out_targets();
  const auto out_edges = g.out_edges();
  const DropFactor<T> drop(dropout, heads);
  MatrixView<const T> rmax = state.row_max.view(), rsum = state.row_sum.view();
  BasicMatrix<T> c_buf(n, heads);
  MatrixView<T> c = c_buf.view();

  for_rows(in_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = in_offsets[i], e1 = in_offsets[i + 1];
      if (e0 == e1) continue;
      for (std::int64_t h = 0; h < heads; ++h) {
        const T m = rmax(i, h), inv = T(1) / rsum(i, h);
        const T* go = d_out.row_ptr(i) + h * F;
        T acc = 0;
        for (std::int64_t e = e0; e < e1; ++e) {
          const T d = drop(e, h);
          if (d == T(0)) continue;
          const std::int64_t j = sources[e];
          const T p = std::exp(sc.score(i, j, h) - m) * inv;
          acc += p * d * dot(go, values.row_ptr(j) + h * F, F);
        }
        c(i, h) = acc;
        for (std::int64_t e = e0; e < e1; ++e) {
          const std::int64_t j = sources[e];
          const T d = drop(e, h);
          const T p = std::exp(sc.score(i, j, h) - m) * inv;
          const T gdot = d == T(0) ? T(0) : d * dot(go, values.row_ptr(j) + h * F, F);
          sc.dst_grad(i, j, h, p * (gdot - acc));
        }
      }
    }
  });

  for_rows(out_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      for (std::int64_t k = out_offsets[j]; k < out_offsets[j + 1]; ++k) {
        const std::int64_t e = out_edges[k];
        const std::int64_t i = out_targets[k];
        for (std::int64_t h = 0; h < heads; ++h) {
          const T* go = d_out.row_ptr(i) + h * F;
          const T d = drop(e, h);
          const T p = std::exp(sc.score(i, j, h) - rmax(i, h)) / rsum(i, h);
          T gdot = 0;
          if (d != T(0)) {
            gdot = d * dot(go, values.row_ptr(j) + h * F, F);
            const T w = p * d;
            T* dv = d_values.row_ptr(j) + h * F;
#pragma omp simd
            for (std::int64_t f = 0; f < F; ++f) dv[f] += w * go[f];
          }
          sc.src_grad(i, j, h, p * (gdot - c(i, h)));
        }
      }
    }
  });
}

// Softmax weights only: a two-pass max/sum per (destination, head), written into weights (E x H).
template <class T, class Scorer>
void fused_weights(const Graph& g, const Scorer& sc, std::int64_t heads, MatrixView<T> weights) {
  const auto offsets = g.in_offsets();
  const auto sources = g.in_sources();
  for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = offsets[i], e1 = offsets[i + 1];
      for (std::int64_t h = 0; h < heads; ++h) {
        T m = -std::numeric_limits<T>::infinity();
        for (std::int64_t e = e0; e < e1; ++e) {
          const T s = sc.score(i, sources[e], h);
          weights(e, h) = s;
          if (s > m) m = s;
        }
        T l = 0;
        for (std::int64_t e = e0; e < e1; ++e) {
          weights(e, h) = std::exp(weights(e, h) - m);
          l += weights(e, h);
        }
        const T inv = T(1) / l;
        for (std::int64_t e = e0; e < e1; ++e) weights(e, h) *= inv;
      }
    }
  });
}

}  // namespace gat::attention::detail
