// gat::sampling::NeighborSampler: a hand-checked tiny graph (fan-out above the degree, zero
// in-degree, a self-loop, a repeated edge), every sample checked against the graph by a plain
// checker, fan-out -1 against ReceptiveField, the frequencies of the draws, and the same bits
// on one and two threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "gat/core/parallel.hpp"
#include "gat/io/dataset.hpp"
#include "gat/sampling/neighbor_sampler.hpp"

using namespace gat;
using namespace gat::sampling;

namespace {

// 0 <- 1, 2, 3 and itself; 1 <- 4 twice; 2 <- 5; nothing into 3, 4, 5 (zero in-degree).
Graph tiny_graph() {
  const std::vector<NodeId> src{1, 2, 3, 0, 4, 4, 5}, dst{0, 0, 0, 0, 1, 1, 2};
  return Graph::from_edges(6, src, dst);
}

// Every property a sample must have, checked from the graph alone (the plain reference): the
// targets first, rings in ascending id, each destination's edges real in-edges (by input edge
// id and endpoints) numbering min(k, d) distinct ones (k without replacement... k with), the
// other rows one added self-loop each.
void check_sample(const Graph& g, std::span<const NodeId> targets, const NeighborSamplerOptions& o,
                  const ReceptiveField& f) {
  const auto layers = static_cast<std::int64_t>(o.fan_outs.size());
  REQUIRE(f.num_layers() == layers);
  REQUIRE(f.num_targets() == static_cast<std::int64_t>(targets.size()));
  const auto nodes = f.nodes();
  REQUIRE(std::equal(targets.begin(), targets.end(), nodes.begin()));
  std::set<NodeId> distinct(nodes.begin(), nodes.end());
  REQUIRE(distinct.size() == nodes.size());
  std::map<std::int64_t, std::pair<NodeId, NodeId>> input_edge;  // id -> (source, target)
  const auto ids = g.input_edge_ids();
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) input_edge[ids[e]] = {g.in_sources()[e], g.in_targets()[e]};
  // Which nodes a layer's sources reach first: ring h + 1 is what hop h + 1 adds.
  std::int64_t reached = f.num_targets();
  for (std::int64_t l = layers - 1; l >= 0; --l) {
    const Graph& lg = f.layer_graph(l);
    const std::int64_t out_rows = f.rows(l + 1), in_rows = f.rows(l);
    REQUIRE(out_rows == reached);
    REQUIRE(std::is_sorted(nodes.begin() + out_rows, nodes.begin() + in_rows));
    const std::int64_t fan = o.fan_outs[static_cast<std::size_t>(layers - 1 - l)];
    std::int64_t max_source = out_rows - 1;
    for (NodeId k = 0; k < in_rows; ++k) {
      const auto edges = lg.in_neighbors(k);
      if (k >= out_rows) {
        REQUIRE(edges.size() == 1);
        REQUIRE(edges[0] == k);
        REQUIRE(lg.input_edge_ids()[lg.in_offsets()[k]] == kAddedSelfLoop);
        continue;
      }
      const std::int64_t degree = g.in_degree(nodes[k]);
      const std::int64_t expected = fan == kAllNeighbors ? degree : o.replace ? (degree ? fan : 0) : std::min(fan, degree);
      REQUIRE(static_cast<std::int64_t>(edges.size()) == expected);
      std::set<std::int64_t> seen;
      for (EdgeIndex e = lg.in_offsets()[k]; e < lg.in_offsets()[k + 1]; ++e) {
        const std::int64_t id = lg.input_edge_ids()[e];
        REQUIRE(input_edge.count(id));
        REQUIRE(input_edge[id].second == nodes[k]);
        REQUIRE(input_edge[id].first == nodes[lg.in_sources()[e]]);
        max_source = std::max<std::int64_t>(max_source, lg.in_sources()[e]);
        seen.insert(id);
      }
      if (!o.replace) REQUIRE(static_cast<std::int64_t>(seen.size()) == expected);
    }
    REQUIRE(max_source == in_rows - 1);  // every new node is some kept edge's source
    reached = in_rows;
  }
}

void check_same(const ReceptiveField& a, const ReceptiveField& b) {
  REQUIRE(a.num_layers() == b.num_layers());
  REQUIRE(std::equal(a.nodes().begin(), a.nodes().end(), b.nodes().begin(), b.nodes().end()));
  for (std::int64_t l = 0; l < a.num_layers(); ++l) {
    INFO("layer " << l);
    REQUIRE(a.rows(l) == b.rows(l));
    const Graph &x = a.layer_graph(l), &y = b.layer_graph(l);
    REQUIRE(std::ranges::equal(x.in_offsets(), y.in_offsets()));
    REQUIRE(std::ranges::equal(x.in_sources(), y.in_sources()));
    REQUIRE(std::ranges::equal(x.input_edge_ids(), y.input_edge_ids()));
  }
  REQUIRE(a.num_targets() == b.num_targets());
}

