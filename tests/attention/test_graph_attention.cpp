// Fused graph attention against the unfused reference composition, finite-difference gradients in
// double, dropout determinism, thread-count independence, the zero-in-degree rule and bad shapes.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include "attention/source_attention.hpp"
#include "attention_test_util.hpp"
#include "gat_reference/attention.hpp"
#include "gat/attention/edge_ops.hpp"
#include "gat/attention/graph_attention.hpp"
#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::attention;
using gat_test::max_gradient_error;
using gat_test::normalized_error;
using gat_test::random_matrix;

namespace {

// The unfused composition (the reference module, reference/gat_reference/attention.hpp).
using Reference = gat::reference::EdgeAttention<double>;
using ConcatReference = gat::reference::ConcatAttention<double>;
ConcatReference concat_reference(const Graph& g, const MatrixD& src, const MatrixD& dst, const MatrixD& values,
                                 const MatrixD& d_out, std::int64_t heads, const ConcatScore& cs,
                                 const AttentionDropout& drop) {
  return gat::reference::concat_attention<double>(g, src, dst, values, d_out, heads, cs, drop);
}

// The fused GAT kernels in T: the forward pass (keeping the weights) and the backward pass.
template <class T>
struct FusedRun {
  BasicMatrix<T> out, weights, d_src, d_dst, d_values;
};
template <class T>
FusedRun<T> fused_gat(const Graph& g, const BasicMatrix<T>& src, const BasicMatrix<T>& dst, const BasicMatrix<T>& values,
                      const BasicMatrix<T>& d_out, std::int64_t heads, const ConcatScore& cs, const AttentionDropout& drop,
                      MatrixView<const T> source_attention = {}) {
  const std::int64_t n = g.num_nodes(), hf = values.cols();
  FusedRun<T> r;
  r.out.resize(n, hf);
  r.d_src.resize(n, heads);
  r.d_dst.resize(n, heads);
  r.d_values.resize(n, hf);
  GraphAttentionState<T> st;
  attention::detail::gat_attention_forward_from_values<T>(g, src.view(), dst.view(), values.view(), heads, cs,
                                                          source_attention, drop, r.out.view(), st, true);
  r.weights = st.weights;
  attention::detail::gat_attention_backward_from_values<T>(g, src.view(), dst.view(), values.view(), heads, cs,
                                                           source_attention, drop, st, d_out.view(), r.d_src.view(),
                                                           r.d_dst.view(), r.d_values.view());
  return r;
}

constexpr double kFusedTol = 1e-10;  // double; the documented bound is 1e-6
constexpr double kGradTol = 1e-6;

}  // namespace

TEST_CASE("fused GAT attention equals the unfused composition", "[attention][graph]") {
  // 3 x 4: the runtime-shape kernel; 8 x 3: the compiled 8-head kernel (Pubmed's output layer)
  const auto [heads, F] = GENERATE(std::pair<std::int64_t, std::int64_t>{3, 4}, std::pair<std::int64_t, std::int64_t>{8, 3});
  const std::int64_t n = 23;
  const Graph g = attn_test::random_graph(n, 90, 1, /*isolated=*/5);
  auto src = random_matrix<double>(n, heads, 2, 2.0), dst = random_matrix<double>(n, heads, 3, 2.0);
  auto values = random_matrix<double>(n, heads * F, 4);
  auto d_out = random_matrix<double>(n, heads * F, 5);
  for (float p : {0.0f, 0.4f}) {
    INFO("dropout p=" << p);
    const AttentionDropout drop{p, RandomKey{7, 1}};
    const ConcatScore cs{0.2};
    const FusedRun<double> fused = fused_gat(g, src, dst, values, d_out, heads, cs, drop);

    const ConcatReference r = concat_reference(g, src, dst, values, d_out, heads, cs, drop);
    CHECK(normalized_error(fused.out, r.ref.out) < kFusedTol);
    CHECK(normalized_error(fused.weights, r.ref.weights) < kFusedTol);
    MatrixD w(g.num_edges(), heads);
    gat_attention_weights<double>(g, src.view(), dst.view(), heads, cs, w.view());
    CHECK(normalized_error(w, r.ref.weights) < kFusedTol);

    CHECK(normalized_error(fused.d_values, r.d_values) < kFusedTol);
    CHECK(normalized_error(fused.d_src, r.d_src) < kFusedTol);
    CHECK(normalized_error(fused.d_dst, r.d_dst) < kFusedTol);
  }
}

TEST_CASE("fused GAT attention on a graph beyond the cache (prefetching path) equals the reference",
          "[attention][graph]") {
  // 9000 nodes x 8 heads x 8 features: the gathered rows exceed the kernels' prefetch threshold
  // (2 MiB) in float and in double, and the compiled 8 x 8 instance runs.
  const std::int64_t n = 9000, heads = 8, F = 8;
  const Graph g = attn_test::random_graph(n, 6 * n, 31, /*isolated=*/17);
  auto src = random_matrix<double>(n, heads, 32, 2.0), dst = random_matrix<double>(n, heads, 33, 2.0);
  auto values = random_matrix<double>(n, heads * F, 34);
  auto d_out = random_matrix<double>(n, heads * F, 35);
  const AttentionDropout drop{0.3f, RandomKey{9, 2}};
  const ConcatScore cs{0.2};
  const FusedRun<double> fused = fused_gat(g, src, dst, values, d_out, heads, cs, drop);
  const ConcatReference r = concat_reference(g, src, dst, values, d_out, heads, cs, drop);
  CHECK(normalized_error(fused.out, r.ref.out) < kFusedTol);
  CHECK(normalized_error(fused.d_values, r.d_values) < kFusedTol);
  CHECK(normalized_error(fused.d_src, r.d_src) < kFusedTol);
  CHECK(normalized_error(fused.d_dst, r.d_dst) < kFusedTol);
}

