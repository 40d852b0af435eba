#include "gat/sampling/feature_source.hpp"

#include "gat/store/graph_store.hpp"

namespace gat::sampling {

std::int64_t FeatureSource::rows() const noexcept { return memory_ ? memory_->rows() : store_->num_nodes(); }
std::int64_t FeatureSource::cols() const noexcept { return memory_ ? memory_->cols() : store_->num_features(); }

void FeatureSource::gather(std::span<const NodeId> rows, Features& out) const {
  if (memory_)
    out = memory_->rows_of(rows);
  else
    store_->gather_features(rows, out);
  if (normalize_) out.normalize_rows();
}

}  // namespace gat::sampling
