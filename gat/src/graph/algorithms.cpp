// The algorithms of gat/graph/algorithms.hpp, delegating to Boost.Graph through the adaptor in
// gat/graph/boost_graph.hpp.
#include "gat/graph/algorithms.hpp"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <vector>

#include <boost/graph/cuthill_mckee_ordering.hpp>
#include <boost/graph/incremental_components.hpp>
#include <boost/pending/disjoint_sets.hpp>

#include "gat/core/check.hpp"
#include "gat/graph/boost_graph.hpp"

namespace gat {

namespace {

// Cuthill–McKee walks out-edges and needs every edge both ways; gat's own builder makes the
// symmetric, loop-free, duplicate-free copy.
Graph symmetrised(const Graph& g) {
  const EdgeList list = g.to_edge_list();
  GraphOptions options;
  options.self_loops = SelfLoops::remove;
  options.duplicates = Duplicates::remove;
  options.make_undirected = true;
  return Graph::from_edges(list.num_nodes, list.source, list.target, options);
}

}  // namespace

Permutation reverse_cuthill_mckee_order(const Graph& g) {
  if (g.num_nodes() == 0) return Permutation::identity(0);
  const Graph sym = symmetrised(g);
  std::vector<NodeId> new_to_old(static_cast<std::size_t>(g.num_nodes()));
  // Boost emits nodes in Cuthill–McKee order; writing them back to front reverses it.
  auto end = boost::cuthill_mckee_ordering(sym, new_to_old.rbegin(), get(boost::vertex_index, sym));
  GAT_REQUIRE(end == new_to_old.rend(), "reverse_cuthill_mckee_order: Boost ordered ", end - new_to_old.rbegin(),
              " of ", g.num_nodes(), " nodes (a bug; please report it)");
  return Permutation::from_new_order(std::move(new_to_old));
}

Permutation degree_order(const Graph& g) {
  std::vector<NodeId> new_to_old(static_cast<std::size_t>(g.num_nodes()));
  std::iota(new_to_old.begin(), new_to_old.end(), NodeId{0});
  std::stable_sort(new_to_old.begin(), new_to_old.end(),
                   [&](NodeId a, NodeId b) { return g.in_degree(a) > g.in_degree(b); });
  return Permutation::from_new_order(std::move(new_to_old));
}

Permutation locality_order(const Graph& g, std::string_view name) {
  if (name == "rcm") return reverse_cuthill_mckee_order(g);
  if (name == "degree") return degree_order(g);
  GAT_REQUIRE(name == "none", "locality order: unknown name '", name, "' (expected none, rcm or degree)");
  return Permutation::identity(g.num_nodes());
}

// Not boost::bandwidth: it subtracts ids as int, which overflows for ids near 2^31.
std::int64_t bandwidth(const Graph& g) {
  std::int64_t b = 0;
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) {
    b = std::max<std::int64_t>(b, std::abs(std::int64_t{g.in_sources()[e]} - g.in_targets()[e]));
  }
  return b;
}

std::int64_t bandwidth(const Graph& g, const Permutation& p) {
  GAT_REQUIRE(p.size() == g.num_nodes(), "bandwidth: the permutation has ", p.size(), " entries but the graph has ",
              g.num_nodes(), " nodes");
  std::int64_t b = 0;
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) {
    const std::int64_t s = p.new_id(g.in_sources()[e]);
    b = std::max<std::int64_t>(b, std::abs(s - p.new_id(g.in_targets()[e])));
  }
  return b;
}

ConnectedComponents connected_components(const Graph& g) {
  const auto n = static_cast<std::size_t>(g.num_nodes());
  // boost::connected_components insists on an undirected graph; union-find over the edge list
  // gives the weak components of the directed store without a symmetric copy.
  std::vector<NodeId> rank(n), parent(n);
  boost::disjoint_sets<NodeId*, NodeId*> sets(rank.data(), parent.data());
  boost::initialize_incremental_components(g, sets);
  boost::incremental_components(g, sets);

  ConnectedComponents result;
  result.component.resize(n);
  std::vector<NodeId> label(n, -1);
  for (NodeId v = 0; v < static_cast<NodeId>(n); ++v) {
    const NodeId root = sets.find_set(v);
    if (label[root] < 0) label[root] = static_cast<NodeId>(result.count++);
    result.component[v] = label[root];
  }
  return result;
}

}  // namespace gat