TEST_CASE("fused additive (GATv2) attention equals the unfused composition", "[attention][graph]") {
  const std::int64_t n = 19, heads = 2, F = 3;
  const Graph g = attn_test::random_graph(n, 70, 11, 0);
  auto q = random_matrix<double>(n, heads * F, 12), k = random_matrix<double>(n, heads * F, 13);
  auto v = random_matrix<double>(1, heads * F, 14), values = random_matrix<double>(n, heads * F, 15);
  auto d_out = random_matrix<double>(n, heads * F, 16);
  for (auto act : {AdditiveScore::Activation::leaky_relu, AdditiveScore::Activation::tanh})
    for (float p : {0.0f, 0.3f}) {
      INFO("tanh=" << (act == AdditiveScore::Activation::tanh) << " p=" << p);
      const AdditiveScore as{act, 0.2};
      const AttentionDropout drop{p, RandomKey{3, 4}};
      MatrixD out(n, heads * F);
      GraphAttentionState<double> st;
      additive_attention_forward<double>(g, q.view(), k.view(), v.view(), values.view(), heads, as, drop, out.view(),
                                         st, true);
      MatrixD scores(g.num_edges(), heads);
      edge_scores_additive<double>(g, q.view(), k.view(), v.view(), heads, as, scores.view());
      Reference ref;
      ref.forward(g, scores, values, drop);
      CHECK(normalized_error(out, ref.out) < kFusedTol);
      CHECK(normalized_error(st.weights, ref.weights) < kFusedTol);
      MatrixD w(g.num_edges(), heads);
      additive_attention_weights<double>(g, q.view(), k.view(), v.view(), heads, as, w.view());
      CHECK(normalized_error(w, ref.weights) < kFusedTol);

      MatrixD dq(n, heads * F), dk(n, heads * F), dv(1, heads * F), dval(n, heads * F);
      additive_attention_backward<double>(g, q.view(), k.view(), v.view(), values.view(), heads, as, drop, st,
                                          d_out.view(), dq.view(), dk.view(), dv.view(), dval.view());
      MatrixD r_val, rq(n, heads * F), rk(n, heads * F), rv(1, heads * F);
      const MatrixD d_scores = ref.backward(g, values, drop, d_out, r_val);
      edge_scores_additive_backward<double>(g, q.view(), k.view(), v.view(), heads, as, d_scores.view(), rq.view(),
                                            rk.view(), rv.view());
      CHECK(normalized_error(dval, r_val) < kFusedTol);
      CHECK(normalized_error(dq, rq) < kFusedTol);
      CHECK(normalized_error(dk, rk) < kFusedTol);
      CHECK(normalized_error(dv, rv) < kFusedTol);
    }
}

TEST_CASE("fused dot-product graph attention equals the unfused composition", "[attention][graph]") {
  const std::int64_t n = 17, heads = 2, Fk = 3, Fv = 5;
  const Graph g = attn_test::random_graph(n, 60, 21, 3);
  auto q = random_matrix<double>(n, heads * Fk, 22), k = random_matrix<double>(n, heads * Fk, 23);
  auto values = random_matrix<double>(n, heads * Fv, 24), d_out = random_matrix<double>(n, heads * Fv, 25);
  const DotScore ds{1.0 / std::sqrt(double(Fk))};
  const AttentionDropout drop{0.25f, RandomKey{9, 9}};
  MatrixD out(n, heads * Fv);
  GraphAttentionState<double> st;
  dot_attention_forward<double>(g, q.view(), k.view(), values.view(), heads, ds, drop, out.view(), st);
  CHECK(st.weights.empty());
  MatrixD scores(g.num_edges(), heads);
  edge_scores_dot<double>(g, q.view(), k.view(), heads, ds, scores.view());
  Reference ref;
  ref.forward(g, scores, values, drop);
  CHECK(normalized_error(out, ref.out) < kFusedTol);
  MatrixD w(g.num_edges(), heads);
  dot_attention_weights<double>(g, q.view(), k.view(), heads, ds, w.view());
  CHECK(normalized_error(w, ref.weights) < kFusedTol);

  MatrixD dq(n, heads * Fk), dk(n, heads * Fk), dval(n, heads * Fv);
  dot_attention_backward<double>(g, q.view(), k.view(), values.view(), heads, ds, drop, st, d_out.view(), dq.view(),
                                 dk.view(), dval.view());
  MatrixD r_val, rq(n, heads * Fk), rk(n, heads * Fk);
  const MatrixD d_scores = ref.backward(g, values, drop, d_out, r_val);
  edge_scores_dot_backward<double>(g, q.view(), k.view(), heads, ds, d_scores.view(), rq.view(), rk.view());
  CHECK(normalized_error(dval, r_val) < kFusedTol);
  CHECK(normalized_error(dq, rq) < kFusedTol);
  CHECK(normalized_error(dk, rk) < kFusedTol);
}

TEST_CASE("GAT attention gradients match finite differences", "[attention][graph][gradient]") {
  const std::int64_t n = 9, heads = 2, F = 3;
  const Graph g = attn_test::random_graph(n, 30, 31, 4);
  auto src = random_matrix<double>(n, heads, 32, 2.0), dst = random_matrix<double>(n, heads, 33, 2.0);
  auto values = random_matrix<double>(n, heads * F, 34);
  const auto R = random_matrix<double>(n, heads * F, 35);
  for (float p : {0.0f, 0.3f}) {
    INFO("p=" << p);
    const AttentionDropout drop{p, RandomKey{5, 6}};
    const ConcatScore cs{0.2};
    auto loss = [&] {
      MatrixD out(n, heads * F);
      GraphAttentionState<double> st;
      gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), heads, cs, drop, out.view(), st);
      return attn_test::dot_all(out, R);
    };
    const FusedRun<double> fused = fused_gat(g, src, dst, values, R, heads, cs, drop);
    CHECK(max_gradient_error(src, fused.d_src, loss) < kGradTol);
    CHECK(max_gradient_error(dst, fused.d_dst, loss) < kGradTol);
    CHECK(max_gradient_error(values, fused.d_values, loss) < kGradTol);
  }
}

