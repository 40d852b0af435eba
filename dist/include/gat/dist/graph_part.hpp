#pragma once
// One rank's part of a partitioned dataset (docs/partition-format.md): the nodes it owns, their
// incoming edges in global ids, their features, labels and split entries, its halo (the remote
// sources its edges read, grouped by owner) and, for every other rank, which of its own rows that
// rank reads. Parts are written by `gat partition` and read by every rank of `gat train
// --partitions`.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "gat/tensor/features.hpp"

namespace gat::dist {

// What a part and its manifest must agree on with the dataset and with each other.
struct PartitionIdentity {
  std::int64_t num_nodes = 0, num_edges = 0, num_features = 0, num_classes = 0;
  std::uint64_t dataset_checksum = 0;    // of the edges, features and labels (dataset_checksum())
  std::uint64_t assignment_checksum = 0; // of the node-to-part map: parts of one run only
  std::int32_t parts = 0;

  bool operator==(const PartitionIdentity&) const = default;
};

struct GraphPart {
  PartitionIdentity identity;
  std::int32_t rank = 0;
  std::vector<std::int32_t> owned;        // global ids, ascending
  std::vector<std::int64_t> in_offsets;   // owned.size() + 1
  std::vector<std::int32_t> in_sources;   // global ids, as the graph stores them (loops too)
  Features features;                      // owned.size() rows
  std::vector<std::int32_t> labels;       // owned.size()
  std::vector<std::int32_t> train, valid, test;  // local rows, in the dataset's split order
  std::vector<std::int32_t> halo;         // global ids, grouped by owner (ascending), then ascending
  std::vector<std::int64_t> halo_offsets; // parts + 1: halo[halo_offsets[q] .. halo_offsets[q+1]) is owned by q
  // send[send_offsets[q] .. send_offsets[q+1]): local rows rank q reads, in q's halo order.
  std::vector<std::int32_t> send;
  std::vector<std::int64_t> send_offsets; // parts + 1

  std::int64_t num_owned() const noexcept { return static_cast<std::int64_t>(owned.size()); }
  std::int64_t num_halo() const noexcept { return static_cast<std::int64_t>(halo.size()); }
};

// The part file of `rank` in a partition directory.
std::filesystem::path part_path(const std::filesystem::path& dir, std::int32_t rank);
std::filesystem::path manifest_path(const std::filesystem::path& dir);

// Writes atomically (temporary file, then rename).
void write_part(const std::filesystem::path& path, const GraphPart& part);
// Throws DataError naming the file when it is not a part, is truncated, or its arrays disagree.
GraphPart read_part(const std::filesystem::path& path);

// FNV-1a over the edge list, the features' values and the labels: the dataset a partition was
// made from, so that a partition of another dataset (or of the same one preprocessed otherwise)
// is refused.
std::uint64_t dataset_checksum(std::span<const std::int32_t> sources, std::span<const std::int32_t> targets,
                               const Features& features, std::span<const std::int32_t> labels);
// FNV-1a over a node-to-part map.
std::uint64_t assignment_checksum(std::span<const std::int32_t> part_of);

}  // namespace gat::dist
