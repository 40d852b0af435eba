// attention_tour: the attention primitives of gat on examples small enough to check by hand.
// Prints the attention weights of each example and checks them; exits non-zero on a mismatch.
//   1. a soft dictionary lookup (scaled dot product, Vaswani et al. 2017)
//   2. one decoder step of seq2seq attention over "I am a student" (dot score, Luong et al. 2015)
//   3. self-attention over four tokens: dense, and as graph attention on the complete graph
//   4. GAT attention (Velickovic et al. 2018) on a four-node graph, weights per input edge
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "gat/attention/dense_attention.hpp"
#include "gat/attention/graph_attention.hpp"

using namespace gat;
using namespace gat::attention;

namespace {

int failures = 0;

void expect_near(const char* what, double got, double want, double tol = 1e-6) {
  const bool ok = std::abs(got - want) <= tol * std::max(1.0, std::abs(want));
  if (!ok) {
    std::printf("  MISMATCH %s: got %.9f, expected %.9f\n", what, got, want);
    ++failures;
  }
}

void print_row(const char* label, const MatrixD& m, std::int64_t r) {
  std::printf("  %-10s", label);
  for (std::int64_t c = 0; c < m.cols(); ++c) std::printf(" %8.5f", m(r, c));
  std::printf("\n");
}

void soft_dictionary_lookup() {
  std::printf("1. Soft dictionary lookup: which year's price is the query \"2018\" asking for?\n");
  // Keys are one-hot codes (scaled by 3) of "2019", "2018", "2012"; values are prices.
  MatrixD keys(3, 3), query(1, 3), values(3, 1), out(1, 1), w(1, 3);
  for (int i = 0; i < 3; ++i) keys(i, i) = 3;
  query(0, 1) = 3;
  values(0, 0) = 10;
  values(1, 0) = 20;
  values(2, 0) = 50;
  dense_attention_forward<double>(ScaledDotProductScorer<double>{}, query.view(), keys.view(), values.view(), {},
                                  out.view(), w.view());
  std::printf("  keys:       2019     2018     2012\n");
  print_row("weights", w, 0);
  std::printf("  answer     %8.5f  (the price of 2018 is 20)\n", out(0, 0));
  const double e = std::exp(9 / std::sqrt(3.0));  // score of the match: 3*3/sqrt(d), d = 3
  expect_near("weight of 2018", w(0, 1), e / (e + 2));
  expect_near("answer", out(0, 0), (10 + 20 * e + 50) / (e + 2));
}

void seq2seq_step() {
  std::printf("\n2. One decoder step of seq2seq attention over \"I am a student\" (dot score)\n");
  const char* words[4] = {"I", "am", "a", "student"};
  const double enc[4][3] = {{1, 0, 1}, {0, 1, 0}, {1, 1, 0}, {0, 0, 2}};
  MatrixD h(4, 3), s(1, 3), context(1, 3), w(1, 4);
  for (int t = 0; t < 4; ++t)
    for (int c = 0; c < 3; ++c) h(t, c) = enc[t][c];
  s(0, 0) = 0.5;
  s(0, 2) = 1;
  dense_attention_forward<double>(DotProductScorer<double>{}, s.view(), h.view(), h.view(), {}, context.view(),
                                  w.view());
  // By hand: scores s.h_t = (1.5, 0, 0.5, 2); weights = exp(scores) / sum.
  const double scores[4] = {1.5, 0, 0.5, 2};
  double z = 0;
  for (double x : scores) z += std::exp(x);
  double sum = 0;
  for (int t = 0; t < 4; ++t) {
    std::printf("  %-8s score %4.1f  weight %.5f\n", words[t], scores[t], w(0, t));
    expect_near(words[t], w(0, t), std::exp(scores[t]) / z);
    sum += w(0, t);
  }
  expect_near("sum of weights", sum, 1.0);
  print_row("context", context, 0);
  for (int c = 0; c < 3; ++c) {
    double acc = 0;
    for (int t = 0; t < 4; ++t) acc += std::exp(scores[t]) / z * enc[t][c];
    expect_near("context", context(0, c), acc);
  }
}

void self_attention() {
  std::printf("\n3. Self-attention over four tokens (scaled dot), dense and on the complete graph\n");
  MatrixD x(4, 2);
  const double tok[4][2] = {{1, 0}, {0.9, 0.1}, {0, 1}, {-1, 0}};
  for (int i = 0; i < 4; ++i)
    for (int c = 0; c < 2; ++c) x(i, c) = 2 * tok[i][c];
  MatrixD dense_out(4, 2), w(4, 4);
  dense_attention_forward<double>(ScaledDotProductScorer<double>{}, x.view(), x.view(), x.view(), {},
                                  dense_out.view(), w.view());
  for (std::int64_t i = 0; i < 4; ++i) {
    const std::string label = "token " + std::to_string(i);
    print_row(label.c_str(), w, i);
    double sum = 0;
    for (std::int64_t k = 0; k < 4; ++k) sum += w(i, k);
    expect_near("row sum", sum, 1.0);
  }
  std::vector<NodeId> src, dst;
  for (NodeId i = 0; i < 4; ++i)
    for (NodeId j = 0; j < 4; ++j) {
      src.push_back(j);
      dst.push_back(i);
    }
  const Graph g = Graph::from_edges(4, src, dst);
  MatrixD graph_out(4, 2);
  GraphAttentionState<double> state;
  dot_attention_forward<double>(g, x.view(), x.view(), x.view(), 1, DotScore{1 / std::sqrt(2.0)}, {},
                                graph_out.view(), state, /*keep_weights=*/true);
  for (std::int64_t e = 0; e < g.num_edges(); ++e)
    expect_near("graph weight", state.weights(e, 0), w(g.in_targets()[e], g.in_sources()[e]), 1e-12);
  for (std::int64_t i = 0; i < 4; ++i)
    for (std::int64_t c = 0; c < 2; ++c) expect_near("graph output", graph_out(i, c), dense_out(i, c), 1e-12);
  std::printf("  graph attention on the complete graph gives the same weights and outputs\n");
}

void gat_on_a_graph() {
  std::printf("\n4. GAT attention on a small graph: weights per input edge\n");
  // Input edges: 0->3, 1->3, 2->3, 3->0; node 3 also attends to itself through a self-loop.
  const std::vector<NodeId> src{0, 1, 2, 3, 3}, dst{3, 3, 3, 0, 3};
  const Graph g = Graph::from_edges(4, src, dst);
  MatrixD src_score(4, 1), dst_score(4, 1), weights(g.num_edges(), 1);
  const double s[4] = {0.0, std::log(2.0), std::log(3.0), std::log(4.0)};
  for (int n = 0; n < 4; ++n) src_score(n, 0) = s[n];
  gat_attention_weights<double>(g, src_score.view(), dst_score.view(), 1, ConcatScore{0.2}, weights.view());
  // With dst = 0 and src >= 0 the LeakyReLU is the identity: weights into node 3 are (1,2,3,4)/10.
  std::printf("  input edge  source -> target  weight\n");
  for (std::int64_t e = 0; e < g.num_edges(); ++e) {
    const NodeId j = g.in_sources()[e], i = g.in_targets()[e];
    std::printf("  %10lld  %6d -> %-6d  %.5f\n", static_cast<long long>(g.input_edge_ids()[e]), j, i, weights(e, 0));
    expect_near("GAT weight", weights(e, 0), i == 3 ? (j + 1) / 10.0 : 1.0);
  }
  // The output of node 3 is the weighted mean of its sources' values.
  MatrixD values(4, 1), out(4, 1);
  for (int n = 0; n < 4; ++n) values(n, 0) = 10.0 * n;
  GraphAttentionState<double> state;
  gat_attention_forward<double>(g, src_score.view(), dst_score.view(), values.view(), 1, ConcatScore{0.2}, {},
                                out.view(), state);
  std::printf("  out[3] = %.5f  (= (1*0 + 2*10 + 3*20 + 4*30) / 10 = 20)\n", out(3, 0));
  expect_near("GAT output", out(3, 0), 20.0);
  expect_near("node 1 has no incoming edge", out(1, 0), 0.0);
}

}  // namespace

int main() {
  soft_dictionary_lookup();
  seq2seq_step();
  self_attention();
  gat_on_a_graph();
  if (failures) {
    std::printf("\nattention_tour: %d mismatches\n", failures);
    return 1;
  }
  std::printf("\nattention_tour: all checks passed\n");
  return 0;
}
