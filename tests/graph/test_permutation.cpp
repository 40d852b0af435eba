#include <catch2/catch.hpp>
#include <vector>

#include "gat/core/error.hpp"
#include "gat/graph/permutation.hpp"

using namespace gat;

TEST_CASE("a permutation and its inverse compose to the identity", "[graph]") {
  Permutation p = Permutation::from_new_order({2, 0, 3, 1});
  Permutation q = p.inverse();
  for (NodeId v = 0; v < 4; ++v) {
    CHECK(p.old_id(p.new_id(v)) == v);
    CHECK(q.new_id(p.new_id(v)) == v);
  }
  REQUIRE_THROWS_WITH(Permutation::from_new_order({0, 0, 1}), Catch::Contains("appears twice"));
  REQUIRE_THROWS_WITH(Permutation::from_new_order({0, 3, 1}), Catch::Contains("outside [0, 3)"));
}

TEST_CASE("permuting a graph relabels edges and keeps input ids", "[graph]") {
  const std::vector<NodeId> src{0, 1, 2, 3};
  const std::vector<NodeId> dst{1, 2, 3, 0};
  Graph g = Graph::from_edges(4, src, dst);
  Permutation p = Permutation::from_new_order({3, 2, 1, 0});
  Graph h = permute(g, p);
  REQUIRE(h.num_edges() == 4);
  for (EdgeIndex e = 0; e < h.num_edges(); ++e) {
    const auto id = h.input_edge_ids()[e];
    CHECK(p.old_id(h.in_sources()[e]) == src[id]);
    CHECK(p.old_id(h.in_targets()[e]) == dst[id]);
  }
  Graph back = permute(h, p.inverse());
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) {
    CHECK(back.in_sources()[e] == g.in_sources()[e]);
    CHECK(back.input_edge_ids()[e] == g.input_edge_ids()[e]);
  }
}
