#pragma once
// A relabelling of nodes (e.g. for locality) together with its inverse, so that results computed
// on a reordered graph map back to the user's node ids.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/graph/graph.hpp"

namespace gat {

class Permutation {
 public:
  Permutation() = default;
  static Permutation identity(std::int64_t n);
  // new_to_old[k] is the old id of the node that gets new id k. Throws unless it is a permutation.
  static Permutation from_new_order(std::vector<NodeId> new_to_old);

  std::int64_t size() const noexcept { return static_cast<std::int64_t>(new_to_old_.size()); }
  NodeId old_id(NodeId new_id) const noexcept { return new_to_old_[new_id]; }
  NodeId new_id(NodeId old_id) const noexcept { return old_to_new_[old_id]; }
  std::span<const NodeId> new_to_old() const noexcept { return new_to_old_; }
  std::span<const NodeId> old_to_new() const noexcept { return old_to_new_; }
  Permutation inverse() const;

 private:
  std::vector<NodeId> new_to_old_;
  std::vector<NodeId> old_to_new_;
};

// The same graph with node v renamed to p.new_id(v). Input edge ids are preserved.
Graph permute(const Graph& g, const Permutation& p);

}  // namespace gat
