#pragma once
// GATConv: the graph attention layer of Veličković et al., "Graph Attention Networks", ICLR 2018.
//
//   h = x W^T                                   (N x heads*F; W: [heads*F, in])
//   e(j->i, k) = LeakyReLU(a_src_k . h_j,k + a_dst_k . h_i,k)
//   alpha(j->i, k) = softmax over i's incoming edges of e(., k)
//   out_i,k = sum_j dropout(alpha(j->i, k)) h_j,k
//   out_i = concat_k out_i,k (+ bias)   or   mean_k out_i,k (+ bias)
//
// Built from the attention primitives: head_dot gives the per-node halves of the concat score,
// gat_attention_forward/backward the fused score-softmax-aggregate pass over the incoming rows.
// Options and parameter names follow PyG's GATConv ("lin.weight" [heads*F, in], "att_src" and
// "att_dst" [1, heads*F], "bias"), so configurations and checkpoints carry over; feature dropout
// is DGL's feat_drop.
#include <cstdint>
#include <memory>

#include "gat/attention/attention_weights.hpp"
#include "gat/attention/graph_attention.hpp"
#include "gat/nn/projection.hpp"

namespace gat::nn {

struct GATConvOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;  // F, per head
  std::int64_t heads = 1;
  bool concat = true;              // concatenate heads (N x heads*F) or average them (N x F)
  double negative_slope = 0.2;
  float dropout = 0.0f;            // on the attention coefficients (PyG's dropout)
  float feature_dropout = 0.0f;    // on the input features (DGL's feat_drop)
  // Every head draws its own feature-dropout mask, as the reference GAT implementation does (its
  // dropout sits inside each attention head); off, all heads see one mask, as in PyG and DGL.
  bool feature_dropout_per_head = false;
  // On the projected features that are aggregated (not those that are scored), as the reference
  // GAT implementation does with its input dropout rate.
  float value_dropout = 0.0f;
  bool add_self_loops = true;      // PyG's rule: drop existing loops, add one per node
  bool bias = true;
  bool residual = false;           // out += x W_res^T ("res.weight")
  // With add_self_loops off, a node with no incoming edge is an error unless this is set; its
  // output is then zero (plus bias).
  bool allow_zero_in_degree = false;
  std::uint64_t seed = 0;          // Glorot initialisation
};

using gat::AttentionWeights;

template <class T>
class GATConv : public Layer<T> {
 public:
  explicit GATConv(const GATConvOptions& options);
  ~GATConv() override;

  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;
  bool aggregates_over_graph() const noexcept override { return true; }

  // The attention weights of the last forward pass (ask with keep_attention_weights(true) first).
  void keep_attention_weights(bool on) noexcept { keep_weights_ = on; }
  AttentionWeights<T> attention_weights() const;

  const GATConvOptions& options() const noexcept { return options_; }
  std::int64_t out_features() const noexcept { return options_.concat ? options_.heads * options_.out_channels
                                                                       : options_.out_channels; }

 private:
  struct Scratch;  // what forward keeps for backward, and the buffers both reuse (gat_conv.cpp)

  GATConvOptions options_;
  Parameter<T>* weight_;
  Parameter<T>* att_src_;
  Parameter<T>* att_dst_;
  Parameter<T>* bias_ = nullptr;
  Parameter<T>* res_weight_ = nullptr;
  bool keep_weights_ = false;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace gat::nn
