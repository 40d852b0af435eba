#pragma once
// Hand-vectorised forms of the fused edge-attention kernels (fused_edge_attention.hpp) for the two
// float shapes that dominate GAT training, and the dispatch by shape:
//   - 8 heads x 8 features (the paper's hidden layers): one 8-lane vector holds one edge's eight
//     heads (scores, softmax weights, dropout factors, score gradients) and the 64-feature output
//     row lives in eight registers for the whole row, instead of a load-add-store per head and edge;
//   - 1 head x up to 8 features (the single-head output layer, Cora's 7 classes): an 8-lane vector
//     holds eight edges' scores and weights, so the exp runs on vectors even at in-degree 4, and
//     the rows are padded to 8 features in a scratch copy so each edge is one 8-lane multiply-add.
// GCC's vector extensions, not intrinsics: the same source compiles to AVX-512/AVX2 or SSE. The
// arithmetic per lane is the generic kernels' (exp_nonpositive's polynomial, the same softmax and
// gradient formulas); only summation orders differ (fixed trees), so results stay independent of
// the thread count, and equal the generic kernels' to rounding (the tests compare them).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>
#include <limits>
#include <type_traits>
#include <vector>

#include "attention/fused_edge_attention.hpp"
#include "core/simd8.hpp"

namespace gat::attention::detail {

using gat::detail::exp8_nonpositive;
using gat::detail::fma8;
using gat::detail::load8;
using gat::detail::select8;
using gat::detail::splat8;
using gat::detail::store8;
using gat::detail::v8f;
using gat::detail::v8i;
using gat::detail::v8u;
using gat::detail::exp16_nonpositive;
using gat::detail::high8;
using gat::detail::join16;
using gat::detail::low8;
using gat::detail::v16f;
using gat::detail::fma16;
using gat::detail::load16;
using gat::detail::pair_splat;

// (sum(a[0..1]), sum(b[0..1]), sum(a[2..3]), sum(b[2..3]), ...): one level of a pairwise tree.
inline v8f pair_sums8(v8f a, v8f b) {
  return __builtin_shufflevector(a, b, 0, 8, 2, 10, 4, 12, 6, 14) + __builtin_shufflevector(a, b, 1, 9, 3, 11, 5, 13, 7, 15);
}
// Lane k of the result is the sum of p[k]'s eight lanes, ((f0+f1)+(f2+f3))+((f4+f5)+(f6+f7)):
// eight horizontal sums by one shuffle tree instead of eight reductions.
inline v8f lane_sums8(const v8f* p) {
  const v8f q0 = pair_sums8(p[0], p[1]), q1 = pair_sums8(p[2], p[3]);
  const v8f q2 = pair_sums8(p[4], p[5]), q3 = pair_sums8(p[6], p[7]);
  const v8f r0 = __builtin_shufflevector(q0, q1, 0, 1, 8, 9, 4, 5, 12, 13) +
                 __builtin_shufflevector(q0, q1, 2, 3, 10, 11, 6, 7, 14, 15);
  const v8f r1 = __builtin_shufflevector(q2, q3, 0, 1, 8, 9, 4, 5, 12, 13) +
                 __builtin_shufflevector(q2, q3, 2, 3, 10, 11, 6, 7, 14, 15);
  return __builtin_shufflevector(r0, r1, 0, 1, 2, 3, 8, 9, 10, 11) + __builtin_shufflevector(r0, r1, 4, 5, 6, 7, 12, 13, 14, 15);
}

// The eight heads' dots of one 8 x 8 row with an attention vector a (8 vectors of 8): head_dot's
// 8 x 8 form and the kernels that take a source's score from its gathered value row share it, so
// both give the same bits.
inline v8f head_dots8(const float* row, const v8f* a) {
  v8f p[8];
  for (int h = 0; h < 8; ++h) p[h] = load8(row + 8 * h) * a[h];
  return lane_sums8(p);
}

// ---- 8 heads x 8 features ------------------------------------------------------------------------

// A scorer may give all eight heads of an edge as a vector (scores8) and the factor its score
// gradients are multiplied by on the way to its destination- and source-side inputs (slopes8, with
// those gradients in d_dst and d_src, N x 8): then the kernels keep the row's gradient sums in a
// register. Otherwise they go through the scorer's array forms.
template <class Scorer>
[[gnu::always_inline]] inline v8f scores8_of(const Scorer& sc, std::int64_t i, std::int64_t j) {
  if constexpr (requires { sc.scores8(i, j); }) {
    return sc.scores8(i, j);
  } else {
    float t[8];
    scores_of<float>(sc, i, j, 8, t);
    return load8(t);
  }
}
template <class Scorer>
constexpr bool kHasSlopes8 = requires(const Scorer& sc) {
  sc.slopes8(std::int64_t{}, std::int64_t{});
  sc.d_dst.row_ptr(0);
  sc.d_src.row_ptr(0);
};

// The single-head form: slope_at(i, j, 0), the factor of a score gradient on its way to d_dst(i, 0)
// and d_src(j, 0), so that a row's sum stays in a register (through memory, every edge would wait
// for the previous edge's store).
template <class Scorer>
constexpr bool kHasSlope1 = requires(const Scorer& sc) {
  sc.slope_at(std::int64_t{}, std::int64_t{}, std::int64_t{});
  sc.d_dst(0, 0);
  sc.d_src(0, 0);
};

// A scorer that takes source j's eight scores from j's value row (src8_of_row; GAT's when the
// values are the projection its source scores were computed from): the 8-head kernels, which
// gather that row anyway, then read no source-score row: one random cache line fewer per edge.
template <class Scorer>
constexpr bool kSourceFromValues = requires(const Scorer& sc, const float* row, v8f z) {
  sc.src8_of_row(row);
  sc.scores8_of_sum(z);
  sc.dst.row_ptr(0);
};

// z = src(j) + dst(i) of edge j -> i for such a scorer (the order of ConcatEdgeScorer::z8).
template <class Scorer>
[[gnu::always_inline]] inline v8f z8_from_row(const Scorer& sc, std::int64_t i, const float* value_row) {
  return sc.src8_of_row(value_row) + load8(sc.dst.row_ptr(i));
}

// On graphs beyond the cache, the rows that edge e + kPrefetchEdges will gather are requested
// while edge e is computed: a fixed distance in edges, not a row ahead (rows have 1 to thousands of
// edges, and a whole row's requests at once overflow the core's miss buffers; docs/kernel-tuning.md).
constexpr std::int64_t kPrefetchEdges = 48;

// The largest per-edge record buffer the 8-head backward keeps (see fused_backward_8x8).
constexpr std::int64_t kBackwardRecordsMaxBytes = std::int64_t{64} << 20;

[[gnu::always_inline]] inline void prefetch_row(MatrixView<const float> m, std::int64_t r) {
  const char* row = reinterpret_cast<const char*>(m.row_ptr(r));
  const std::int64_t bytes = m.cols() * static_cast<std::int64_t>(sizeof(float));
  for (std::int64_t b = 0; b < bytes; b += 64) __builtin_prefetch(row + b);
}

// The prefetches of edge e + distance in a pass over incoming rows: the value row and the
// scorer's source-side row it will gather.
template <class Scorer>
[[gnu::always_inline]] inline void prefetch_incoming(const Scorer& sc, MatrixView<const float> values,
                                                     const NodeId* sources, std::int64_t e, std::int64_t edges) {
  const std::int64_t ahead = std::min(e + kPrefetchEdges, edges - 1);
  prefetch_row(values, sources[ahead]);
  if constexpr (requires { sc.prefetch_source(std::int64_t{}); } && !kSourceFromValues<Scorer>)
    sc.prefetch_source(sources[ahead]);
}

template <class T>
void grow(std::vector<T>& v, std::int64_t n) {
  if (v.size() < static_cast<std::size_t>(n)) v.resize(static_cast<std::size_t>(n));
}

// The dropout factors of edge e's eight heads, DropFactor's indices 8e .. 8e + 7, by one vector
// evaluation of its hash inside the edge loop (DropFactor::row is a loop of its own per row, and
// every extra loop per row costs a mispredicted exit). Valid while every index is below 2^32,
// where for_each_bits24's block key is the same for all; otherwise callers use DropFactor::row.
struct HeadDrop8 {
  v8u key;
  std::uint32_t threshold;
  v8u keep_bits;
  bool active;