TEST_CASE("additive attention gradients match finite differences", "[attention][graph][gradient]") {
  const std::int64_t n = 8, heads = 2, F = 3;
  const Graph g = attn_test::random_graph(n, 25, 41, 2);
  auto q = random_matrix<double>(n, heads * F, 42), k = random_matrix<double>(n, heads * F, 43);
  auto v = random_matrix<double>(1, heads * F, 44), values = random_matrix<double>(n, heads * F, 45);
  const auto R = random_matrix<double>(n, heads * F, 46);
  for (auto act : {AdditiveScore::Activation::leaky_relu, AdditiveScore::Activation::tanh}) {
    const AdditiveScore as{act, 0.2};
    const AttentionDropout drop{0.3f, RandomKey{1, 2}};
    auto loss = [&] {
      MatrixD out(n, heads * F);
      GraphAttentionState<double> st;
      additive_attention_forward<double>(g, q.view(), k.view(), v.view(), values.view(), heads, as, drop, out.view(),
                                         st);
      return attn_test::dot_all(out, R);
    };
    MatrixD out(n, heads * F);
    GraphAttentionState<double> st;
    additive_attention_forward<double>(g, q.view(), k.view(), v.view(), values.view(), heads, as, drop, out.view(), st);
    MatrixD dq(n, heads * F), dk(n, heads * F), dv(1, heads * F), dval(n, heads * F);
    additive_attention_backward<double>(g, q.view(), k.view(), v.view(), values.view(), heads, as, drop, st, R.view(),
                                        dq.view(), dk.view(), dv.view(), dval.view());
    CHECK(max_gradient_error(q, dq, loss) < kGradTol);
    CHECK(max_gradient_error(k, dk, loss) < kGradTol);
    CHECK(max_gradient_error(v, dv, loss) < kGradTol);
    CHECK(max_gradient_error(values, dval, loss) < kGradTol);
  }
}

TEST_CASE("dot-product graph attention gradients match finite differences", "[attention][graph][gradient]") {
  const std::int64_t n = 8, heads = 3, Fk = 2, Fv = 3;
  const Graph g = attn_test::random_graph(n, 25, 51, 6);
  auto q = random_matrix<double>(n, heads * Fk, 52), k = random_matrix<double>(n, heads * Fk, 53);
  auto values = random_matrix<double>(n, heads * Fv, 54);
  const auto R = random_matrix<double>(n, heads * Fv, 55);
  const DotScore ds{0.7};
  const AttentionDropout drop{0.2f, RandomKey{8, 8}};
  auto loss = [&] {
    MatrixD out(n, heads * Fv);
    GraphAttentionState<double> st;
    dot_attention_forward<double>(g, q.view(), k.view(), values.view(), heads, ds, drop, out.view(), st);
    return attn_test::dot_all(out, R);
  };
  MatrixD out(n, heads * Fv);
  GraphAttentionState<double> st;
  dot_attention_forward<double>(g, q.view(), k.view(), values.view(), heads, ds, drop, out.view(), st);
  MatrixD dq(n, heads * Fk), dk(n, heads * Fk), dval(n, heads * Fv);
  dot_attention_backward<double>(g, q.view(), k.view(), values.view(), heads, ds, drop, st, R.view(), dq.view(),
                                 dk.view(), dval.view());
  CHECK(max_gradient_error(q, dq, loss) < kGradTol);
  CHECK(max_gradient_error(k, dk, loss) < kGradTol);
  CHECK(max_gradient_error(values, dval, loss) < kGradTol);
}

TEST_CASE("head_dot and bilinear key transform gradients match finite differences", "[attention][graph][gradient]") {
  const std::int64_t n = 6, heads = 3, F = 4;
  auto x = random_matrix<double>(n, heads * F, 61), a = random_matrix<double>(1, heads * F, 62);
  const auto R = random_matrix<double>(n, heads, 63);
  auto loss = [&] {
    MatrixD out(n, heads);
    head_dot<double>(x.view(), a.view(), heads, out.view());
    return attn_test::dot_all(out, R);
  };
  MatrixD dx(n, heads * F), da(1, heads * F);
  head_dot_backward<double>(x.view(), a.view(), heads, R.view(), dx.view(), da.view());
  CHECK(max_gradient_error(x, dx, loss) < kGradTol);
  CHECK(max_gradient_error(a, da, loss) < kGradTol);

  const std::int64_t Fk = 2, Fq = 3;
  auto key = random_matrix<double>(n, heads * Fk, 64), W = random_matrix<double>(heads * Fq, Fk, 65);
  const auto R2 = random_matrix<double>(n, heads * Fq, 66);
  auto loss2 = [&] {
    MatrixD out(n, heads * Fq);
    bilinear_transform_keys<double>(key.view(), W.view(), heads, out.view());
    return attn_test::dot_all(out, R2);
  };
  MatrixD dkey(n, heads * Fk), dW(heads * Fq, Fk);
  bilinear_transform_keys_backward<double>(key.view(), W.view(), heads, R2.view(), dkey.view(), dW.view());
  CHECK(max_gradient_error(key, dkey, loss2) < kGradTol);
  CHECK(max_gradient_error(W, dW, loss2) < kGradTol);
}

TEST_CASE("a node without incoming edges gets zero output and zero gradients", "[attention][graph]") {
  // 0 -> 1, 0 -> 2, 1 -> 2, 2 -> 2 (self-loop), 1 -> 2 again (repeated edge); node 0 has no in-edge.
  const std::vector<NodeId> s{0, 0, 1, 2, 1}, t{1, 2, 2, 2, 2};
  const Graph g = Graph::from_edges(3, s, t);
  const std::int64_t heads = 2, F = 2;
  auto src = random_matrix<double>(3, heads, 71), dst = random_matrix<double>(3, heads, 72);
  auto values = random_matrix<double>(3, heads * F, 73);
  MatrixD out(3, heads * F, 99.0);
  GraphAttentionState<double> st;
  gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), heads, {}, {}, out.view(), st, true);
  for (std::int64_t c = 0; c < heads * F; ++c) CHECK(out(0, c) == 0.0);
  CHECK(st.row_sum(0, 0) == 0.0);
  CHECK(attn_test::all_finite(out));
  // Node 1 has one incoming edge: its weight is 1 and its output is the source's value.
  for (std::int64_t c = 0; c < heads * F; ++c) CHECK(out(1, c) == Approx(values(0, c)));
  MatrixD d_out(3, heads * F, 1.0), d_src(3, heads), d_dst(3, heads), d_values(3, heads * F);
  gat_attention_backward<double>(g, src.view(), dst.view(), values.view(), heads, {}, {}, st, d_out.view(),
                                 d_src.view(), d_dst.view(), d_values.view());
  CHECK(d_dst(0, 0) == 0.0);
  CHECK(d_dst(0, 1) == 0.0);
  CHECK(attn_test::all_finite(d_src));
  CHECK(attn_test::all_finite(d_values));

  // The repeated edge 1 -> 2 counts twice: weights are per stored edge.
  MatrixD w(g.num_edges(), heads);
  gat_attention_weights<double>(g, src.view(), dst.view(), heads, {}, w.view());
  for (std::int64_t h = 0; h < heads; ++h) {
    double sum = 0;
    for (std::int64_t e = g.in_offsets()[2]; e < g.in_offsets()[3]; ++e) sum += w(e, h);
    CHECK(sum == Approx(1.0));
  }
}

