// Attention statistics: entropy, distance from uniform and self-loop weight per head, checked
// against hand-computed values on a four-node graph and against a plain per-target reference on
// a trained model's attention.
#include <cmath>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "gat/attention/attention_statistics.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/io/synthetic.hpp"

namespace {

// Node 0: self-loop 0.5, edges from 1 and 2 at 0.25 (head 0); uniform thirds (head 1).
// Node 1: only its self-loop. Node 2: edges from 0 and 1 at 0.9 / 0.1, no self-loop (both heads).
// Node 3: no incoming edge.
gat::AttentionWeights<float> hand_graph() {
  gat::AttentionWeights<float> w;
  w.heads = 2;
  w.source = {0, 1, 2, 1, 0, 1};
  w.target = {0, 0, 0, 1, 2, 2};
  w.input_edge_id = {gat::kAddedSelfLoop, 0, 1, gat::kAddedSelfLoop, 2, 3};
  w.weights = gat::BasicMatrix<float>(6, 2);
  const float third = 1.0f / 3.0f;
  const float table[6][2] = {{0.5f, third}, {0.25f, third}, {0.25f, third}, {1.0f, 1.0f}, {0.9f, 0.9f}, {0.1f, 0.1f}};
  for (int e = 0; e < 6; ++e)
    for (int h = 0; h < 2; ++h) w.weights(e, h) = table[e][h];
  return w;
}

// The statistics written out per target, the obvious way.
struct Reference {
  double entropy = 0, uniform = 0, kl = 0, tv = 0, self = 0, self_uniform = 0;
  std::int64_t nodes = 0, self_nodes = 0;
};
Reference reference(const gat::AttentionWeights<float>& w, std::int64_t head) {
  std::map<gat::NodeId, std::vector<std::int64_t>> in;
  for (std::int64_t e = 0; e < w.num_edges(); ++e) in[w.target[e]].push_back(e);
  Reference r;
  for (const auto& [target, edges] : in) {
    const double d = static_cast<double>(edges.size());
    double h = 0, tv = 0;
    for (std::int64_t e : edges) {
      const double a = w.weights(e, head);
      if (a > 0) h -= a * std::log(a);
      tv += std::abs(a - 1 / d) / 2;
      if (w.source[e] == target) {
        r.self += a;
        r.self_uniform += 1 / d;
        ++r.self_nodes;
      }
    }
    r.entropy += h;
    r.uniform += std::log(d);
    r.kl += std::log(d) - h;
    r.tv += tv;
    ++r.nodes;
  }
  for (double* m : {&r.entropy, &r.uniform, &r.kl, &r.tv}) *m /= static_cast<double>(r.nodes);
  r.self /= static_cast<double>(r.self_nodes);
  r.self_uniform /= static_cast<double>(r.self_nodes);
  return r;
}

void check_against_reference(const gat::HeadAttentionStatistics& s, const Reference& r) {
  CHECK(s.nodes == r.nodes);
  CHECK(s.self_loop_nodes == r.self_nodes);
  CHECK(s.mean_entropy == Approx(r.entropy).margin(1e-12));
  CHECK(s.mean_uniform_entropy == Approx(r.uniform).margin(1e-12));
  CHECK(s.mean_kl_from_uniform == Approx(r.kl).margin(1e-12));
  CHECK(s.mean_total_variation == Approx(r.tv).margin(1e-12));
  CHECK(s.mean_self_loop_weight == Approx(r.self).margin(1e-12));
  CHECK(s.mean_uniform_self_loop == Approx(r.self_uniform).margin(1e-12));
}

}  // namespace