std::vector<NodeId> spread_targets(std::int64_t n, std::int64_t count) {
  std::vector<NodeId> t;
  for (std::int64_t k = 0; k < count; ++k) t.push_back(static_cast<NodeId>((k * 7919) % n));
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  return t;
}

}  // namespace

TEST_CASE("sampler: a tiny graph by hand (fan-out above the degree, zero in-degree, a loop, a repeated edge)", "[sampling]") {
  const Graph g = tiny_graph();
  const std::vector<NodeId> targets{0, 5};
  NeighborSampler sampler(CsrView::of(g), {.fan_outs = {5, 5}});
  const ReceptiveField f = sampler.sample(targets, 0, 0);
  // Hop 1: 0 <- 0, 1, 2, 3 (all four: 5 > degree), 5 <- nothing; ring 1 = {1, 2, 3}.
  // Hop 2 draws for all five: 1 <- 4, 4 (both copies), 2 <- 5, 3 <- nothing; ring 2 = {4}.
  CHECK(std::ranges::equal(f.nodes(), std::vector<NodeId>{0, 5, 1, 2, 3, 4}));
  CHECK(f.rows(0) == 6);
  CHECK(f.rows(1) == 5);
  CHECK(f.rows(2) == 2);
  const Graph& out = f.layer_graph(1);
  CHECK(std::ranges::equal(out.in_neighbors(0), std::vector<NodeId>{0, 2, 3, 4}));  // local ids of 0, 1, 2, 3
  CHECK(out.in_degree(1) == 0);
  const Graph& in = f.layer_graph(0);
  CHECK(std::ranges::equal(in.in_neighbors(2), std::vector<NodeId>{5, 5}));
  CHECK(std::ranges::equal(in.in_neighbors(3), std::vector<NodeId>{1}));
  CHECK(in.in_degree(4) == 0);
  CHECK(sampler.sampled_edges() == 4 + 4 + 3);
  check_sample(g, targets, sampler.options(), f);
  check_same(f, ReceptiveField(g, targets, 2));

  for (const bool replace : {false, true})
    for (const std::int64_t fan : {1, 2, 3}) {
      INFO("fan-out " << fan << (replace ? " with" : " without") << " replacement");
      NeighborSampler s(CsrView::of(g), {.fan_outs = {fan, fan}, .replace = replace, .seed = 4});
      for (std::uint64_t b = 0; b < 20; ++b) check_sample(g, targets, s.options(), s.sample(targets, 1, b));
    }
}

TEST_CASE("sampler: fan-out -1 is exactly the receptive field", "[sampling]") {
  const io::Dataset d = io::make_synthetic_citation({.nodes = 900, .seed = 2});
  const Graph g = Graph::from_edges(d.edges);
  for (const std::int64_t layers : {1, 2, 3}) {
    INFO(layers << " layers");
    NeighborSampler s(CsrView::of(g), {.fan_outs = std::vector<std::int64_t>(static_cast<std::size_t>(layers), -1)});
    check_same(s.sample(d.train, 3, 1), ReceptiveField(g, d.train, layers));
    const std::vector<NodeId> reversed(d.valid.rbegin(), d.valid.rend());
    check_same(s.sample(reversed, 0, 0), ReceptiveField(g, reversed, layers));
  }
  // Mixed: -1 at hop 1 keeps every in-edge of the targets whatever the next fan-out.
  NeighborSampler mixed(CsrView::of(g), {.fan_outs = {-1, 2}});
  const ReceptiveField f = mixed.sample(d.train, 0, 0);
  check_sample(g, d.train, mixed.options(), f);
}

TEST_CASE("sampler: bad options and targets are errors, and the sampler stays usable", "[sampling]") {
  const Graph g = tiny_graph();
  CHECK_THROWS_AS(NeighborSampler(CsrView::of(g), {.fan_outs = {}}), InvalidArgument);
  CHECK_THROWS_WITH(NeighborSampler(CsrView::of(g), {.fan_outs = {3, 0}}), Catch::Contains("fan-out 1 is 0"));
  CHECK_THROWS_AS(NeighborSampler(CsrView::of(g), {.fan_outs = {-2}}), InvalidArgument);
  NeighborSampler s(CsrView::of(g), {.fan_outs = {2}});
  const std::vector<NodeId> twice{0, 3, 0}, outside{7}, good{0, 3};
  CHECK_THROWS_WITH(s.sample(twice, 0, 0), Catch::Contains("node 0 is a target twice"));
  CHECK_THROWS_WITH(s.sample(outside, 0, 0), Catch::Contains("outside the graph's 6 nodes"));
  CHECK_THROWS_AS(s.sample({}, 0, 0), InvalidArgument);
  check_sample(g, good, s.options(), s.sample(good, 0, 0));  // no marks left from the failures
}