  HeadDrop8(const DropFactor<float>& d)
      : key(v8u{} + (static_cast<std::uint32_t>(d.sampler.base) ^
                     mix32(static_cast<std::uint32_t>(d.sampler.base >> 32)))),
        threshold(static_cast<std::uint32_t>(d.sampler.threshold)),
        keep_bits(v8u{} + std::bit_cast<std::uint32_t>(d.keep_scale)),
        active(d.sampler.threshold != 0) {}
  static bool covers(std::int64_t edges) { return edges * 8 <= (std::int64_t{1} << 32); }
  v8f factors(std::int64_t e) const {
    if (!active) return splat8(1.0f);
    const v8u index = (v8u{} + static_cast<std::uint32_t>(e * 8)) + v8u{0, 1, 2, 3, 4, 5, 6, 7};
    const v8u bits = mix32_lanes(index ^ key) >> 8;
    return reinterpret_cast<v8f>(keep_bits & reinterpret_cast<v8u>(bits >= threshold));
  }
};

template <class Scorer>
void fused_forward_8x8(const Graph& g, const Scorer& sc, MatrixView<const float> values,
                       const AttentionDropout& dropout, MatrixView<float> out, GraphAttentionState<float>& state,
                       bool keep_weights) {
  size_state(state, g, 8, keep_weights);
  const auto offsets = g.in_offsets();
  const NodeId* sources = g.in_sources().data();
  const DropFactor<float> drop(dropout, 8);
  const HeadDrop8 hd(drop);
  const bool inline_drop = HeadDrop8::covers(g.num_edges());
  const std::int64_t num_edges = g.num_edges();
  MatrixView<float> wts = state.weights.view(), rmax = state.row_max.view(), rsum = state.row_sum.view();
  const bool prefetch = worth_prefetching(values);

  for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    std::vector<v8f> p, d;  // per edge of the row: scores, then weights; dropout factors
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = offsets[i], e1 = offsets[i + 1], deg = e1 - e0;
      float* o = out.row_ptr(i);
      if (deg == 0) {  // no incoming edge: out stays 0, and the state says so
        for (int h = 0; h < 8; ++h) store8(o + 8 * h, v8f{});
        store8(rmax.row_ptr(i), v8f{});
        store8(rsum.row_ptr(i), v8f{});
        continue;
      }
      grow(p, deg);
      grow(d, deg);
      // two loops per row: scores, their max and the dropout factors; then the weights and the sum
      v8f mx = splat8(-std::numeric_limits<float>::infinity());
      for (std::int64_t e = 0; e < deg; ++e) {
        if (prefetch) prefetch_incoming(sc, values, sources, e0 + e, num_edges);
        if constexpr (kSourceFromValues<Scorer>)
          p[e] = sc.scores8_of_sum(z8_from_row(sc, i, values.row_ptr(sources[e0 + e])));
        else
          p[e] = scores8_of(sc, i, sources[e0 + e]);
        mx = select8(p[e] > mx, p[e], mx);
        if (inline_drop) d[e] = hd.factors(e0 + e);
      }
      if (!inline_drop) drop.row(e0, e1, reinterpret_cast<float*>(d.data()));
      // the exps two edges to a 16-lane vector: they are the row's latency chain
      std::int64_t e2 = 0;
      for (; e2 + 1 < deg; e2 += 2) {
        const v16f y = exp16_nonpositive(join16(p[e2] - mx, p[e2 + 1] - mx));
        p[e2] = low8(y);
        p[e2 + 1] = high8(y);
      }
      if (e2 < deg) p[e2] = exp8_nonpositive(p[e2] - mx);
      v8f l{};
      v16f acc[4] = {};  // heads (2q, 2q + 1) in acc[q]: four 16-lane multiply-adds per edge
      for (std::int64_t e = 0; e < deg; ++e) {
        l += p[e];
        const v8f w = d[e] * p[e];
        const float* v = values.row_ptr(sources[e0 + e]);
        acc[0] = fma16(pair_splat<0>(w), load16(v), acc[0]);
        acc[1] = fma16(pair_splat<1>(w), load16(v + 16), acc[1]);
        acc[2] = fma16(pair_splat<2>(w), load16(v + 32), acc[2]);
        acc[3] = fma16(pair_splat<3>(w), load16(v + 48), acc[3]);
      }
      const v8f inv = splat8(1.0f) / l;
      for (int q = 0; q < 4; ++q) {
        store8(o + 16 * q, low8(acc[q]) * inv[2 * q]);
        store8(o + 16 * q + 8, high8(acc[q]) * inv[2 * q + 1]);
      }
      store8(rmax.row_ptr(i), mx);
      store8(rsum.row_ptr(i), l);
      if (keep_weights)
        for (std::int64_t e = 0; e < deg; ++e) store8(wts.row_ptr(e0 + e), p[e] * inv);
    }
  });
}

