#include <catch2/catch.hpp>
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/connected_components.hpp>

#include "gat/graph/algorithms.hpp"

using namespace gat;

namespace {

// Nodes 0..n-1, each linked to the next `width` nodes: bandwidth exactly `width`.
void add_band(std::vector<NodeId>& src, std::vector<NodeId>& dst, NodeId first, NodeId n, NodeId width) {
  for (NodeId i = 0; i < n; ++i) {
    for (NodeId d = 1; d <= width && i + d < n; ++d) {
      src.push_back(first + i);
      dst.push_back(first + i + d);
    }
  }
}

Permutation random_permutation(std::int64_t n, std::uint32_t seed) {
  std::vector<NodeId> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), NodeId{0});
  std::mt19937 rng(seed);
  std::shuffle(order.begin(), order.end(), rng);
  return Permutation::from_new_order(std::move(order));
}

}  // namespace

TEST_CASE("weak components of a hand-made graph", "[boost_graph][algorithms]") {
  // {0,1,2} joined only through 1 (0->1<-2), {3,4,5,6} a reversed chain with a loop on 6,
  // {7,9} joined by 9->7, and node 8 with no edges.
  const std::vector<NodeId> src{0, 2, 4, 5, 6, 6, 9};
  const std::vector<NodeId> dst{1, 1, 3, 4, 6, 5, 7};
  const Graph g = Graph::from_edges(10, src, dst);
  const ConnectedComponents cc = connected_components(g);
  CHECK(cc.count == 4);
  CHECK(cc.component == std::vector<NodeId>{0, 0, 0, 1, 1, 1, 1, 2, 3, 2});
}

TEST_CASE("weak components agree with boost::connected_components on an undirected copy",
          "[boost_graph][algorithms]") {
  std::mt19937 rng(7);
  std::uniform_int_distribution<NodeId> node(0, 299);
  std::vector<NodeId> src, dst;
  for (int i = 0; i < 220; ++i) {
    src.push_back(node(rng));
    dst.push_back(node(rng));
  }
  const Graph g = Graph::from_edges(300, src, dst);
  const ConnectedComponents cc = connected_components(g);

  boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS> u(300);
  for (std::size_t i = 0; i < src.size(); ++i) boost::add_edge(src[i], dst[i], u);
  std::vector<int> expected(300);
  const int count = boost::connected_components(u, expected.data());
  REQUIRE(cc.count == count);
  // Same partition: the labels correspond one to one.
  std::vector<int> map(static_cast<std::size_t>(count), -1);
  for (std::size_t v = 0; v < 300; ++v) {
    int& m = map[static_cast<std::size_t>(cc.component[v])];
    if (m < 0) m = expected[v];
    CHECK(m == expected[v]);
  }
}

TEST_CASE("reverse Cuthill-McKee undoes a random shuffle of a band", "[boost_graph][algorithms]") {
  std::vector<NodeId> src, dst;
  add_band(src, dst, 0, 200, 3);
  const Graph band = Graph::from_edges(200, src, dst);
  REQUIRE(bandwidth(band) == 3);

  const Graph shuffled = permute(band, random_permutation(200, 42));
  const std::int64_t before = bandwidth(shuffled);
  CHECK(before > 100);

  const Permutation p = reverse_cuthill_mckee_order(shuffled);
  REQUIRE(p.size() == 200);
  const std::int64_t after = bandwidth(permute(shuffled, p));
  CHECK(after == bandwidth(shuffled, p));
  CHECK(after <= 6);
  CHECK(after >= 3);
}

TEST_CASE("reverse Cuthill-McKee orders every node of a disconnected graph", "[boost_graph][algorithms]") {
  // Two bands, three isolated nodes, a self-loop and a repeated edge, all shuffled.
  std::vector<NodeId> src, dst;
  add_band(src, dst, 0, 60, 2);
  add_band(src, dst, 63, 40, 4);
  src.insert(src.end(), {5, 70, 70});
  dst.insert(dst.end(), {5, 71, 71});
  const Graph g = permute(Graph::from_edges(103, src, dst), random_permutation(103, 9));
  REQUIRE(bandwidth(g) > 20);
  // from_new_order inside throws unless every node appears exactly once.
  const Permutation p = reverse_cuthill_mckee_order(g);
  REQUIRE(p.size() == 103);
  CHECK(bandwidth(g, p) <= 8);
  // A component is never split across the ordering.
  const ConnectedComponents cc = connected_components(g);
  CHECK(cc.count == 5);
  std::vector<int> runs_started(static_cast<std::size_t>(cc.count), 0);
  for (NodeId k = 0; k < 103; ++k) {
    const NodeId c = cc.component[p.old_id(k)];
    if (k == 0 || cc.component[p.old_id(k - 1)] != c) ++runs_started[c];
  }
  CHECK(runs_started == std::vector<int>(static_cast<std::size_t>(cc.count), 1));
}

TEST_CASE("reverse Cuthill-McKee of a graph without edges is a permutation", "[boost_graph][algorithms]") {
  const Graph g = Graph::from_edges(5, std::vector<NodeId>{}, std::vector<NodeId>{});
  const Permutation p = reverse_cuthill_mckee_order(g);
  CHECK(p.size() == 5);
  CHECK(bandwidth(g) == 0);
}

TEST_CASE("degree order puts high in-degree first and is stable", "[boost_graph][algorithms]") {
  // In-degrees: node 0: 1, node 1: 3, node 2: 0, node 3: 3, node 4: 1.
  const std::vector<NodeId> src{1, 0, 2, 4, 0, 2, 4, 3};
  const std::vector<NodeId> dst{0, 1, 1, 1, 3, 3, 3, 4};
  const Permutation p = degree_order(Graph::from_edges(5, src, dst));
  CHECK(std::vector<NodeId>(p.new_to_old().begin(), p.new_to_old().end()) == std::vector<NodeId>{1, 3, 0, 4, 2});
}

TEST_CASE("locality orders by name: none rcm and degree, anything else refused with its name", "[boost_graph][algorithms]") {
  const std::vector<NodeId> src{1, 0, 2, 4, 0, 2, 4, 3};
  const std::vector<NodeId> dst{0, 1, 1, 1, 3, 3, 3, 4};
  const Graph g = Graph::from_edges(5, src, dst);
  auto ids = [](const Permutation& p) { return std::vector<NodeId>(p.new_to_old().begin(), p.new_to_old().end()); };
  CHECK(ids(locality_order(g, "none")) == std::vector<NodeId>{0, 1, 2, 3, 4});
  CHECK(ids(locality_order(g, "degree")) == ids(degree_order(g)));
  CHECK(ids(locality_order(g, "rcm")) == ids(reverse_cuthill_mckee_order(g)));
  CHECK(kLocalityOrders.size() == 3);
  REQUIRE_THROWS_WITH(locality_order(g, "metis"), Catch::Contains("unknown name 'metis'"));
}

TEST_CASE("bandwidth with a permutation of the wrong size is refused", "[boost_graph][algorithms]") {
  const Graph g = Graph::from_edges(3, std::vector<NodeId>{0}, std::vector<NodeId>{2});
  CHECK(bandwidth(g) == 2);
  REQUIRE_THROWS_WITH(bandwidth(g, Permutation::identity(4)), Catch::Contains("4 entries but the graph has 3"));
}
