// The synthetic citation graph: shape, determinism, homophily, O(N + E) scaling, learnability.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>

#include <algorithm>

#include "gat/graph/algorithms.hpp"
#include "gat/io/dataset.hpp"
#include "gat/io/ogb.hpp"
#include "io_test_util.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::io;

namespace {

double homophily(const Dataset& d) {
  std::int64_t same = 0;
  for (std::int64_t i = 0; i < d.edges.num_edges(); ++i) same += d.labels[d.edges.source[i]] == d.labels[d.edges.target[i]];
  return static_cast<double>(same) / static_cast<double>(d.edges.num_edges());
}

// A learnability proxy that needs no training code: SGC-like propagation (Wu et al., ICML 2019)
// of row-normalised features over `hops` rounds of mean aggregation with self loops, then a
// nearest-class-centroid classifier (cosine) fitted on the training nodes. Returns test accuracy.
double centroid_accuracy(const Dataset& d, int hops) {
  const std::int64_t n = d.num_nodes(), f = d.features.cols();
  gat::Matrix h = d.features.to_dense();
  for (std::int64_t r = 0; r < n; ++r) {
    double s = 0;
    for (std::int64_t c = 0; c < f; ++c) s += h(r, c);
    if (s > 0)
      for (std::int64_t c = 0; c < f; ++c) h(r, c) = static_cast<float>(h(r, c) / s);
  }
  std::vector<std::int64_t> degree(static_cast<std::size_t>(n), 1);
  for (auto t : d.edges.target) ++degree[t];
  for (int k = 0; k < hops; ++k) {
    gat::Matrix next = h;
    for (std::int64_t i = 0; i < d.edges.num_edges(); ++i) {
      const auto s = d.edges.source[i], t = d.edges.target[i];
      for (std::int64_t c = 0; c < f; ++c) next(t, c) += h(s, c);
    }
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t c = 0; c < f; ++c) next(r, c) /= static_cast<float>(degree[r]);
    h = std::move(next);
  }
  gat::MatrixD centroid(d.num_classes, f, 0.0);
  for (auto v : d.train)
    for (std::int64_t c = 0; c < f; ++c) centroid(d.labels[v], c) += h(v, c);
  for (std::int64_t k = 0; k < d.num_classes; ++k) {
    double norm = 0;
    for (std::int64_t c = 0; c < f; ++c) norm += centroid(k, c) * centroid(k, c);
    norm = std::sqrt(norm) + 1e-30;
    for (std::int64_t c = 0; c < f; ++c) centroid(k, c) /= norm;
  }
  std::int64_t correct = 0;
  for (auto v : d.test) {
    std::int32_t best = 0;
    double best_score = -1;
    for (std::int32_t k = 0; k < d.num_classes; ++k) {
      double s = 0;
      for (std::int64_t c = 0; c < f; ++c) s += centroid(k, c) * h(v, c);
      if (s > best_score) {
        best_score = s;
        best = k;
      }
    }
    correct += best == d.labels[v];
  }
  return static_cast<double>(correct) / static_cast<double>(d.test.size());
}

}  // namespace

TEST_CASE("synthetic citation graph has Cora's shape", "[io][synthetic]") {
  // Generation time is reported, not asserted (no timed assertions in tests; bench/ measures speed).
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset d = make_synthetic_citation();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  validate(d, "synthetic");
  const DatasetStats s = statistics(d);
  WARN("synthetic: " << s.directed_edges << " directed edges, " << s.feature_nonzeros << " feature nonzeros, homophily "
                     << homophily(d) << ", generated in " << seconds << " s");
  CHECK(s.nodes == 2708);
  CHECK(s.classes == 7);
  CHECK(s.features == 1433);
  CHECK(s.sparse_features);
  CHECK(s.directed_edges > 10000);
  CHECK(s.directed_edges < 11000);
  CHECK(s.isolated_nodes == 0);
  CHECK(s.feature_nonzeros > 2708 * 14);
  CHECK(s.feature_nonzeros < 2708 * 22);
  CHECK(s.train == 140);
  CHECK(s.valid == 500);
  CHECK(s.test == 1000);
  CHECK(homophily(d) == Approx(0.81).margin(0.03));
  // No self loops, no duplicates, both directions, ordered by (target, source).
  for (std::int64_t i = 0; i < d.edges.num_edges(); ++i) {
    CHECK(d.edges.source[i] != d.edges.target[i]);
    if (i > 0) {
      const auto prev = std::make_pair(d.edges.target[i - 1], d.edges.source[i - 1]);
      REQUIRE(prev < std::make_pair(d.edges.target[i], d.edges.source[i]));
    }
  }
}

