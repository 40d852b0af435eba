#pragma once
// Whole-graph algorithms gat needs for locality and diagnostics. The graph searches are
// Boost.Graph's, running on the store itself (gat/graph/boost_graph.hpp), or on a symmetrised
// copy where the algorithm needs an undirected graph.
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "gat/graph/graph.hpp"
#include "gat/graph/permutation.hpp"

namespace gat {

// Reverse Cuthill–McKee ordering (Cuthill & McKee, "Reducing the bandwidth of sparse symmetric
// matrices", 1969; reversed as proposed by George, 1971), with the graph taken as undirected:
// edge directions, self-loops and parallel edges are ignored. Each connected component is
// ordered from a pseudo-peripheral start node (Boost's cuthill_mckee_ordering). Apply it with
// permute(g, p); it gathers each node's neighbours into nearby ids, so the rows a destination
// pulls from are close in memory. Cost O(N + E) time and memory (a symmetric copy is built).
Permutation reverse_cuthill_mckee_order(const Graph& g);

// Nodes sorted by in-degree, largest first; equal degrees keep their id order. Puts the rows that
// are read most often together.
Permutation degree_order(const Graph& g);

// The locality orders by name, for command lines and benchmarks: "none" (the identity), "rcm"
// (reverse_cuthill_mckee_order) and "degree" (degree_order). locality_order throws for any other
// name, naming it and these.
inline constexpr std::array<std::string_view, 3> kLocalityOrders = {"none", "rcm", "degree"};
Permutation locality_order(const Graph& g, std::string_view name);

// max |source - target| over the edges (0 without edges): how far from the diagonal the
// adjacency matrix reaches.
std::int64_t bandwidth(const Graph& g);
// The bandwidth of permute(g, p), without building it. p.size() must equal g.num_nodes().
std::int64_t bandwidth(const Graph& g, const Permutation& p);

// Weakly connected components (edge directions ignored).
struct ConnectedComponents {
  // component[v] in [0, count); components are numbered in the order of their smallest node,
  // so the result does not depend on edge order.
  std::vector<NodeId> component;
  std::int64_t count = 0;
};
ConnectedComponents connected_components(const Graph& g);

}  // namespace gat
