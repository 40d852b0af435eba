#pragma once
// A node-classification dataset in one binary file that is mapped, not read: the incoming CSR of
// the graph, the features, labels, splits and node names as flat little-endian arrays, each in
// its own page-aligned section with a CRC-32 (the layout: docs/store-format.md). Opening a store
// maps the file and checks its header and shapes; nothing is parsed or copied, so a graph whose
// features do not fit in memory is trained on by reading only the rows a batch needs.
//
// The graph is stored as incoming rows sorted by source (Graph's own order), so the store's edge
// positions are the edge indices of Graph::from_edges over the same edges. When the dataset's
// edge list was in another order, an edge_ids section maps each stored edge back to its input
// position, and to_dataset() restores the edge list exactly.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "gat/io/dataset.hpp"
#include "gat/store/store_format.hpp"

namespace gat::store {

// How much of a store open() checks before returning it.
enum class StoreCheck {
  // Header, section table, shapes, offsets monotone and in range (O(N) reads).
  structure,
  // Also every section's CRC-32 and every stored id in range (reads the whole file once).
  full,
};

class GraphStore {
 public:
  // Maps the store at `path`. Throws DataError naming the file and the section at fault when it
  // is truncated, has another magic or version, or its sections disagree with the header.
  static GraphStore open(const std::filesystem::path& path, StoreCheck check = StoreCheck::full);

  GraphStore(GraphStore&&) noexcept;
  GraphStore& operator=(GraphStore&&) noexcept;
  ~GraphStore();

  const std::filesystem::path& path() const noexcept { return path_; }
  std::string_view name() const noexcept { return name_; }
  std::int64_t num_nodes() const noexcept { return header_.num_nodes; }
  std::int64_t num_edges() const noexcept { return header_.num_edges; }
  std::int64_t num_features() const noexcept { return header_.num_features; }
  std::int32_t num_classes() const noexcept { return header_.num_classes; }
  FeatureType feature_type() const noexcept { return static_cast<FeatureType>(header_.feature_type); }
  bool sparse_features() const noexcept { return feature_type() == FeatureType::csr_float32; }

  // The incoming rows: the sources of node v are in_sources()[in_offsets()[v] .. in_offsets()[v+1]).
  std::span<const std::int64_t> in_offsets() const noexcept { return in_offsets_; }
  std::span<const std::int32_t> in_sources() const noexcept { return in_sources_; }
  // Input edge id of each stored edge; empty when they are the stored positions themselves.
  std::span<const std::int64_t> edge_ids() const noexcept { return edge_ids_; }
  std::span<const std::int32_t> labels() const noexcept { return labels_; }
  std::span<const std::int32_t> train() const noexcept { return train_; }
  std::span<const std::int32_t> valid() const noexcept { return valid_; }
  std::span<const std::int32_t> test() const noexcept { return test_; }
  bool has_node_names() const noexcept { return !name_offsets_.empty(); }
  std::string_view node_name(std::int64_t v) const;

  // Rows `rows` of the features, widened to float32, as row k = rows[k] (dense stores: a dense
  // matrix, CSR stores: a CSR matrix). `out` keeps its buffers from call to call.
  void gather_features(std::span<const std::int32_t> rows, Features& out) const;
  // Everything as an in-memory dataset (copies; for stores that fit in memory).
  io::Dataset to_dataset() const;

 private:
  GraphStore() = default;
  struct Mapping;
  std::filesystem::path path_;
  std::unique_ptr<Mapping> mapping_;
  StoreHeader header_{};
  std::string_view name_;
  std::span<const std::int64_t> in_offsets_, edge_ids_, name_offsets_, feature_offsets_;
  std::span<const std::int32_t> in_sources_, labels_, train_, valid_, test_, feature_columns_;
  std::span<const char> name_bytes_;
  const void* feature_values_ = nullptr;  // num_nodes x num_features, or nnz values for CSR
};

// True when the file at `path` starts with the store's magic (a cheap test for command lines).
bool is_graph_store(const std::filesystem::path& path);

struct StoreWriteOptions {
  // Storage of dense features; float16 and bfloat16 halve the file and are widened on read.
  // Sparse (CSR) features are kept as CSR float32.
  FeatureType dense_features = FeatureType::float32;
};

// Writes `dataset` as a store at `path` (through a temporary file renamed at the end). Throws
// DataError naming the file when writing fails.
void write_store(const io::Dataset& dataset, const std::filesystem::path& path, const StoreWriteOptions& options = {});

}  // namespace gat::store
