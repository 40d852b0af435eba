#pragma once
// Attention weights as JSON (format documented in docs/attention-json.md, schema in
// docs/attention-json.schema.json). Written as a stream, record by record: exporting a graph
// with millions of edges needs memory for the weights, never for a JSON document tree.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <span>
#include <vector>

#include "gat/attention/attention_weights.hpp"
#include "gat/graph/graph.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/tensor/features.hpp"

namespace gat::io {

inline constexpr int kAttentionJsonVersion = 1;

struct AttentionExportOptions {
  std::optional<std::int64_t> layer{};  // only this layer (0-based)
  std::optional<std::int64_t> head{};   // only this head (it must exist in every layer exported)
  bool average_heads = false;           // one weight per edge: the mean over heads
  // Per target node and layer, the k largest weights (of `head`, else the mean over heads),
  // largest first.
  std::optional<std::int64_t> top_k{};
  // Only the edges through which information reaches this node: its incoming edges in the last
  // layer, their sources' incoming edges in the layer before, and so on.
  std::optional<NodeId> node{};
};

struct AttentionExportInfo {
  std::string dataset;
  std::int64_t num_nodes = 0;
  std::vector<std::string> node_names;  // the dataset's own ids; empty: ids are indices
};

// The attention weights of every attention layer of `model` on (graph, features): one
// evaluation-mode forward pass (no dropout) with the weights kept. Entry l has layer l's edges
// (graph's edges with its input loops dropped and one self-loop added per node, when the model
// adds self-loops), their input edge ids (kAddedSelfLoop for added loops) and an edges x heads
// matrix whose columns sum to 1 over each target's incoming edges. features: N x in_features.
// Leaves keep_attention_weights off afterwards. Throws InvalidArgument on a shape mismatch.
std::vector<AttentionWeights<float>> attention_weights(nn::GatModel<float>& model, const Graph& graph,
                                                       const Features& features);
// The same restricted to what reaches `nodes` (distinct): layer l's edges into the nodes within
// L - 1 - l hops of them, in the same order and with the same weights (up to rounding) as above,
// computed on their receptive field (gat::ReceptiveField) instead of the whole graph, so that
// one node's attention on a large graph costs its neighbourhood's work and memory, not the
// graph's. What write_attention_json keeps with AttentionExportOptions::node is the same.
std::vector<AttentionWeights<float>> attention_weights(nn::GatModel<float>& model, const Graph& graph,
                                                       const Features& features, std::span<const NodeId> nodes);

// Writes every selected record of every layer and returns how many. Throws InvalidArgument for a
// layer, head or node out of range.
std::int64_t write_attention_json(std::ostream& out, const std::vector<AttentionWeights<float>>& layers,
                          const AttentionExportInfo& info, const AttentionExportOptions& options);

// The writer behind write_attention_json, for exports computed in pieces (layer by layer over
// chunks of target nodes, gat::sampling::layerwise_forward): the header goes out when it is
// constructed, then the records of each write, then the end with finish(). Pieces must come
// layer by layer and hold whole targets (all of a target's edges in one piece), in target order.
class AttentionJsonWriter {
 public:
  struct LayerShape {
    std::int64_t heads = 0, edges = 0;  // the header's heads and edges of each layer
  };
  // Throws InvalidArgument for a layer, head or node out of range.
  AttentionJsonWriter(std::ostream& out, std::vector<LayerShape> layers, AttentionExportInfo info,
                      AttentionExportOptions options);
  // The selected records of `edges`, a piece of layer `layer`; keep (one flag per edge), when
  // given, drops the edges flagged 0 before top-k. The node filter is the caller's (keep).
  void write(std::int64_t layer, const AttentionWeights<float>& edges, const std::vector<char>* keep = nullptr);
  // Ends the document and returns how many records were written.
  std::int64_t finish();

 private:
  std::ostream& out_;
  std::vector<LayerShape> layers_;
  AttentionExportInfo info_;
  AttentionExportOptions options_;
  std::int64_t records_ = 0;
  std::vector<std::int64_t> order_;
};

// The same, to a file: written to a temporary name and renamed. Throws DataError naming the
// file when it cannot be written.
std::int64_t write_attention_json_file(const std::string& path, const std::vector<AttentionWeights<float>>& layers,
                               const AttentionExportInfo& info, const AttentionExportOptions& options);

// attention_weights(model, graph, features) written as JSON to a stream or a file.
std::int64_t write_attention_json(std::ostream& out, nn::GatModel<float>& model, const Graph& graph, const Features& features,
                          const AttentionExportInfo& info, const AttentionExportOptions& options);
std::int64_t write_attention_json_file(const std::string& path, nn::GatModel<float>& model, const Graph& graph,
                               const Features& features, const AttentionExportInfo& info,
                               const AttentionExportOptions& options);

// An attention JSON document read back: its header and, per layer, its records in file order
// (weights: one column per weight of a record, so heads columns for "per_head", else 1).
struct AttentionDocument {
  AttentionExportInfo info;             // node_names from source_id/target_id, when every node has one
  std::string weights_per_record;       // "per_head", "one_head" or "mean_over_heads"
  std::vector<std::int64_t> layer_heads, layer_edges;  // the header's heads and edges per layer
  std::vector<AttentionWeights<float>> layers;         // records of each layer, one entry per header layer
  bool filtered() const;                // fewer records than the header's edges in some layer
};

// Reads a document written by write_attention_json. Throws DataError naming the file (and the
// record) when it is not valid JSON, not "gat-attention", of another version than
// kAttentionJsonVersion, or has a record out of range.
AttentionDocument read_attention_json(const std::string& path);

}  // namespace gat::io