// A scorer whose eight scores of j -> i (and their slopes) are functions of src(j) + dst(i)
// alone (GAT's): the recomputing pass 2 then reads dst(i) from node i's rows.
template <class Scorer>
constexpr bool kScores8OfSum = requires(const Scorer& sc, v8f z) {
  sc.scores8_of_sum(z);
  sc.slopes8_of_sum(z);
  sc.src.row_ptr(0);
  sc.dst.row_ptr(0);
};
// Per node, for the recomputing pass 2: [row max | 1/row sum | c | dst(i) when kScores8OfSum],
// 8 floats each: 128 bytes, two whole cache lines of one node.
constexpr std::int64_t kNodeRowFloats = 32;

// Pass 2 of fused_backward_8x8 without per-edge records: for each edge j -> i of source row j,
// P, D and dL/ds again from the score, node i's [row max | 1/row sum | c | dst] (node_rows, left
// by pass 1) and the dot of d_out[i] with this row's values (in registers): the same operations
// on the same inputs as pass 1, so the same bits as the records path.
template <class Scorer>
void backward_pass2_recompute_8x8(const Graph& g, const Scorer& sc, MatrixView<const float> values, const HeadDrop8& hd,
                                  const float* node_rows, MatrixView<const float> d_out, MatrixView<float> d_values,
                                  bool prefetch) {
  const auto out_offsets = g.out_offsets();
  const NodeId* out_targets = g.out_targets().data();
  const std::int64_t* out_edges = g.out_edges().data();
  const std::int64_t num_edges = g.num_edges();
  constexpr bool kDstInRows = kScores8OfSum<Scorer>;
  for_rows(out_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      v8f vj[8];
      for (int h = 0; h < 8; ++h) vj[h] = load8(values.row_ptr(j) + 8 * h);
      v8f src_j{};
      if constexpr (kDstInRows) src_j = load8(sc.src.row_ptr(j));
      v8f acc[8] = {};
      v8f src_acc{};
      for (std::int64_t k = out_offsets[j]; k < out_offsets[j + 1]; ++k) {
        if (prefetch) {
          const std::int64_t ahead = out_targets[std::min(k + kPrefetchEdges, num_edges - 1)];
          prefetch_row(d_out, ahead);
          __builtin_prefetch(node_rows + ahead * kNodeRowFloats);
          __builtin_prefetch(node_rows + ahead * kNodeRowFloats + 16);
          if constexpr (!kDstInRows && requires { sc.prefetch_target(std::int64_t{}); }) sc.prefetch_target(ahead);
        }
        const std::int64_t i = out_targets[k];
        const float* nr = node_rows + i * kNodeRowFloats;
        v8f score, slope;
        if constexpr (kDstInRows) {
          const v8f z = src_j + load8(nr + 24);
          score = sc.scores8_of_sum(z);
          slope = sc.slopes8_of_sum(z);
        } else {
          score = scores8_of(sc, i, j);
          slope = sc.slopes8(i, j);
        }
        const v8f p = exp8_nonpositive(score - load8(nr)) * load8(nr + 8);
        const v8f de = hd.factors(out_edges[k]);
        const float* go = d_out.row_ptr(i);
        v8f gov[8], prod[8];
        for (int h = 0; h < 8; ++h) {
          gov[h] = load8(go + 8 * h);
          prod[h] = gov[h] * vj[h];
        }
        const v8f gd = de * lane_sums8(prod);
        float w[8];
        store8(w, p * de);
        for (int h = 0; h < 8; ++h) acc[h] = fma8(splat8(w[h]), gov[h], acc[h]);
        src_acc += (p * (gd - load8(nr + 16))) * slope;
      }
      float* dv = d_values.row_ptr(j);
      for (int h = 0; h < 8; ++h) store8(dv + 8 * h, load8(dv + 8 * h) + acc[h]);
      store8(sc.d_src.row_ptr(j), load8(sc.d_src.row_ptr(j)) + src_acc);
    }
  });
}

