#include "gat/nn/gat_conv.hpp"

#include <optional>
#include <type_traits>
#include <vector>

#include "attention/source_attention.hpp"
#include "gat/core/phase_profile.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/init.hpp"
#include "nn/attention_graph.hpp"
#include "nn/input_dropout.hpp"
#include "nn/layer_size.hpp"
#include "nn/merge_heads.hpp"

namespace gat::nn {

template <class T>
struct GATConv<T>::Scratch {
  Projection<T> projection_, residual_projection_;
  std::shared_ptr<const Graph> looped_graph_;  // the shared self-looped input graph, when used
  const Graph* graph_ = nullptr;  // the graph of the last forward pass

  LayerInput<T> input_;                    // as given
  LayerInput<T> dropped_input_;            // after feature dropout
  detail::InputDropout<T> input_dropout_;
  detail::HeadwiseInputDropout<T> headwise_dropout_;
  detail::BlockedInputDropout<T> blocked_dropout_;  // large dense input: never a whole dropped copy
  bool blocked_ = false;
  bool headwise_ = false;                  // the last forward pass dropped out per head
  attention::AttentionDropout attention_dropout_;
  float value_drop_p_ = 0;
  RandomKey value_key_{};
  BasicMatrix<T> values_;  // dropped-out h_, when value dropout is on
  std::vector<std::uint8_t> value_keep_;  // its mask, for backward (no second draw)
  BasicMatrix<T> h_, src_score_, dst_score_, heads_out_, out_;
  MatrixView<T> output_;  // heads_out_ (concat, bias added in place) or out_ (mean)
  BasicMatrix<T> residual_;  // x W_res^T in forward, its input gradient in backward
  attention::GraphAttentionState<T> state_;
  BasicMatrix<T> d_heads_, d_src_, d_dst_, d_h_, d_in_;
};

template <class T>
GATConv<T>::GATConv(const GATConvOptions& options) : options_(options), scratch_(std::make_unique<Scratch>()) {
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
GATConv<T>::~GATConv() = default;

namespace {
// The source scores are head_dot(h, att_src): while the values are h itself (no value dropout),
// the attention kernels may take them from the value rows they gather (source_attention.hpp).
template <class T>
MatrixView<const T> source_attention(const Parameter<T>& att_src, float value_drop_p) {
  if (value_drop_p > 0) return {};
  return att_src.value.view();
}
}  // namespace

template <class T>
LayerInput<T> GATConv<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  Scratch& s = *scratch_;
  GAT_REQUIRE(ctx.graph != nullptr, "GATConv: no graph given in the forward context");
  const Graph& input_graph = *ctx.graph;
  GAT_REQUIRE(x.rows() == input_graph.num_nodes(), "GATConv: features have ", x.rows(), " rows but the graph has ",
              input_graph.num_nodes(), " nodes");
  s.graph_ = &detail::attention_graph(input_graph, options_.add_self_loops, options_.allow_zero_in_degree, "GATConv", s.looped_graph_);
  const Graph& g = *s.graph_;
  const std::int64_t heads = options_.heads;
  const bool training = this->is_training();
  const RandomKey key = this->layer_key(ctx);

  s.input_ = x;
  s.headwise_ = training && options_.feature_dropout_per_head && options_.feature_dropout > 0;
  s.blocked_ = !s.headwise_ && !res_weight_ &&
             detail::BlockedInputDropout<T>::applies(x, training ? options_.feature_dropout : 0.0f);
  if (s.headwise_) {
    const profile::Scope timed(profile::Phase::projection);
    s.headwise_dropout_.forward(x, weight_->value, heads, options_.feature_dropout, key.child(1), s.h_);
  } else if (s.blocked_) {
    const profile::Scope timed(profile::Phase::projection);
    s.blocked_dropout_.forward(x.dense, weight_->value, options_.feature_dropout, key.child(1), s.h_);
  } else {
    {
      const profile::Scope timed(profile::Phase::input_dropout);
      s.dropped_input_ = s.input_dropout_.forward(x, options_.feature_dropout, key.child(1), training);
    }
    const profile::Scope timed(profile::Phase::projection);
    s.projection_.forward(s.dropped_input_, weight_->value, s.h_);
  }

  s.src_score_.resize_uninitialized(g.num_nodes(), heads);
  s.dst_score_.resize_uninitialized(g.num_nodes(), heads);
  {
    const profile::Scope timed(profile::Phase::attention_scores);
    attention::head_dot<T>(s.h_.view(), att_src_->value.view(), heads, s.src_score_.view());
    attention::head_dot<T>(s.h_.view(), att_dst_->value.view(), heads, s.dst_score_.view());
  }

  s.attention_dropout_ = {training ? options_.dropout : 0.0f, key.child(2)};
  s.value_drop_p_ = training ? options_.value_dropout : 0.0f;
  s.value_key_ = key.child(3);
  const BasicMatrix<T>* values = &s.h_;
  if (s.value_drop_p_ > 0) {
    const profile::Scope timed(profile::Phase::value_dropout);
    s.values_.resize_uninitialized(s.h_.rows(), s.h_.cols());
    dropout_forward_keep<T>(s.h_.view(), s.value_drop_p_, s.value_key_, s.values_.view(), s.value_keep_);
    values = &s.values_;
  }
  s.heads_out_.resize_uninitialized(g.num_nodes(), s.h_.cols());
  {
    const profile::Scope timed(profile::Phase::attention);
    attention::detail::gat_attention_forward_from_values<T>(
        g, s.src_score_.view(), s.dst_score_.view(), values->view(), heads, {options_.negative_slope},
        source_attention(*att_src_, s.value_drop_p_), s.attention_dropout_, s.heads_out_.view(), s.state_,
        keep_weights_);
  }
  const profile::Scope timed(profile::Phase::merge_heads);
  s.output_ = detail::merge_heads<T>(s.heads_out_, heads, options_.concat, bias_, s.out_);
  if (res_weight_) {
    s.residual_projection_.forward(s.dropped_input_, res_weight_->value, s.residual_);
    for (std::int64_t r = 0; r < s.output_.rows(); ++r)
      for (std::int64_t c = 0; c < s.output_.cols(); ++c) s.output_(r, c) += s.residual_(r, c);
  }
  return LayerInput<T>::of(s.output_);
}

template <class T>
MatrixView<const T> GATConv<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  Scratch& s = *scratch_;
  GAT_REQUIRE(s.graph_ != nullptr, "GATConv: backward called before forward");
  GAT_REQUIRE(d_out.rows() == s.output_.rows() && d_out.cols() == s.output_.cols(), "GATConv backward: gradient is ",
              d_out.rows(), "x", d_out.cols(), " but the output was ", s.output_.rows(), "x", s.output_.cols());
  const Graph& g = *s.graph_;
  const std::int64_t heads = options_.heads;
  const bool input_grad = want_input_grad && !s.input_.is_sparse();

