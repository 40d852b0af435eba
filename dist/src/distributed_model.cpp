#include "gat/dist/distributed_model.hpp"

#include <algorithm>

#include "gat/attention/graph_attention.hpp"
#include "gat/core/check.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/projection.hpp"

namespace gat::dist {

namespace {

// Local row of global node v: owned rows first (ascending global id), then the halo's.
class LocalIds {
 public:
  explicit LocalIds(const GraphPart& part) : owned_(part.owned) {
    halo_.reserve(part.halo.size());
    for (std::size_t k = 0; k < part.halo.size(); ++k)
      halo_.emplace_back(part.halo[k], static_cast<NodeId>(part.owned.size() + k));
    std::sort(halo_.begin(), halo_.end());
  }
  NodeId operator()(NodeId v) const {
    const auto own = std::lower_bound(owned_.begin(), owned_.end(), v);
    if (own != owned_.end() && *own == v) return static_cast<NodeId>(own - owned_.begin());
    const auto h = std::lower_bound(halo_.begin(), halo_.end(), std::pair<NodeId, NodeId>{v, 0});
    GAT_REQUIRE(h != halo_.end() && h->first == v, "the part's edges read node ", v, ", which is neither owned nor in its halo");
    return h->second;
  }

 private:
  std::span<const std::int32_t> owned_;
  std::vector<std::pair<NodeId, NodeId>> halo_;
};

Graph local_graph(const GraphPart& part, bool add_self_loops) {
  const LocalIds local(part);
  std::vector<NodeId> source, target;
  source.reserve(part.in_sources.size() + part.owned.size());
  target.reserve(source.capacity());
  for (NodeId i = 0; i < part.num_owned(); ++i) {
    for (std::int64_t e = part.in_offsets[static_cast<std::size_t>(i)]; e < part.in_offsets[static_cast<std::size_t>(i) + 1]; ++e) {
      const NodeId j = local(part.in_sources[static_cast<std::size_t>(e)]);
      if (add_self_loops && j == i) continue;  // PyG's rule: the input's loops go, one is added
      source.push_back(j);
      target.push_back(i);
    }
    if (add_self_loops) {
      source.push_back(i);
      target.push_back(i);
    }
  }
  return Graph::from_edges(part.num_owned() + part.num_halo(), source, target);
}

MatrixView<float> first_rows(BasicMatrix<float>& m, std::int64_t rows) { return {m.data(), rows, m.cols()}; }

}  // namespace

// One GATConv of the model, over the part: its parameters are the model's.
struct DistributedGat::Layer {
  nn::GATConvOptions o;
  Parameter<float>* weight = nullptr;
  Parameter<float>* att_src = nullptr;
  Parameter<float>* att_dst = nullptr;
  Parameter<float>* bias = nullptr;
  std::int64_t groups = 1;  // input-dropout masks: one per head, or one shared by the heads
  std::vector<nn::Projection<float>> projections;
  std::vector<Features> dropped_sparse;
  std::vector<Matrix> dropped_dense, group_weight, group_grad, group_out, group_dx;
  nn::LayerInput<float> input;
  std::vector<nn::LayerInput<float>> dropped;
  RandomKey key{};
  bool training = false;
  Matrix h, values, src, dst, heads_out, out, d_heads, d_src, d_dst, d_values, d_in;
  std::vector<std::uint8_t> value_keep;
  attention::AttentionDropout attention_dropout;
  attention::GraphAttentionState<float> state;

  std::int64_t width() const { return o.heads * o.out_channels; }
  std::int64_t out_features() const { return o.concat ? width() : o.out_channels; }

  void project(std::int64_t owned) {
    const float p = training ? o.feature_dropout : 0.0f;
    dropped.assign(static_cast<std::size_t>(groups), input);
    for (std::int64_t g = 0; g < groups; ++g) {
      const auto k = static_cast<std::size_t>(g);
      const RandomKey group_key = groups == 1 ? key.child(1) : key.child(1).child(static_cast<std::uint64_t>(g));
      if (p > 0 && input.is_sparse()) {
        CsrMatrix d;
        nn::dropout_forward<float>(*input.sparse, p, group_key, d);
        dropped_sparse[k] = Features(std::move(d));
        dropped[k] = nn::LayerInput<float>::of(dropped_sparse[k]);
      } else if (p > 0) {
        dropped_dense[k].resize_uninitialized(input.rows(), input.cols());
        nn::dropout_forward<float>(input.dense, p, group_key, dropped_dense[k].view());
        dropped[k] = nn::LayerInput<float>::of(dropped_dense[k].view());
      }
    }
    h.resize_uninitialized(owned, width());
    if (groups == 1) {
      projections[0].forward(dropped[0], weight->value, h);
      return;
    }
    const std::int64_t f = o.out_channels;
    for (std::int64_t g = 0; g < groups; ++g) {
      const auto k = static_cast<std::size_t>(g);
      group_weight[k].resize_uninitialized(f, o.in_channels);
      std::copy_n(weight->value.row_ptr(g * f), f * o.in_channels, group_weight[k].data());
      projections[k].forward(dropped[k], group_weight[k], group_out[k]);
      for (std::int64_t r = 0; r < owned; ++r) std::copy_n(group_out[k].row_ptr(r), f, h.row_ptr(r) + g * f);
    }
  }

