#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdint>
#include <tuple>
#include <vector>

#include "gat/graph/boost_conversion.hpp"

using namespace gat;

namespace {

// (source, target, input edge id) of every stored edge, sorted: the edge multiset.
std::vector<std::tuple<NodeId, NodeId, std::int64_t>> edge_multiset(const Graph& g) {
  std::vector<std::tuple<NodeId, NodeId, std::int64_t>> out;
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) out.emplace_back(g.in_sources()[e], g.in_targets()[e], g.input_edge_ids()[e]);
  std::sort(out.begin(), out.end());
  return out;
}

template <class BoostGraph>
std::vector<std::tuple<NodeId, NodeId, std::int64_t>> boost_edge_multiset(const BoostGraph& bg) {
  std::vector<std::tuple<NodeId, NodeId, std::int64_t>> out;
  for (auto [it, end] = edges(bg); it != end; ++it) {
    out.emplace_back(static_cast<NodeId>(source(*it, bg)), static_cast<NodeId>(target(*it, bg)), bg[*it].input_edge_id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A repeated edge, a self-loop, an isolated node (5), edges listed in no particular order.
Graph sample() {
  const std::vector<NodeId> src{3, 0, 1, 1, 4, 2, 0, 4};
  const std::vector<NodeId> dst{0, 1, 2, 2, 4, 4, 3, 1};
  return Graph::from_edges(6, src, dst);
}

template <class BoostGraph>
void check_round_trip(const Graph& g, const BoostGraph& bg) {
  CHECK(num_vertices(bg) == static_cast<std::size_t>(g.num_nodes()));
  CHECK(num_edges(bg) == static_cast<std::size_t>(g.num_edges()));
  CHECK(boost_edge_multiset(bg) == edge_multiset(g));
  const Graph back = from_boost_graph(bg);
  CHECK(back.num_nodes() == g.num_nodes());
  CHECK(edge_multiset(back) == edge_multiset(g));
  // Same rows, edge for edge.
  CHECK(std::equal(back.in_sources().begin(), back.in_sources().end(), g.in_sources().begin(), g.in_sources().end()));
  CHECK(std::equal(back.input_edge_ids().begin(), back.input_edge_ids().end(), g.input_edge_ids().begin(),
                   g.input_edge_ids().end()));
}

}  // namespace

TEST_CASE("round trip through a directed adjacency_list", "[boost_graph][conversion]") {
  const Graph g = sample();
  check_round_trip(g, to_adjacency_list<boost::directedS>(g));
}

TEST_CASE("round trip through a bidirectional adjacency_list", "[boost_graph][conversion]") {
  const Graph g = sample();
  const auto bg = to_adjacency_list<boost::bidirectionalS>(g);
  check_round_trip(g, bg);
  for (NodeId v = 0; v < g.num_nodes(); ++v) CHECK(boost::in_degree(v, bg) == static_cast<std::size_t>(g.in_degree(v)));
}

TEST_CASE("round trip through a compressed_sparse_row_graph", "[boost_graph][conversion]") {
  const Graph g = sample();
  const BoostCsrGraph bg = to_csr_graph(g);
  check_round_trip(g, bg);
  for (NodeId u = 0; u < g.num_nodes(); ++u) CHECK(boost::out_degree(static_cast<std::size_t>(u), bg) == static_cast<std::size_t>(g.out_degree(u)));
}

TEST_CASE("added self-loops come back as ordinary input edges, listed last", "[boost_graph][conversion]") {
  GraphOptions options;
  options.self_loops = SelfLoops::add;
  const Graph g = Graph::from_edges(3, std::vector<NodeId>{0, 1}, std::vector<NodeId>{1, 2}, options);
  REQUIRE(g.num_edges() == 5);
  const Graph back = from_boost_graph(to_csr_graph(g));
  CHECK(back.num_input_edges() == 5);
  for (EdgeIndex e = 0; e < back.num_edges(); ++e) {
    const auto id = back.input_edge_ids()[e];
    if (back.in_sources()[e] == back.in_targets()[e]) {
      CHECK(id >= 2);
    } else {
      CHECK(id == (back.in_sources()[e] == 0 ? 0 : 1));
    }
  }
}

TEST_CASE("a Boost graph without input ids numbers edges in edges() order", "[boost_graph][conversion]") {
  boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS> plain(4);
  boost::add_edge(2, 3, plain);
  boost::add_edge(0, 1, plain);
  boost::add_edge(0, 2, plain);
  const Graph g = from_boost_graph(plain);
  CHECK(g.num_nodes() == 4);
  REQUIRE(g.num_edges() == 3);
  // edges() of an adjacency_list goes vertex by vertex: (0,1), (0,2), (2,3).
  const EdgeList list = g.to_edge_list();
  for (EdgeIndex e = 0; e < 3; ++e) {
    const auto id = g.input_edge_ids()[e];
    CHECK(((list.source[e] == 0 && list.target[e] == 1 && id == 0) || (list.source[e] == 0 && list.target[e] == 2 && id == 1) ||
           (list.source[e] == 2 && list.target[e] == 3 && id == 2)));
  }
}
