#pragma once
// The one fused edge-attention kernel, templated on a Scorer (compile-time, so no per-edge
// virtual calls). A Scorer provides
//   T    score(i, j, h)           the raw score of edge j -> i, head h
//   void dst_grad(i, j, h, ds)    accumulate dL/ds into the destination-side gradients (row i)
//   void src_grad(i, j, h, ds)    accumulate dL/ds into the source-side gradients (row j)
// and optionally the all-heads forms scores(i, j, heads, out[heads]), dst_grads(i, j, heads,
// ds[heads]) and src_grads(i, j, heads, ds[heads]), vectorised over heads; without them the kernels loop over heads.
// dst_grad is only called while row i is owned by the calling thread (pass over incoming rows),
// src_grad only while row j is owned (pass over outgoing rows), so neither needs atomics.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "gat/attention/graph_attention.hpp"
#include "gat/core/random.hpp"
#include "attention/kernel_util.hpp"
#include "core/vector_math.hpp"

namespace gat::attention::detail {

using gat::detail::blend;
using gat::detail::exp_nonpositive;

// The dropout factor of (edge e, head h): 0 when dropped, 1/(1-p) when kept, 1 without dropout.
// Index e * heads + h, so the factors of one destination row are a contiguous index range;
// the key mixing is hoisted (BernoulliSampler) and the choice is branch-free.
template <class T>
struct DropFactor {
  BernoulliSampler sampler;
  std::int64_t heads;
  T keep_scale;