TEST_CASE("GAT weights on a hand-computed graph", "[attention][graph]") {
  // Node 2 receives from 0, 1 and itself. With dst[2] = 0 and src = (ln 1, ln 2, ln 3) >= 0 the
  // LeakyReLU is the identity, so the weights are (1, 2, 3) / 6.
  const std::vector<NodeId> s{0, 1, 2}, t{2, 2, 2};
  const Graph g = Graph::from_edges(3, s, t);
  MatrixD src(3, 1), dst(3, 1), values(3, 1);
  src(0, 0) = std::log(1.0);
  src(1, 0) = std::log(2.0);
  src(2, 0) = std::log(3.0);
  values(0, 0) = 6;
  values(1, 0) = 12;
  values(2, 0) = 18;
  MatrixD out(3, 1);
  GraphAttentionState<double> st;
  gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), 1, {}, {}, out.view(), st, true);
  CHECK(st.weights(0, 0) == Approx(1.0 / 6));
  CHECK(st.weights(1, 0) == Approx(2.0 / 6));
  CHECK(st.weights(2, 0) == Approx(3.0 / 6));
  CHECK(out(2, 0) == Approx((6 * 1 + 12 * 2 + 18 * 3) / 6.0));
  // A negative pre-activation goes through the slope: src[0] = -1 gives score -0.2.
  src(0, 0) = -1;
  gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), 1, ConcatScore{0.2}, {}, out.view(), st,
                                true);
  const double z = std::exp(-0.2) + 2 + 3;
  CHECK(st.weights(0, 0) == Approx(std::exp(-0.2) / z));
}

TEST_CASE("dropout is a pure function of the key", "[attention][graph]") {
  const std::int64_t n = 30, heads = 2, F = 3;
  const Graph g = attn_test::random_graph(n, 200, 81);
  auto src = random_matrix<float>(n, heads, 82), dst = random_matrix<float>(n, heads, 83);
  auto values = random_matrix<float>(n, heads * F, 84);
  auto run = [&](AttentionDropout d) {
    Matrix out(n, heads * F);
    GraphAttentionState<float> st;
    gat_attention_forward<float>(g, src.view(), dst.view(), values.view(), heads, {}, d, out.view(), st);
    return out;
  };
  const auto a = run({0.5f, RandomKey{1, 2}});
  const auto b = run({0.5f, RandomKey{1, 2}});
  const auto c = run({0.5f, RandomKey{1, 3}});
  const auto none = run({});
  CHECK(attn_test::bitwise_equal(a, b));
  CHECK_FALSE(attn_test::bitwise_equal(a, c));
  CHECK_FALSE(attn_test::bitwise_equal(a, none));
}

TEST_CASE("graph attention is bitwise identical for 1 and 2 threads", "[attention][graph][threads]") {
  // 20000 x 32 floats: beyond the kernels' prefetch threshold (2 MiB), so that path runs too.
  const std::int64_t n = 20000, heads = 4, F = 8;
  const Graph g = attn_test::random_graph(n, 320000, 91, 17);
  auto src = random_matrix<float>(n, heads, 92), dst = random_matrix<float>(n, heads, 93);
  auto q = random_matrix<float>(n, heads * F, 94), k = random_matrix<float>(n, heads * F, 95);
  auto v = random_matrix<float>(1, heads * F, 96);
  auto values = random_matrix<float>(n, heads * F, 97), d_out = random_matrix<float>(n, heads * F, 98);
  const AttentionDropout drop{0.1f, RandomKey{4, 4}};
  struct Result {
    Matrix out, d_src, d_dst, d_values, out2, dq, dk, dv, dval2, w, out3, dq3, dk3, dval3, agg_dw, agg_dv;
  };
  auto run = [&](int threads) {
    set_num_threads(threads);
    Result r;
    r.out.resize(n, heads * F);
    GraphAttentionState<float> st;
    gat_attention_forward<float>(g, src.view(), dst.view(), values.view(), heads, {}, drop, r.out.view(), st);
    r.d_src.resize(n, heads);
    r.d_dst.resize(n, heads);
    r.d_values.resize(n, heads * F);
    gat_attention_backward<float>(g, src.view(), dst.view(), values.view(), heads, {}, drop, st, d_out.view(),
                                  r.d_src.view(), r.d_dst.view(), r.d_values.view());
    r.out2.resize(n, heads * F);
    additive_attention_forward<float>(g, q.view(), k.view(), v.view(), values.view(), heads, {}, drop, r.out2.view(),
                                      st);
    r.dq.resize(n, heads * F);
    r.dk.resize(n, heads * F);
    r.dv.resize(1, heads * F);
    r.dval2.resize(n, heads * F);
    additive_attention_backward<float>(g, q.view(), k.view(), v.view(), values.view(), heads, {}, drop, st,
                                       d_out.view(), r.dq.view(), r.dk.view(), r.dv.view(), r.dval2.view());
    r.w.resize(g.num_edges(), heads);
    gat_attention_weights<float>(g, src.view(), dst.view(), heads, {}, r.w.view());
    r.out3.resize(n, heads * F);
    dot_attention_forward<float>(g, q.view(), k.view(), values.view(), heads, DotScore{0.35}, drop, r.out3.view(), st);
    r.dq3.resize(n, heads * F);
    r.dk3.resize(n, heads * F);
    r.dval3.resize(n, heads * F);
    dot_attention_backward<float>(g, q.view(), k.view(), values.view(), heads, DotScore{0.35}, drop, st, d_out.view(),
                                  r.dq3.view(), r.dk3.view(), r.dval3.view());
    r.agg_dw.resize(g.num_edges(), heads);
    r.agg_dv.resize(n, heads * F);
    aggregate_backward<float>(g, r.w.view(), values.view(), d_out.view(), r.agg_dw.view(), r.agg_dv.view());
    return r;
  };
  const Result one = run(1);
  const Result two = run(2);
  set_num_threads(0);
  CHECK(attn_test::bitwise_equal(one.out, two.out));
  CHECK(attn_test::bitwise_equal(one.d_src, two.d_src));
  CHECK(attn_test::bitwise_equal(one.d_dst, two.d_dst));
  CHECK(attn_test::bitwise_equal(one.d_values, two.d_values));
  CHECK(attn_test::bitwise_equal(one.out2, two.out2));
  CHECK(attn_test::bitwise_equal(one.dq, two.dq));
  CHECK(attn_test::bitwise_equal(one.dk, two.dk));
  CHECK(attn_test::bitwise_equal(one.dv, two.dv));
  CHECK(attn_test::bitwise_equal(one.dval2, two.dval2));
  CHECK(attn_test::bitwise_equal(one.w, two.w));
  CHECK(attn_test::bitwise_equal(one.out3, two.out3));
  CHECK(attn_test::bitwise_equal(one.dq3, two.dq3));
  CHECK(attn_test::bitwise_equal(one.dk3, two.dk3));
  CHECK(attn_test::bitwise_equal(one.dval3, two.dval3));
  CHECK(attn_test::bitwise_equal(one.agg_dw, two.agg_dw));
  CHECK(attn_test::bitwise_equal(one.agg_dv, two.agg_dv));
  CHECK(attn_test::all_finite(one.out));
}

