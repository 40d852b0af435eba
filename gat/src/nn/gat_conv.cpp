#include "gat/nn/gat_conv.hpp"

#include <optional>
#include <type_traits>

#include "gat/core/phase_profile.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/init.hpp"
#include "nn/layer_size.hpp"

namespace gat::nn {

template <class T>
GATConv<T>::GATConv(const GATConvOptions& options) : options_(options) {
  detail::check_layer_size("GATConv", options.in_channels, options.out_channels, options.heads);
  GAT_REQUIRE(options.dropout >= 0 && options.dropout < 1, "GATConv: dropout must be in [0, 1), got ",
              options.dropout);
  GAT_REQUIRE(options.feature_dropout >= 0 && options.feature_dropout < 1,
              "GATConv: feature_dropout must be in [0, 1), got ", options.feature_dropout);
  GAT_REQUIRE(options.value_dropout >= 0 && options.value_dropout < 1,
              "GATConv: value_dropout must be in [0, 1), got ", options.value_dropout);
  GAT_REQUIRE(!(options.feature_dropout_per_head && options.residual),
              "GATConv: feature_dropout_per_head with residual is not supported (which head's mask would the ",
              "residual projection see?); turn one of them off");
  const std::int64_t hf = options.heads * options.out_channels;
  weight_ = &this->register_parameter("lin.weight", hf, options.in_channels);
  att_src_ = &this->register_parameter("att_src", 1, hf);
  att_dst_ = &this->register_parameter("att_dst", 1, hf);
  const RandomKey key{options.seed, 0x6a7};
  glorot_uniform(weight_->value, options.in_channels, hf, key.child(0));
  glorot_uniform(att_src_->value, options.heads, options.out_channels, key.child(1));
  glorot_uniform(att_dst_->value, options.heads, options.out_channels, key.child(2));
  att_src_->shape = att_dst_->shape = {1, options.heads, options.out_channels};
  if (options.bias) {
    bias_ = &this->register_parameter("bias", 1, out_features());
    bias_->shape = {out_features()};
  }
  if (options.residual) {
    res_weight_ = &this->register_parameter("res.weight", out_features(), options.in_channels);
    glorot_uniform(res_weight_->value, options.in_channels, out_features(), key.child(3));
  }
}

template <class T>
LayerInput<T> GATConv<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  GAT_REQUIRE(ctx.graph != nullptr, "GATConv: no graph given in the forward context");
  const Graph& input_graph = *ctx.graph;
  GAT_REQUIRE(x.rows() == input_graph.num_nodes(), "GATConv: features have ", x.rows(), " rows but the graph has ",
              input_graph.num_nodes(), " nodes");
  graph_ = &detail::attention_graph(input_graph, options_.add_self_loops, options_.allow_zero_in_degree, "GATConv", looped_graph_);
  const Graph& g = *graph_;
  const std::int64_t heads = options_.heads;
  const bool training = this->is_training();
  const RandomKey key = this->layer_key(ctx);

  input_ = x;
  headwise_ = training && options_.feature_dropout_per_head && options_.feature_dropout > 0;
  blocked_ = !headwise_ && !res_weight_ &&
             detail::BlockedInputDropout<T>::applies(x, training ? options_.feature_dropout : 0.0f);
  if (headwise_) {
    const profile::Scope timed(profile::Phase::projection);
    headwise_dropout_.forward(x, weight_->value, heads, options_.feature_dropout, key.child(1), h_);
  } else if (blocked_) {
    const profile::Scope timed(profile::Phase::projection);
    blocked_dropout_.forward(x.dense, weight_->value, options_.feature_dropout, key.child(1), h_);
  } else {
    {
      const profile::Scope timed(profile::Phase::input_dropout);
      dropped_input_ = input_dropout_.forward(x, options_.feature_dropout, key.child(1), training);
    }
    const profile::Scope timed(profile::Phase::projection);
    projection_.forward(dropped_input_, weight_->value, h_);
  }

  src_score_.resize_uninitialized(g.num_nodes(), heads);
  dst_score_.resize_uninitialized(g.num_nodes(), heads);
  {
    const profile::Scope timed(profile::Phase::attention_scores);
    attention::head_dot<T>(h_.view(), att_src_->value.view(), heads, src_score_.view());
    attention::head_dot<T>(h_.view(), att_dst_->value.view(), heads, dst_score_.view());
  }

