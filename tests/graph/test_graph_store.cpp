#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "gat/core/error.hpp"
#include "gat/graph/graph.hpp"

using namespace gat;

namespace {
// 0->1, 2->1, 1->1 (loop), 0->1 (repeat), 3 has no neighbours, 1->2
Graph tiny(const GraphOptions& options) {
  const std::vector<NodeId> src{0, 2, 1, 0, 1};
  const std::vector<NodeId> dst{1, 1, 1, 1, 2};
  return Graph::from_edges(4, src, dst, options);
}

std::vector<NodeId> as_vector(std::span<const NodeId> s) { return {s.begin(), s.end()}; }
std::vector<std::int64_t> as_vector(std::span<const std::int64_t> s) { return {s.begin(), s.end()}; }
}  // namespace

TEST_CASE("incoming rows keep every edge, sorted by source, with input ids", "[graph]") {
  Graph g = tiny({});
  REQUIRE(g.num_nodes() == 4);
  REQUIRE(g.num_edges() == 5);
  CHECK(as_vector(g.in_neighbors(1)) == std::vector<NodeId>{0, 0, 1, 2});
  CHECK(as_vector(g.input_edge_ids().subspan(g.in_offsets()[1], 4)) == std::vector<std::int64_t>{0, 3, 2, 1});
  CHECK(as_vector(g.in_neighbors(2)) == std::vector<NodeId>{1});
  CHECK(g.in_degree(0) == 0);
  CHECK(g.in_degree(3) == 0);
  CHECK(g.count_zero_in_degree() == 2);
  CHECK(g.has_self_loop(1));
  CHECK_FALSE(g.has_self_loop(2));
}

TEST_CASE("PyG's self-loop rule: drop existing loops, add one per node", "[graph]") {
  Graph g = tiny({.self_loops = SelfLoops::add});
  REQUIRE(g.num_edges() == 4 + 4);
  for (NodeId v = 0; v < 4; ++v) {
    CHECK(g.has_self_loop(v));
    int loops = 0;
    for (EdgeIndex e = g.in_offsets()[v]; e < g.in_offsets()[v + 1]; ++e)
      if (g.in_sources()[e] == v) {
        ++loops;
        CHECK(g.input_edge_ids()[e] == kAddedSelfLoop);
      }
    CHECK(loops == 1);
  }
  CHECK(g.count_zero_in_degree() == 0);
  Graph removed = tiny({.self_loops = SelfLoops::remove});
  CHECK(removed.num_edges() == 4);
  CHECK_FALSE(removed.has_self_loop(1));
}

TEST_CASE("with_self_loops is the self-loop rule applied once and shared by copies", "[graph]") {
  const Graph g = tiny({});
  const std::shared_ptr<const Graph> looped = g.with_self_loops();
  const Graph want = g.rebuilt({.self_loops = SelfLoops::add});
  REQUIRE(looped->num_edges() == want.num_edges());
  CHECK(as_vector(looped->in_sources()) == as_vector(want.in_sources()));
  CHECK(as_vector(looped->input_edge_ids()) == as_vector(want.input_edge_ids()));
  CHECK(as_vector(looped->out_edges()) == as_vector(want.out_edges()));
  CHECK(g.with_self_loops().get() == looped.get());  // built once
  const Graph copy = g;
  CHECK(copy.with_self_loops().get() == looped.get());
  const Graph other = tiny({.self_loops = SelfLoops::remove});
  CHECK(other.with_self_loops().get() != looped.get());
  std::shared_ptr<const Graph> kept;
  {
    const Graph temporary = tiny({});
    kept = temporary.with_self_loops();
  }
  CHECK(kept->num_edges() == want.num_edges());  // outlives its graph
}

TEST_CASE("a copy made before with_self_loops is first asked for shares the one built later", "[graph]") {
  const Graph g = tiny({});
  const Graph early = g;  // nothing built yet
  const auto built = g.with_self_loops();
  CHECK(early.with_self_loops().get() == built.get());
  Graph moved = g;
  const Graph taken = std::move(moved);
  CHECK(taken.with_self_loops().get() == built.get());
  CHECK(moved.with_self_loops() != nullptr);  // a moved-from graph still answers (valid, unspecified)
}