TEST_CASE("bad shapes are refused with a message naming the argument", "[attention][graph][errors]") {
  const Graph g = attn_test::random_graph(5, 10, 101);
  const std::int64_t heads = 2, F = 3;
  MatrixD src(5, heads), dst(5, heads), values(5, heads * F), out(5, heads * F);
  MatrixD bad_scores(4, heads), bad_values(5, 5), bad_out(5, heads * F + 1);
  GraphAttentionState<double> st;
  using Catch::Contains;
  REQUIRE_THROWS_AS(gat_attention_forward<double>(g, bad_scores.view(), dst.view(), values.view(), heads, {}, {},
                                                  out.view(), st),
                    InvalidArgument);
  REQUIRE_THROWS_WITH(gat_attention_forward<double>(g, bad_scores.view(), dst.view(), values.view(), heads, {}, {},
                                                    out.view(), st),
                      Contains("src_score is 4x2, expected 5x2"));
  REQUIRE_THROWS_WITH(gat_attention_forward<double>(g, src.view(), bad_scores.view(), values.view(), heads, {}, {},
                                                    out.view(), st),
                      Contains("dst_score"));
  REQUIRE_THROWS_WITH(gat_attention_forward<double>(g, src.view(), dst.view(), bad_values.view(), heads, {}, {},
                                                    out.view(), st),
                      Contains("values has 5 columns"));
  REQUIRE_THROWS_WITH(gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), heads, {}, {},
                                                    bad_out.view(), st),
                      Contains("out is 5x7, expected 5x6"));
  REQUIRE_THROWS_WITH(gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), 0, {}, {}, out.view(),
                                                    st),
                      Contains("heads"));
  REQUIRE_THROWS_WITH(gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), heads, {},
                                                    AttentionDropout{1.0f}, out.view(), st),
                      Contains("dropout.p"));
  MatrixD d_src(5, heads), d_dst(5, heads), d_values(5, heads * F);
  GraphAttentionState<double> empty;
  REQUIRE_THROWS_WITH(gat_attention_backward<double>(g, src.view(), dst.view(), values.view(), heads, {}, {}, empty,
                                                     out.view(), d_src.view(), d_dst.view(), d_values.view()),
                      Contains("state.row_max"));
  gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), heads, {}, {}, out.view(), st);
  REQUIRE_THROWS_WITH(gat_attention_backward<double>(g, src.view(), dst.view(), values.view(), heads, {}, {}, st,
                                                     out.view(), d_src.view(), bad_scores.view(), d_values.view()),
                      Contains("d_dst_score"));
  MatrixD q(5, heads * F), v(1, heads * F), bad_v(1, heads * F + 2), w(g.num_edges() + 1, heads);
  REQUIRE_THROWS_WITH(additive_attention_forward<double>(g, q.view(), q.view(), bad_v.view(), values.view(), heads,
                                                         {}, {}, out.view(), st),
                      Contains("v is 1x8, expected 1x6"));
  REQUIRE_THROWS_WITH(additive_attention_forward<double>(g, q.view(), bad_values.view(), v.view(), values.view(),
                                                         heads, {}, {}, out.view(), st),
                      Contains("key"));
  REQUIRE_THROWS_WITH(dot_attention_weights<double>(g, q.view(), q.view(), heads, {}, w.view()), Contains("weights"));
  MatrixD x(5, heads * F), a(1, heads * F + 1), o(5, heads);
  REQUIRE_THROWS_WITH(head_dot<double>(x.view(), a.view(), heads, o.view()), Contains("head_dot: a is 1x7"));
  MatrixD scores(g.num_edges(), heads), weights(g.num_edges() + 2, heads);
  REQUIRE_THROWS_WITH(edge_softmax<double>(g, scores.view(), weights.view()), Contains("edge_softmax: weights"));
  REQUIRE_THROWS_WITH(aggregate<double>(g, scores.view(), bad_values.view(), out.view()),
                      Contains("aggregate: values"));
}

