#pragma once
// A chain of layers; the output of one is the input of the next. Owns its layers, names them
// "0", "1", ... (PyTorch's Sequential naming) and gives each its own random stream.
#include <memory>
#include <vector>

#include "gat/nn/layer.hpp"

namespace gat::nn {

template <class T>
class Sequential : public Layer<T> {
 public:
  // Adds a layer under the name of its position, or the given name.
  template <class L>
  L& add(std::unique_ptr<L> layer, std::string name = {}) {
    L& ref = *layer;
    add_layer(std::move(layer), std::move(name));
    return ref;
  }
  std::size_t size() const noexcept { return layers_.size(); }
  Layer<T>& operator[](std::size_t i) { return *layers_[i]; }

  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;
  // With a receptive field in the context (ForwardContext::field), graph layer l of this chain
  // runs on the field's layer graph l and its output is cut to the rows the next layers need.
  bool aggregates_over_graph() const noexcept override;

 private:
  void add_layer(std::unique_ptr<Layer<T>> layer, std::string name);
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<bool> input_is_sparse_;
  std::vector<BasicMatrix<T>> field_grads_;  // per graph layer: its output gradient, zero past the rows kept
};

}  // namespace gat::nn
