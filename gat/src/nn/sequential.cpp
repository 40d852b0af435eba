#include "gat/nn/sequential.hpp"

#include <algorithm>

#include "gat/core/check.hpp"

namespace gat::nn {

template <class T>
void Sequential<T>::add_layer(std::unique_ptr<Layer<T>> layer, std::string name) {
  if (name.empty()) name = std::to_string(layers_.size());
  layer->set_random_stream(layers_.size() + 1);
  this->register_module(name, *layer);
  layers_.push_back(std::move(layer));
}

template <class T>
bool Sequential<T>::aggregates_over_graph() const noexcept {
  return std::any_of(layers_.begin(), layers_.end(), [](const auto& l) { return l->aggregates_over_graph(); });
}

namespace {

// The context graph layer l of a chain runs in when a receptive field is given.
ForwardContext field_layer_context(const ForwardContext& ctx, std::int64_t l) {
  return ForwardContext{&ctx.field->layer_graph(l), ctx.key, nullptr};
}

}  // namespace

template <class T>
LayerInput<T> Sequential<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  const ReceptiveField* field = ctx.field;
  if (field)
    GAT_REQUIRE(x.rows() == field->rows(0), "receptive field: the input has ", x.rows(),
                " rows but the field reads ", field->rows(0), " nodes (its nodes()' features, in that order)");
  LayerInput<T> current = x;
  input_is_sparse_.assign(layers_.size(), false);
  std::int64_t graph_layer = 0;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    input_is_sparse_[i] = current.is_sparse();
    if (!field || !layers_[i]->aggregates_over_graph()) {
      current = layers_[i]->forward(ctx, current);
      continue;
    }
    GAT_REQUIRE(dynamic_cast<const Sequential*>(layers_[i].get()) == nullptr, "receptive field: layer ", i,
                " holds graph layers of its own; put the graph layers of a model on a field in one chain");
    GAT_REQUIRE(graph_layer < field->num_layers(), "receptive field: it covers ", field->num_layers(),
                " graph layer(s) but the model has more");
    const LayerInput<T> out = layers_[i]->forward(field_layer_context(ctx, graph_layer), current);
    current = LayerInput<T>::of(out.dense.block_rows(0, field->rows(graph_layer + 1)));
    ++graph_layer;
  }
  if (field)
    GAT_REQUIRE(graph_layer == field->num_layers(), "receptive field: it covers ", field->num_layers(),
                " graph layer(s) but the model has ", graph_layer);
  return current;
}

template <class T>
MatrixView<const T> Sequential<T>::backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) {
  const ReceptiveField* field = ctx.field;
  if (field) field_grads_.resize(static_cast<std::size_t>(field->num_layers()));
  std::int64_t graph_layer = field ? field->num_layers() : 0;
  MatrixView<const T> d = d_out;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    // Sparse input is data (dropout passes it through), so the chain of gradients ends there.
    const bool need_input_grad = !input_is_sparse_[i] && (i > 0 || want_input_grad);
    if (field && layers_[i]->aggregates_over_graph()) {
      // The rows forward cut off reach no loss: their gradient is zero.
      --graph_layer;
      BasicMatrix<T>& full = field_grads_[static_cast<std::size_t>(graph_layer)];
      full.resize_uninitialized(field->rows(graph_layer), d.cols());
      for (std::int64_t r = 0; r < d.rows(); ++r) std::copy(d.row_ptr(r), d.row_ptr(r) + d.cols(), full.row_ptr(r));
      std::fill(full.row_ptr(d.rows()), full.data() + full.size(), T(0));
      d = layers_[i]->backward(field_layer_context(ctx, graph_layer), full.view(), need_input_grad);
    } else {
      d = layers_[i]->backward(ctx, d, need_input_grad);
    }
    if (!need_input_grad) return {};
  }
  return want_input_grad ? d : MatrixView<const T>{};
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace gat::nn