  DropFactor(const AttentionDropout& d, std::int64_t h)
      : sampler(d.key, d.p), heads(h), keep_scale(T(1) / (T(1) - static_cast<T>(d.p))) {}
  T operator()(std::int64_t e, std::int64_t h) const {
    if (sampler.threshold == 0) return T(1);
    return sampler.dropped(static_cast<std::uint64_t>(e * heads + h)) ? T(0) : keep_scale;
  }
  // factors of edges [e0, e1) x all heads into out[(e - e0) * heads + h]
  void row(std::int64_t e0, std::int64_t e1, T* out) const {
    const std::int64_t n = (e1 - e0) * heads;
    if (sampler.threshold == 0) {
      for (std::int64_t t = 0; t < n; ++t) out[t] = T(1);
      return;
    }
    fill_factors(sampler.base, sampler.threshold, static_cast<std::uint64_t>(e0 * heads), n, keep_scale, out);
  }
  // plain arguments, so that GCC vectorises the loop (it does not through the member copy)
  static void fill_factors(std::uint64_t base, std::uint64_t threshold, std::uint64_t first, std::int64_t n, T k,
                           T* __restrict out) {
    using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    const std::uint32_t thr = static_cast<std::uint32_t>(threshold);
    const U kbits = std::bit_cast<U>(k);
    for_each_bits24(base, first, n, [&](std::int64_t t, std::uint32_t bits) {
      const U keep = U(0) - static_cast<U>(bits >= thr);
      out[t] = std::bit_cast<T>(static_cast<U>(kbits & keep));
    });
  }
};

template <class T>
T dot(const T* a, const T* b, std::int64_t n) {
  T acc = 0;
#pragma omp simd reduction(+ : acc)
  for (std::int64_t f = 0; f < n; ++f) acc += a[f] * b[f];
  return acc;
}


template <class T, class Scorer>
[[gnu::always_inline]] inline void scores_of(const Scorer& sc, std::int64_t i, std::int64_t j, std::int64_t heads, T* out) {
  if constexpr (requires { sc.scores(i, j, heads, out); })
    sc.scores(i, j, heads, out);
  else
    for (std::int64_t h = 0; h < heads; ++h) out[h] = sc.score(i, j, h);
}
template <class T, class Scorer>
[[gnu::always_inline]] inline void dst_grads_of(const Scorer& sc, std::int64_t i, std::int64_t j, std::int64_t heads, const T* ds) {
  if constexpr (requires { sc.dst_grads(i, j, heads, ds); })
    sc.dst_grads(i, j, heads, ds);
  else
    for (std::int64_t h = 0; h < heads; ++h) sc.dst_grad(i, j, h, ds[h]);
}
template <class T, class Scorer>
[[gnu::always_inline]] inline void src_grads_of(const Scorer& sc, std::int64_t i, std::int64_t j, std::int64_t heads, const T* ds) {
  if constexpr (requires { sc.src_grads(i, j, heads, ds); })
    sc.src_grads(i, j, heads, ds);
  else
    for (std::int64_t h = 0; h < heads; ++h) sc.src_grad(i, j, h, ds[h]);
}

// Asks for the rows of `m` that the next row's edges will read, while this row is computed: on
// graphs larger than the cache the kernels wait on these gathers, not on arithmetic. Below
// kPrefetchAboveBytes the rows stay in cache and prefetching only costs instructions
// (docs/kernel-tuning.md). It never changes a result.
constexpr std::int64_t kPrefetchAboveBytes = std::int64_t{2} << 20;

template <class T>
bool worth_prefetching(MatrixView<const T> m) {
  return m.rows() * m.cols() * static_cast<std::int64_t>(sizeof(T)) > kPrefetchAboveBytes;
}

template <class T>
[[gnu::always_inline]] inline void prefetch_rows(MatrixView<const T> m, const NodeId* index, std::int64_t begin,
                                                 std::int64_t end) {
  const std::int64_t bytes = m.cols() * static_cast<std::int64_t>(sizeof(T));
  for (std::int64_t e = begin; e < end; ++e) {
    const char* row = reinterpret_cast<const char*>(m.row_ptr(index[e]));
    for (std::int64_t b = 0; b < bytes; b += 64) __builtin_prefetch(row + b);
  }
}

// Per-chunk scratch of the row kernels, grown to the largest in-degree seen (never per edge).
// Per (edge, head) of the current row: its softmax weights (first its scores), its dropout factors
// and, in backward, its weighted value-gradient dots. Per head: the row's score max, its sum of
// exponentials, the scale applied after the exp (1 in forward, 1 / sum in backward) and, in
// backward, the row's correction term c_i.
template <class T>
struct RowScratch {
  std::vector<T> weights, drop, dots;
  std::vector<T> head_max, head_sum, head_scale, head_correction;
  RowScratch(std::int64_t heads)
      : head_max(static_cast<std::size_t>(heads)), head_sum(static_cast<std::size_t>(heads)),
        head_scale(static_cast<std::size_t>(heads)), head_correction(static_cast<std::size_t>(heads)) {}
  void reserve(std::int64_t n) {
    if (weights.size() < static_cast<std::size_t>(n)) {
      weights.resize(static_cast<std::size_t>(n));
      drop.resize(static_cast<std::size_t>(n));
      dots.resize(static_cast<std::size_t>(n));
    }
  }
};

// Scores of all heads of edges [e0, e1) into s[(e - e0) * heads + h]; their max per head into m.
template <std::int64_t kH, class T, class Scorer>
[[gnu::always_inline]] inline void row_scores(const Scorer& sc, std::int64_t i, const NodeId* sources, std::int64_t e0,
                                              std::int64_t e1, std::int64_t heads_rt, T* s, T* m) {
  const std::int64_t heads = kH ? kH : heads_rt;
  if constexpr (kH != 0) {
    // The running max in registers: through m, every edge would wait on the store of the last.
    T mx[kH];
    for (std::int64_t h = 0; h < kH; ++h) mx[h] = -std::numeric_limits<T>::infinity();
    for (std::int64_t e = e0; e < e1; ++e) {
      T* se = s + (e - e0) * kH;
      scores_of(sc, i, sources[e], kH, se);
      for (std::int64_t h = 0; h < kH; ++h) mx[h] = se[h] > mx[h] ? se[h] : mx[h];
    }
    for (std::int64_t h = 0; h < kH; ++h) m[h] = mx[h];
    return;
  }
  for (std::int64_t h = 0; h < heads; ++h) m[h] = -std::numeric_limits<T>::infinity();
  for (std::int64_t e = e0; e < e1; ++e) {
    T* se = s + (e - e0) * heads;
    scores_of(sc, i, sources[e], heads, se);
#pragma omp simd
    for (std::int64_t h = 0; h < heads; ++h) m[h] = se[h] > m[h] ? se[h] : m[h];
  }
}

// s[t] <- exp(s[t] - m[h]) * scale[h] (t = edge * heads + h) for `deg` edges.
template <std::int64_t kH, class T>
[[gnu::always_inline]] inline void row_exp(T* s, std::int64_t deg, std::int64_t heads_rt, const T* m, const T* scale) {
  const std::int64_t heads = kH ? kH : heads_rt;
  if (heads == 1) {
    const T m0 = m[0], k0 = scale[0];
#pragma omp simd
    for (std::int64_t t = 0; t < deg; ++t) s[t] = exp_nonpositive(s[t] - m0) * k0;
    return;
  }
  for (std::int64_t e = 0; e < deg; ++e) {
    T* se = s + e * heads;
#pragma omp simd
    for (std::int64_t h = 0; h < heads; ++h) se[h] = exp_nonpositive(se[h] - m[h]) * scale[h];
  }
}

// The forward pass's state: a row max and sum per (node, head), and the weights when kept.
template <class T>
void size_state(GraphAttentionState<T>& state, const Graph& g, std::int64_t heads, bool keep_weights) {
  state.row_max.resize_uninitialized(g.num_nodes(), heads);
  state.row_sum.resize_uninitialized(g.num_nodes(), heads);
  if (keep_weights)
    state.weights.resize_uninitialized(g.num_edges(), heads);
  else
    state.weights.resize(0, 0);
}

// Forward, per destination row i, in three short passes over its in-edges kept in a per-chunk
// scratch: (1) all heads' scores and their max, (2) one exp per (edge, head), vectorised over
// heads, with the row sums, (3) out[i] += p * dropout * values[j] over edges, vectorised over
// features, then out[i] /= sum. One exp per (edge, head), no rescaling, no branch on dropout.
template <std::int64_t kH, std::int64_t kF, class T, class Scorer>
void fused_forward_dims(const Graph& g, const Scorer& sc, MatrixView<const T> values, std::int64_t heads,
                        const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                        bool keep_weights) {
  const std::int64_t F_rt = values.cols() / heads, heads_rt = heads;
  size_state(state, g, heads, keep_weights);
  const auto offsets = g.in_offsets();
  const NodeId* sources = g.in_sources().data();
  const DropFactor<T> drop(dropout, heads);
  MatrixView<T> wts = state.weights.view(), rmax = state.row_max.view(), rsum = state.row_sum.view();
  const bool prefetch = worth_prefetching(values);

  for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    // compile-time when the dispatch below fixed them (the closure is read through a pointer)
    const std::int64_t heads = kH ? kH : heads_rt, F = kF ? kF : F_rt, HF = heads * F;
    RowScratch<T> scratch(heads);
    T* m = scratch.head_max.data();
    T* l = scratch.head_sum.data();
    T* one = scratch.head_scale.data();
    for (std::int64_t h = 0; h < heads; ++h) one[h] = T(1);
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = offsets[i], e1 = offsets[i + 1], deg = e1 - e0;
      T* o = out.row_ptr(i);
#pragma omp simd
      for (std::int64_t c = 0; c < HF; ++c) o[c] = T(0);
      if (deg == 0) {  // no incoming edge: out stays 0, and the state says so
        for (std::int64_t h = 0; h < heads; ++h) rmax(i, h) = rsum(i, h) = T(0);
        continue;
      }
      scratch.reserve(deg * heads);
      T* p = scratch.weights.data();
      T* d = scratch.drop.data();
      if (prefetch && i + 1 < end) prefetch_rows(values, sources, e1, offsets[i + 2]);
      row_scores<kH>(sc, i, sources, e0, e1, heads, p, m);
      row_exp<kH>(p, deg, heads, m, one);
      for (std::int64_t h = 0; h < heads; ++h) l[h] = T(0);
      for (std::int64_t e = 0; e < deg; ++e) {
#pragma omp simd
        for (std::int64_t h = 0; h < heads; ++h) l[h] += p[e * heads + h];
      }
      drop.row(e0, e1, d);
      for (std::int64_t e = 0; e < deg; ++e) {
        const T* pe = p + e * heads;
        const T* de = d + e * heads;
        const T* vrow = values.row_ptr(sources[e0 + e]);
        for (std::int64_t h = 0; h < heads; ++h) {
          const T w = pe[h] * de[h];
          const T* vh = vrow + h * F;
          T* oh = o + h * F;
#pragma omp simd
          for (std::int64_t f = 0; f < F; ++f) oh[f] += w * vh[f];
        }
      }
      for (std::int64_t h = 0; h < heads; ++h) {
        T* oh = o + h * F;
        const T inv = T(1) / l[h];
#pragma omp simd
        for (std::int64_t f = 0; f < F; ++f) oh[f] *= inv;
        rmax(i, h) = m[h];
        rsum(i, h) = l[h];
        if (keep_weights)
          for (std::int64_t e = 0; e < deg; ++e) wts(e0 + e, h) = p[e * heads + h] * inv;
      }
    }
  });
}