TEST_CASE("sampler: each neighbour and each subset is drawn with the right frequency", "[sampling]") {
  // A star: node 0 has in-neighbours 1..10. N samples of fan-out 3; every count must be within
  // 5 binomial standard deviations of its mean (a false alarm has probability below 1e-4 here;
  // the seed is fixed, so the test is deterministic).
  std::vector<NodeId> src, dst;
  for (NodeId u = 1; u <= 10; ++u) {
    src.push_back(u);
    dst.push_back(0);
  }
  const Graph g = Graph::from_edges(11, src, dst);
  const std::vector<NodeId> target{0};
  constexpr int kSamples = 20000;
  const auto within = [](double count, double trials, double p) {
    return std::abs(count - trials * p) < 5 * std::sqrt(trials * p * (1 - p));
  };
  SECTION("without replacement: each neighbour 3/10, each of the 120 subsets 1/120") {
    NeighborSampler s(CsrView::of(g), {.fan_outs = {3}, .seed = 11});
    std::map<NodeId, int> counts;
    std::map<std::vector<NodeId>, int> subsets;
    for (int b = 0; b < kSamples; ++b) {
      const ReceptiveField f = s.sample(target, 0, static_cast<std::uint64_t>(b));
      std::vector<NodeId> picked;
      for (const NodeId k : f.layer_graph(0).in_neighbors(0)) picked.push_back(f.nodes()[k]);
      REQUIRE(picked.size() == 3);
      for (const NodeId u : picked) ++counts[u];
      ++subsets[picked];
    }
    REQUIRE(counts.size() == 10);
    for (const auto& [u, c] : counts) CHECK(within(c, kSamples, 0.3));
    CHECK(subsets.size() == 120);
    for (const auto& [subset, c] : subsets) CHECK(within(c, kSamples, 1.0 / 120));
  }
  SECTION("with replacement: each draw 1/10") {
    NeighborSampler s(CsrView::of(g), {.fan_outs = {3}, .replace = true, .seed = 12});
    std::map<NodeId, int> counts;
    int repeats = 0;
    for (int b = 0; b < kSamples; ++b) {
      const ReceptiveField f = s.sample(target, 0, static_cast<std::uint64_t>(b));
      const auto picked = f.layer_graph(0).in_neighbors(0);
      REQUIRE(picked.size() == 3);
      for (const NodeId k : picked) ++counts[f.nodes()[k]];
      repeats += std::set<NodeId>(picked.begin(), picked.end()).size() < 3;
    }
    for (const auto& [u, c] : counts) CHECK(within(c, 3.0 * kSamples, 0.1));
    // P(some repeat among 3 draws of 10) = 1 - 0.9 * 0.8 = 0.28.
    CHECK(within(repeats, kSamples, 0.28));
  }
}

TEST_CASE("sampler: a batch depends only on (seed, epoch, batch): same bits on 1 and 2 threads", "[sampling]") {
  const io::Dataset d = io::make_synthetic_citation({.nodes = 20000, .average_degree = 12, .seed = 7});
  const Graph g = Graph::from_edges(d.edges);
  const std::vector<NodeId> targets = spread_targets(g.num_nodes(), 1024);
  for (const bool replace : {false, true}) {
    INFO((replace ? "with" : "without") << " replacement");
    NeighborSampler a(CsrView::of(g), {.fan_outs = {10, 5}, .replace = replace, .seed = 9});
    NeighborSampler b(CsrView::of(g), {.fan_outs = {10, 5}, .replace = replace, .seed = 9});
    set_num_threads(1);
    const ReceptiveField one = a.sample(targets, 2, 5);
    set_num_threads(2);
    const ReceptiveField two = b.sample(targets, 2, 5);
    (void)b.sample(targets, 2, 6);  // another batch in between changes nothing
    const ReceptiveField again = b.sample(targets, 2, 5);
    set_num_threads(1);
    check_same(one, two);
    check_same(one, again);
    check_sample(g, targets, a.options(), one);
    const ReceptiveField other = a.sample(targets, 2, 6);
    CHECK_FALSE(std::ranges::equal(other.nodes(), one.nodes()));
  }
}
