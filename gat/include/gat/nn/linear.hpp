#pragma once
// A fully connected layer, y = x W^T + b, with PyTorch's parameter names and layout
// ("weight" [out, in], "bias" [1, out]).
#include "gat/nn/projection.hpp"

namespace gat::nn {

struct LinearOptions {
  std::int64_t in_features = 0;
  std::int64_t out_features = 0;
  bool bias = true;
  std::uint64_t seed = 0;  // Glorot initialisation
};

template <class T>
class Linear : public Layer<T> {
 public:
  explicit Linear(const LinearOptions& options);
  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;

  Parameter<T>& weight() noexcept { return *weight_; }
  Parameter<T>* bias() noexcept { return bias_; }

 private:
  LinearOptions options_;
  Parameter<T>* weight_;
  Parameter<T>* bias_ = nullptr;
  Projection<T> projection_;
  LayerInput<T> input_;
  BasicMatrix<T> out_, d_in_;
};

}  // namespace gat::nn
