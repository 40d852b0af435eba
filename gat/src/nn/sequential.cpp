#include "gat/nn/sequential.hpp"

namespace gat::nn {

template <class T>
void Sequential<T>::add_layer(std::unique_ptr<Layer<T>> layer, std::string name) {
  if (name.empty()) name = std::to_string(layers_.size());
  layer->set_random_stream(layers_.size() + 1);
  this->register_module(name, *layer);
  layers_.push_back(std::move(layer));
}

template <class T>
LayerInput<T> Sequential<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x) {
  LayerInput<T> current = x;
  input_is_sparse_.assign(layers_.size(), false);
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    input_is_sparse_[i] = current.is_sparse();
    current = layers_[i]->forward(ctx, current);
  }
  return current;
}

template <class T>
MatrixView<const T> Sequential<T>::backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) {
  MatrixView<const T> d = d_out;
  for (std::size_t i = layers_.size(); i-- > 0;) {
    // Sparse input is data (dropout passes it through), so the chain of gradients ends there.
    const bool need_input_grad = !input_is_sparse_[i] && (i > 0 || want_input_grad);
    d = layers_[i]->backward(ctx, d, need_input_grad);
    if (!need_input_grad) return {};
  }
  return want_input_grad ? d : MatrixView<const T>{};
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace gat::nn