TEST_CASE("attention statistics of a hand-checked graph", "[attention][statistics]") {
  const auto w = hand_graph();
  const double ln2 = std::log(2.0), ln3 = std::log(3.0);
  const double h2 = -(0.9 * std::log(0.9f) + 0.1 * std::log(0.1f));  // node 2, float weights

  const auto entropy = gat::attention_entropy(w, 0, 4);
  REQUIRE(entropy.size() == 4);
  CHECK(entropy[0] == Approx(1.5 * ln2).epsilon(1e-6));
  CHECK(entropy[1] == 0.0);
  CHECK(entropy[2] == Approx(h2).epsilon(1e-6));
  CHECK(entropy[3] == 0.0);

  const auto s0 = gat::head_attention_statistics(w, 0, 0, 4, 4);
  CHECK(s0.nodes == 3);  // node 3 has no incoming edge
  CHECK(s0.mean_entropy == Approx((1.5 * ln2 + h2) / 3).epsilon(1e-6));
  CHECK(s0.mean_uniform_entropy == Approx((ln3 + ln2) / 3).epsilon(1e-12));
  CHECK(s0.mean_kl_from_uniform == Approx((ln3 - 1.5 * ln2 + ln2 - h2) / 3).epsilon(1e-5));
  CHECK(s0.mean_total_variation == Approx((1.0 / 6 + 0.4) / 3).epsilon(1e-6));
  CHECK(s0.self_loop_nodes == 2);
  CHECK(s0.mean_self_loop_weight == Approx(0.75).epsilon(1e-7));
  CHECK(s0.mean_uniform_self_loop == Approx((1.0 / 3 + 1) / 2).epsilon(1e-12));
  // Bins of width ln 3 / 4: U = 0, ln 2, ln 3 fall in bins 0, 2, 3; H = 0, 0.325, 1.04 in 0, 1, 3.
  CHECK(s0.histogram_width == Approx(ln3 / 4));
  CHECK(s0.uniform_histogram == std::vector<std::int64_t>{1, 0, 1, 1});
  CHECK(s0.entropy_histogram == std::vector<std::int64_t>{1, 1, 0, 1});

  // Head 1 is uniform on node 0: its KL and total variation there are 0.
  const auto s1 = gat::head_attention_statistics(w, 0, 1, 4, 4);
  CHECK(s1.mean_kl_from_uniform == Approx((ln2 - h2) / 3).epsilon(1e-5));
  CHECK(s1.mean_total_variation == Approx(0.4 / 3).epsilon(1e-6));
  CHECK(s1.mean_self_loop_weight == Approx((1.0 / 3 + 1) / 2).epsilon(1e-7));

  for (std::int64_t h = 0; h < 2; ++h) check_against_reference(gat::head_attention_statistics(w, 0, h, 4), reference(w, h));
}

TEST_CASE("attention statistics of a model's attention equal the per-target reference", "[attention][statistics]") {
  auto data = gat::io::make_synthetic_citation({.nodes = 120, .classes = 3, .features = 30, .seed = 7});
  data.features.normalize_rows();
  const gat::Graph graph = gat::Graph::from_edges(data.edges);
  gat::nn::GatModel<float> model({.in_features = 30, .num_classes = 3, .hidden = 4, .heads = 3, .output_heads = 2, .seed = 9});
  const auto layers = gat::io::attention_weights(model, graph, data.features);
  const auto all = gat::attention_statistics(layers, data.num_nodes(), 10);
  REQUIRE(all.size() == 5);  // 3 + 2 heads
  for (const auto& s : all) {
    INFO("layer " << s.layer << " head " << s.head);
    check_against_reference(s, reference(layers[static_cast<std::size_t>(s.layer)], s.head));
    std::int64_t counted = 0, uniform_counted = 0;
    for (std::size_t b = 0; b < 10; ++b) {
      counted += s.entropy_histogram[b];
      uniform_counted += s.uniform_histogram[b];
    }
    CHECK(counted == s.nodes);
    CHECK(uniform_counted == s.nodes);
    CHECK(s.mean_entropy <= s.mean_uniform_entropy + 1e-9);  // the uniform distribution has the largest entropy
  }
}

TEST_CASE("attention statistics refuse a head or a target out of range", "[attention][statistics]") {
  auto w = hand_graph();
  CHECK_THROWS_WITH(gat::attention_entropy(w, 2, 4), Catch::Contains("head 2 is outside [0, 2)"));
  CHECK_THROWS_WITH(gat::attention_entropy(w, 0, 2), Catch::Contains("target 2 is outside [0, 2)"));
  CHECK_THROWS_WITH(gat::head_attention_statistics(w, 0, 0, 4, 0), Catch::Contains("bins must be positive"));
}