// The two passes of fused_backward_dims (see there for the formulas) with vectors of heads. Pass 1
// leaves one 64-byte record per edge, P*D and dL/ds (times the score's slope when the scorer
// gives it, so pass 2 needs no scores), read back by edge id in pass 2: one cache line per edge.
template <class Scorer>
void fused_backward_8x8(const Graph& g, const Scorer& sc, MatrixView<const float> values,
                        const AttentionDropout& dropout, const GraphAttentionState<float>& state,
                        MatrixView<const float> d_out, MatrixView<float> d_values) {
  const auto in_offsets = g.in_offsets();
  const NodeId* sources = g.in_sources().data();
  const auto out_offsets = g.out_offsets();
  const NodeId* out_targets = g.out_targets().data();
  const std::int64_t* out_edges = g.out_edges().data();
  const std::int64_t num_edges = g.num_edges();
  const DropFactor<float> drop(dropout, 8);
  const HeadDrop8 hd(drop);
  const bool inline_drop = HeadDrop8::covers(num_edges);
  MatrixView<const float> rmax = state.row_max.view(), rsum = state.row_sum.view();
  const bool prefetch = worth_prefetching(values);
  // Records per edge while they stay small; beyond that, pass 2 recomputes each edge's P, D and
  // dL/ds from three per-node rows that pass 1 leaves instead (E x 64 B would be the largest
  // buffer of the whole model on a large graph: 1.1 GB at 17 M edges).
  const bool recompute = kHasSlopes8<Scorer> && inline_drop && num_edges * 64 > kBackwardRecordsMaxBytes;
  float* records = recompute ? nullptr : backward_edge_buffer<float>(EdgeBuffer::records, num_edges * 16);  // [P*D | dL/ds]
  float* node_rows = recompute ? backward_edge_buffer<float>(EdgeBuffer::score_grads_or_node_rows, g.num_nodes() * kNodeRowFloats) : nullptr;

  for_rows(in_offsets, [&](std::int64_t begin, std::int64_t end) {
    std::vector<v8f> p, d, gd, z;  // z: src(j) + dst(i) per edge, when taken from the value rows
    for (std::int64_t i = begin; i < end; ++i) {
      const std::int64_t e0 = in_offsets[i], e1 = in_offsets[i + 1], deg = e1 - e0;
      if (deg == 0) continue;
      grow(p, deg);
      grow(d, deg);
      grow(gd, deg);
      if constexpr (kSourceFromValues<Scorer>) grow(z, deg);
      const v8f m = load8(rmax.row_ptr(i));
      const v8f inv = splat8(1.0f) / load8(rsum.row_ptr(i));
      if (!inline_drop) drop.row(e0, e1, reinterpret_cast<float*>(d.data()));
      v8f go[8];
      for (int h = 0; h < 8; ++h) go[h] = load8(d_out.row_ptr(i) + 8 * h);
      for (std::int64_t e = 0; e < deg; ++e) {
        if (prefetch) prefetch_incoming(sc, values, sources, e0 + e, num_edges);
        if constexpr (kSourceFromValues<Scorer>) {
          z[e] = z8_from_row(sc, i, values.row_ptr(sources[e0 + e]));
          p[e] = sc.scores8_of_sum(z[e]) - m;
        } else {
          p[e] = scores8_of(sc, i, sources[e0 + e]) - m;
        }
      }
      std::int64_t e2 = 0;  // the exps two edges to a 16-lane vector, as in the forward pass
      for (; e2 + 1 < deg; e2 += 2) {
        const v16f y = exp16_nonpositive(join16(p[e2], p[e2 + 1]));
        p[e2] = low8(y);
        p[e2 + 1] = high8(y);
      }
      if (e2 < deg) p[e2] = exp8_nonpositive(p[e2]);
      v8f c{};
      for (std::int64_t e = 0; e < deg; ++e) {
        p[e] = p[e] * inv;
        const v8f de = inline_drop ? hd.factors(e0 + e) : d[e];
        const float* v = values.row_ptr(sources[e0 + e]);
        v8f prod[8];
        for (int h = 0; h < 8; ++h) prod[h] = go[h] * load8(v + 8 * h);
        gd[e] = de * lane_sums8(prod);
        if (!recompute) store8(records + (e0 + e) * 16, p[e] * de);
        c += p[e] * gd[e];
      }
      if (recompute) {
        float* nr = node_rows + i * kNodeRowFloats;
        store8(nr, m);
        store8(nr + 8, inv);
        store8(nr + 16, c);
        if constexpr (kScores8OfSum<Scorer>) store8(nr + 24, load8(sc.dst.row_ptr(i)));
      }
      v8f dst_acc{};
      for (std::int64_t e = 0; e < deg; ++e) {
        const v8f ds = p[e] * (gd[e] - c);
        if constexpr (kHasSlopes8<Scorer>) {
          v8f slope;
          if constexpr (kSourceFromValues<Scorer>)
            slope = sc.slopes8_of_sum(z[e]);
          else
            slope = sc.slopes8(i, sources[e0 + e]);
          const v8f sloped = ds * slope;
          if (!recompute) store8(records + (e0 + e) * 16 + 8, sloped);
          dst_acc += sloped;
        } else {
          float* rec = records + (e0 + e) * 16 + 8;
          store8(rec, ds);
          dst_grads_of<float>(sc, i, sources[e0 + e], 8, static_cast<const float*>(rec));
        }
      }
      if constexpr (kHasSlopes8<Scorer>) store8(sc.d_dst.row_ptr(i), load8(sc.d_dst.row_ptr(i)) + dst_acc);
    }
  });

  if (recompute) {
    if constexpr (kHasSlopes8<Scorer>)
      backward_pass2_recompute_8x8(g, sc, values, hd, node_rows, d_out, d_values, prefetch);
    return;
  }
  for_rows(out_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      v16f acc[4] = {};  // heads (2q, 2q + 1) in acc[q]
      v8f src_acc{};
      for (std::int64_t k = out_offsets[j]; k < out_offsets[j + 1]; ++k) {
        if (prefetch) {
          const std::int64_t ahead = std::min(k + kPrefetchEdges, num_edges - 1);
          prefetch_row(d_out, out_targets[ahead]);
          __builtin_prefetch(records + out_edges[ahead] * 16);
        }
        const std::int64_t e = out_edges[k];
        const std::int64_t i = out_targets[k];
        const float* go = d_out.row_ptr(i);
        const float* rec = records + e * 16;
        const v8f w = load8(rec);
        acc[0] = fma16(pair_splat<0>(w), load16(go), acc[0]);
        acc[1] = fma16(pair_splat<1>(w), load16(go + 16), acc[1]);
        acc[2] = fma16(pair_splat<2>(w), load16(go + 32), acc[2]);
        acc[3] = fma16(pair_splat<3>(w), load16(go + 48), acc[3]);
        if constexpr (kHasSlopes8<Scorer>)
          src_acc += load8(rec + 8);
        else
          src_grads_of<float>(sc, i, j, 8, rec + 8);
      }
      float* dv = d_values.row_ptr(j);
      for (int q = 0; q < 4; ++q) {
        store8(dv + 16 * q, load8(dv + 16 * q) + low8(acc[q]));
        store8(dv + 16 * q + 8, load8(dv + 16 * q + 8) + high8(acc[q]));
      }
      if constexpr (kHasSlopes8<Scorer>) store8(sc.d_src.row_ptr(j), load8(sc.d_src.row_ptr(j)) + src_acc);
    }
  });
}