TEST_CASE("with_self_loops from several threads at once builds one copy that copies of the graph share", "[graph]") {
  const Graph g = tiny({});
  std::vector<std::shared_ptr<const Graph>> got(8);
  std::vector<Graph> copies(8);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&, t] {
      if (t % 2) copies[t] = g;  // copying while others build
      got[t] = g.with_self_loops();
    });
  for (std::thread& th : threads) th.join();
  for (std::size_t t = 0; t < got.size(); ++t) {
    CHECK(got[t].get() == got[0].get());
    if (t % 2) CHECK(copies[t].with_self_loops().get() == got[0].get());
  }
}

TEST_CASE("duplicates are dropped keeping the first input edge", "[graph]") {
  Graph g = tiny({.duplicates = Duplicates::remove});
  CHECK(as_vector(g.in_neighbors(1)) == std::vector<NodeId>{0, 1, 2});
  CHECK(g.input_edge_ids()[g.in_offsets()[1]] == 0);
}

TEST_CASE("make_undirected adds the reverse of every edge", "[graph]") {
  const std::vector<NodeId> src{0, 1, 2};
  const std::vector<NodeId> dst{1, 0, 0};
  Graph g = Graph::from_edges(3, src, dst, {.duplicates = Duplicates::remove, .make_undirected = true});
  CHECK(as_vector(g.in_neighbors(0)) == std::vector<NodeId>{1, 2});
  CHECK(as_vector(g.in_neighbors(1)) == std::vector<NodeId>{0});
  CHECK(as_vector(g.in_neighbors(2)) == std::vector<NodeId>{0});
  CHECK(g.num_edges() == 4);
}

TEST_CASE("the transpose lists exactly the incoming edges, by source", "[graph]") {
  Graph g = tiny({.self_loops = SelfLoops::add});
  std::int64_t seen = 0;
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    NodeId previous = -1;
    for (EdgeIndex k = g.out_offsets()[u]; k < g.out_offsets()[u + 1]; ++k) {
      const EdgeIndex e = g.out_edges()[k];
      CHECK(g.in_sources()[e] == u);
      CHECK(g.in_targets()[e] == g.out_targets()[k]);
      CHECK(g.out_targets()[k] >= previous);
      previous = g.out_targets()[k];
      ++seen;
    }
  }
  CHECK(seen == g.num_edges());
}

TEST_CASE("edge ids round trip to the input edge list", "[graph]") {
  const std::vector<NodeId> src{3, 0, 2, 1, 3, 0};
  const std::vector<NodeId> dst{0, 3, 1, 2, 2, 0};
  Graph g = Graph::from_edges(4, src, dst);
  REQUIRE(g.num_edges() == 6);
  std::vector<int> hits(6, 0);
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) {
    const auto id = g.input_edge_ids()[e];
    REQUIRE(id >= 0);
    CHECK(src[id] == g.in_sources()[e]);
    CHECK(dst[id] == g.in_targets()[e]);
    ++hits[id];
  }
  for (int h : hits) CHECK(h == 1);
  EdgeList list = g.to_edge_list();
  CHECK(list.num_edges() == 6);
}

TEST_CASE("a graph with nodes but no edges is valid", "[graph]") {
  Graph g = Graph::from_edges(3, std::span<const NodeId>{}, std::span<const NodeId>{});
  CHECK(g.num_edges() == 0);
  CHECK(g.count_zero_in_degree() == 3);
  Graph looped = Graph::from_edges(3, std::span<const NodeId>{}, std::span<const NodeId>{},
                                   {.self_loops = SelfLoops::add});
  CHECK(looped.num_edges() == 3);
}

TEST_CASE("bad input gives an error naming the fault", "[graph]") {
  const std::vector<NodeId> src{0, 5};
  const std::vector<NodeId> dst{1, 1};
  REQUIRE_THROWS_WITH(Graph::from_edges(3, src, dst), Catch::Contains("edge 1") && Catch::Contains("source 5"));
  const std::vector<NodeId> ok_src{0, 1};
  const std::vector<NodeId> neg{0, -2};
  REQUIRE_THROWS_WITH(Graph::from_edges(3, ok_src, neg), Catch::Contains("target -2"));
  REQUIRE_THROWS_WITH(Graph::from_edges(-1, src, dst), Catch::Contains("must not be negative"));
  REQUIRE_THROWS_WITH(Graph::from_edges(0, std::span<const NodeId>{}, std::span<const NodeId>{}),
                      Catch::Contains("empty"));
  const std::vector<NodeId> short_dst{1};
  REQUIRE_THROWS_WITH(Graph::from_edges(3, src, short_dst), Catch::Contains("2 sources but 1 targets"));
  REQUIRE_THROWS_AS(Graph::from_edges(std::int64_t{1} << 32, src, dst), InvalidArgument);
}
