#include "gat/nn/linear.hpp"

#include "gat/nn/init.hpp"

namespace gat::nn {

template <class T>
Linear<T>::Linear(const LinearOptions& options) : options_(options) {
  GAT_REQUIRE(options.in_features > 0 && options.out_features > 0, "Linear: in_features and out_features must be ",
              "positive, got ", options.in_features, " and ", options.out_features);
  weight_ = &this->register_parameter("weight", options.out_features, options.in_features);
  glorot_uniform(weight_->value, options.in_features, options.out_features, RandomKey{options.seed, 0x11});
  if (options.bias) {
    bias_ = &this->register_parameter("bias", 1, options.out_features);
    bias_->shape = {options.out_features};
  }
}

template <class T>
LayerInput<T> Linear<T>::forward(const ForwardContext&, const LayerInput<T>& x) {
  input_ = x;
  projection_.forward(x, weight_->value, out_);
  if (bias_)
    for (std::int64_t r = 0; r < out_.rows(); ++r)
      for (std::int64_t c = 0; c < out_.cols(); ++c) out_(r, c) += bias_->value(0, c);
  return LayerInput<T>::of(out_.view());
}

template <class T>
MatrixView<const T> Linear<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  if (bias_)
    for (std::int64_t r = 0; r < d_out.rows(); ++r)
      for (std::int64_t c = 0; c < d_out.cols(); ++c) bias_->grad(0, c) += d_out(r, c);
  const bool input_grad = want_input_grad && !input_.is_sparse();
  projection_.backward(input_, weight_->value, d_out, weight_->grad, input_grad ? &d_in_ : nullptr);
  return input_grad ? MatrixView<const T>(d_in_.view()) : MatrixView<const T>{};
}

template class Linear<float>;
template class Linear<double>;

}  // namespace gat::nn