TEST_CASE("the reference edge ops have correct gradients", "[attention][graph][gradient]") {
  const std::int64_t n = 7, heads = 2, F = 2;
  const Graph g = attn_test::random_graph(n, 20, 111, 1);
  const std::int64_t E = g.num_edges();
  auto scores = random_matrix<double>(E, heads, 112, 2.0), values = random_matrix<double>(n, heads * F, 113);
  const auto Rw = random_matrix<double>(E, heads, 114), Ro = random_matrix<double>(n, heads * F, 115);

  auto softmax_loss = [&] {
    MatrixD w(E, heads);
    edge_softmax<double>(g, scores.view(), w.view());
    return attn_test::dot_all(w, Rw);
  };
  MatrixD w(E, heads), ds(E, heads);
  edge_softmax<double>(g, scores.view(), w.view());
  edge_softmax_backward<double>(g, w.view(), Rw.view(), ds.view());
  CHECK(max_gradient_error(scores, ds, softmax_loss) < kGradTol);

  auto agg_loss = [&] {
    MatrixD out(n, heads * F);
    aggregate<double>(g, w.view(), values.view(), out.view());
    return attn_test::dot_all(out, Ro);
  };
  MatrixD dw(E, heads), dv(n, heads * F);
  aggregate_backward<double>(g, w.view(), values.view(), Ro.view(), dw.view(), dv.view());
  CHECK(max_gradient_error(w, dw, agg_loss) < kGradTol);
  CHECK(max_gradient_error(values, dv, agg_loss) < kGradTol);

  auto src = random_matrix<double>(n, heads, 116), dst = random_matrix<double>(n, heads, 117);
  auto concat_loss = [&] {
    MatrixD s(E, heads);
    edge_scores_concat<double>(g, src.view(), dst.view(), heads, {}, s.view());
    return attn_test::dot_all(s, Rw);
  };
  MatrixD d_src(n, heads), d_dst(n, heads);
  edge_scores_concat_backward<double>(g, src.view(), dst.view(), heads, {}, Rw.view(), d_src.view(), d_dst.view());
  CHECK(max_gradient_error(src, d_src, concat_loss) < kGradTol);
  CHECK(max_gradient_error(dst, d_dst, concat_loss) < kGradTol);

  auto q = random_matrix<double>(n, heads * F, 118), k = random_matrix<double>(n, heads * F, 119);
  auto v = random_matrix<double>(1, heads * F, 120);
  for (auto act : {AdditiveScore::Activation::leaky_relu, AdditiveScore::Activation::tanh}) {
    const AdditiveScore as{act, 0.2};
    auto add_loss = [&] {
      MatrixD s(E, heads);
      edge_scores_additive<double>(g, q.view(), k.view(), v.view(), heads, as, s.view());
      return attn_test::dot_all(s, Rw);
    };
    MatrixD dq(n, heads * F), dk(n, heads * F), dvv(1, heads * F);
    edge_scores_additive_backward<double>(g, q.view(), k.view(), v.view(), heads, as, Rw.view(), dq.view(), dk.view(),
                                          dvv.view());
    CHECK(max_gradient_error(q, dq, add_loss) < kGradTol);
    CHECK(max_gradient_error(k, dk, add_loss) < kGradTol);
    CHECK(max_gradient_error(v, dvv, add_loss) < kGradTol);
  }
  auto dot_loss = [&] {
    MatrixD s(E, heads);
    edge_scores_dot<double>(g, q.view(), k.view(), heads, DotScore{0.5}, s.view());
    return attn_test::dot_all(s, Rw);
  };
  MatrixD dq(n, heads * F), dk(n, heads * F);
  edge_scores_dot_backward<double>(g, q.view(), k.view(), heads, DotScore{0.5}, Rw.view(), dq.view(), dk.view());
  CHECK(max_gradient_error(q, dq, dot_loss) < kGradTol);
  CHECK(max_gradient_error(k, dk, dot_loss) < kGradTol);
}

TEST_CASE("fused float attention agrees with the double reference", "[attention][graph]") {
  const std::int64_t n = 200, heads = 4, F = 8;
  const Graph g = attn_test::random_graph(n, 3000, 131, 9);
  const auto src = random_matrix<double>(n, heads, 132, 2.0), dst = random_matrix<double>(n, heads, 133, 2.0);
  const auto values = random_matrix<double>(n, heads * F, 134);
  Matrix srcf(n, heads), dstf(n, heads), valuesf(n, heads * F), outf(n, heads * F);
  convert<float, double>(src.view(), srcf.view());
  convert<float, double>(dst.view(), dstf.view());
  convert<float, double>(values.view(), valuesf.view());
  GraphAttentionState<float> stf;
  gat_attention_forward<float>(g, srcf.view(), dstf.view(), valuesf.view(), heads, {}, {}, outf.view(), stf);
  MatrixD scores(g.num_edges(), heads);
  edge_scores_concat<double>(g, src.view(), dst.view(), heads, {}, scores.view());
  Reference ref;
  ref.forward(g, scores, values, {});
  CHECK(gat_test::normalized_error<float, double>(outf.view(), ref.out.view()) < 1e-5);
}

// Timing, not a check: ./test_attention "[perf]"
TEST_CASE("fused versus unfused timing", "[.][perf]") {
  const std::int64_t n = 100000, heads = 8, F = 8;
  const Graph g = attn_test::random_graph(n, 1600000, 141);
  auto src = random_matrix<float>(n, heads, 142), dst = random_matrix<float>(n, heads, 143);
  auto values = random_matrix<float>(n, heads * F, 144), d_out = random_matrix<float>(n, heads * F, 145);
  Matrix out(n, heads * F), d_src(n, heads), d_dst(n, heads), d_values(n, heads * F);
  GraphAttentionState<float> st;
  auto time = [](auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < 5; ++r) f();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / 5;
  };
  const double fwd = time([&] {
    gat_attention_forward<float>(g, src.view(), dst.view(), values.view(), heads, {}, {}, out.view(), st);
  });
  const double bwd = time([&] {
    gat_attention_backward<float>(g, src.view(), dst.view(), values.view(), heads, {}, {}, st, d_out.view(),
                                  d_src.view(), d_dst.view(), d_values.view());
  });
  Matrix scores(g.num_edges(), heads), w(g.num_edges(), heads);
  const double unfused = time([&] {
    edge_scores_concat<float>(g, src.view(), dst.view(), heads, {}, scores.view());
    edge_softmax<float>(g, scores.view(), w.view());
    aggregate<float>(g, w.view(), values.view(), out.view());
  });
  WARN("N=" << n << " E=" << g.num_edges() << " H=" << heads << " F=" << F << " threads=" << num_threads()
            << ": fused forward " << fwd << " ms, fused backward " << bwd << " ms, unfused forward " << unfused
            << " ms");
}

