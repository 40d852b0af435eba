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
#include <vector>

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

  // Edges outer, heads inner: each source row of values is read once, contiguously, per edge.
  // The running max/sum per head live in a per-chunk scratch (no per-edge allocation).
  for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> run_max(static_cast<std::size_t>(heads)), run_sum(static_cast<std::size_t>(heads));
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = offsets[i], e1 = offsets[i + 1];
      T* o = out.row_ptr(i);
#pragma omp simd
      for (std::int64_t c = 0; c < heads * F; ++c) o[c] = T(0);
      if (e0 == e1) {  // no incoming edge: out stays 0, and the state says so
        for (std::int64_t h = 0; h < heads; ++h) rmax(i, h) = rsum(i, h) = T(0);
        continue;
      }
      for (std::int64_t h = 0; h < heads; ++h) {
        run_max[h] = -std::numeric_limits<T>::infinity();
        run_sum[h] = 0;
      }
      for (std::int64_t e = e0; e < e1; ++e) {
        const std::int64_t j = sources[e];
        const T* vrow = values.row_ptr(j);
        for (std::int64_t h = 0; h < heads; ++h) {
          T* oh = o + h * F;
          const T s = sc.score(i, j, h);
          if (keep_weights) wts(e, h) = s;
          T m = run_max[h];
          if (s > m) {
            if (run_sum[h] > 0) {
              const T r = std::exp(m - s);
              run_sum[h] *= r;
#pragma omp simd
              for (std::int64_t f = 0; f < F; ++f) oh[f] *= r;
            }
            run_max[h] = m = s;
          }
          const T p = std::exp(s - m);
          run_sum[h] += p;
          const T d = drop(e, h);
          if (d == T(0)) continue;
          const T w = p * d;
          const T* vj = vrow + h * F;
#pragma omp simd
          for (std::int64_t f = 0; f < F; ++f) oh[f] += w * vj[f];
        }
      }
      for (std::int64_t h = 0; h < heads; ++h) {
        T* oh = o + h * F;
        const T inv = T(1) / run_sum[h];
#pragma omp simd
        for (std::int64_t f = 0; f < F; ++f) oh[f] *= inv;
        rmax(i, h) = run_max[h];
        rsum(i, h) = run_sum[h];
        if (keep_weights)
          for (std::int64_t e = e0; e < e1; ++e) wts(e, h) = std::exp(wts(e, h) - run_max[h]) * inv;
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

  // Pass 1 keeps P_e and D_e g_e of the current row in a per-chunk scratch (grown to the largest
  // in-degree seen, never per edge), so each score, exp and dot is computed once here.
  for_rows(in_offsets, [&](std::int64_t begin, std::int64_t end) {
    std::vector<T> row_p, row_g, acc(static_cast<std::size_t>(heads));
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = in_offsets[i], e1 = in_offsets[i + 1];
      if (e0 == e1) continue;
      const std::size_t need = static_cast<std::size_t>((e1 - e0) * heads);
      if (row_p.size() < need) {
        row_p.resize(need);
        row_g.resize(need);
      }
      for (std::int64_t h = 0; h < heads; ++h) acc[h] = 0;
      const T* go_row = d_out.row_ptr(i);
      for (std::int64_t e = e0; e < e1; ++e) {
        const std::int64_t j = sources[e];
        const T* vrow = values.row_ptr(j);
        for (std::int64_t h = 0; h < heads; ++h) {
          const std::size_t slot = static_cast<std::size_t>((e - e0) * heads + h);
          const T p = std::exp(sc.score(i, j, h) - rmax(i, h)) / rsum(i, h);
          const T d = drop(e, h);
          const T gdot = d == T(0) ? T(0) : d * dot(go_row + h * F, vrow + h * F, F);
          row_p[slot] = p;
          row_g[slot] = gdot;
          acc[h] += p * gdot;
        }
      }
      for (std::int64_t h = 0; h < heads; ++h) c(i, h) = acc[h];
      for (std::int64_t e = e0; e < e1; ++e) {
        const std::int64_t j = sources[e];
        for (std::int64_t h = 0; h < heads; ++h) {
          const std::size_t slot = static_cast<std::size_t>((e - e0) * heads + h);
          sc.dst_grad(i, j, h, row_p[slot] * (row_g[slot] - acc[h]));
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
