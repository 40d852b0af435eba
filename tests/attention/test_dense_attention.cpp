// Dense attention: finite-difference gradients of every score function under masks and dropout,
// masked softmax edge cases, textbook examples, and graph attention = dense masked attention.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "attention_test_util.hpp"
#include "gat/attention/dense_attention.hpp"
#include "gat/attention/edge_ops.hpp"
#include "gat/attention/graph_attention.hpp"
#include "gat/core/error.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::attention;
using gat_test::max_gradient_error;
using gat_test::normalized_error;
using gat_test::random_matrix;

namespace {

constexpr double kGradTol = 1e-6;

// A random boolean mask (nonzero = masked out) with row `full_row` fully masked.
std::vector<std::uint8_t> random_mask(std::int64_t n_q, std::int64_t n_k, std::uint64_t seed, std::int64_t full_row) {
  std::vector<std::uint8_t> m(static_cast<std::size_t>(n_q * n_k));
  RandomKey key{seed, 5};
  for (std::int64_t i = 0; i < n_q * n_k; ++i) m[i] = key.uniform(i) < 0.3f || i / n_k == full_row;
  return m;
}

// Checks dL/dQ, dL/dK, dL/dV and the listed parameter gradients of loss = sum(out .* R).
template <class Score>
void check_gradients(const Score& score, MatrixD& q, MatrixD& k, MatrixD& v, const AttentionMask& mask,
                     const AttentionDropout& drop, std::vector<std::pair<MatrixD*, MatrixD*>> params) {
  const auto R = random_matrix<double>(q.rows(), v.cols(), 1234);
  auto loss = [&] {
    MatrixD out(q.rows(), v.cols()), w(q.rows(), k.rows());
    dense_attention_forward<double>(score, q.view(), k.view(), v.view(), mask, out.view(), w.view(), drop);
    return attn_test::dot_all(out, R);
  };
  MatrixD out(q.rows(), v.cols()), w(q.rows(), k.rows());
  dense_attention_forward<double>(score, q.view(), k.view(), v.view(), mask, out.view(), w.view(), drop);
  for (auto& [value, grad] : params) grad->set_zero();
  MatrixD dq(q.rows(), q.cols()), dk(k.rows(), k.cols()), dv(v.rows(), v.cols());
  dense_attention_backward<double>(score, q.view(), k.view(), v.view(), w.view(), drop, R.view(), dq.view(), dk.view(),
                                   dv.view());
  CHECK(max_gradient_error(q, dq, loss) < kGradTol);
  CHECK(max_gradient_error(k, dk, loss) < kGradTol);
  CHECK(max_gradient_error(v, dv, loss) < kGradTol);
  for (auto& [value, grad] : params) CHECK(max_gradient_error(*value, *grad, loss) < kGradTol);
}

}  // namespace

TEST_CASE("dense attention gradients match finite differences for every score function",
          "[attention][dense][gradient]") {
  const std::int64_t n_q = 5, n_k = 6, d = 4, d_v = 3, d_a = 3;
  auto q = random_matrix<double>(n_q, d, 1), k = random_matrix<double>(n_k, d, 2), v = random_matrix<double>(n_k, d_v, 3);
  const auto mask_data = random_mask(n_q, n_k, 4, /*full_row=*/2);
  const std::vector<std::uint8_t> padding{0, 0, 0, 0, 1, 0};
  AttentionMask mask;
  mask.attn_mask = MatrixView<const std::uint8_t>(mask_data.data(), n_q, n_k);
  mask.key_padding_mask = padding;
  for (float p : {0.0f, 0.3f})
    for (bool causal : {false, true}) {
      INFO("p=" << p << " causal=" << causal);
      mask.causal = causal;
      const AttentionDropout drop{p, RandomKey{3, 3}};
      check_gradients(DotProductScorer<double>{0.8}, q, k, v, mask, drop, {});
      check_gradients(ScaledDotProductScorer<double>{}, q, k, v, mask, drop, {});
      {  // bilinear
        auto W = random_matrix<double>(d, d, 5);
        MatrixD dW(d, d);
        check_gradients(BilinearScorer<double>{W.view(), dW.view()}, q, k, v, mask, drop, {{&W, &dW}});
      }
      {  // additive
        auto Wq = random_matrix<double>(d_a, d, 6), Wk = random_matrix<double>(d_a, d, 7);
        auto a = random_matrix<double>(1, d_a, 8);
        MatrixD dWq(d_a, d), dWk(d_a, d), da(1, d_a);
        for (auto act : {AdditiveScore::Activation::tanh, AdditiveScore::Activation::leaky_relu}) {
          const AdditiveScorer<double> sc{Wq.view(), Wk.view(), a.view(), dWq.view(), dWk.view(), da.view(), {act, 0.2}};
          check_gradients(sc, q, k, v, mask, drop, {{&Wq, &dWq}, {&Wk, &dWk}, {&a, &da}});
        }
      }
      {  // concat
        auto aq = random_matrix<double>(1, d, 9), ak = random_matrix<double>(1, d, 10);
        MatrixD daq(1, d), dak(1, d);
        const ConcatScorer<double> sc{aq.view(), ak.view(), daq.view(), dak.view(), 0.2};
        check_gradients(sc, q, k, v, mask, drop, {{&aq, &daq}, {&ak, &dak}});
      }
    }
}

