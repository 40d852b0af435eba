#pragma once
// Internal: a node list with its repeats removed, as inference and training build receptive
// fields from it (a field has one row per node).
#include <cstdint>
#include <span>
#include <vector>

#include "gat/graph/graph.hpp"

namespace gat::nn::detail {

// Each node of `nodes` once, in order of first appearance; row_of[k] (when given) is nodes[k]'s
// position in the result. The nodes must be in [0, n).
inline std::vector<NodeId> first_occurrences(std::span<const NodeId> nodes, std::int64_t n,
                                             std::vector<NodeId>* row_of) {
  std::vector<NodeId> distinct, position(static_cast<std::size_t>(n), -1);
  if (row_of) row_of->resize(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    NodeId& at = position[static_cast<std::size_t>(nodes[k])];
    if (at < 0) {
      at = static_cast<NodeId>(distinct.size());
      distinct.push_back(nodes[k]);
    }
    if (row_of) (*row_of)[k] = at;
  }
  return distinct;
}

}  // namespace gat::nn::detail
