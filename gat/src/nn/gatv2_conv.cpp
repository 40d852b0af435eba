#include "gat/nn/gatv2_conv.hpp"

#include "gat/nn/init.hpp"
#include "nn/layer_size.hpp"

namespace gat::nn {

template <class T>
GATv2Conv<T>::GATv2Conv(const GATv2ConvOptions& options) : options_(options) {
  detail::check_layer_size("GATv2Conv", options.in_channels, options.out_channels, options.heads);
  GAT_REQUIRE(options.dropout >= 0 && options.dropout < 1, "GATv2Conv: dropout must be in [0, 1), got ",
              options.dropout);
  const std::int64_t hf = options.heads * options.out_channels;
  const RandomKey key{options.seed, 0x6a72};
  weight_l_ = &this->register_parameter("lin_l.weight", hf, options.in_channels);
  glorot_uniform(weight_l_->value, options.in_channels, hf, key.child(0));
  if (!options.share_weights) {
    weight_r_ = &this->register_parameter("lin_r.weight", hf, options.in_channels);
    glorot_uniform(weight_r_->value, options.in_channels, hf, key.child(1));
  }
  att_ = &this->register_parameter("att", 1, hf);
  glorot_uniform(att_->value, options.heads, options.out_channels, key.child(2));
  att_->shape = {1, options.heads, options.out_channels};
  if (options.bias) {
    bias_ = &this->register_parameter("bias", 1, out_features());
    bias_->shape = {out_features()};
  }
}

template <class T>
LayerInput<T> GATv2Conv<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  GAT_REQUIRE(ctx.graph != nullptr, "GATv2Conv: no graph given in the forward context");
  GAT_REQUIRE(x.rows() == ctx.graph->num_nodes(), "GATv2Conv: features have ", x.rows(), " rows but the graph has ",
              ctx.graph->num_nodes(), " nodes");
  graph_ = &detail::attention_graph(*ctx.graph, options_.add_self_loops, options_.allow_zero_in_degree, "GATv2Conv", looped_graph_);
  const Graph& g = *graph_;
  const bool training = this->is_training();
  const RandomKey key = this->layer_key(ctx);

  dropped_input_ = input_dropout_.forward(x, options_.feature_dropout, key.child(1), training);
  projection_l_.forward(dropped_input_, weight_l_->value, hl_);
  const BasicMatrix<T>* hr = &hl_;
  if (weight_r_) {
    projection_r_.forward(dropped_input_, weight_r_->value, hr_);
    hr = &hr_;
  }
  attention_dropout_ = {training ? options_.dropout : 0.0f, key.child(2)};
  heads_out_.resize_uninitialized(g.num_nodes(), hl_.cols());
  attention::AdditiveScore score;
  score.negative_slope = options_.negative_slope;
  attention::additive_attention_forward<T>(g, hr->view(), hl_.view(), att_->value.view(), hl_.view(),
                                           options_.heads, score, attention_dropout_, heads_out_.view(), state_,
                                           keep_weights_);
  output_ = detail::merge_heads<T>(heads_out_, options_.heads, options_.concat, bias_, out_);
  return LayerInput<T>::of(output_);
}

template <class T>
MatrixView<const T> GATv2Conv<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  GAT_REQUIRE(graph_ != nullptr, "GATv2Conv: backward called before forward");
  const Graph& g = *graph_;
  const std::int64_t n = g.num_nodes(), hf = hl_.cols();
  const bool input_grad = want_input_grad && !dropped_input_.is_sparse();
  const BasicMatrix<T>& hr = weight_r_ ? hr_ : hl_;

  const MatrixView<const T> d_heads = detail::merge_heads_backward<T>(d_out, options_.heads, options_.out_channels,
                                                                     options_.concat, bias_, d_heads_);
  d_query_.resize_uninitialized(n, hf);
  d_key_.resize_uninitialized(n, hf);
  d_values_.resize_uninitialized(n, hf);
  d_att_.resize_uninitialized(1, hf);
  attention::AdditiveScore score;
  score.negative_slope = options_.negative_slope;
  attention::additive_attention_backward<T>(g, hr.view(), hl_.view(), att_->value.view(), hl_.view(), options_.heads,
                                            score, attention_dropout_, state_, d_heads, d_query_.view(),
                                            d_key_.view(), d_att_.view(), d_values_.view());
  for (std::int64_t i = 0; i < hf; ++i) att_->grad.data()[i] += d_att_.data()[i];
  // x_l feeds both the keys and the values; with shared weights it is also the query.
  d_hl_.resize_uninitialized(n, hf);
  for (std::int64_t i = 0; i < d_hl_.size(); ++i) {
    d_hl_.data()[i] = d_key_.data()[i] + d_values_.data()[i];
    if (!weight_r_) d_hl_.data()[i] += d_query_.data()[i];
  }
  projection_l_.backward(dropped_input_, weight_l_->value, d_hl_.view(), weight_l_->grad,
                         input_grad ? &d_in_ : nullptr);
  if (weight_r_) {
    projection_r_.backward(dropped_input_, weight_r_->value, d_query_.view(), weight_r_->grad,
                           input_grad ? &d_in_r_ : nullptr);
    if (input_grad)
      for (std::int64_t i = 0; i < d_in_.size(); ++i) d_in_.data()[i] += d_in_r_.data()[i];
  }
  if (!input_grad) return {};
  input_dropout_.backward(d_in_.view());
  return d_in_.view();
}

template <class T>
AttentionWeights<T> GATv2Conv<T>::attention_weights() const {
  GAT_REQUIRE(graph_ != nullptr, "GATv2Conv: no attention weights before the first forward pass");
  GAT_REQUIRE(keep_weights_ && state_.weights.rows() == graph_->num_edges(),
              "GATv2Conv: attention weights were not kept; call keep_attention_weights(true) before forward");
  AttentionWeights<T> w;
  w.heads = options_.heads;
  detail::fill_edges(*graph_, w.source, w.target, w.input_edge_id);
  w.weights = state_.weights;
  return w;
}

template class GATv2Conv<float>;
template class GATv2Conv<double>;

}  // namespace gat::nn
