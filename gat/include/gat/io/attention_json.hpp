#pragma once
// Attention weights as JSON (format documented in docs/attention-json.md, schema in
// docs/attention-json.schema.json). Written as a stream, record by record: exporting a graph
// with millions of edges needs memory for the weights, never for a JSON document tree.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gat/attention/attention_weights.hpp"

namespace gat::io {

inline constexpr int kAttentionJsonVersion = 1;

struct AttentionExportOptions {
  std::optional<std::int64_t> layer;  // only this layer (0-based)
  std::optional<std::int64_t> head;   // only this head
  bool average_heads = false;         // one weight per edge: the mean over heads
  std::optional<std::int64_t> top_k;  // per target node and layer, the k largest (by mean over heads)
  // Only the edges through which information reaches this node: its incoming edges in the last
  // layer, their sources' incoming edges in the layer before, and so on.
  std::optional<NodeId> node;
};

struct AttentionExportInfo {
  std::string dataset;
  std::int64_t num_nodes = 0;
  std::vector<std::string> node_names;  // the dataset's own ids; empty: ids are indices
};

// Writes every selected record of every layer. Throws InvalidArgument for a layer, head or node
// out of range.
void write_attention_json(std::ostream& out, const std::vector<AttentionWeights<float>>& layers,
                          const AttentionExportInfo& info, const AttentionExportOptions& options);

// The same, to a file: written to a temporary name and renamed.
void write_attention_json_file(const std::string& path, const std::vector<AttentionWeights<float>>& layers,
                               const AttentionExportInfo& info, const AttentionExportOptions& options);

}  // namespace gat::io
