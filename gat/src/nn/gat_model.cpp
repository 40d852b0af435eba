#include "gat/nn/gat_model.hpp"

#include "gat/core/checked_size.hpp"
#include "nn/layer_size.hpp"

namespace gat::nn {

std::string to_string(ConvKind kind) { return kind == ConvKind::gat ? "gat" : "gatv2"; }

ConvKind conv_kind_from_string(const std::string& name) {
  if (name == "gat") return ConvKind::gat;
  if (name == "gatv2") return ConvKind::gatv2;
  throw InvalidArgument("unknown layer kind '" + name + "'; expected gat or gatv2");
}

std::string to_string(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::elu: return "elu";
    case ActivationKind::relu: return "relu";
    case ActivationKind::leaky_relu: return "leaky_relu";
    case ActivationKind::identity: return "identity";
  }
  return "elu";
}

ActivationKind activation_from_string(const std::string& name) {
  for (auto kind : {ActivationKind::elu, ActivationKind::relu, ActivationKind::leaky_relu, ActivationKind::identity})
    if (to_string(kind) == name) return kind;
  throw InvalidArgument("unknown activation '" + name + "'; expected elu, relu, leaky_relu or identity");
}

template <class T>
GatModel<T>::GatModel(const GatModelOptions& o) : options_(o) {
  GAT_REQUIRE(o.in_features > 0, "GatModel: in_features must be positive, got ", o.in_features);
  GAT_REQUIRE(o.num_classes > 0, "GatModel: num_classes must be positive, got ", o.num_classes);
  GAT_REQUIRE(o.layers >= 1 && o.layers <= kMaxLayers, "GatModel: layers must be in [1, ", kMaxLayers, "], got ",
              o.layers);
  // Every layer's shape is checked before the first is built: a model past the bounds fails at
  // once, whatever its depth.
  for (std::int64_t l = 0, in = o.in_features; l < o.layers; ++l) {
    const bool last = l + 1 == o.layers;
    detail::check_layer_size(last ? "GatModel: output layer" : "GatModel: hidden layer", in,
                             last ? o.num_classes : o.hidden, last ? o.output_heads : o.heads);
    in = o.hidden * o.heads;
  }
  std::int64_t in = o.in_features;
  for (std::int64_t l = 0; l < o.layers; ++l) {
    const bool last = l + 1 == o.layers;
    const std::int64_t out = last ? o.num_classes : o.hidden;
    const std::int64_t heads = last ? o.output_heads : o.heads;
    const std::uint64_t seed = o.seed * 1000003ULL + static_cast<std::uint64_t>(l);
    const std::string name = "conv" + std::to_string(l + 1);
    // GATConv and GATv2Conv share these option names.
    auto configure = [&](auto c) {
      c.in_channels = in;
      c.out_channels = out;
      c.heads = heads;
      c.concat = !last;
      c.negative_slope = o.negative_slope;
      c.dropout = o.attention_dropout;
      c.feature_dropout = o.feature_dropout;
      c.add_self_loops = o.add_self_loops;
      c.seed = seed;
      return c;
    };
    if (o.conv == ConvKind::gat) {
      GATConvOptions c = configure(GATConvOptions{});
      c.residual = o.residual;
      c.value_dropout = o.value_dropout;
      c.feature_dropout_per_head = o.feature_dropout_per_head;
      convs_.push_back(&layers_.add(std::make_unique<GATConv<T>>(c), name));
    } else {
      GAT_REQUIRE(!o.residual, "GatModel: residual connections are available for the gat layer only, not gatv2");
      convs_.push_back(&layers_.add(std::make_unique<GATv2Conv<T>>(configure(GATv2ConvOptions{})), name));
    }
    if (!last) layers_.add(std::make_unique<Activation<T>>(ActivationOptions{.kind = o.activation}),
                           "act" + std::to_string(l + 1));
    in = out * heads;
  }
  this->register_module("", layers_);
}

template <class T>
LayerInput<T> GatModel<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  GAT_REQUIRE(x.cols() == options_.in_features, "GatModel: features have ", x.cols(), " columns but the model ",
              "expects ", options_.in_features);
  return layers_.forward(ctx, x);
}

template <class T>
MatrixView<const T> GatModel<T>::backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) {
  return layers_.backward(ctx, d_out, want_input_grad);
}

template <class T>
void GatModel<T>::keep_attention_weights(bool on) {
  for (Layer<T>* conv : convs_) {
    if (auto* g = dynamic_cast<GATConv<T>*>(conv)) g->keep_attention_weights(on);
    if (auto* g = dynamic_cast<GATv2Conv<T>*>(conv)) g->keep_attention_weights(on);
  }
}

template <class T>
AttentionWeights<T> GatModel<T>::attention_weights(std::size_t layer) const {
  GAT_REQUIRE(layer < convs_.size(), "GatModel: attention layer ", layer, " does not exist; the model has ",
              convs_.size());
  if (auto* g = dynamic_cast<const GATConv<T>*>(convs_[layer])) return g->attention_weights();
  return dynamic_cast<const GATv2Conv<T>*>(convs_[layer])->attention_weights();
}

template <class T>
Layer<T>& GatModel<T>::attention_layer(std::size_t layer) {
  GAT_REQUIRE(layer < convs_.size(), "GatModel: attention layer ", layer, " does not exist; the model has ",
              convs_.size());
  return *convs_[layer];
}

template class GatModel<float>;
template class GatModel<double>;

}  // namespace gat::nn