  // d_h: owned x width, the gradient at h. Accumulates the weight gradient; returns d_input
  // (empty when not wanted).
  MatrixView<const float> project_backward(MatrixView<const float> d_h, bool want_input_grad) {
    const float p = training ? o.feature_dropout : 0.0f;
    const bool input_grad = want_input_grad && !input.is_sparse();
    const std::int64_t owned = d_h.rows();
    if (groups == 1) {
      projections[0].backward(dropped[0], weight->value, d_h, weight->grad, input_grad ? &d_in : nullptr);
      if (!input_grad) return {};
      if (p > 0) nn::dropout_backward<float>(d_in.view(), p, key.child(1), d_in.view());
      return d_in.view();
    }
    const std::int64_t f = o.out_channels;
    if (input_grad) d_in.resize(owned, o.in_channels);
    for (std::int64_t g = 0; g < groups; ++g) {
      const auto k = static_cast<std::size_t>(g);
      group_out[k].resize_uninitialized(owned, f);
      for (std::int64_t r = 0; r < owned; ++r) std::copy_n(d_h.row_ptr(r) + g * f, f, group_out[k].row_ptr(r));
      group_grad[k].resize(f, o.in_channels);
      projections[k].backward(dropped[k], group_weight[k], group_out[k].view(), group_grad[k],
                              input_grad ? &group_dx[k] : nullptr);
      float* w = weight->grad.row_ptr(g * f);
      for (std::int64_t i = 0; i < f * o.in_channels; ++i) w[i] += group_grad[k].data()[i];
      if (!input_grad) continue;
      if (p > 0) nn::dropout_backward<float>(group_dx[k].view(), p, key.child(1).child(static_cast<std::uint64_t>(g)),
                                             group_dx[k].view());
      for (std::int64_t i = 0; i < d_in.size(); ++i) d_in.data()[i] += group_dx[k].data()[i];
    }
    return input_grad ? d_in.view() : MatrixView<const float>{};
  }

  MatrixView<const float> forward(const Graph& g, HaloExchange& exchange, const nn::LayerInput<float>& x,
                                  bool train, RandomKey layer_key) {
    const std::int64_t owned = exchange.owned(), rows = g.num_nodes(), heads = o.heads;
    input = x;
    training = train;
    key = layer_key;
    project(owned);
    src.resize(rows, heads);
    dst.resize(rows, heads);  // the halo rows' destination scores are never read: no in-edges
    attention::head_dot<float>(h.view(), att_src->value.view(), heads, first_rows(src, owned));
    attention::head_dot<float>(h.view(), att_dst->value.view(), heads, first_rows(dst, owned));
    values.resize_uninitialized(rows, width());
    const float value_p = training ? o.value_dropout : 0.0f;
    if (value_p > 0)
      nn::dropout_forward_keep<float>(h.view(), value_p, key.child(3), first_rows(values, owned), value_keep);
    else
      std::copy_n(h.data(), h.size(), values.data());
    exchange.forward(values.view());
    exchange.forward(src.view());
    attention_dropout = {training ? o.dropout : 0.0f, key.child(2)};
    heads_out.resize_uninitialized(rows, width());
    attention::gat_attention_forward<float>(g, src.view(), dst.view(), values.view(), heads,
                                            attention::ConcatScore{o.negative_slope}, attention_dropout,
                                            heads_out.view(), state);
    merge_heads(owned);
    return out.view();
  }

  void merge_heads(std::int64_t owned) {
    const std::int64_t f = o.out_channels, heads = o.heads;
    out.resize_uninitialized(owned, out_features());
    for (std::int64_t r = 0; r < owned; ++r) {
      const float* in = heads_out.row_ptr(r);
      float* to = out.row_ptr(r);
      if (o.concat) {
        std::copy_n(in, width(), to);
      } else {
        for (std::int64_t c = 0; c < f; ++c) {
          float sum = 0;
          for (std::int64_t k = 0; k < heads; ++k) sum += in[k * f + c];
          to[c] = sum / static_cast<float>(heads);
        }
      }
      if (bias)
        for (std::int64_t c = 0; c < out.cols(); ++c) to[c] += bias->value.data()[c];
    }
  }

