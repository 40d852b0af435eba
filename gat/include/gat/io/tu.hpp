#pragma once
// The TU graph-classification layout (Morris et al., "TUDataset", 2020; MUTAG, PROTEINS, ...):
// files DIR/NAME_*.txt with one-based node and graph ids over the whole collection:
//   NAME_A.txt                "i, j" per directed edge (both directions listed)
//   NAME_graph_indicator.txt  the graph of node i on line i (graphs numbered 1..G, nodes grouped)
//   NAME_graph_labels.txt     the class of graph g on line g (any integers; numbered in sorted order)
//   NAME_node_labels.txt      optional: an integer per node, one-hot encoded (sorted order)
//   NAME_node_attributes.txt  optional: comma-separated numbers per node
// Node features are the attributes followed by the one-hot labels (a constant 1 when neither
// file exists), as PyG's TUDataset builds them. Every graph is in the training list; folds of
// cross-validation choose their own. Malformed lines, an edge between graphs, a graph without
// nodes, counts that disagree between files: DataError naming the file and line.
#include <cstdint>
#include <filesystem>
#include <string>

#include "gat/graph/graph_dataset.hpp"

namespace gat::io {

GraphDataset read_tu(const std::filesystem::path& dir, const std::string& name);
// The NAME of a TU folder: the X of its only X_A.txt; empty when there is none (or several).
std::string tu_name(const std::filesystem::path& dir);
// Writes A, graph_indicator, graph_labels and node_labels (a feature row's arg-max; for one-hot
// features, as make_synthetic_tu makes them).
void write_tu(const GraphDataset& dataset, const std::filesystem::path& dir, const std::string& name);

// Two classes of small graphs whose nodes carry one of three labels with the same frequencies in
// both classes. Besides a path through all nodes (so each graph is connected), 2n edges start at
// random nodes; one that starts at a node of label 0 or of its mate label goes, with probability
// partner_bias, to a node of the other (the mate of label 0 is 1 in class 1 and 2 in class 0),
// otherwise to a uniform node. Pooling the raw node labels cannot tell the classes apart; one
// round of message passing (which labels a node's neighbours have) can.
struct SyntheticTuOptions {
  std::int64_t graphs = 200;
  std::int64_t min_nodes = 12, max_nodes = 28;
  double partner_bias = 0.9;  // chance that an edge from label 0 or its mate goes to the other
  std::uint64_t seed = 0;
};
GraphDataset make_synthetic_tu(const SyntheticTuOptions& options = {});

}  // namespace gat::io
