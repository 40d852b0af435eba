#pragma once
// Where a mini-batch gets its nodes' features: an in-memory Features or a mapped graph store
// (only the rows a batch needs are read, half-precision storage widened), optionally scaled to
// sum to 1 per row (GAT's preprocessing, a row-wise operation, so applying it per batch gives
// the rows a whole-graph normalisation would).
#include <cstdint>
#include <span>

#include "gat/graph/graph.hpp"
#include "gat/tensor/features.hpp"

namespace gat::store {
class GraphStore;
}

namespace gat::sampling {

class FeatureSource {
 public:
  explicit FeatureSource(const Features& features, bool normalize_rows = false)
      : memory_(&features), normalize_(normalize_rows) {}
  explicit FeatureSource(const store::GraphStore& store, bool normalize_rows = false)
      : store_(&store), normalize_(normalize_rows) {}

  std::int64_t rows() const noexcept;
  std::int64_t cols() const noexcept;
  // Row rows[k] as row k of out, in out's buffers where it can (no allocation once they are
  // large enough, for dense rows from a store). Throws InvalidArgument for a row out of range.
  void gather(std::span<const NodeId> rows, Features& out) const;

 private:
  const Features* memory_ = nullptr;
  const store::GraphStore* store_ = nullptr;
  bool normalize_ = false;
};

}  // namespace gat::sampling
