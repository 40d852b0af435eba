#pragma once
// Partitioning a dataset for distributed training: METIS k-way on the symmetrised graph with two
// balance constraints (nodes, and in-edges + 1 per node, so that both the rows and the attention
// work of the ranks balance), then one GraphPart per rank and a manifest (manifest.json) naming
// the dataset, its identity and the partition's statistics.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gat/dist/graph_part.hpp"
#include "gat/graph/graph.hpp"

namespace gat::dist {

// What is partitioned: a graph (incoming rows as gat::Graph stores them), its preprocessed
// features, labels and splits.
struct PartitionInput {
  std::string dataset;           // its name, recorded in the manifest
  bool normalize_features = true;  // how the features were preprocessed (checkpoints record it)
  const Graph* graph = nullptr;
  const Features* features = nullptr;
  std::span<const std::int32_t> labels;
  std::span<const NodeId> train, valid, test;
  std::uint64_t checksum = 0;    // dataset_checksum() of the dataset as read
};

// The part of every node: METIS_PartGraphKway (edge cut objective, fixed seed) for parts >= 2,
// all zeros for one part. Throws InvalidArgument when parts is below 1 or above the node count.
std::vector<std::int32_t> metis_parts(const Graph& graph, std::int32_t parts, std::int64_t* edge_cut = nullptr);

// Halo rows per part (the distinct remote sources of its nodes' in-edges) and in-edges per part,
// from the map alone, without building the parts: what a partition would exchange, for graphs
// whose parts are not to be written.
struct HaloSizes {
  std::vector<std::int64_t> owned, in_edges, halo;
};
HaloSizes halo_sizes(const Graph& graph, std::span<const std::int32_t> part_of, std::int32_t parts);

// One part per rank from a node-to-part map.
std::vector<GraphPart> build_parts(const PartitionInput& input, std::span<const std::int32_t> part_of,
                                   std::int32_t parts);

struct PartitionStats {
  std::int64_t edge_cut = 0;           // undirected edges between parts (METIS's objective)
  std::int64_t cut_in_edges = 0;       // stored in-edges whose source lies in another part
  std::vector<std::int64_t> owned, in_edges, halo;  // per rank
  double node_imbalance = 1, edge_imbalance = 1;    // max over mean
  double seconds = 0;                  // METIS's wall time
  nlohmann::json to_json() const;
};
PartitionStats partition_stats(std::span<const GraphPart> parts, std::int64_t edge_cut, double seconds);

// Writes the parts, then manifest.json (last, so that a directory whose writing failed has no
// manifest for the new parts); every file atomically.
void write_partition(const std::filesystem::path& dir, const PartitionInput& input, std::span<const GraphPart> parts,
                     const PartitionStats& stats);

struct PartitionManifest {
  PartitionIdentity identity;
  std::string dataset;
  bool normalize_features = true;
  nlohmann::json stats;
};
// Throws DataError naming the file when it is missing or malformed.
PartitionManifest read_manifest(const std::filesystem::path& dir);
// Reads part `rank` and checks it against the manifest and the run's rank count; throws
// DataError naming the part file on any mismatch.
GraphPart read_checked_part(const std::filesystem::path& dir, const PartitionManifest& manifest, std::int32_t rank,
                            std::int32_t ranks);

}  // namespace gat::dist