// ---- rows padded to 8 features per head ------------------------------------------------------------

// m (N x heads*F, F <= 8) with each head's F features padded with zeros to 8, in buf (N x 8*heads):
// the single-head and the 8 x F kernels run the 8-feature code on these copies; the padding
// lanes stay zero and add nothing to the sums. A head is one 8-lane load, masked, where the load
// stays inside the view (all but its last few rows), not a memcpy per head (docs/kernel-tuning.md).
inline MatrixView<const float> heads_padded_to_8(MatrixView<const float> m, std::int64_t heads, std::int64_t F,
                                                 BasicMatrix<float>& buf) {
  buf.resize_uninitialized(m.rows(), 8 * heads);
  MatrixView<float> b = buf.view();
  const std::int64_t extent = m.rows() > 0 ? (m.rows() - 1) * m.ld() + m.cols() : 0;  // elements the view spans
  const v8i keep = v8i{0, 1, 2, 3, 4, 5, 6, 7} < static_cast<std::int32_t>(F);
  for_range(m.rows(), 2048, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      float* o = b.row_ptr(r);
      for (std::int64_t h = 0; h < heads; ++h) {
        const std::int64_t at = r * m.ld() + h * F;
        if (at + 8 <= extent) {
          store8(o + 8 * h, select8(keep, load8(m.data() + at), v8f{}));
        } else {
          float t[8] = {};
          std::memcpy(t, m.data() + at, static_cast<std::size_t>(F) * sizeof(float));
          std::memcpy(o + 8 * h, t, sizeof t);
        }
      }
    }
  });
  return buf.view();
}
// Scratch padded copies, per calling thread (side-by-side training runs each have their own).
// The padded copies: the values; the output (forward) or d_out (backward); d_values.
enum class PaddedBuffer { values, out_or_d_out, d_values };
inline BasicMatrix<float>& padded_buffer(PaddedBuffer which) {
  thread_local BasicMatrix<float> buffers[3];
  return buffers[static_cast<int>(which)];
}

