#pragma once
// The node classifier of the GAT paper (Veličković et al. 2018, section 3.3): graph attention
// layers with an activation between them, dropout on every layer's input and on the attention
// coefficients. Hidden layers concatenate their heads; the output layer averages its heads
// (one head for Cora and Citeseer, eight for Pubmed in the paper). Layers are named "conv1",
// "conv2", ... as in PyG's examples, so parameters are "conv1.lin.weight" and so on.
#include <memory>
#include <string>
#include <vector>

#include "gat/nn/activation.hpp"
#include "gat/nn/gat_conv.hpp"
#include "gat/nn/gatv2_conv.hpp"
#include "gat/nn/sequential.hpp"

namespace gat::nn {

enum class ConvKind { gat, gatv2 };

struct GatModelOptions {
  ConvKind conv = ConvKind::gat;
  std::int64_t in_features = 0;
  std::int64_t num_classes = 0;
  std::int64_t layers = 2;         // attention layers
  std::int64_t hidden = 8;         // features per head in hidden layers
  std::int64_t heads = 8;          // heads in hidden layers
  std::int64_t output_heads = 1;   // heads of the output layer, averaged
  float feature_dropout = 0.6f;    // dropout on every layer's input
  bool feature_dropout_per_head = false;  // one input-dropout mask per head (gat layer only)
  float attention_dropout = 0.6f;  // dropout on the attention coefficients
  float value_dropout = 0.0f;      // dropout on the aggregated projected features (gat layer only)
  double negative_slope = 0.2;
  ActivationKind activation = ActivationKind::elu;
  bool add_self_loops = true;
  bool residual = false;
  std::uint64_t seed = 0;          // initialisation
};

// Names for the command line and checkpoints.
std::string to_string(ConvKind kind);
ConvKind conv_kind_from_string(const std::string& name);
std::string to_string(ActivationKind kind);
ActivationKind activation_from_string(const std::string& name);

template <class T>
class GatModel : public Layer<T> {
 public:
  explicit GatModel(const GatModelOptions& options);

  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;

  const GatModelOptions& options() const noexcept { return options_; }
  std::size_t num_attention_layers() const noexcept { return convs_.size(); }
  // Keep every layer's attention weights in the next forward passes.
  void keep_attention_weights(bool on);
  // Attention weights of attention layer `layer` (0-based) from the last forward pass.
  AttentionWeights<T> attention_weights(std::size_t layer) const;
  // Attention layer `layer` (0-based) alone, for running the model one layer at a time over
  // chunks of nodes (gat/sampling/layerwise_inference.hpp). Between two of them the model applies
  // Activation<T>({.kind = options().activation}).
  Layer<T>& attention_layer(std::size_t layer);

 private:
  GatModelOptions options_;
  Sequential<T> layers_;
  std::vector<Layer<T>*> convs_;
};

}  // namespace gat::nn
