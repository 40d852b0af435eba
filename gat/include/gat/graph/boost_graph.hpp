#pragma once
// gat::Graph as a Boost.Graph graph, without a copy.
//
// The store already holds both CSR directions, so it models VertexListGraph, IncidenceGraph
// (out_edges of u walk the transposed rows: edges u -> v), AdjacencyGraph, BidirectionalGraph
// (in_edges of v walk the incoming rows) and EdgeListGraph. The edge descriptor is the stored
// edge index e, i.e. the position in the incoming rows, so an edge property is simply an array of
// num_edges() values indexed by e (see edge_index / input_edge_id_map below) and whatever an
// algorithm computes per edge lines up with gat's own per-edge arrays (attention weights, ...).
//
// Every free function lives in namespace gat, so that Boost's algorithms find it by
// argument-dependent lookup at instantiation; this header can therefore be included before or
// after any <boost/graph/...> header.
//
// The graph is directed. Algorithms that need an undirected graph (connected_components,
// cuthill_mckee_ordering) must not run on it directly; gat/graph/algorithms.hpp wraps them.
#include <cstddef>
#include <cstdint>
#include <utility>

#include <boost/graph/graph_traits.hpp>
#include <boost/graph/properties.hpp>
#include <boost/iterator/counting_iterator.hpp>
#include <boost/property_map/property_map.hpp>

#include "gat/graph/graph.hpp"

namespace gat::bgl {

struct traversal_category : boost::vertex_list_graph_tag,
                            boost::bidirectional_graph_tag,  // implies incidence_graph_tag
                            boost::adjacency_graph_tag,
                            boost::edge_list_graph_tag {};

using vertex_iterator = boost::counting_iterator<NodeId>;
using edge_iterator = boost::counting_iterator<EdgeIndex>;
// The transposed rows store, for each outgoing edge, its edge index: iterating them yields
// descriptors directly.
using out_edge_iterator = const EdgeIndex*;
// The incoming row of v is the contiguous range of edge indices [in_offsets[v], in_offsets[v+1]).
using in_edge_iterator = boost::counting_iterator<EdgeIndex>;
using adjacency_iterator = const NodeId*;

}  // namespace gat::bgl

namespace boost {

template <>
struct graph_traits<gat::Graph> {
  using vertex_descriptor = gat::NodeId;
  using edge_descriptor = gat::EdgeIndex;
  using directed_category = bidirectional_tag;
  using edge_parallel_category = allow_parallel_edge_tag;
  using traversal_category = gat::bgl::traversal_category;

  using vertex_iterator = gat::bgl::vertex_iterator;
  using edge_iterator = gat::bgl::edge_iterator;
  using out_edge_iterator = gat::bgl::out_edge_iterator;
  using in_edge_iterator = gat::bgl::in_edge_iterator;
  using adjacency_iterator = gat::bgl::adjacency_iterator;

  using vertices_size_type = std::size_t;
  using edges_size_type = std::size_t;
  using degree_size_type = std::size_t;

  static vertex_descriptor null_vertex() noexcept { return -1; }
};
// Boost does not strip const here, and algorithms taking `Graph&` deduce `const gat::Graph`.
template <>
struct graph_traits<const gat::Graph> : graph_traits<gat::Graph> {};

// Both indices are the identity: vertices are 0..n-1 and edges are 0..E-1 already.
template <>
struct property_map<gat::Graph, vertex_index_t> {
  using type = typed_identity_property_map<gat::NodeId>;
  using const_type = type;
};
template <>
struct property_map<gat::Graph, edge_index_t> {
  using type = typed_identity_property_map<gat::EdgeIndex>;
  using const_type = type;
};

}  // namespace boost

