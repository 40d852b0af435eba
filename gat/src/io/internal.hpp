#pragma once
// Internal helpers shared by the readers.
#include <cstdint>
#include <vector>

#include "gat/io/dataset.hpp"

namespace gat::io::detail {

// Both directions of every (source[i], target[i]) pair, self loops removed, duplicates removed,
// ordered by (target, source): PyG's to_undirected + coalesce(sort_by_row=False). O(N + E).
// Ids must already be in [0, num_nodes).
EdgeList undirected_edges(std::int64_t num_nodes, const std::vector<NodeId>& source, const std::vector<NodeId>& target);

// A seeded split: `per_class` random nodes of every class for training, then `valid` and `test`
// random nodes of the rest (clipped to what is left). Each part sorted.
void seeded_split(Dataset& dataset, std::uint64_t seed, std::int64_t per_class = 20, std::int64_t valid = 500,
                  std::int64_t test = 1000);

}  // namespace gat::io::detail
