#pragma once
// The attention viewer: one self-contained HTML page (no network, no JavaScript library) that
// draws a node's 1- and 2-hop in-neighbourhood with edge width and colour by attention, per
// layer and head or averaged over heads, with pickers, a top-k table and the attention
// statistics of every head (gat/attention/attention_statistics.hpp). Documented in
// docs/attention-viewer.md.
//
// The page embeds its data as JSON inside the HTML: per node its class and prediction, and per
// layer a CSR of the embedded targets' incoming edges with their weights as 16-bit fixed point
// (each target's weights of one head sum to exactly 65535), base64-encoded. Small graphs embed
// every target; large ones (more than `max_complete_weights` weights over all layers and heads)
// embed only the neighbourhoods of the nodes the pickers list and of `nodes`.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "gat/attention/attention_statistics.hpp"
#include "gat/attention/attention_weights.hpp"
#include "gat/graph/graph.hpp"

namespace gat::viewer {

// Bumped with any change of the embedded data's layout; the page refuses other versions.
inline constexpr int kPageDataVersion = 1;

struct PageInput {
  std::string dataset;
  std::int64_t num_nodes = 0;
  const std::vector<AttentionWeights<float>>* layers = nullptr;  // edges grouped by target or not
  std::vector<std::string> node_names;    // the dataset's own ids; empty: ids are indices
  std::vector<std::int32_t> labels;       // true classes; empty: unknown
  std::vector<std::int32_t> predictions;  // predicted classes; empty: no model
  std::vector<float> confidence;          // the predicted class's probability, with predictions
  std::string training_curve_svg;         // training_curve_svg(), or empty
  std::string note;                       // shown under the title (where the weights come from)
};

enum class Embed { automatic, all, picked };

struct PageOptions {
  Embed embed = Embed::automatic;
  std::int64_t max_complete_weights = 1'000'000;  // automatic: all targets up to this many weights
  std::int64_t picker_size = 25;                  // nodes per picker list
  std::vector<NodeId> nodes;                      // embedded too; the first is shown first
};

struct PageSummary {
  std::int64_t embedded_targets = 0;  // per layer, at most
  bool complete = false;              // every target of every layer is embedded
  NodeId first_node = 0;
};

// The statistics as the page embeds them and `gat attention --stats --json` prints them: one
// object per head with layer, head, nodes, entropy, uniform_entropy, kl, total_variation,
// self_loop, uniform_self_loop, histogram_width, entropy_histogram and uniform_histogram.
nlohmann::json attention_statistics_json(const std::vector<HeadAttentionStatistics>& statistics);

// The HTML text. Throws InvalidArgument when the inputs' sizes disagree or a node is out of
// range.
std::string attention_page(const PageInput& input, const PageOptions& options, PageSummary* summary = nullptr);

}  // namespace gat::viewer