TEST_CASE("synthetic citation graph is deterministic in the seed", "[io][synthetic]") {
  const Dataset a = make_synthetic_citation({.seed = 7});
  const Dataset b = make_synthetic_citation({.seed = 7});
  const Dataset c = make_synthetic_citation({.seed = 8});
  CHECK(io_test::compare(a, b) == "");
  CHECK(io_test::compare(a, c) != "");
}

TEST_CASE("synthetic citation graph scales and clips its split on small graphs", "[io][synthetic]") {
  const Dataset tiny = make_synthetic_citation({.nodes = 30, .classes = 3, .features = 50});
  validate(tiny, "tiny");
  CHECK(tiny.train.size() == 6);
  CHECK(tiny.valid.size() + tiny.test.size() <= 24);
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset big = make_synthetic_citation({.nodes = 200000, .classes = 10, .features = 500});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("200,000-node synthetic graph generated in " << seconds << " s");
  CHECK(big.num_nodes() == 200000);
  CHECK(homophily(big) == Approx(0.81).margin(0.02));
  CHECK_THROWS_AS(make_synthetic_citation({.nodes = 1}), gat::InvalidArgument);
  CHECK_THROWS_AS(make_synthetic_citation({.homophily = 1.5}), gat::InvalidArgument);
}

TEST_CASE("synthetic citation graph with classes of a single member", "[io][synthetic]") {
  // As many classes as nodes leaves every class one member; 200 nodes in 7 classes with seed 1
  // leaves some class without a focused member.
  const Dataset singletons = make_synthetic_citation({.nodes = 5, .classes = 5, .features = 20});
  validate(singletons, "singletons");
  CHECK(singletons.num_nodes() == 5);
  const Dataset small = make_synthetic_citation({.nodes = 200, .seed = 1});
  validate(small, "small");
  CHECK(small.num_nodes() == 200);
}

TEST_CASE("synthetic citation graph is learnable but not trivially", "[io][synthetic]") {
  const Dataset d = make_synthetic_citation();
  const double words_only = centroid_accuracy(d, 0);
  const double with_graph = centroid_accuracy(d, 2);
  WARN("synthetic: nearest-centroid accuracy " << words_only << " on words alone, " << with_graph
                                               << " after 2 hops of neighbour averaging");
  CHECK(words_only > 0.3);
  CHECK(words_only < 0.85);
  CHECK(with_graph > 0.7);
  CHECK(with_graph > words_only + 0.05);
  auto root = gat_test::data_root();
  if (root && std::filesystem::exists(*root / "cora")) {
    const Dataset cora = read_ogb(*root / "cora");
    WARN("cora (same proxy): " << centroid_accuracy(cora, 0) << " on words alone, " << centroid_accuracy(cora, 2)
                               << " after 2 hops");
  }
}

TEST_CASE("a permuted dataset renames every node consistently, and the inverse gives it back", "[io]") {
  io::SyntheticCitationOptions o;
  o.nodes = 400;
  o.seed = 9;
  const io::Dataset d = io::make_synthetic_citation(o);
  const Permutation p = reverse_cuthill_mckee_order(Graph::from_edges(d.edges));
  const io::Dataset q = io::permuted(d, p);
  REQUIRE(q.num_nodes() == d.num_nodes());
  REQUIRE(q.edges.num_edges() == d.edges.num_edges());
  for (std::int64_t e = 0; e < d.edges.num_edges(); ++e) {
    CHECK(q.edges.source[e] == p.new_id(d.edges.source[e]));
    CHECK(q.edges.target[e] == p.new_id(d.edges.target[e]));
  }
  const Matrix xd = d.features.to_dense(), xq = q.features.to_dense();
  CHECK(q.features.is_sparse() == d.features.is_sparse());
  for (NodeId v = 0; v < d.num_nodes(); ++v) {
    CHECK(q.labels[p.new_id(v)] == d.labels[v]);
    for (std::int64_t c = 0; c < xd.cols(); ++c) REQUIRE(xq(p.new_id(v), c) == xd(v, c));
  }
  CHECK(std::is_sorted(q.train.begin(), q.train.end()));
  CHECK(q.train.size() == d.train.size());
  for (NodeId v : d.valid) CHECK(std::binary_search(q.valid.begin(), q.valid.end(), p.new_id(v)));
  const io::Dataset back = io::permuted(q, p.inverse());
  CHECK(back.edges.source == d.edges.source);
  CHECK(back.edges.target == d.edges.target);
  CHECK(back.labels == d.labels);
  CHECK(back.train == d.train);
  CHECK(back.valid == d.valid);
  CHECK(back.test == d.test);
  CHECK(gat_test::normalized_error(back.features.to_dense(), xd) == 0.0);
  REQUIRE_THROWS_WITH(io::permuted(d, Permutation::identity(3)), Catch::Contains("permutation has 3 nodes"));
}
