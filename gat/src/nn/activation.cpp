#include "gat/nn/activation.hpp"

#include <cmath>

#include "gat/core/parallel.hpp"

namespace gat::nn {

template <class T>
LayerInput<T> Activation<T>::forward(const ForwardContext&, const LayerInput<T>& x) {
  GAT_REQUIRE(!x.is_sparse(), "activation: sparse input is not supported; apply a projection first");
  if (options_.kind == ActivationKind::identity) return x;
  in_.assign(x.dense);
  out_.resize_uninitialized(x.rows(), x.cols());
  const T alpha = static_cast<T>(options_.alpha), slope = static_cast<T>(options_.negative_slope);
  const ActivationKind kind = options_.kind;
  const T* in = in_.data();
  T* out = out_.data();
  parallel_for(in_.size(), 1 << 14, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t i = b; i < e; ++i) {
      const T v = in[i];
      switch (kind) {
        case ActivationKind::elu: out[i] = v > 0 ? v : alpha * std::expm1(v); break;
        case ActivationKind::relu: out[i] = v > 0 ? v : T(0); break;
        case ActivationKind::leaky_relu: out[i] = v > 0 ? v : slope * v; break;
        case ActivationKind::identity: out[i] = v; break;
      }
    }
  });
  return LayerInput<T>::of(out_.view());
}

template <class T>
MatrixView<const T> Activation<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  if (!want_input_grad) return {};
  if (options_.kind == ActivationKind::identity) return d_out;
  GAT_REQUIRE(d_out.rows() == in_.rows() && d_out.cols() == in_.cols(), "activation backward: gradient is ",
              d_out.rows(), "x", d_out.cols(), " but the last input was ", in_.rows(), "x", in_.cols());
  d_in_.resize_uninitialized(in_.rows(), in_.cols());
  const T alpha = static_cast<T>(options_.alpha), slope = static_cast<T>(options_.negative_slope);
  const ActivationKind kind = options_.kind;
  for (std::int64_t r = 0; r < in_.rows(); ++r) {
    const T* in = in_.row_ptr(r);
    const T* out = out_.row_ptr(r);
    const T* d = d_out.row_ptr(r);
    T* di = d_in_.row_ptr(r);
    for (std::int64_t c = 0; c < in_.cols(); ++c) {
      const T v = in[c];
      T slope_here = 1;
      switch (kind) {
        case ActivationKind::elu: slope_here = v > 0 ? T(1) : out[c] + alpha; break;
        case ActivationKind::relu: slope_here = v > 0 ? T(1) : T(0); break;
        case ActivationKind::leaky_relu: slope_here = v > 0 ? T(1) : slope; break;
        case ActivationKind::identity: break;
      }
      di[c] = d[c] * slope_here;
    }
  }
  return d_in_.view();
}

template class Activation<float>;
template class Activation<double>;

}  // namespace gat::nn
