#include "gat/nn/activation.hpp"

#include <algorithm>
#include <cmath>

#include "gat/core/parallel.hpp"
#include "core/vector_math.hpp"

namespace gat::nn {

namespace {

constexpr std::int64_t kGrain = 1 << 14;

// One loop per kind, with no switch inside, so that each vectorises (selects by bit masks:
// GCC does not if-convert float ?: under -ftrapping-math).
template <class T>
void activate(ActivationKind kind, T alpha, T slope, const T* __restrict in, T* __restrict out, std::int64_t n) {
  using gat::detail::blend;
  switch (kind) {
    case ActivationKind::elu:
#pragma omp simd
      for (std::int64_t i = 0; i < n; ++i) {
        const T v = in[i];
        out[i] = blend(v > 0, v, alpha * gat::detail::expm1_nonpositive(blend(v > 0, T(0), v)));
      }
      break;
    case ActivationKind::relu:
#pragma omp simd
      for (std::int64_t i = 0; i < n; ++i) out[i] = blend(in[i] > 0, in[i], T(0));
      break;
    case ActivationKind::leaky_relu:
#pragma omp simd
      for (std::int64_t i = 0; i < n; ++i) out[i] = blend(in[i] > 0, in[i], slope * in[i]);
      break;
    case ActivationKind::identity:
      for (std::int64_t i = 0; i < n; ++i) out[i] = in[i];
      break;
  }
}

// d_in = d_out * f'(in); ELU's derivative below zero is alpha * exp(x) = f(x) + alpha.
template <class T>
void activate_backward(ActivationKind kind, T alpha, T slope, const T* __restrict in, const T* __restrict out,
                       const T* __restrict d, T* __restrict di, std::int64_t n) {
  using gat::detail::blend;
  switch (kind) {
    case ActivationKind::elu:
#pragma omp simd
      for (std::int64_t i = 0; i < n; ++i) di[i] = d[i] * blend(in[i] > 0, T(1), out[i] + alpha);
      break;
    case ActivationKind::relu:
#pragma omp simd
      for (std::int64_t i = 0; i < n; ++i) di[i] = blend(in[i] > 0, d[i], T(0));
      break;
    case ActivationKind::leaky_relu:
#pragma omp simd
      for (std::int64_t i = 0; i < n; ++i) di[i] = d[i] * blend(in[i] > 0, T(1), slope);
      break;
    case ActivationKind::identity:
      for (std::int64_t i = 0; i < n; ++i) di[i] = d[i];
      break;
  }
}

}  // namespace

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
  parallel_for(in_.size(), kGrain, [&](std::int64_t b, std::int64_t e) {
    activate(kind, alpha, slope, in + b, out + b, e - b);
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
  const std::int64_t cols = in_.cols();
  // Rows one at a time: d_out may be a strided view; in_, out_ and d_in_ are contiguous.
  parallel_for(in_.rows(), std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(1, cols)),
               [&](std::int64_t b, std::int64_t e) {
                 for (std::int64_t r = b; r < e; ++r)
                   activate_backward(kind, alpha, slope, in_.row_ptr(r), out_.row_ptr(r), d_out.row_ptr(r),
                                     d_in_.row_ptr(r), cols);
               });
  return d_in_.view();
}

template class Activation<float>;
template class Activation<double>;

}  // namespace gat::nn