TEST_CASE("masked softmax: gradients, fully masked rows, huge scores", "[attention][dense][softmax]") {
  const std::int64_t n_q = 4, n_k = 5;
  auto s = random_matrix<double>(n_q, n_k, 21, 3.0);
  const auto mask_data = random_mask(n_q, n_k, 22, /*full_row=*/1);
  AttentionMask mask;
  mask.attn_mask = MatrixView<const std::uint8_t>(mask_data.data(), n_q, n_k);
  const auto R = random_matrix<double>(n_q, n_k, 23);
  MatrixD w(n_q, n_k), ds(n_q, n_k);
  auto loss = [&] {
    MatrixD ww(n_q, n_k);
    masked_softmax<double>(s.view(), mask, ww.view());
    return attn_test::dot_all(ww, R);
  };
  masked_softmax<double>(s.view(), mask, w.view());
  masked_softmax_backward<double>(w.view(), R.view(), ds.view());
  CHECK(max_gradient_error(s, ds, loss) < kGradTol);
  for (std::int64_t k = 0; k < n_k; ++k) {
    CHECK(w(1, k) == 0.0);
    CHECK(ds(1, k) == 0.0);
  }
  for (std::int64_t i = 0; i < n_q; ++i) {
    double sum = 0;
    for (std::int64_t k = 0; k < n_k; ++k) sum += w(i, k);
    if (i != 1) CHECK(sum == Approx(1.0));
  }

  // Scores of +-1e4 in float: no overflow, no NaN; the largest score takes all the weight.
  Matrix big(2, 3);
  big(0, 0) = 1e4f;
  big(0, 1) = -1e4f;
  big(0, 2) = 1e4f - 1;
  big(1, 0) = -1e4f;
  big(1, 1) = -1e4f;
  big(1, 2) = -1e4f;
  Matrix wb(2, 3);
  masked_softmax<float>(big.view(), {}, wb.view());
  CHECK(attn_test::all_finite(wb));
  CHECK(wb(0, 0) == Approx(1 / (1 + std::exp(-1.0))));
  CHECK(wb(0, 1) == 0.0f);
  CHECK(wb(1, 0) == Approx(1.0 / 3));
}

TEST_CASE("a fully masked dense row gives zero output and zero gradient", "[attention][dense]") {
  const std::int64_t n = 3, d = 2;
  auto q = random_matrix<double>(n, d, 31), k = random_matrix<double>(n, d, 32), v = random_matrix<double>(n, d, 33);
  const std::vector<std::uint8_t> padding{1, 1, 1};  // every key is padding
  AttentionMask mask;
  mask.key_padding_mask = padding;
  MatrixD out(n, d, 7.0), w(n, n);
  dense_attention_forward<double>(ScaledDotProductScorer<double>{}, q.view(), k.view(), v.view(), mask, out.view(),
                                  w.view());
  for (double x : out.flat()) CHECK(x == 0.0);
  MatrixD d_out(n, d, 1.0), dq(n, d), dk(n, d), dv(n, d);
  dense_attention_backward<double>(ScaledDotProductScorer<double>{}, q.view(), k.view(), v.view(), w.view(), {},
                                   d_out.view(), dq.view(), dk.view(), dv.view());
  for (double x : dq.flat()) CHECK(x == 0.0);
  for (double x : dk.flat()) CHECK(x == 0.0);
  for (double x : dv.flat()) CHECK(x == 0.0);
  // Causal masking of a 1e4-scaled score matrix stays finite in float.
  auto qf = random_matrix<float>(4, 2, 34, 100.0), kf = random_matrix<float>(4, 2, 35, 100.0);
  auto vf = random_matrix<float>(4, 2, 36);
  Matrix of(4, 2), wf(4, 4);
  AttentionMask causal;
  causal.causal = true;
  dense_attention_forward<float>(DotProductScorer<float>{}, qf.view(), kf.view(), vf.view(), causal, of.view(),
                                 wf.view());
  CHECK(attn_test::all_finite(of));
  CHECK(wf(0, 0) == 1.0f);
  CHECK(wf(0, 1) == 0.0f);
}