// ---- 1 head x up to 8 features -------------------------------------------------------------------


// One head has only a few (edge, head) values per row (Cora: ~5), too few to fill a vector row by
// row. So the single-head kernels work on blocks of consecutive rows with up to kNarrowBlockEdges
// edges between them (one row alone when it has more): each step runs over the whole block's edges
// at once, the exp and the dots on vectors of eight edges, the dropout factors in one call.
constexpr std::int64_t kNarrowBlockEdges = 256;

inline std::int64_t narrow_block_end(std::span<const std::int64_t> offsets, std::int64_t r0, std::int64_t end) {
  std::int64_t r1 = r0 + 1;
  while (r1 < end && offsets[r1 + 1] - offsets[r0] <= kNarrowBlockEdges) ++r1;
  return r1;
}
inline std::int64_t round_up8(std::int64_t n) { return (n + 7) & ~std::int64_t{7}; }

// x[t] <- exp_nonpositive(x[t]) for t in [0, round_up8(n)) (x has room for it; the padding is
// zeroed first), sixteen lanes at a time where it can
inline void exp8_in_place(float* x, std::int64_t n) {
  for (std::int64_t t = n; t < round_up8(n); ++t) x[t] = 0.0f;
  std::int64_t t = 0;
  for (; t + 16 <= round_up8(n); t += 16) {
    const v16f y = exp16_nonpositive(join16(load8(x + t), load8(x + t + 8)));
    store8(x + t, low8(y));
    store8(x + t + 8, high8(y));
  }
  if (t < n) store8(x + t, exp8_nonpositive(load8(x + t)));
}

template <class Scorer>
void fused_forward_narrow(const Graph& g, const Scorer& sc, MatrixView<const float> values_in,
                          const AttentionDropout& dropout, MatrixView<float> out, GraphAttentionState<float>& state,
                          bool keep_weights) {
  const std::int64_t F = values_in.cols();
  const MatrixView<const float> values = heads_padded_to_8(values_in, 1, values_in.cols(), padded_buffer(PaddedBuffer::values));
  size_state(state, g, 1, keep_weights);
  const auto offsets = g.in_offsets();
  const NodeId* sources = g.in_sources().data();
  const DropFactor<float> drop(dropout, 1);
  MatrixView<float> wts = state.weights.view(), rmax = state.row_max.view(), rsum = state.row_sum.view();
  const bool prefetch = worth_prefetching(values);
  const std::int64_t num_edges = g.num_edges();

  for_rows(offsets, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> p, d;  // per edge of the block: scores, then exp; dropout factors
    for (std::int64_t r0 = begin, r1; r0 < end; r0 = r1) {
      r1 = narrow_block_end(offsets, r0, end);
      const std::int64_t E0 = offsets[r0], E1 = offsets[r1], nb = E1 - E0;
      grow(p, round_up8(nb));
      grow(d, nb);
      for (std::int64_t i = r0; i < r1; ++i) {  // scores minus the row max
        float m = -std::numeric_limits<float>::infinity();
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) {
          if (prefetch) prefetch_incoming(sc, values, sources, e, num_edges);
          const float s = sc.score(i, sources[e], 0);
          p[e - E0] = s;
          m = std::max(m, s);  // maxss: neither a branch (mispredicts) nor a select through integers
        }
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) p[e - E0] -= m;
        rmax(i, 0) = offsets[i + 1] > offsets[i] ? m : 0.0f;
      }
      exp8_in_place(p.data(), nb);
      drop.row(E0, E1, d.data());
      for (std::int64_t i = r0; i < r1; ++i) {
        float* o = out.row_ptr(i);
        if (offsets[i + 1] == offsets[i]) {  // no incoming edge: out stays 0, and the state says so
          for (std::int64_t f = 0; f < F; ++f) o[f] = 0.0f;
          rsum(i, 0) = 0.0f;
          continue;
        }
        float l = 0.0f;
        v8f acc{};
        for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) {
          l += p[e - E0];
          acc = fma8(splat8(p[e - E0] * d[e - E0]), load8(values.row_ptr(sources[e])), acc);
        }
        const float inv = 1.0f / l;
        float t[8];
        store8(t, acc * inv);
        for (std::int64_t f = 0; f < F; ++f) o[f] = t[f];
        rsum(i, 0) = l;
        if (keep_weights)
          for (std::int64_t e = offsets[i]; e < offsets[i + 1]; ++e) wts(e, 0) = p[e - E0] * inv;
      }
    }
  });
}