TEST_CASE("head_dot in float agrees with a plain double loop, for the 8 x 8 kernel and other shapes",
          "[attention][graph]") {
  // 70000 rows: da sums three fixed blocks of rows, whichever thread takes them
  const std::int64_t n = GENERATE(1500, 70000);
  for (const auto& [heads, F] : {std::pair<std::int64_t, std::int64_t>{8, 8}, {1, 7}, {3, 8}, {2, 5}}) {  // more than one parallel chunk (1024 rows)
    const Matrix x = random_matrix<float>(n, heads * F, 61), a = random_matrix<float>(1, heads * F, 62);
    Matrix out(n, heads);
    head_dot<float>(x.view(), a.view(), heads, out.view());
    MatrixD want(n, heads), got(n, heads);
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t h = 0; h < heads; ++h) {
        double sum = 0;
        for (std::int64_t f = 0; f < F; ++f) sum += double(x(r, h * F + f)) * double(a(0, h * F + f));
        want(r, h) = sum;
        got(r, h) = out(r, h);
      }
    INFO("heads " << heads << " F " << F);
    CHECK(normalized_error(got, want) < 1e-6);
  }
}

namespace {

// The float kernels of fused_vector_kernels.hpp (8 heads x 8 features; one head with up to 8
// features) against the double reference, forward and backward, and once with 2 threads: the
// double inputs in float, through fused_gat.
FusedRun<float> run_float_gat(const Graph& g, const MatrixD& src, const MatrixD& dst, const MatrixD& values,
                              const MatrixD& d_out, std::int64_t heads, const AttentionDropout& drop) {
  const std::int64_t n = g.num_nodes(), hf = values.cols();
  Matrix srcf(n, heads), dstf(n, heads), valuesf(n, hf), d_outf(n, hf);
  convert<float, double>(src.view(), srcf.view());
  convert<float, double>(dst.view(), dstf.view());
  convert<float, double>(values.view(), valuesf.view());
  convert<float, double>(d_out.view(), d_outf.view());
  return fused_gat(g, srcf, dstf, valuesf, d_outf, heads, ConcatScore{0.2}, drop);
}

}  // namespace

TEST_CASE("the float 8 x 8 and single-head kernels agree with the double reference and with 2 threads",
          "[attention][graph][threads]") {
  // 1 x 7: Cora's output layer; 1 x 1 and 1 x 8: the narrow kernel's edges; rows of up to ~40
  // edges, so the single-head kernel runs several blocks of eight edges per row; isolated nodes.
  // 8 x 3: Pubmed's averaged output heads, through the 8 x 8 kernels on rows padded to 8 features
  const auto [heads, F] = GENERATE(std::pair<std::int64_t, std::int64_t>{8, 8}, std::pair<std::int64_t, std::int64_t>{1, 7},
                                   std::pair<std::int64_t, std::int64_t>{1, 1}, std::pair<std::int64_t, std::int64_t>{1, 8},
                                   std::pair<std::int64_t, std::int64_t>{8, 3});
  const std::int64_t n = 3000;
  const Graph g = attn_test::random_graph(n, 16 * n, 151, /*isolated=*/11);
  const auto src = random_matrix<double>(n, heads, 152, 2.0), dst = random_matrix<double>(n, heads, 153, 2.0);
  const auto values = random_matrix<double>(n, heads * F, 154), d_out = random_matrix<double>(n, heads * F, 155);
  for (float p : {0.0f, 0.5f}) {
    INFO("heads " << heads << " x F " << F << ", dropout p=" << p);
    const AttentionDropout drop{p, RandomKey{5, 6}};
    set_num_threads(1);
    const FusedRun<float> one = run_float_gat(g, src, dst, values, d_out, heads, drop);
    set_num_threads(2);
    const FusedRun<float> two = run_float_gat(g, src, dst, values, d_out, heads, drop);
    set_num_threads(0);

    const ConcatReference r = concat_reference(g, src, dst, values, d_out, heads, ConcatScore{0.2}, drop);
    CHECK(gat_test::normalized_error<float, double>(one.out.view(), r.ref.out.view()) < 1e-5);
    CHECK(gat_test::normalized_error<float, double>(one.weights.view(), r.ref.weights.view()) < 1e-5);
    CHECK(gat_test::normalized_error<float, double>(one.d_values.view(), r.d_values.view()) < 1e-5);
    CHECK(gat_test::normalized_error<float, double>(one.d_src.view(), r.d_src.view()) < 1e-5);
    CHECK(gat_test::normalized_error<float, double>(one.d_dst.view(), r.d_dst.view()) < 1e-5);
    CHECK(attn_test::bitwise_equal(one.out, two.out));
    CHECK(attn_test::bitwise_equal(one.weights, two.weights));
    CHECK(attn_test::bitwise_equal(one.d_values, two.d_values));
    CHECK(attn_test::bitwise_equal(one.d_src, two.d_src));
    CHECK(attn_test::bitwise_equal(one.d_dst, two.d_dst));
  }
}

TEST_CASE("head_dot_backward in float agrees with a plain double loop and with 2 threads for the 8 x 8 kernel and other shapes",
          "[attention][graph][threads]") {
  // 70000 rows: da sums three fixed blocks of rows, whichever thread takes them
  const std::int64_t n = GENERATE(1500, 70000);
  for (const auto& [heads, F] : {std::pair<std::int64_t, std::int64_t>{8, 8}, {1, 7}, {3, 8}, {2, 5}}) {
    const Matrix x = random_matrix<float>(n, heads * F, 71), a = random_matrix<float>(1, heads * F, 72);
    const Matrix g = random_matrix<float>(n, heads, 73);
    const Matrix dx0 = random_matrix<float>(n, heads * F, 74), da0 = random_matrix<float>(1, heads * F, 75);
    auto run = [&](int threads, Matrix& dx, Matrix& da) {
      set_num_threads(threads);
      dx = dx0;
      da = da0;
      head_dot_backward<float>(x.view(), a.view(), heads, g.view(), dx.view(), da.view());
      set_num_threads(0);
    };
    Matrix dx1, da1, dx2, da2;
    run(1, dx1, da1);
    run(2, dx2, da2);
    MatrixD want_dx(n, heads * F), got_dx(n, heads * F), want_da(1, heads * F), got_da(1, heads * F);
    for (std::int64_t c = 0; c < heads * F; ++c) {
      double sum = da0(0, c);
      for (std::int64_t r = 0; r < n; ++r) {
        want_dx(r, c) = double(dx0(r, c)) + double(g(r, c / F)) * double(a(0, c));
        got_dx(r, c) = dx1(r, c);
        sum += double(g(r, c / F)) * double(x(r, c));
      }
      want_da(0, c) = sum;
      got_da(0, c) = da1(0, c);
    }
    INFO("rows " << n << " heads " << heads << " F " << F);
    CHECK(normalized_error(got_dx, want_dx) < 1e-6);
    CHECK(normalized_error(got_da, want_da) < 1e-5);
    CHECK(attn_test::bitwise_equal(dx1, dx2));
    CHECK(attn_test::bitwise_equal(da1, da2));
  }
}