TEST_CASE("textbook: a soft dictionary lookup", "[attention][dense][textbook]") {
  // Keys "2019", "2018", "2012" as one-hot codes of length 3 (scaled by 3); the query is "2018".
  // Scaled dot scores are (0, 9/sqrt(3), 0): the matching key takes almost all the weight and the
  // answer is almost its value (values are prices 10, 20, 50).
  MatrixD keys(3, 3), query(1, 3), values(3, 1);
  for (int i = 0; i < 3; ++i) keys(i, i) = 3;
  query(0, 1) = 3;
  values(0, 0) = 10;
  values(1, 0) = 20;
  values(2, 0) = 50;
  MatrixD out(1, 1), w(1, 3);
  dense_attention_forward<double>(ScaledDotProductScorer<double>{}, query.view(), keys.view(), values.view(), {},
                                  out.view(), w.view());
  const double e = std::exp(9 / std::sqrt(3.0));
  CHECK(w(0, 1) == Approx(e / (e + 2)));
  CHECK(w(0, 0) == Approx(1 / (e + 2)));
  CHECK(w(0, 1) > 0.98);
  CHECK(out(0, 0) == Approx((10 + 20 * e + 50) / (e + 2)));
  CHECK(std::abs(out(0, 0) - 20) < 0.5);
}

TEST_CASE("textbook: one decoder step of seq2seq attention over 'I am a student'", "[attention][dense][textbook]") {
  // Encoder states h_I, h_am, h_a, h_student and a decoder state s (Luong et al. 2015, dot score).
  // Scores s.h = (1.5, 0, 0.5, 2); weights and context computed by hand.
  MatrixD h(4, 3), s(1, 3);
  const double enc[4][3] = {{1, 0, 1}, {0, 1, 0}, {1, 1, 0}, {0, 0, 2}};
  for (int t = 0; t < 4; ++t)
    for (int c = 0; c < 3; ++c) h(t, c) = enc[t][c];
  s(0, 0) = 0.5;
  s(0, 2) = 1;
  MatrixD context(1, 3), w(1, 4);
  dense_attention_forward<double>(DotProductScorer<double>{}, s.view(), h.view(), h.view(), {}, context.view(),
                                  w.view());
  const double expected_w[4] = {0.308667615, 0.068873054, 0.113552470, 0.508906862};
  double sum = 0;
  for (int t = 0; t < 4; ++t) {
    CHECK(w(0, t) == Approx(expected_w[t]).epsilon(1e-7));
    sum += w(0, t);
  }
  CHECK(sum == Approx(1.0));
  CHECK(context(0, 0) == Approx(0.422220084).epsilon(1e-7));
  CHECK(context(0, 1) == Approx(0.182425524).epsilon(1e-7));
  CHECK(context(0, 2) == Approx(1.326481338).epsilon(1e-7));
  // The context is the weighted sum of the encoder states.
  for (int c = 0; c < 3; ++c) {
    double acc = 0;
    for (int t = 0; t < 4; ++t) acc += w(0, t) * h(t, c);
    CHECK(context(0, c) == Approx(acc));
  }
}