  attention_dropout_ = {training ? options_.dropout : 0.0f, key.child(2)};
  value_drop_p_ = training ? options_.value_dropout : 0.0f;
  value_key_ = key.child(3);
  const BasicMatrix<T>* values = &h_;
  if (value_drop_p_ > 0) {
    const profile::Scope timed(profile::Phase::value_dropout);
    values_.resize_uninitialized(h_.rows(), h_.cols());
    dropout_forward_keep<T>(h_.view(), value_drop_p_, value_key_, values_.view(), value_keep_);
    values = &values_;
  }
  heads_out_.resize_uninitialized(g.num_nodes(), h_.cols());
  {
    const profile::Scope timed(profile::Phase::attention);
    attention::gat_attention_forward<T>(g, src_score_.view(), dst_score_.view(), values->view(), heads,
                                        concat_score(), attention_dropout_, heads_out_.view(), state_,
                                        keep_weights_);
  }
  const profile::Scope timed(profile::Phase::merge_heads);
  output_ = detail::merge_heads<T>(heads_out_, heads, options_.concat, bias_, out_);
  if (res_weight_) {
    residual_projection_.forward(dropped_input_, res_weight_->value, residual_);
    for (std::int64_t r = 0; r < output_.rows(); ++r)
      for (std::int64_t c = 0; c < output_.cols(); ++c) output_(r, c) += residual_(r, c);
  }
  return LayerInput<T>::of(output_);
}

// The source scores are head_dot(h_, att_src): while the values are h_ itself (no value dropout),
// the attention kernels may take them from the value rows they gather (ConcatScore).
template <class T>
attention::ConcatScore GATConv<T>::concat_score() const {
  attention::ConcatScore score{options_.negative_slope};
  if constexpr (std::is_same_v<T, float>) {
    if (value_drop_p_ == 0) score.source_attention = att_src_->value.view();
  }
  return score;
}

template <class T>
MatrixView<const T> GATConv<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  GAT_REQUIRE(graph_ != nullptr, "GATConv: backward called before forward");
  GAT_REQUIRE(d_out.rows() == output_.rows() && d_out.cols() == output_.cols(), "GATConv backward: gradient is ",
              d_out.rows(), "x", d_out.cols(), " but the output was ", output_.rows(), "x", output_.cols());
  const Graph& g = *graph_;
  const std::int64_t heads = options_.heads;
  const bool input_grad = want_input_grad && !input_.is_sparse();

  std::optional<profile::Scope> timed(std::in_place, profile::Phase::backward_other);
  const MatrixView<const T> d_heads =
      detail::merge_heads_backward<T>(d_out, heads, options_.out_channels, options_.concat, bias_, d_heads_);
  timed.emplace(profile::Phase::backward_attention);
  d_src_.resize_uninitialized(g.num_nodes(), heads);
  d_dst_.resize_uninitialized(g.num_nodes(), heads);
  d_h_.resize_uninitialized(g.num_nodes(), h_.cols());
  const BasicMatrix<T>& values = value_drop_p_ > 0 ? values_ : h_;
  attention::gat_attention_backward<T>(g, src_score_.view(), dst_score_.view(), values.view(), heads,
                                       concat_score(), attention_dropout_, state_, d_heads,
                                       d_src_.view(), d_dst_.view(), d_h_.view());
  if (value_drop_p_ > 0) dropout_backward_kept<T>(d_h_.view(), value_drop_p_, value_keep_, d_h_.view());
  attention::head_dot_backward<T>(h_.view(), att_src_->value.view(), heads, d_src_.view(), d_h_.view(),
                                  att_src_->grad.view());
  attention::head_dot_backward<T>(h_.view(), att_dst_->value.view(), heads, d_dst_.view(), d_h_.view(),
                                  att_dst_->grad.view());
  timed.emplace(profile::Phase::backward_projection);
  if (headwise_) {
    // The heads' masks are already applied to d_in_.
    headwise_dropout_.backward(input_, weight_->value, d_h_.view(), weight_->grad, input_grad ? &d_in_ : nullptr);
    return input_grad ? d_in_.view() : MatrixView<const T>{};
  }
  if (blocked_) {  // the input mask is applied to d_in_ already
    blocked_dropout_.backward(input_.dense, weight_->value, d_h_.view(), weight_->grad, input_grad ? &d_in_ : nullptr);
    return input_grad ? d_in_.view() : MatrixView<const T>{};
  }
  projection_.backward(dropped_input_, weight_->value, d_h_.view(), weight_->grad, input_grad ? &d_in_ : nullptr);
  if (res_weight_) {
    residual_projection_.backward(dropped_input_, res_weight_->value, d_out, res_weight_->grad,
                                  input_grad ? &residual_ : nullptr);
    if (input_grad)
      for (std::int64_t i = 0; i < d_in_.size(); ++i) d_in_.data()[i] += residual_.data()[i];
  }
  if (!input_grad) return {};
  input_dropout_.backward(d_in_.view());
  return d_in_.view();
}

template <class T>
AttentionWeights<T> GATConv<T>::attention_weights() const {
  GAT_REQUIRE(graph_ != nullptr, "GATConv: no attention weights before the first forward pass");
  GAT_REQUIRE(keep_weights_ && state_.weights.rows() == graph_->num_edges(),
              "GATConv: attention weights were not kept; call keep_attention_weights(true) before forward");
  AttentionWeights<T> w;
  w.heads = options_.heads;
  detail::fill_edges(*graph_, w.source, w.target, w.input_edge_id);
  w.weights = state_.weights;
  return w;
}

template class GATConv<float>;
template class GATConv<double>;

}  // namespace gat::nn
