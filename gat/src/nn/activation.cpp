#include "gat/nn/activation.hpp"

#include <algorithm>
#include <cmath>

#include "gat/core/parallel.hpp"
#include "gat/core/phase_profile.hpp"
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

// d_in = d_out * f'(x); ELU's derivative below zero is alpha * exp(x) = f(x) + alpha. `in` is x or,
// where its sign tells the same (sign_from_output), f(x): only in > 0 is read.
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

// Whether x > 0 can be read off f(x) > 0, so that backward needs only the output (the usual case:
// ELU with alpha > 0, ReLU, LeakyReLU with a non-negative slope) and forward keeps no copy of x.
bool sign_from_output(const ActivationOptions& o) {
  switch (o.kind) {
    case ActivationKind::elu: return o.alpha > 0;
    case ActivationKind::leaky_relu: return o.negative_slope >= 0;
    default: return true;
  }
}

std::int64_t row_grain(std::int64_t cols) { return std::max<std::int64_t>(1, kGrain / std::max<std::int64_t>(1, cols)); }

}  // namespace

template <class T>
LayerInput<T> Activation<T>::forward(const ForwardContext&, const LayerInput<T>& x) {
  GAT_REQUIRE(!x.is_sparse(), "activation: sparse input is not supported; apply a projection first");
  if (options_.kind == ActivationKind::identity) return x;
  const profile::Scope timed(profile::Phase::activation);
  const MatrixView<const T> in = x.dense;
  if (sign_from_output(options_))
    in_.resize(0, 0);
  else
    in_.assign(in);
  out_.resize_uninitialized(in.rows(), in.cols());
  const T alpha = static_cast<T>(options_.alpha), slope = static_cast<T>(options_.negative_slope);
  const ActivationKind kind = options_.kind;
  const std::int64_t cols = in.cols();
  // Rows one at a time: the input may be a strided view.
  parallel_for(in.rows(), row_grain(cols), [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r) activate(kind, alpha, slope, in.row_ptr(r), out_.row_ptr(r), cols);
  });
  return LayerInput<T>::of(out_.view());
}

template <class T>
MatrixView<const T> Activation<T>::backward(const ForwardContext&, MatrixView<const T> d_out, bool want_input_grad) {
  if (!want_input_grad) return {};
  if (options_.kind == ActivationKind::identity) return d_out;
  GAT_REQUIRE(d_out.rows() == out_.rows() && d_out.cols() == out_.cols(), "activation backward: gradient is ",
              d_out.rows(), "x", d_out.cols(), " but the last output was ", out_.rows(), "x", out_.cols());
  const profile::Scope timed(profile::Phase::backward_other);
  d_in_.resize_uninitialized(out_.rows(), out_.cols());
  const T alpha = static_cast<T>(options_.alpha), slope = static_cast<T>(options_.negative_slope);
  const ActivationKind kind = options_.kind;
  const std::int64_t cols = out_.cols();
  const BasicMatrix<T>& sign_source = in_.size() > 0 ? in_ : out_;
  parallel_for(out_.rows(), row_grain(cols), [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t r = b; r < e; ++r)
      activate_backward(kind, alpha, slope, sign_source.row_ptr(r), out_.row_ptr(r), d_out.row_ptr(r),
                        d_in_.row_ptr(r), cols);
  });
  return d_in_.view();
}

template class Activation<float>;
template class Activation<double>;

}  // namespace gat::nn
