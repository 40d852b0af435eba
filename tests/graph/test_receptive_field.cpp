#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <vector>

#include "gat/core/error.hpp"
#include "gat/core/random.hpp"
#include "gat/graph/receptive_field.hpp"

using namespace gat;

namespace {

// In-edges of local row k of layer graph l, as graph ids of (source, input edge id) pairs.
std::multiset<std::pair<NodeId, std::int64_t>> row_in_graph_ids(const ReceptiveField& f, std::int64_t l, NodeId k) {
  const Graph& g = f.layer_graph(l);
  std::multiset<std::pair<NodeId, std::int64_t>> out;
  for (EdgeIndex e = g.in_offsets()[k]; e < g.in_offsets()[k + 1]; ++e)
    out.emplace(f.nodes()[static_cast<std::size_t>(g.in_sources()[e])], g.input_edge_ids()[e]);
  return out;
}

std::multiset<std::pair<NodeId, std::int64_t>> row_in(const Graph& g, NodeId v) {
  std::multiset<std::pair<NodeId, std::int64_t>> out;
  for (EdgeIndex e = g.in_offsets()[v]; e < g.in_offsets()[v + 1]; ++e)
    out.emplace(g.in_sources()[e], g.input_edge_ids()[e]);
  return out;
}

}  // namespace

TEST_CASE("a receptive field holds the targets then their rings of in-neighbours one per layer", "[graph]") {
  // 0 <- 1 <- 2 <- 3 <- 4, 5 -> 0, 6 -> 6 (a loop), 7 alone; targets 0 and 6
  const std::vector<NodeId> src{1, 2, 3, 4, 5, 6}, dst{0, 1, 2, 3, 0, 6};
  const Graph g = Graph::from_edges(8, src, dst);
  const std::vector<NodeId> targets{6, 0};
  const ReceptiveField f(g, targets, 2);
  REQUIRE(f.num_layers() == 2);
  CHECK(f.num_targets() == 2);
  CHECK(f.rows(2) == 2);
  CHECK(f.rows(1) == 4);  // + 1 and 5 (one hop)
  CHECK(f.rows(0) == 5);  // + 2 (two hops)
  CHECK(std::vector<NodeId>(f.nodes().begin(), f.nodes().end()) == std::vector<NodeId>{6, 0, 1, 5, 2});

  // layer 0 computes the first rows(1) rows from rows(0); the others get a loop only
  const Graph& g0 = f.layer_graph(0);
  CHECK(g0.num_nodes() == 5);
  for (NodeId k = 0; k < 4; ++k) CHECK(row_in_graph_ids(f, 0, k) == row_in(g, f.nodes()[static_cast<std::size_t>(k)]));
  CHECK(g0.in_degree(4) == 1);
  CHECK(g0.in_sources()[static_cast<std::size_t>(g0.in_offsets()[4])] == 4);
  CHECK(g0.input_edge_ids()[static_cast<std::size_t>(g0.in_offsets()[4])] == kAddedSelfLoop);
  const Graph& g1 = f.layer_graph(1);
  CHECK(g1.num_nodes() == 4);
  for (NodeId k = 0; k < 2; ++k) CHECK(row_in_graph_ids(f, 1, k) == row_in(g, f.nodes()[static_cast<std::size_t>(k)]));
  CHECK(g1.in_degree(2) == 1);
  CHECK(g1.in_degree(3) == 1);
}

TEST_CASE("a receptive field on a random graph keeps every in-edge of the rows each layer computes", "[graph]") {
  const std::int64_t n = 500;
  std::vector<NodeId> src, dst;
  RandomKey key{41, 1};
  for (std::int64_t i = 0; i < 1500; ++i) {
    src.push_back(static_cast<NodeId>(key.bits(2 * i) % n));
    dst.push_back(static_cast<NodeId>(key.bits(2 * i + 1) % n));
  }
  const Graph g = Graph::from_edges(n, src, dst);
  const std::vector<NodeId> targets{17, 3, 250, 499};
  for (std::int64_t layers : {1, 2, 3}) {
    const ReceptiveField f(g, targets, layers);
    INFO("layers " << layers);
    CHECK(std::equal(targets.begin(), targets.end(), f.nodes().begin()));
    const std::set<NodeId> distinct(f.nodes().begin(), f.nodes().end());
    CHECK(distinct.size() == f.nodes().size());
    for (std::int64_t l = 0; l < layers; ++l) {
      CHECK(f.rows(l) >= f.rows(l + 1));
      CHECK(f.layer_graph(l).num_nodes() == f.rows(l));
      // every in-neighbour of a computed row is among the layer's input rows, with its edge
      for (NodeId k = 0; k < f.rows(l + 1); ++k) {
        const NodeId v = f.nodes()[static_cast<std::size_t>(k)];
        CHECK(row_in_graph_ids(f, l, k) == row_in(g, v));
      }
    }
    // the input rows are exactly the nodes within `layers` hops
    std::set<NodeId> reach(targets.begin(), targets.end());
    for (std::int64_t h = 0; h < layers; ++h) {
      std::set<NodeId> next = reach;
      for (NodeId v : reach)
        for (NodeId u : g.in_neighbors(v)) next.insert(u);
      reach = next;
    }
    CHECK(reach == distinct);
  }
}

TEST_CASE("a receptive field refuses no targets or unknown or repeated targets or no layers", "[graph]") {
  const std::vector<NodeId> src{0, 1}, dst{1, 2};
  const Graph g = Graph::from_edges(3, src, dst);
  const std::vector<NodeId> none, outside{0, 3}, twice{2, 1, 2}, fine{2};
  CHECK_THROWS_WITH(ReceptiveField(g, none, 2), Catch::Contains("no target nodes"));
  CHECK_THROWS_WITH(ReceptiveField(g, outside, 2), Catch::Contains("target 1 is node 3"));
  CHECK_THROWS_WITH(ReceptiveField(g, twice, 2), Catch::Contains("node 2 is a target twice"));
  CHECK_THROWS_WITH(ReceptiveField(g, fine, 0), Catch::Contains("layers must be at least 1"));
  CHECK_THROWS_AS(ReceptiveField(g, twice, 2), InvalidArgument);
}