template <class Scorer>
void fused_backward_narrow(const Graph& g, const Scorer& sc, MatrixView<const float> values_in,
                           const AttentionDropout& dropout, const GraphAttentionState<float>& state,
                           MatrixView<const float> d_out_in, MatrixView<float> d_values) {
  const std::int64_t F = values_in.cols();
  const MatrixView<const float> values = heads_padded_to_8(values_in, 1, values_in.cols(), padded_buffer(PaddedBuffer::values));
  const MatrixView<const float> d_out = heads_padded_to_8(d_out_in, 1, d_out_in.cols(), padded_buffer(PaddedBuffer::out_or_d_out));
  const auto in_offsets = g.in_offsets();
  const NodeId* sources = g.in_sources().data();
  const auto out_offsets = g.out_offsets();
  const NodeId* out_targets = g.out_targets().data();
  const std::int64_t* out_edges = g.out_edges().data();
  const DropFactor<float> drop(dropout, 1);
  MatrixView<const float> rmax = state.row_max.view(), rsum = state.row_sum.view();
  const bool prefetch = worth_prefetching(values);
  const std::int64_t num_edges = g.num_edges();
  // one 8-byte record per edge for pass 2: P*D and dL/ds (times the slope, as in the 8 x 8 kernel)
  float* records = backward_edge_buffer<float>(EdgeBuffer::records, 2 * num_edges);

  for_rows(in_offsets, [&](std::int64_t begin, std::int64_t end) {
    std::vector<float> p, d, gd;       // per edge of the block
    std::vector<std::int64_t> row_of;  // its destination
    for (std::int64_t r0 = begin, r1; r0 < end; r0 = r1) {
      r1 = narrow_block_end(in_offsets, r0, end);
      const std::int64_t E0 = in_offsets[r0], E1 = in_offsets[r1], nb = E1 - E0;
      if (nb == 0) continue;
      grow(p, round_up8(nb));
      grow(d, nb);
      grow(gd, round_up8(nb));
      grow(row_of, nb);
      for (std::int64_t i = r0; i < r1; ++i) {
        const float m = rmax(i, 0);
        for (std::int64_t e = in_offsets[i]; e < in_offsets[i + 1]; ++e) {
          if (prefetch) prefetch_incoming(sc, values, sources, e, num_edges);
          p[e - E0] = sc.score(i, sources[e], 0) - m;
          row_of[e - E0] = i;
        }
      }
      exp8_in_place(p.data(), nb);
      for (std::int64_t i = r0; i < r1; ++i) {
        if (in_offsets[i + 1] == in_offsets[i]) continue;
        const float inv = 1.0f / rsum(i, 0);
        for (std::int64_t e = in_offsets[i]; e < in_offsets[i + 1]; ++e) p[e - E0] *= inv;
      }
      drop.row(E0, E1, d.data());
      // <d_out_i, values_j> for eight edges at a time (past the block's end: zero)
      for (std::int64_t b = 0; b < nb; b += 8) {
        v8f prod[8];
        for (std::int64_t k = 0; k < 8; ++k)
          prod[k] = b + k < nb ? load8(d_out.row_ptr(row_of[b + k])) * load8(values.row_ptr(sources[E0 + b + k]))
                               : v8f{};
        store8(gd.data() + b, lane_sums8(prod));
      }
      for (std::int64_t i = r0; i < r1; ++i) {
        float c = 0.0f;
        for (std::int64_t e = in_offsets[i] - E0; e < in_offsets[i + 1] - E0; ++e) {
          gd[e] *= d[e];
          records[2 * (E0 + e)] = p[e] * d[e];
          c += p[e] * gd[e];
        }
        float dst_acc = 0.0f;
        for (std::int64_t e = in_offsets[i]; e < in_offsets[i + 1]; ++e) {
          const float ds = p[e - E0] * (gd[e - E0] - c);
          if constexpr (kHasSlope1<Scorer>) {
            const float sloped = ds * sc.slope_at(i, sources[e], 0);
            records[2 * e + 1] = sloped;
            dst_acc += sloped;
          } else {
            records[2 * e + 1] = ds;
            sc.dst_grad(i, sources[e], 0, ds);
          }
        }
        if constexpr (kHasSlope1<Scorer>) sc.d_dst(i, 0) += dst_acc;
      }
    }
  });

  for_rows(out_offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t j = begin; j < end; ++j) {
      v8f acc{};
      float src_acc = 0.0f;
      for (std::int64_t k = out_offsets[j]; k < out_offsets[j + 1]; ++k) {
        if (prefetch) {
          const std::int64_t ahead = std::min(k + kPrefetchEdges, num_edges - 1);
          prefetch_row(d_out, out_targets[ahead]);
          __builtin_prefetch(records + 2 * out_edges[ahead]);
        }
        const std::int64_t e = out_edges[k];
        const std::int64_t i = out_targets[k];
        acc = fma8(splat8(records[2 * e]), load8(d_out.row_ptr(i)), acc);
        if constexpr (kHasSlope1<Scorer>)
          src_acc += records[2 * e + 1];
        else
          sc.src_grad(i, j, 0, records[2 * e + 1]);
      }
      if constexpr (kHasSlope1<Scorer>) sc.d_src(j, 0) += src_acc;
      float t[8];
      store8(t, acc);
      float* dv = d_values.row_ptr(j);
      for (std::int64_t f = 0; f < F; ++f) dv[f] += t[f];
    }
  });
}

