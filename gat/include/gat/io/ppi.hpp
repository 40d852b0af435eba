#pragma once
// The protein-protein interaction graphs of GraphSAGE (Hamilton et al., NeurIPS 2017), the
// inductive task of the GAT paper (section 3.3): 24 graphs, 50 features and 121 labels per node.
//
// GraphSAGE's file layout, PREFIX = "ppi" (PyG's PPI and DGL's PPIDataset start from it):
//   PREFIX-G.json          networkx node_link_data: "nodes" [{"id", "val", "test"[, "graph"]}],
//                          "links" [{"source", "target"}] by node id (undirected: stored both ways)
//   PREFIX-feats.npy       node features, one row per node (row = id_map[id])
//   PREFIX-id_map.json     {"id": row}
//   PREFIX-class_map.json  {"id": [121 labels in {0, 1}]}
// A node's split is "test" if test, else "valid" if val, else "train". Nodes group into graphs by
// their "graph" field where every node has one, else by connected components within a split. A
// graph whose nodes disagree on the split, a link between graphs, a class map naming an unknown
// node or with a label list of the wrong width, a node without features or labels: DataError
// naming the file and the node.
#include <cstdint>
#include <filesystem>
#include <string>

#include "gat/graph/graph_dataset.hpp"

namespace gat::io {

// Reads DIR/PREFIX-*.
GraphDataset read_ppi(const std::filesystem::path& dir, const std::string& prefix = "ppi");
// Whether DIR holds PREFIX-G.json.
bool is_ppi_dir(const std::filesystem::path& dir, const std::string& prefix = "ppi");
// Writes the layout above (every node with its "graph"; each file to a temporary, then renamed).
void write_ppi(const GraphDataset& dataset, const std::filesystem::path& dir, const std::string& prefix = "ppi");

// A synthetic inductive multi-label data set shaped like PPI. Labels come from a planted model
// in which a node's own features and the mean of its neighbours' features both count:
//   label l of v = [ a_l . x_v + b_l . mean_{u in N(v)} x_u * sqrt(d) > t_l ]
// with random unit vectors a_l, b_l (weights own_weight and 1 - own_weight on their variances),
// d the mean degree (so the two terms weigh what the weights say) and t_l a random threshold
// (prevalences of roughly 20-40%). A model of the node's own features sees only the first term; a graph
// attention layer can average the neighbours and see both.
struct SyntheticPpiOptions {
  std::int64_t graphs = 24;         // 20 train, 2 valid, 2 test (fewer: the last two are valid/test)
  std::int64_t min_nodes = 1800, max_nodes = 3000;  // per graph, uniform (PPI: mean ~2,370)
  double average_degree = 28;       // PPI: ~28 directed edges per node
  std::int64_t features = 50;
  std::int32_t labels = 121;
  double own_weight = 0.3;          // share of the planted score's variance from the node's own features
  std::uint64_t seed = 0;
};
GraphDataset make_synthetic_ppi(const SyntheticPpiOptions& options = {});

}  // namespace gat::io