  std::optional<profile::Scope> timed(std::in_place, profile::Phase::backward_other);
  const MatrixView<const T> d_heads =
      detail::merge_heads_backward<T>(d_out, heads, options_.out_channels, options_.concat, bias_, s.d_heads_);
  timed.emplace(profile::Phase::backward_attention);
  s.d_src_.resize_uninitialized(g.num_nodes(), heads);
  s.d_dst_.resize_uninitialized(g.num_nodes(), heads);
  s.d_h_.resize_uninitialized(g.num_nodes(), s.h_.cols());
  const BasicMatrix<T>& values = s.value_drop_p_ > 0 ? s.values_ : s.h_;
  attention::detail::gat_attention_backward_from_values<T>(
      g, s.src_score_.view(), s.dst_score_.view(), values.view(), heads, {options_.negative_slope},
      source_attention(*att_src_, s.value_drop_p_), s.attention_dropout_, s.state_, d_heads, s.d_src_.view(),
      s.d_dst_.view(), s.d_h_.view());
  if (s.value_drop_p_ > 0) dropout_backward_kept<T>(s.d_h_.view(), s.value_drop_p_, s.value_keep_, s.d_h_.view());
  attention::head_dot_backward<T>(s.h_.view(), att_src_->value.view(), heads, s.d_src_.view(), s.d_h_.view(),
                                  att_src_->grad.view());
  attention::head_dot_backward<T>(s.h_.view(), att_dst_->value.view(), heads, s.d_dst_.view(), s.d_h_.view(),
                                  att_dst_->grad.view());
  timed.emplace(profile::Phase::backward_projection);
  if (s.headwise_) {
    // The heads' masks are already applied to s.d_in_.
    s.headwise_dropout_.backward(s.input_, weight_->value, s.d_h_.view(), weight_->grad, input_grad ? &s.d_in_ : nullptr);
    return input_grad ? s.d_in_.view() : MatrixView<const T>{};
  }
  if (s.blocked_) {  // the input mask is applied to s.d_in_ already
    s.blocked_dropout_.backward(s.input_.dense, weight_->value, s.d_h_.view(), weight_->grad, input_grad ? &s.d_in_ : nullptr);
    return input_grad ? s.d_in_.view() : MatrixView<const T>{};
  }
  s.projection_.backward(s.dropped_input_, weight_->value, s.d_h_.view(), weight_->grad, input_grad ? &s.d_in_ : nullptr);
  if (res_weight_) {
    s.residual_projection_.backward(s.dropped_input_, res_weight_->value, d_out, res_weight_->grad,
                                  input_grad ? &s.residual_ : nullptr);
    if (input_grad)
      for (std::int64_t i = 0; i < s.d_in_.size(); ++i) s.d_in_.data()[i] += s.residual_.data()[i];
  }
  if (!input_grad) return {};
  s.input_dropout_.backward(s.d_in_.view());
  return s.d_in_.view();
}

template <class T>
AttentionWeights<T> GATConv<T>::attention_weights() const {
  const Scratch& s = *scratch_;
  return detail::kept_attention_weights<T>("GATConv", s.graph_, keep_weights_, s.state_.weights, options_.heads);
}

template class GATConv<float>;
template class GATConv<double>;

}  // namespace gat::nn