TEST_CASE("the float 8 x 8 backward without per-edge records (past 2^20 edges) agrees with the double kernels and with 2 threads",
          "[attention][graph][threads]") {
  // 2^20 edges x 64 bytes is where the 8-head backward stops keeping records per edge and
  // recomputes them from per-node rows in its second pass.
  const std::int64_t n = 70000, heads = 8, F = 8;
  const Graph g = attn_test::random_graph(n, 16 * n, 161, /*isolated=*/7);
  REQUIRE(g.num_edges() * 64 > (std::int64_t{64} << 20));
  const auto src = random_matrix<double>(n, heads, 162, 2.0), dst = random_matrix<double>(n, heads, 163, 2.0);
  const auto values = random_matrix<double>(n, heads * F, 164), d_out = random_matrix<double>(n, heads * F, 165);
  const AttentionDropout drop{0.5f, RandomKey{8, 9}};
  set_num_threads(1);
  const FusedRun<float> one = run_float_gat(g, src, dst, values, d_out, heads, drop);
  set_num_threads(2);
  const FusedRun<float> two = run_float_gat(g, src, dst, values, d_out, heads, drop);
  set_num_threads(0);
  const FusedRun<double> want = fused_gat(g, src, dst, values, d_out, heads, ConcatScore{0.2}, drop);
  CHECK(gat_test::normalized_error<float, double>(one.out.view(), want.out.view()) < 1e-5);
  CHECK(gat_test::normalized_error<float, double>(one.d_values.view(), want.d_values.view()) < 1e-5);
  CHECK(gat_test::normalized_error<float, double>(one.d_src.view(), want.d_src.view()) < 1e-5);
  CHECK(gat_test::normalized_error<float, double>(one.d_dst.view(), want.d_dst.view()) < 1e-5);
  CHECK(attn_test::bitwise_equal(one.d_values, two.d_values));
  CHECK(attn_test::bitwise_equal(one.d_src, two.d_src));
  CHECK(attn_test::bitwise_equal(one.d_dst, two.d_dst));
}

namespace {

// The 8 x 8 kernels once with src = head_dot(values, a) given as scores and once told to take
// them from the value rows (source_attention.hpp): every result must be the same bits.
void check_sources_from_values(std::int64_t n, std::int64_t edges, std::uint64_t seed) {
  const std::int64_t heads = 8, F = 8;
  const Graph g = attn_test::random_graph(n, edges, seed, /*isolated=*/5);
  const Matrix values = random_matrix<float>(n, heads * F, seed + 1);
  const Matrix att = random_matrix<float>(1, heads * F, seed + 2, 2.0);
  const Matrix dst = random_matrix<float>(n, heads, seed + 3, 2.0);
  const Matrix d_out = random_matrix<float>(n, heads * F, seed + 4);
  Matrix src(n, heads);
  head_dot<float>(values.view(), att.view(), heads, src.view());
  const AttentionDropout drop{0.5f, RandomKey{seed, 5}};
  set_num_threads(1);
  const FusedRun<float> given = fused_gat(g, src, dst, values, d_out, heads, ConcatScore{0.2}, drop);
  for (const int threads : {1, 2}) {
    set_num_threads(threads);
    const FusedRun<float> from_rows = fused_gat(g, src, dst, values, d_out, heads, ConcatScore{0.2}, drop, att.view());
    CHECK(attn_test::bitwise_equal(given.out, from_rows.out));
    CHECK(attn_test::bitwise_equal(given.weights, from_rows.weights));
    CHECK(attn_test::bitwise_equal(given.d_values, from_rows.d_values));
    CHECK(attn_test::bitwise_equal(given.d_src, from_rows.d_src));
    CHECK(attn_test::bitwise_equal(given.d_dst, from_rows.d_dst));
  }
  set_num_threads(0);
}

}  // namespace

TEST_CASE("8 x 8 attention taking the source scores from the value rows gives the bits of the scores given",
          "[attention][graph][threads]") {
  // The kernels take the scores from the rows from 8 MiB of scores (2^18 nodes) on.
  const std::int64_t n = (std::int64_t{1} << 18) + 1000;
  SECTION("below 2^20 edges: per-edge records in the backward pass") { check_sources_from_values(n, 3 * n, 171); }
  SECTION("past 2^20 edges where the backward pass recomputes from per-node rows") {
    check_sources_from_values(n, 8 * n, 181);
  }
  SECTION("a small graph, where the scores are read") { check_sources_from_values(500, 16 * 500, 191); }
}

TEST_CASE("an attention vector that does not give the source scores is refused", "[attention][graph][errors]") {
  const std::int64_t n = 50, heads = 8, F = 8;
  const Graph g = attn_test::random_graph(n, 4 * n, 191, /*isolated=*/0);
  const Matrix values = random_matrix<float>(n, heads * F, 192), att = random_matrix<float>(1, heads * F, 193);
  const Matrix dst = random_matrix<float>(n, heads, 194);
  Matrix src(n, heads), out(n, heads * F);
  head_dot<float>(values.view(), att.view(), heads, src.view());
  GraphAttentionState<float> st;
  const Matrix other = random_matrix<float>(1, heads * F, 195);
  CHECK_THROWS_WITH(attention::detail::gat_attention_forward_from_values<float>(
                        g, src.view(), dst.view(), values.view(), heads, ConcatScore{0.2}, other.view(), {}, out.view(), st),
                    Catch::Contains("source_attention does not give src_score at row 0"));
  const Matrix short_att = random_matrix<float>(1, heads * F - 1, 196);
  CHECK_THROWS_WITH(attention::detail::gat_attention_forward_from_values<float>(
                        g, src.view(), dst.view(), values.view(), heads, ConcatScore{0.2}, short_att.view(), {}, out.view(), st),
                    Catch::Contains("source_attention is 1x63"));
  // the right vector is accepted
  CHECK_NOTHROW(attention::detail::gat_attention_forward_from_values<float>(
      g, src.view(), dst.view(), values.view(), heads, ConcatScore{0.2}, att.view(), {}, out.view(), st));
}
