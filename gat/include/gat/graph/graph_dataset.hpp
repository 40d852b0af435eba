#pragma once
// A data set of many graphs (PPI's 24 protein graphs, a TU graph-classification set): every
// graph's edges with its own node ids, and the node features (and multi-label targets) of all
// graphs in one contiguous matrix whose rows are grouped by graph, so that a batch of
// consecutive graphs reads its features in place.
//
// Two tasks use it: inductive multi-label node classification (targets, one row of 0/1 per node;
// whole graphs are train, valid or test) and graph classification (one class per graph; folds of
// cross-validation pick the graphs).
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "gat/graph/graph.hpp"
#include "gat/graph/graph_batch.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat {

struct GraphDataset {
  std::string name;
  std::vector<EdgeList> graphs;            // graph g's directed edges, node ids local to g
  std::vector<std::int64_t> node_offsets;  // G+1: graph g's rows of features/targets
  Matrix features;                         // all nodes x features
  Matrix targets;                          // node task: all nodes x labels in {0, 1}; else empty
  std::vector<std::int32_t> graph_labels;  // graph task: one class per graph; else empty
  std::int32_t num_classes = 0;            // labels (node task) or classes (graph task)
  std::vector<std::int64_t> train, valid, test;  // graph indices
  std::vector<std::filesystem::path> files;      // what it was read from (outputs must not replace them)
  std::vector<std::string> warnings;

  std::int64_t num_graphs() const noexcept { return static_cast<std::int64_t>(graphs.size()); }
  std::int64_t num_nodes() const noexcept { return node_offsets.empty() ? 0 : node_offsets.back(); }
  std::int64_t num_edges() const noexcept;
  bool multi_label() const noexcept { return targets.rows() > 0; }
  // Graph g's rows of a matrix with one row per node of the data set.
  MatrixView<const float> rows_of_graph(const Matrix& m, std::int64_t g) const {
    return m.view().block_rows(node_offsets[g], node_offsets[g + 1] - node_offsets[g]);
  }
};

// Checks every invariant (offsets, edges in range, no empty graph, finite features, targets in
// {0, 1}, labels in range, split ids in range); throws DataError naming `source` and the fault.
void validate(const GraphDataset& dataset, const std::string& source);

// The graphs `ids` of the data set as one block-diagonal batch with their features and targets.
// When the graphs are consecutive the features are a view of the data set's rows, otherwise
// they are gathered into the batch.
class DatasetBatch {
 public:
  DatasetBatch(const GraphDataset& dataset, std::span<const std::int64_t> ids, const GraphOptions& options = {});

  const GraphBatch& batch() const noexcept { return batch_; }
  const Graph& graph() const noexcept { return batch_.graph; }
  MatrixView<const float> features() const noexcept { return features_; }
  MatrixView<const float> targets() const noexcept { return targets_; }
  std::span<const std::int32_t> graph_labels() const noexcept { return labels_; }
  // Every node of the batch: 0, 1, ..., n-1 (what the node losses average over).
  std::span<const NodeId> all_nodes() const noexcept { return nodes_; }

 private:
  GraphBatch batch_;
  Matrix gathered_features_, gathered_targets_;
  MatrixView<const float> features_, targets_;
  std::vector<std::int32_t> labels_;
  std::vector<NodeId> nodes_;
};

}  // namespace gat
