#pragma once
// Attention weights of one graph attention layer together with the edges they belong to, so
// that every weight maps back to the user's edge list (or to a self-loop the layer added).
#include <cstdint>
#include <vector>

#include "gat/graph/graph.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat {

template <class T>
struct AttentionWeights {
  std::int64_t heads = 0;
  std::vector<NodeId> source, target;       // one entry per edge the layer attended over
  std::vector<std::int64_t> input_edge_id;  // the user's edge id, or kAddedSelfLoop
  BasicMatrix<T> weights;                   // edges x heads; sums to 1 over each target's edges

  std::int64_t num_edges() const noexcept { return static_cast<std::int64_t>(source.size()); }
};

}  // namespace gat