namespace {

struct GraphAndMask {
  Graph g;
  std::vector<std::uint8_t> mask;  // n x n, nonzero where there is no edge j -> i
};

GraphAndMask graph_with_mask(std::int64_t n, std::int64_t m, std::uint64_t seed, std::int64_t isolated) {
  GraphAndMask r;
  const Graph raw = attn_test::random_graph(n, m, seed, isolated);
  const EdgeList el = raw.to_edge_list();
  GraphOptions opt;
  opt.duplicates = Duplicates::remove;  // a dense mask cannot express repeated edges
  r.g = Graph::from_edges(el, opt);
  r.mask.assign(static_cast<std::size_t>(n * n), 1);
  for (std::int64_t e = 0; e < r.g.num_edges(); ++e) r.mask[r.g.in_targets()[e] * n + r.g.in_sources()[e]] = 0;
  return r;
}

// Runs dense attention head by head over column blocks: out[:, h] = attention(q[:, h], k[:, h], v[:, h]).
template <class MakeScore>
MatrixD dense_per_head(const MatrixD& q, const MatrixD& k, const MatrixD& v, std::int64_t heads,
                       const AttentionMask& mask, MakeScore make_score) {
  const std::int64_t fq = q.cols() / heads, fk = k.cols() / heads, fv = v.cols() / heads;
  MatrixD out(q.rows(), v.cols()), w(q.rows(), k.rows());
  MatrixView<double> ov = out.view();
  for (std::int64_t h = 0; h < heads; ++h)
    dense_attention_forward<double>(make_score(h), q.view().block_cols(h * fq, fq), k.view().block_cols(h * fk, fk),
                                    v.view().block_cols(h * fv, fv), mask, ov.block_cols(h * fv, fv), w.view());
  return out;
}

}  // namespace

TEST_CASE("graph attention equals dense attention masked by the adjacency", "[attention][dense][graph]") {
  const std::int64_t n = 12, heads = 2, F = 3;
  const auto gm = graph_with_mask(n, 40, 41, /*isolated=*/7);
  const Graph& g = gm.g;
  AttentionMask mask;
  mask.attn_mask = MatrixView<const std::uint8_t>(gm.mask.data(), n, n);
  auto q = random_matrix<double>(n, heads * F, 42), k = random_matrix<double>(n, heads * F, 43);
  auto values = random_matrix<double>(n, heads * F, 44);
  GraphAttentionState<double> st;
  MatrixD out(n, heads * F);

  SECTION("dot and scaled dot") {
    for (double scale : {1.0, 1 / std::sqrt(double(F))}) {
      dot_attention_forward<double>(g, q.view(), k.view(), values.view(), heads, DotScore{scale}, {}, out.view(), st);
      const auto dense = dense_per_head(q, k, values, heads, mask, [&](std::int64_t) {
        return DotProductScorer<double>{scale};
      });
      CHECK(normalized_error(out, dense) < 1e-12);
    }
  }
  SECTION("concat (GAT)") {
    const auto a_q = random_matrix<double>(1, heads * F, 45), a_k = random_matrix<double>(1, heads * F, 46);
    MatrixD src(n, heads), dst(n, heads);
    head_dot<double>(k.view(), a_k.view(), heads, src.view());
    head_dot<double>(q.view(), a_q.view(), heads, dst.view());
    gat_attention_forward<double>(g, src.view(), dst.view(), values.view(), heads, ConcatScore{0.2}, {}, out.view(), st);
    const auto dense = dense_per_head(q, k, values, heads, mask, [&](std::int64_t h) {
      return ConcatScorer<double>{a_q.view().block_cols(h * F, F), a_k.view().block_cols(h * F, F), {}, {}, 0.2};
    });
    CHECK(normalized_error(out, dense) < 1e-12);
  }
  SECTION("additive (GATv2 / Bahdanau)") {
    const auto v = random_matrix<double>(1, heads * F, 47);
    MatrixD eye(F, F);
    for (std::int64_t f = 0; f < F; ++f) eye(f, f) = 1;
    for (auto act : {AdditiveScore::Activation::leaky_relu, AdditiveScore::Activation::tanh}) {
      additive_attention_forward<double>(g, q.view(), k.view(), v.view(), values.view(), heads, {act, 0.2}, {},
                                         out.view(), st);
      const auto dense = dense_per_head(q, k, values, heads, mask, [&](std::int64_t h) {
        return AdditiveScorer<double>{eye.view(), eye.view(), v.view().block_cols(h * F, F), {}, {}, {}, {act, 0.2}};
      });
      CHECK(normalized_error(out, dense) < 1e-12);
    }
  }
  SECTION("bilinear via transformed keys") {
    const auto W = random_matrix<double>(heads * F, F, 48);
    MatrixD kt(n, heads * F);
    bilinear_transform_keys<double>(k.view(), W.view(), heads, kt.view());
    dot_attention_forward<double>(g, q.view(), kt.view(), values.view(), heads, DotScore{1.0}, {}, out.view(), st);
    const auto dense = dense_per_head(q, k, values, heads, mask, [&](std::int64_t h) {
      return BilinearScorer<double>{W.view().block_rows(h * F, F)};
    });
    CHECK(normalized_error(out, dense) < 1e-12);
  }
  for (std::int64_t c = 0; c < heads * F; ++c) CHECK(out(7, c) == 0.0);  // the isolated node
}

