#include "gat/graph/permutation.hpp"

#include <algorithm>

#include "gat/core/check.hpp"

namespace gat {

Permutation Permutation::identity(std::int64_t n) {
  std::vector<NodeId> order(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) order[i] = static_cast<NodeId>(i);
  return from_new_order(std::move(order));
}

Permutation Permutation::from_new_order(std::vector<NodeId> new_to_old) {
  const std::int64_t n = static_cast<std::int64_t>(new_to_old.size());
  Permutation p;
  p.old_to_new_.assign(new_to_old.size(), -1);
  for (std::int64_t k = 0; k < n; ++k) {
    const NodeId old = new_to_old[k];
    GAT_REQUIRE(old >= 0 && old < n, "permutation: entry ", k, " is ", old, ", outside [0, ", n, ")");
    GAT_REQUIRE(p.old_to_new_[old] < 0, "permutation: node ", old, " appears twice (at ", p.old_to_new_[old],
                " and ", k, "); every node must appear exactly once");
    p.old_to_new_[old] = static_cast<NodeId>(k);
  }
  p.new_to_old_ = std::move(new_to_old);
  return p;
}

Permutation Permutation::inverse() const {
  Permutation p;
  p.new_to_old_ = old_to_new_;
  p.old_to_new_ = new_to_old_;
  return p;
}

Graph permute(const Graph& g, const Permutation& p) {
  GAT_REQUIRE(p.size() == g.num_nodes(), "permute: the permutation has ", p.size(), " entries but the graph has ",
              g.num_nodes(), " nodes");
  const std::int64_t n = g.num_nodes();
  Graph out;
  out.num_nodes_ = n;
  out.num_input_edges_ = g.num_input_edges_;
  out.in_offsets_.assign(static_cast<std::size_t>(n) + 1, 0);
  for (std::int64_t k = 0; k < n; ++k) out.in_offsets_[k + 1] = out.in_offsets_[k] + g.in_degree(p.old_id(k));
  const std::size_t m = static_cast<std::size_t>(g.num_edges());
  out.in_sources_.resize(m);
  out.in_targets_.resize(m);
  out.input_edge_ids_.resize(m);
  std::vector<std::pair<NodeId, std::int64_t>> row;
  for (std::int64_t k = 0; k < n; ++k) {
    const NodeId old = p.old_id(static_cast<NodeId>(k));
    row.clear();
    for (EdgeIndex e = g.in_offsets_[old]; e < g.in_offsets_[old + 1]; ++e)
      row.emplace_back(p.new_id(g.in_sources_[e]), g.input_edge_ids_[e]);
    std::sort(row.begin(), row.end());  // keep the rows sorted by (new) source id
    EdgeIndex e = out.in_offsets_[k];
    for (const auto& [s, id] : row) {
      out.in_sources_[e] = s;
      out.in_targets_[e] = static_cast<NodeId>(k);
      out.input_edge_ids_[e] = id;
      ++e;
    }
  }
  out.build_transpose();
  return out;
}

}  // namespace gat