// Scratch of the backward pass that lives across calls (E x H each, grown, never shrunk), so that
// a training loop does not map and fault in fresh pages every step. Used only by the calling thread
// outside parallel regions; its rows are then written by the one thread that owns them.
// A BasicMatrix, so that a large one sits on huge pages (pass 2 reads it in random order).
// Slot records: P*D per edge (the vector kernels: whole records, P*D and dL/ds); slot
// score_grads_or_node_rows: dL/ds per edge, or the 8-head kernels' per-node rows when they recompute.
enum class EdgeBuffer { records, score_grads_or_node_rows };
template <class T>
T* backward_edge_buffer(EdgeBuffer which, std::int64_t elements) {
  thread_local BasicMatrix<T> buffers[2];
  BasicMatrix<T>& buffer = buffers[static_cast<int>(which)];
  buffer.resize_uninitialized(elements, 1);  // allocates only to grow
  return buffer.data();
}

// Backward. With P the softmax weights, D the dropout factors and g_e = <d_out[i,h], values[j,h]>:
//   dL/dvalues[j,h] = sum_{e=(j->i)} P_e D_e d_out[i,h]
//   dL/ds_e        = P_e (D_e g_e - c_i),   c_i = sum_{e'->i} P_e' D_e' g_e' (= <d_out_i, out_i>)
// Pass 1 pulls over incoming rows: it recomputes P (one exp per edge and head) and D, computes
// c_i and the destination-side gradients, and stores P_e D_e and dL/ds_e per edge (E x H each).
// Pass 2 pulls over outgoing rows of the transposed graph and only reads those: values and
// source-side gradients, no exp, no random numbers, no dot products. d_values must be zero on entry.
template <std::int64_t kH, std::int64_t kF, class T, class Scorer>
void fused_backward_dims(const Graph& g, const Scorer& sc, MatrixView<const T> values, std::int64_t heads,
                         const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                         MatrixView<const T> d_out, MatrixView<T> d_values) {
  const std::int64_t F_rt = values.cols() / heads, heads_rt = heads;
  const auto in_offsets = g.in_offsets();
  const NodeId* sources = g.in_sources().data();
  const auto out_offsets = g.out_offsets();
  const NodeId* out_targets = g.out_targets().data();
  const std::int64_t* out_edges = g.out_edges().data();
  const DropFactor<T> drop(dropout, heads);
  MatrixView<const T> rmax = state.row_max.view(), rsum = state.row_sum.view();
  const bool prefetch = worth_prefetching(values);
  T* pd_all = backward_edge_buffer<T>(EdgeBuffer::records, g.num_edges() * heads);
  T* ds_all = backward_edge_buffer<T>(EdgeBuffer::score_grads_or_node_rows, g.num_edges() * heads);

  for_rows(in_offsets, [&](std::int64_t begin, std::int64_t end) {
    const std::int64_t heads = kH ? kH : heads_rt, F = kF ? kF : F_rt;
    RowScratch<T> scratch(heads);
    T* c = scratch.head_correction.data();
    T* inv = scratch.head_scale.data();
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = in_offsets[i], e1 = in_offsets[i + 1], deg = e1 - e0;
      if (deg == 0) continue;
      scratch.reserve(deg * heads);
      T* p = scratch.weights.data();
      T* gd = scratch.dots.data();
      T* d = scratch.drop.data();
      for (std::int64_t h = 0; h < heads; ++h) inv[h] = T(1) / rsum(i, h);
      if (prefetch && i + 1 < end) prefetch_rows(values, sources, e1, in_offsets[i + 2]);
      row_scores<kH>(sc, i, sources, e0, e1, heads, p, scratch.head_max.data());  // the stored max is used
      row_exp<kH>(p, deg, heads, rmax.row_ptr(i), inv);
      drop.row(e0, e1, d);
      const T* go = d_out.row_ptr(i);
      for (std::int64_t e = 0; e < deg; ++e) {
        const T* vrow = values.row_ptr(sources[e0 + e]);
        for (std::int64_t h = 0; h < heads; ++h) gd[e * heads + h] = dot(go + h * F, vrow + h * F, F);
      }
      for (std::int64_t h = 0; h < heads; ++h) c[h] = T(0);
      T* pd = pd_all + e0 * heads;
      for (std::int64_t e = 0; e < deg; ++e) {
#pragma omp simd
        for (std::int64_t h = 0; h < heads; ++h) {
          const std::int64_t t = e * heads + h;
          gd[t] = d[t] * gd[t];
          pd[t] = p[t] * d[t];
          c[h] += p[t] * gd[t];
        }
      }
      T* ds = ds_all + e0 * heads;
      for (std::int64_t e = 0; e < deg; ++e) {
#pragma omp simd
        for (std::int64_t h = 0; h < heads; ++h) {
          const std::int64_t t = e * heads + h;
          ds[t] = p[t] * (gd[t] - c[h]);
        }
        dst_grads_of(sc, i, sources[e0 + e], heads, static_cast<const T*>(ds + e * heads));
      }
    }
  });

  for_rows(out_offsets, [&](std::int64_t begin, std::int64_t end) {
    const std::int64_t heads = kH ? kH : heads_rt, F = kF ? kF : F_rt;
    for (std::int64_t j = begin; j < end; ++j) {
      if (prefetch && j + 1 < end) prefetch_rows(d_out, out_targets, out_offsets[j + 1], out_offsets[j + 2]);
      T* dv = d_values.row_ptr(j);
      for (std::int64_t k = out_offsets[j]; k < out_offsets[j + 1]; ++k) {
        const std::int64_t e = out_edges[k];
        const std::int64_t i = out_targets[k];
        const T* go = d_out.row_ptr(i);
        const T* pd = pd_all + e * heads;
        for (std::int64_t h = 0; h < heads; ++h) {
          const T w = pd[h];
          const T* goh = go + h * F;
          T* dvh = dv + h * F;
#pragma omp simd
          for (std::int64_t f = 0; f < F; ++f) dvh[f] += w * goh[f];
        }
        src_grads_of(sc, i, j, heads, static_cast<const T*>(ds_all + e * heads));
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