  MatrixView<const float> backward(const Graph& g, HaloExchange& exchange, MatrixView<const float> d_out,
                                   bool want_input_grad) {
    const std::int64_t owned = exchange.owned(), rows = g.num_nodes(), heads = o.heads, f = o.out_channels;
    if (bias)
      for (std::int64_t r = 0; r < owned; ++r)
        for (std::int64_t c = 0; c < d_out.cols(); ++c) bias->grad.data()[c] += d_out(r, c);
    d_heads.resize(rows, width());  // zero at the halo rows: they have no output
    for (std::int64_t r = 0; r < owned; ++r)
      for (std::int64_t k = 0; k < heads; ++k)
        for (std::int64_t c = 0; c < f; ++c)
          d_heads(r, k * f + c) = o.concat ? d_out(r, k * f + c) : d_out(r, c) / static_cast<float>(heads);
    d_src.resize_uninitialized(rows, heads);
    d_dst.resize_uninitialized(rows, heads);
    d_values.resize_uninitialized(rows, width());
    attention::gat_attention_backward<float>(g, src.view(), dst.view(), values.view(), heads,
                                             attention::ConcatScore{o.negative_slope}, attention_dropout, state,
                                             d_heads.view(), d_src.view(), d_dst.view(), d_values.view());
    exchange.reverse_add(d_values.view());
    exchange.reverse_add(d_src.view());
    const MatrixView<float> d_h = first_rows(d_values, owned);
    const float value_p = training ? o.value_dropout : 0.0f;
    if (value_p > 0) nn::dropout_backward_kept<float>(d_h, value_p, value_keep, d_h);
    attention::head_dot_backward<float>(h.view(), att_src->value.view(), heads, first_rows(d_src, owned), d_h,
                                        att_src->grad.view());
    attention::head_dot_backward<float>(h.view(), att_dst->value.view(), heads, first_rows(d_dst, owned), d_h,
                                        att_dst->grad.view());
    return project_backward(d_h, want_input_grad);
  }
};

DistributedGat::DistributedGat(nn::GatModel<float>& model, const GraphPart& part, Communicator& comm)
    : model_(model), part_(part), rank_(comm.rank()),
      local_(local_graph(part, model.options().add_self_loops)), exchange_(part, comm) {
  const nn::GatModelOptions& mo = model.options();
  GAT_REQUIRE(mo.conv == nn::ConvKind::gat, "--partitions: only the gat layer is distributed (not ",
              nn::to_string(mo.conv), ")");
  GAT_REQUIRE(!mo.residual, "--partitions: residual connections are not distributed");
  GAT_REQUIRE(part.features.cols() == mo.in_features, "the part has ", part.features.cols(),
              " feature columns but the model expects ", mo.in_features);
  if (!mo.add_self_loops) {
    for (NodeId i = 0; i < part.num_owned(); ++i)
      GAT_REQUIRE(local_.in_degree(i) > 0, "--partitions: node ", part.owned[static_cast<std::size_t>(i)],
                  " has no incoming edge and self loops are off");
  }
  std::int64_t in = mo.in_features;
  for (std::int64_t l = 0; l < mo.layers; ++l) {
    const bool last = l + 1 == mo.layers;
    auto layer = std::make_unique<Layer>();
    nn::GATConvOptions& o = layer->o;
    o.in_channels = in;
    o.out_channels = last ? mo.num_classes : mo.hidden;
    o.heads = last ? mo.output_heads : mo.heads;
    o.concat = !last;
    o.negative_slope = mo.negative_slope;
    o.dropout = mo.attention_dropout;
    o.feature_dropout = mo.feature_dropout;
    o.value_dropout = mo.value_dropout;
    const std::string name = "conv" + std::to_string(l + 1) + ".";
    layer->weight = model.find_parameter(name + "lin.weight");
    layer->att_src = model.find_parameter(name + "att_src");
    layer->att_dst = model.find_parameter(name + "att_dst");
    layer->bias = model.find_parameter(name + "bias");
    GAT_REQUIRE(layer->weight && layer->att_src && layer->att_dst, "DistributedGat: the model has no ", name,
                " parameters");
    layer->groups = mo.feature_dropout_per_head && mo.feature_dropout > 0 ? o.heads : 1;
    const auto groups = static_cast<std::size_t>(layer->groups);
    layer->projections.resize(groups);
    layer->dropped_sparse.resize(groups);
    for (auto* v : {&layer->dropped_dense, &layer->group_weight, &layer->group_grad, &layer->group_out, &layer->group_dx})
      v->resize(groups);
    layers_.push_back(std::move(layer));
    if (!last) activations_.push_back(std::make_unique<nn::Activation<float>>(nn::ActivationOptions{.kind = mo.activation}));
    in = o.out_channels * o.heads;
  }
}

DistributedGat::~DistributedGat() = default;

MatrixView<const float> DistributedGat::forward(bool training, RandomKey key) {
  const RandomKey rank_key = key.child(0xd157).child(static_cast<std::uint64_t>(rank_));
  nn::LayerInput<float> x = nn::LayerInput<float>::of(part_.features);
  const nn::ForwardContext ctx{&local_, {}};
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const MatrixView<const float> y = layers_[l]->forward(local_, exchange_, x, training, rank_key.child(l));
    x = nn::LayerInput<float>::of(y);
    if (l < activations_.size()) x = activations_[l]->forward(ctx, x);
  }
  return x.dense;
}

void DistributedGat::backward(MatrixView<const float> d_logits) {
  const nn::ForwardContext ctx{&local_, {}};
  MatrixView<const float> d = d_logits;
  for (std::size_t l = layers_.size(); l-- > 0;) {
    if (l < activations_.size()) d = activations_[l]->backward(ctx, d, true);
    d = layers_[l]->backward(local_, exchange_, d, l > 0);
  }
}

}  // namespace gat::dist