namespace gat {

// VertexListGraph
inline std::pair<bgl::vertex_iterator, bgl::vertex_iterator> vertices(const Graph& g) {
  return {bgl::vertex_iterator(0), bgl::vertex_iterator(static_cast<NodeId>(g.num_nodes()))};
}
inline std::size_t num_vertices(const Graph& g) { return static_cast<std::size_t>(g.num_nodes()); }

// EdgeListGraph. source/target are O(1) because the store keeps both ends of every edge e.
inline std::pair<bgl::edge_iterator, bgl::edge_iterator> edges(const Graph& g) {
  return {bgl::edge_iterator(0), bgl::edge_iterator(g.num_edges())};
}
inline std::size_t num_edges(const Graph& g) { return static_cast<std::size_t>(g.num_edges()); }
inline NodeId source(EdgeIndex e, const Graph& g) { return g.in_sources()[e]; }
inline NodeId target(EdgeIndex e, const Graph& g) { return g.in_targets()[e]; }

// IncidenceGraph: edges u -> v.
inline std::pair<bgl::out_edge_iterator, bgl::out_edge_iterator> out_edges(NodeId u, const Graph& g) {
  const EdgeIndex* base = g.out_edges().data();
  return {base + g.out_offsets()[u], base + g.out_offsets()[u + 1]};
}
inline std::size_t out_degree(NodeId u, const Graph& g) { return static_cast<std::size_t>(g.out_degree(u)); }

// BidirectionalGraph: edges v <- u.
inline std::pair<bgl::in_edge_iterator, bgl::in_edge_iterator> in_edges(NodeId v, const Graph& g) {
  return {bgl::in_edge_iterator(g.in_offsets()[v]), bgl::in_edge_iterator(g.in_offsets()[v + 1])};
}
inline std::size_t in_degree(NodeId v, const Graph& g) { return static_cast<std::size_t>(g.in_degree(v)); }
inline std::size_t degree(NodeId v, const Graph& g) { return in_degree(v, g) + out_degree(v, g); }

// AdjacencyGraph: the targets of u's outgoing edges, in the same order as out_edges(u).
inline std::pair<bgl::adjacency_iterator, bgl::adjacency_iterator> adjacent_vertices(NodeId u, const Graph& g) {
  const auto row = g.out_neighbors(u);
  return {row.data(), row.data() + row.size()};
}

// Property maps: vertex_index and edge_index are the identity.
inline boost::typed_identity_property_map<NodeId> get(boost::vertex_index_t, const Graph&) { return {}; }
inline NodeId get(boost::vertex_index_t, const Graph&, NodeId v) { return v; }
inline boost::typed_identity_property_map<EdgeIndex> get(boost::edge_index_t, const Graph&) { return {}; }
inline EdgeIndex get(boost::edge_index_t, const Graph&, EdgeIndex e) { return e; }

// A read-only edge property map giving, for edge e, the input edge id it came from (or
// kAddedSelfLoop). Valid while g lives.
inline boost::iterator_property_map<const std::int64_t*, boost::typed_identity_property_map<EdgeIndex>>
input_edge_id_map(const Graph& g) {
  return boost::make_iterator_property_map(g.input_edge_ids().data(), boost::typed_identity_property_map<EdgeIndex>{});
}

// An edge property map over any array of num_edges() values indexed by edge index, e.g. a
// column of per-edge attention weights, or storage an algorithm writes into.
template <class RandomAccessIterator>
boost::iterator_property_map<RandomAccessIterator, boost::typed_identity_property_map<EdgeIndex>>
edge_property_map(RandomAccessIterator values) {
  return boost::make_iterator_property_map(values, boost::typed_identity_property_map<EdgeIndex>{});
}
// The same for per-node arrays of num_nodes() values.
template <class RandomAccessIterator>
boost::iterator_property_map<RandomAccessIterator, boost::typed_identity_property_map<NodeId>>
vertex_property_map(RandomAccessIterator values) {
  return boost::make_iterator_property_map(values, boost::typed_identity_property_map<NodeId>{});
}

}  // namespace gat
