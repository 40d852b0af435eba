#pragma once
// Copies between gat::Graph and Boost.Graph's own containers, for code that already holds a
// boost::adjacency_list or compressed_sparse_row_graph, or needs one (to mutate it, say).
// Algorithms that only read a graph do not need a copy: see gat/graph/boost_graph.hpp.
//
// The Boost side carries each edge's input edge id as the bundled edge property InputEdgeId, so
// results on either side map back to the user's edge list.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/graph_traits.hpp>

#include "gat/core/check.hpp"
#include "gat/graph/graph.hpp"

namespace gat {

// The bundled edge property of the Boost graphs below (kAddedSelfLoop for a loop gat added).
struct InputEdgeId {
  std::int64_t input_edge_id = kAddedSelfLoop;
};

// Directed = boost::directedS (out-edges only) or boost::bidirectionalS (in-edges too).
template <class Directed = boost::directedS>
using BoostAdjacencyList = boost::adjacency_list<boost::vecS, boost::vecS, Directed, boost::no_property, InputEdgeId>;
using BoostCsrGraph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, InputEdgeId>;

// Out-edges of every vertex come out in gat's transposed-row order (by target, then input id).
template <class Directed = boost::directedS>
BoostAdjacencyList<Directed> to_adjacency_list(const Graph& g) {
  BoostAdjacencyList<Directed> out(static_cast<std::size_t>(g.num_nodes()));
  const auto offsets = g.out_offsets();
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    for (EdgeIndex k = offsets[u]; k < offsets[u + 1]; ++k) {
      boost::add_edge(static_cast<std::size_t>(u), static_cast<std::size_t>(g.out_targets()[k]),
                      InputEdgeId{g.input_edge_ids()[g.out_edges()[k]]}, out);
    }
  }
  return out;
}

inline BoostCsrGraph to_csr_graph(const Graph& g) {
  // The transposed rows are already sorted by source, which is what edges_are_sorted wants.
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  std::vector<InputEdgeId> ids;
  pairs.reserve(static_cast<std::size_t>(g.num_edges()));
  ids.reserve(static_cast<std::size_t>(g.num_edges()));
  const auto offsets = g.out_offsets();
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    for (EdgeIndex k = offsets[u]; k < offsets[u + 1]; ++k) {
      pairs.emplace_back(static_cast<std::size_t>(u), static_cast<std::size_t>(g.out_targets()[k]));
      ids.push_back(InputEdgeId{g.input_edge_ids()[g.out_edges()[k]]});
    }
  }
  return BoostCsrGraph(boost::edges_are_sorted, pairs.begin(), pairs.end(), ids.begin(),
                       static_cast<std::size_t>(g.num_nodes()));
}

// Any Boost graph with edges(), source(), target() and num_vertices() into a gat::Graph (e.g.
// the two types above, or an adjacency_list with other properties). When the edges carry
// InputEdgeId they are listed in ascending input id (added loops last), so a graph that came
// from gat with input ids 0..m-1 keeps them; otherwise the input edge id of an edge is its
// position in edges(bg). Throws InvalidArgument as Graph::from_edges does (e.g. too many nodes).
template <class BoostGraph>
Graph from_boost_graph(const BoostGraph& bg, const GraphOptions& options = {}) {
  const auto n = static_cast<std::int64_t>(num_vertices(bg));
  const auto index = get(boost::vertex_index, bg);
  std::vector<NodeId> src;
  std::vector<NodeId> dst;
  std::vector<std::int64_t> key;
  constexpr bool has_ids = std::is_same_v<typename boost::edge_bundle_type<BoostGraph>::type, InputEdgeId>;
  for (auto [it, end] = edges(bg); it != end; ++it) {
    src.push_back(static_cast<NodeId>(get(index, source(*it, bg))));
    dst.push_back(static_cast<NodeId>(get(index, target(*it, bg))));
    if constexpr (has_ids) {
      const std::int64_t id = bg[*it].input_edge_id;
      key.push_back(id < 0 ? INT64_MAX : id);
    }
  }
  GAT_REQUIRE(n <= INT32_MAX, "from_boost_graph: the graph has ", n, " vertices, more than gat's limit of ",
              INT32_MAX);
  if constexpr (has_ids) {
    std::vector<std::size_t> order(src.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
    std::vector<NodeId> s(src.size()), d(dst.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      s[i] = src[order[i]];
      d[i] = dst[order[i]];
    }
    src.swap(s);
    dst.swap(d);
  }
  return Graph::from_edges(n, src, dst, options);
}

}  // namespace gat
