#pragma once
// GATv2Conv: dynamic attention of Brody, Alon & Yahav, "How Attentive are Graph Attention
// Networks?", ICLR 2022. The nonlinearity moves inside the score, so the ranking of neighbours
// can depend on the query node:
//   e(j->i, k) = a_k . LeakyReLU(W_l x_j + W_r x_i)_k,  out_i,k = sum_j alpha(j->i,k) (W_l x_j)_k
// An instance of the additive attention primitive. Parameter names follow PyG's GATv2Conv
// ("lin_l.weight", "lin_r.weight", "att" [1, heads*F], "bias"); with share_weights W_r = W_l.
#include "gat/nn/gat_conv.hpp"

namespace gat::nn {

struct GATv2ConvOptions {
  std::int64_t in_channels = 0;
  std::int64_t out_channels = 0;
  std::int64_t heads = 1;
  bool concat = true;
  double negative_slope = 0.2;
  float dropout = 0.0f;
  float feature_dropout = 0.0f;
  bool add_self_loops = true;
  bool bias = true;
  bool share_weights = false;
  bool allow_zero_in_degree = false;
  std::uint64_t seed = 0;
};

template <class T>
class GATv2Conv : public Layer<T> {
 public:
  explicit GATv2Conv(const GATv2ConvOptions& options);
  ~GATv2Conv() override;

  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;
  bool aggregates_over_graph() const noexcept override { return true; }

  void keep_attention_weights(bool on) noexcept { keep_weights_ = on; }
  AttentionWeights<T> attention_weights() const;
  const GATv2ConvOptions& options() const noexcept { return options_; }
  std::int64_t out_features() const noexcept { return options_.concat ? options_.heads * options_.out_channels
                                                                       : options_.out_channels; }

 private:
  struct Scratch;  // what forward keeps for backward, and the buffers both reuse (gatv2_conv.cpp)

  GATv2ConvOptions options_;
  Parameter<T>* weight_l_;
  Parameter<T>* weight_r_ = nullptr;  // null when shared
  Parameter<T>* att_;
  Parameter<T>* bias_ = nullptr;
  bool keep_weights_ = false;
  std::unique_ptr<Scratch> scratch_;
};

}  // namespace gat::nn
