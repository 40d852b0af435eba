#include <catch2/catch.hpp>
#include <cstdint>
#include <deque>
#include <vector>

#include <boost/concept/assert.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/graph_concepts.hpp>
#include <boost/graph/visitors.hpp>

#include "gat/graph/boost_graph.hpp"

using namespace gat;

BOOST_CONCEPT_ASSERT((boost::VertexListGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::IncidenceGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::AdjacencyGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::BidirectionalGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::EdgeListGraphConcept<Graph>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<Graph, NodeId, boost::vertex_index_t>));
BOOST_CONCEPT_ASSERT((boost::ReadablePropertyGraphConcept<Graph, EdgeIndex, boost::edge_index_t>));

namespace {

// A small directed graph with a self-loop, a repeated edge, a node nothing reaches (6) and a
// node that reaches nothing (5).
Graph small_graph() {
  const std::vector<NodeId> src{0, 0, 1, 2, 2, 3, 3, 4, 6, 1};
  const std::vector<NodeId> dst{1, 2, 3, 3, 3, 4, 3, 5, 0, 3};
  return Graph::from_edges(7, src, dst);
}

// Plain BFS over the out-rows: hop distances from s, -1 when unreachable.
std::vector<std::int64_t> reference_bfs(const Graph& g, NodeId s) {
  std::vector<std::int64_t> dist(static_cast<std::size_t>(g.num_nodes()), -1);
  std::deque<NodeId> queue{s};
  dist[s] = 0;
  while (!queue.empty()) {
    const NodeId u = queue.front();
    queue.pop_front();
    for (NodeId v : g.out_neighbors(u)) {
      if (dist[v] < 0) {
        dist[v] = dist[u] + 1;
        queue.push_back(v);
      }
    }
  }
  return dist;
}

}  // namespace

TEST_CASE("the Boost view walks the store's rows", "[boost_graph]") {
  const Graph g = small_graph();
  CHECK(num_vertices(g) == 7);
  CHECK(num_edges(g) == 10);
  for (NodeId u = 0; u < 7; ++u) {
    CHECK(out_degree(u, g) == static_cast<std::size_t>(g.out_degree(u)));
    CHECK(in_degree(u, g) == static_cast<std::size_t>(g.in_degree(u)));
    std::size_t count = 0;
    for (auto [it, end] = out_edges(u, g); it != end; ++it, ++count) CHECK(source(*it, g) == u);
    CHECK(count == out_degree(u, g));
    count = 0;
    for (auto [it, end] = in_edges(u, g); it != end; ++it, ++count) CHECK(target(*it, g) == u);
    CHECK(count == in_degree(u, g));
    auto [adj, adj_end] = adjacent_vertices(u, g);
    auto [oe, oe_end] = out_edges(u, g);
    for (; adj != adj_end; ++adj, ++oe) CHECK(*adj == target(*oe, g));
  }
  // Every edge descriptor is an index into gat's edge arrays.
  const auto ids = input_edge_id_map(g);
  std::vector<int> seen(10, 0);
  for (auto [it, end] = edges(g); it != end; ++it) {
    CHECK(get(boost::edge_index, g, *it) == *it);
    ++seen[static_cast<std::size_t>(get(ids, *it))];
  }
  CHECK(seen == std::vector<int>(10, 1));
}

TEST_CASE("breadth_first_search runs directly on the store", "[boost_graph]") {
  const Graph g = small_graph();
  for (NodeId s = 0; s < 7; ++s) {
    std::vector<std::int64_t> dist(7, -1);
    dist[s] = 0;
    boost::breadth_first_search(
        g, s,
        boost::visitor(boost::make_bfs_visitor(boost::record_distances(vertex_property_map(dist.begin()),
                                                                       boost::on_tree_edge()))));
    CHECK(dist == reference_bfs(g, s));
  }
}

TEST_CASE("an edge property map lines up with per-edge arrays", "[boost_graph]") {
  const Graph g = small_graph();
  std::vector<double> weight(static_cast<std::size_t>(g.num_edges()));
  auto w = edge_property_map(weight.begin());
  for (auto [it, end] = edges(g); it != end; ++it) put(w, *it, 10.0 * source(*it, g) + target(*it, g));
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) {
    CHECK(weight[static_cast<std::size_t>(e)] == 10.0 * g.in_sources()[e] + g.in_targets()[e]);
  }
}
