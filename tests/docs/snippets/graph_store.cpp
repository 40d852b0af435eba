// docs/api-guide.md, "The graph store".
#include <gat/gat.hpp>

#include "check.hpp"

void snippet_graph_store() {
  // [doc]
  // Edge i goes from source[i] to target[i]; node ids are 0 .. num_nodes-1.
  gat::EdgeList edges{4, {0, 1, 2, 3, 0}, {1, 2, 3, 0, 2}};
  gat::Graph graph = gat::Graph::from_edges(edges, {.self_loops = gat::SelfLoops::add});

  // Incoming rows: who node 2 pulls from, and which input edge each stored edge came from.
  for (gat::EdgeIndex e = graph.in_offsets()[2]; e < graph.in_offsets()[3]; ++e) {
    gat::NodeId source = graph.in_sources()[e];
    std::int64_t input_edge = graph.input_edge_ids()[e];  // gat::kAddedSelfLoop for the added loop
    (void)source, (void)input_edge;
  }
  // graph.num_edges() == 5 input edges + 4 added self-loops
  // [/doc]
  DOC_CHECK(graph.num_edges() == 9);
  DOC_CHECK(graph.in_degree(2) == 3);  // from 0, 1 and itself
}