TEST_CASE("graph attention on a complete graph with self-loops is dense self-attention", "[attention][dense][graph]") {
  const std::int64_t n = 9, heads = 3, F = 2;
  std::vector<NodeId> s, t;
  for (NodeId i = 0; i < n; ++i)
    for (NodeId j = 0; j < n; ++j) {
      s.push_back(j);
      t.push_back(i);
    }
  const Graph g = Graph::from_edges(n, s, t);
  auto x = random_matrix<double>(n, heads * F, 51, 2.0);
  MatrixD out(n, heads * F);
  GraphAttentionState<double> st;
  dot_attention_forward<double>(g, x.view(), x.view(), x.view(), heads, DotScore{1 / std::sqrt(double(F))}, {},
                                out.view(), st);
  const auto dense = dense_per_head(x, x, x, heads, AttentionMask{}, [](std::int64_t) {
    return ScaledDotProductScorer<double>{};
  });
  CHECK(normalized_error(out, dense) < 1e-12);
}

TEST_CASE("dense attention refuses bad shapes naming the argument", "[attention][dense][errors]") {
  MatrixD q(3, 4), k(5, 4), v(5, 2), out(3, 2), w(3, 5);
  using Catch::Contains;
  MatrixD bad_v(4, 2), bad_out(3, 3), bad_w(5, 3), bad_k(5, 3);
  REQUIRE_THROWS_AS(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), k.view(), bad_v.view(), {},
                                                    out.view(), w.view()),
                    InvalidArgument);
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), k.view(), bad_v.view(),
                                                      {}, out.view(), w.view()),
                      Contains("K has 5 rows but V has 4"));
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), k.view(), v.view(), {},
                                                      bad_out.view(), w.view()),
                      Contains("out is 3x3, expected 3x2"));
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), k.view(), v.view(), {},
                                                      out.view(), bad_w.view()),
                      Contains("weights is 5x3, expected 3x5"));
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), bad_k.view(), v.view(),
                                                      {}, out.view(), w.view()),
                      Contains("d_q == d_k"));
  MatrixD W(4, 4);
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(BilinearScorer<double>{W.view()}, q.view(), bad_k.view(),
                                                      v.view(), {}, out.view(), w.view()),
                      Contains("W is 4x4, expected 4x3"));
  const std::vector<std::uint8_t> pad{0, 1};
  AttentionMask mask;
  mask.key_padding_mask = pad;
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), k.view(), v.view(), mask,
                                                      out.view(), w.view()),
                      Contains("key_padding_mask has 2 entries, expected 5"));
  std::vector<std::uint8_t> am(6);
  AttentionMask mask2;
  mask2.attn_mask = MatrixView<const std::uint8_t>(am.data(), 2, 3);
  REQUIRE_THROWS_WITH(dense_attention_forward<double>(DotProductScorer<double>{}, q.view(), k.view(), v.view(), mask2,
                                                      out.view(), w.view()),
                      Contains("attn_mask is 2x3, expected 3x5"));
  MatrixD d_out(3, 2), dq(3, 4), dk(5, 4), dv(5, 2), bad_dq(3, 3);
  REQUIRE_THROWS_WITH(dense_attention_backward<double>(DotProductScorer<double>{}, q.view(), k.view(), v.view(),
                                                       w.view(), {}, d_out.view(), bad_dq.view(), dk.view(), dv.view()),
                      Contains("d_q is 3x3"));
}