// ---- 8 heads x fewer than 8 features: the 8 x 8 kernels on padded rows ------------------------------

// Pubmed's output layer (8 averaged heads of 3 classes) and the like: the 8 x 8 vector kernels
// on rows padded to 8 features per head.
template <class Scorer>
void fused_forward_8_padded(const Graph& g, const Scorer& sc, MatrixView<const float> values, std::int64_t F,
                            const AttentionDropout& dropout, MatrixView<float> out, GraphAttentionState<float>& state,
                            bool keep_weights) {
  const MatrixView<const float> vp = heads_padded_to_8(values, 8, F, padded_buffer(PaddedBuffer::values));
  BasicMatrix<float>& op = padded_buffer(PaddedBuffer::out_or_d_out);
  op.resize_uninitialized(values.rows(), 64);
  fused_forward_8x8(g, sc, vp, dropout, op.view(), state, keep_weights);
  for_range(values.rows(), 2048, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r)
      for (int h = 0; h < 8; ++h) std::memcpy(out.row_ptr(r) + h * F, op.row_ptr(r) + 8 * h, static_cast<std::size_t>(F) * sizeof(float));
  });
}

template <class Scorer>
void fused_backward_8_padded(const Graph& g, const Scorer& sc, MatrixView<const float> values, std::int64_t F,
                             const AttentionDropout& dropout, const GraphAttentionState<float>& state,
                             MatrixView<const float> d_out, MatrixView<float> d_values) {
  const MatrixView<const float> vp = heads_padded_to_8(values, 8, F, padded_buffer(PaddedBuffer::values));
  const MatrixView<const float> dp = heads_padded_to_8(d_out, 8, F, padded_buffer(PaddedBuffer::out_or_d_out));
  BasicMatrix<float>& dvp = padded_buffer(PaddedBuffer::d_values);
  dvp.resize(values.rows(), 64);  // zero: the kernel adds into it
  fused_backward_8x8(g, sc, vp, dropout, state, dp, dvp.view());
  for_range(values.rows(), 2048, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r)
      for (int h = 0; h < 8; ++h)
        for (std::int64_t f = 0; f < F; ++f) d_values(r, h * F + f) += dvp(r, 8 * h + f);
  });
}

// ---- dispatch --------------------------------------------------------------------------------------

// The kernels with heads and features per head fixed at compile time for the common shapes (the
// paper's 8 x 8 hidden layers, 8-head and single-head output layers), so that the per-edge loops
// over heads and features are fully unrolled vector code; any other shape runs the same code with
// runtime sizes. Which instance runs depends only on the shapes, never on the thread count.
template <class T, class Scorer>
void fused_forward(const Graph& g, const Scorer& sc, MatrixView<const T> values, std::int64_t heads,
                   const AttentionDropout& dropout, MatrixView<T> out, GraphAttentionState<T>& state,
                   bool keep_weights) {
  const std::int64_t F = values.cols() / heads;
  if constexpr (std::is_same_v<T, float>) {
    if (heads == 8 && F == 8) return fused_forward_8x8(g, sc, values, dropout, out, state, keep_weights);
    if (heads == 8 && F < 8) return fused_forward_8_padded(g, sc, values, F, dropout, out, state, keep_weights);
    if (heads == 1 && F <= 8) return fused_forward_narrow(g, sc, values, dropout, out, state, keep_weights);
  }
  if (heads == 8 && F == 8)
    fused_forward_dims<8, 8>(g, sc, values, heads, dropout, out, state, keep_weights);
  else if (heads == 8)  // e.g. Pubmed's 8 averaged output heads of 3 classes
    fused_forward_dims<8, 0>(g, sc, values, heads, dropout, out, state, keep_weights);
  else if (heads == 1)
    fused_forward_dims<1, 0>(g, sc, values, heads, dropout, out, state, keep_weights);
  else
    fused_forward_dims<0, 0>(g, sc, values, heads, dropout, out, state, keep_weights);
}
template <class T, class Scorer>
void fused_backward(const Graph& g, const Scorer& sc, MatrixView<const T> values, std::int64_t heads,
                    const AttentionDropout& dropout, const GraphAttentionState<T>& state,
                    MatrixView<const T> d_out, MatrixView<T> d_values) {
  const std::int64_t F = values.cols() / heads;
  if constexpr (std::is_same_v<T, float>) {
    if (heads == 8 && F == 8) return fused_backward_8x8(g, sc, values, dropout, state, d_out, d_values);
    if (heads == 8 && F < 8) return fused_backward_8_padded(g, sc, values, F, dropout, state, d_out, d_values);
    if (heads == 1 && F <= 8) return fused_backward_narrow(g, sc, values, dropout, state, d_out, d_values);
  }
  if (heads == 8 && F == 8)
    fused_backward_dims<8, 8>(g, sc, values, heads, dropout, state, d_out, d_values);
  else if (heads == 8)
    fused_backward_dims<8, 0>(g, sc, values, heads, dropout, state, d_out, d_values);
  else if (heads == 1)
    fused_backward_dims<1, 0>(g, sc, values, heads, dropout, state, d_out, d_values);
  else
    fused_backward_dims<0, 0>(g, sc, values, heads, dropout, state, d_out, d_values);
}

}  // namespace gat::attention::detail
