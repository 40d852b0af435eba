#pragma once
// Elementwise activations as layers: ELU (the GAT paper's hidden activation), ReLU, LeakyReLU.
#include "gat/nn/layer.hpp"

namespace gat::nn {

enum class ActivationKind { elu, relu, leaky_relu, identity };

struct ActivationOptions {
  ActivationKind kind = ActivationKind::elu;
  double alpha = 1.0;            // ELU's alpha
  double negative_slope = 0.01;  // LeakyReLU's slope (PyTorch's default)
};

template <class T>
class Activation : public Layer<T> {
 public:
  explicit Activation(ActivationOptions options = {}) : options_(options) {}
  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;

 private:
  ActivationOptions options_;
  BasicMatrix<T> in_, out_, d_in_;
};

}  // namespace gat::nn
