#pragma once
// How far a layer's attention is from uniform, per head: the statistics with which Cora's GAT
// attention was found to be nearly uniform (DGL's GAT tutorial plots the histogram of per-node
// attention entropy against the uniform distribution's; Knyazev et al., "Understanding attention
// and generalization in graph neural networks", NeurIPS 2019, measure the distance from uniform).
//
// For a target node i with in-degree d_i (self-loop included) and weights a_ij of one head:
//   entropy H_i = -sum_j a_ij ln a_ij        uniform entropy U_i = ln d_i
//   KL(a_i || uniform) = U_i - H_i           total variation TV_i = 1/2 sum_j |a_ij - 1/d_i|
// Nodes without incoming edges are left out of every mean and histogram.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "gat/attention/attention_weights.hpp"
#include "gat/core/check.hpp"

namespace gat {

struct HeadAttentionStatistics {
  std::int64_t layer = 0, head = 0;
  std::int64_t nodes = 0;               // targets with at least one incoming edge
  double mean_entropy = 0;              // mean of H_i (nats)
  double mean_uniform_entropy = 0;      // mean of U_i = ln d_i
  double mean_kl_from_uniform = 0;      // mean of U_i - H_i
  double mean_total_variation = 0;      // mean of TV_i, in [0, 1)
  std::int64_t self_loop_nodes = 0;     // targets with a self-loop
  double mean_self_loop_weight = 0;     // mean a_ii over those targets
  double mean_uniform_self_loop = 0;    // mean 1/d_i over the same targets
  // Histograms of H_i and of U_i over the same bins: bin b holds values in
  // [b, b + 1) * histogram_width (the last bin also holds the maximum).
  double histogram_width = 0;
  std::vector<std::int64_t> entropy_histogram, uniform_histogram;
};

// Per node, H_i of head `head` (0 for nodes without incoming edges). num_nodes: N.
template <class T>
std::vector<double> attention_entropy(const AttentionWeights<T>& w, std::int64_t head, std::int64_t num_nodes) {
  GAT_REQUIRE(head >= 0 && head < w.heads, "attention_entropy: head ", head, " is outside [0, ", w.heads, ")");
  std::vector<double> entropy(static_cast<std::size_t>(num_nodes), 0.0);
  for (std::int64_t e = 0; e < w.num_edges(); ++e) {
    const double a = w.weights(e, head);
    GAT_REQUIRE(w.target[e] >= 0 && w.target[e] < num_nodes, "attention_entropy: edge ", e, "'s target ",
                w.target[e], " is outside [0, ", num_nodes, ")");
    if (a > 0) entropy[w.target[e]] -= a * std::log(a);
  }
  return entropy;
}

// The statistics of head `head` of one layer (`layer` is only recorded). `bins` > 0 histogram bins
// spanning [0, max_i U_i].
template <class T>
HeadAttentionStatistics head_attention_statistics(const AttentionWeights<T>& w, std::int64_t layer, std::int64_t head,
                                                  std::int64_t num_nodes, std::int64_t bins = 20) {
  GAT_REQUIRE(bins > 0, "head_attention_statistics: bins must be positive, got ", bins);
  const std::size_t n = static_cast<std::size_t>(num_nodes);
  const std::vector<double> entropy = attention_entropy(w, head, num_nodes);
  std::vector<std::int64_t> degree(n, 0);
  std::vector<double> self_loop(n, -1.0);
  for (std::int64_t e = 0; e < w.num_edges(); ++e) {
    ++degree[w.target[e]];
    if (w.source[e] == w.target[e]) self_loop[w.target[e]] = w.weights(e, head);
  }
  std::vector<double> variation(n, 0.0);
  for (std::int64_t e = 0; e < w.num_edges(); ++e)
    variation[w.target[e]] += 0.5 * std::abs(w.weights(e, head) - 1.0 / static_cast<double>(degree[w.target[e]]));

  HeadAttentionStatistics s;
  s.layer = layer;
  s.head = head;
  double max_uniform = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (degree[i] == 0) continue;
    const double uniform = std::log(static_cast<double>(degree[i]));
    max_uniform = std::max(max_uniform, uniform);
    ++s.nodes;
    s.mean_entropy += entropy[i];
    s.mean_uniform_entropy += uniform;
    s.mean_kl_from_uniform += uniform - entropy[i];
    s.mean_total_variation += variation[i];
    if (self_loop[i] >= 0) {
      ++s.self_loop_nodes;
      s.mean_self_loop_weight += self_loop[i];
      s.mean_uniform_self_loop += 1.0 / static_cast<double>(degree[i]);
    }
  }
  if (s.nodes > 0) {
    for (double* m : {&s.mean_entropy, &s.mean_uniform_entropy, &s.mean_kl_from_uniform, &s.mean_total_variation})
      *m /= static_cast<double>(s.nodes);
  }
  if (s.self_loop_nodes > 0) {
    s.mean_self_loop_weight /= static_cast<double>(s.self_loop_nodes);
    s.mean_uniform_self_loop /= static_cast<double>(s.self_loop_nodes);
  }

  s.histogram_width = max_uniform > 0 ? max_uniform / static_cast<double>(bins) : 1.0;
  s.entropy_histogram.assign(static_cast<std::size_t>(bins), 0);
  s.uniform_histogram.assign(static_cast<std::size_t>(bins), 0);
  const auto bin_of = [&](double v) {
    const auto b = static_cast<std::int64_t>(std::max(0.0, v) / s.histogram_width);
    return static_cast<std::size_t>(std::min(b, bins - 1));
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (degree[i] == 0) continue;
    ++s.entropy_histogram[bin_of(entropy[i])];
    ++s.uniform_histogram[bin_of(std::log(static_cast<double>(degree[i])))];
  }
  return s;
}

// Every head of every layer, layer by layer.
template <class T>
std::vector<HeadAttentionStatistics> attention_statistics(const std::vector<AttentionWeights<T>>& layers,
                                                          std::int64_t num_nodes, std::int64_t bins = 20) {
  std::vector<HeadAttentionStatistics> all;
  for (std::size_t l = 0; l < layers.size(); ++l)
    for (std::int64_t h = 0; h < layers[l].heads; ++h)
      all.push_back(head_attention_statistics(layers[l], static_cast<std::int64_t>(l), h, num_nodes, bins));
  return all;
}

}  // namespace gat
