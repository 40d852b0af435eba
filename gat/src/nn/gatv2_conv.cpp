#include "gat/nn/gatv2_conv.hpp"

#include "gat/nn/init.hpp"
#include "nn/attention_graph.hpp"
#include "nn/input_dropout.hpp"
#include "nn/layer_size.hpp"
#include "nn/merge_heads.hpp"

namespace gat::nn {

template <class T>
struct GATv2Conv<T>::Scratch {
  Projection<T> projection_l_, projection_r_;
  std::shared_ptr<const Graph> looped_graph_;  // the shared self-looped input graph, when used
  const Graph* graph_ = nullptr;

  LayerInput<T> dropped_input_;
  detail::InputDropout<T> input_dropout_;
  attention::AttentionDropout attention_dropout_;
  BasicMatrix<T> hl_, hr_, heads_out_, out_;
  MatrixView<T> output_;  // heads_out_ (concat, bias added in place) or out_ (mean)
  attention::GraphAttentionState<T> state_;
  BasicMatrix<T> d_heads_, d_query_, d_key_, d_values_, d_hl_, d_in_, d_in_r_, d_att_;
};

template <class T>
GATv2Conv<T>::GATv2Conv(const GATv2ConvOptions& options)
    : options_(options), scratch_(std::make_unique<Scratch>()) {
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
GATv2Conv<T>::~GATv2Conv() = default;

template <class T>
LayerInput<T> GATv2Conv<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  Scratch& s = *scratch_;
  GAT_REQUIRE(ctx.graph != nullptr, "GATv2Conv: no graph given in the forward context");
  GAT_REQUIRE(x.rows() == ctx.graph->num_nodes(), "GATv2Conv: features have ", x.rows(), " rows but the graph has ",
              ctx.graph->num_nodes(), " nodes");
  s.graph_ = &detail::attention_graph(*ctx.graph, options_.add_self_loops, options_.allow_zero_in_degree, "GATv2Conv", s.looped_graph_);
  const Graph& g = *s.graph_;
  const bool training = this->is_training();
  const RandomKey key = this->layer_key(ctx);

  s.dropped_input_ = s.input_dropout_.forward(x, options_.feature_dropout, key.child(1), training);
  s.projection_l_.forward(s.dropped_input_, weight_l_->value, s.hl_);
  const BasicMatrix<T>* hr = &s.hl_;
  if (weight_r_) {
    s.projection_r_.forward(s.dropped_input_, weight_r_->value, s.hr_);
    hr = &s.hr_;
  }
  s.attention_dropout_ = {training ? options_.dropout : 0.0f, key.child(2)};
  s.heads_out_.resize_uninitialized(g.num_nodes(), s.hl_.cols());
  attention::AdditiveScore score;
  score.negative_slope = options_.negative_slope;
  attention::additive_attention_forward<T>(g, hr->view(), s.hl_.view(), att_->value.view(), s.hl_.view(),
                                           options_.heads, score, s.attention_dropout_, s.heads_out_.view(), s.state_,
                                           keep_weights_);
  s.output_ = detail::merge_heads<T>(s.heads_out_, options_.heads, options_.concat, bias_, s.out_);
  return LayerInput<T>::of(s.output_);
}

template <class T>
MatrixView<const T> GATv2Conv<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  Scratch& s = *scratch_;
  GAT_REQUIRE(s.graph_ != nullptr, "GATv2Conv: backward called before forward");
  const Graph& g = *s.graph_;
  const std::int64_t n = g.num_nodes(), hf = s.hl_.cols();
  const bool input_grad = want_input_grad && !s.dropped_input_.is_sparse();
  const BasicMatrix<T>& hr = weight_r_ ? s.hr_ : s.hl_;

  const MatrixView<const T> d_heads = detail::merge_heads_backward<T>(d_out, options_.heads, options_.out_channels,
                                                                     options_.concat, bias_, s.d_heads_);
  s.d_query_.resize_uninitialized(n, hf);
  s.d_key_.resize_uninitialized(n, hf);
  s.d_values_.resize_uninitialized(n, hf);
  s.d_att_.resize_uninitialized(1, hf);
  attention::AdditiveScore score;
  score.negative_slope = options_.negative_slope;
  attention::additive_attention_backward<T>(g, hr.view(), s.hl_.view(), att_->value.view(), s.hl_.view(), options_.heads,
                                            score, s.attention_dropout_, s.state_, d_heads, s.d_query_.view(),
                                            s.d_key_.view(), s.d_att_.view(), s.d_values_.view());
  for (std::int64_t i = 0; i < hf; ++i) att_->grad.data()[i] += s.d_att_.data()[i];
  // x_l feeds both the keys and the values; with shared weights it is also the query.
  s.d_hl_.resize_uninitialized(n, hf);
  for (std::int64_t i = 0; i < s.d_hl_.size(); ++i) {
    s.d_hl_.data()[i] = s.d_key_.data()[i] + s.d_values_.data()[i];
    if (!weight_r_) s.d_hl_.data()[i] += s.d_query_.data()[i];
  }
  s.projection_l_.backward(s.dropped_input_, weight_l_->value, s.d_hl_.view(), weight_l_->grad,
                         input_grad ? &s.d_in_ : nullptr);
  if (weight_r_) {
    s.projection_r_.backward(s.dropped_input_, weight_r_->value, s.d_query_.view(), weight_r_->grad,
                           input_grad ? &s.d_in_r_ : nullptr);
    if (input_grad)
      for (std::int64_t i = 0; i < s.d_in_.size(); ++i) s.d_in_.data()[i] += s.d_in_r_.data()[i];
  }
  if (!input_grad) return {};
  s.input_dropout_.backward(s.d_in_.view());
  return s.d_in_.view();
}

template <class T>
AttentionWeights<T> GATv2Conv<T>::attention_weights() const {
  const Scratch& s = *scratch_;
  return detail::kept_attention_weights<T>("GATv2Conv", s.graph_, keep_weights_, s.state_.weights, options_.heads);
}

template class GATv2Conv<float>;
template class GATv2Conv<double>;

}  // namespace gat::nn
