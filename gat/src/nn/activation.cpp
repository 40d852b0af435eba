#include "gat/nn/activation.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>

#if defined(__AVX__)
#include <immintrin.h>
#endif

#include "gat/core/parallel.hpp"
#include "gat/core/phase_profile.hpp"
#include "core/simd8.hpp"
#include "core/vector_math.hpp"

namespace gat::nn {

namespace {

constexpr std::int64_t kGrain = 1 << 14;

// Whether any lane of a comparison's mask is set.
inline bool any8(gat::detail::v8i m) {
#if defined(__AVX__)
  return _mm256_movemask_ps(reinterpret_cast<__m256>(m)) != 0;
#else
  return (m[0] | m[1] | m[2] | m[3] | m[4] | m[5] | m[6] | m[7]) != 0;
#endif
}

// ELU on eight floats with the scalar loop's operations per lane (exp_nonpositive's unfused
// polynomial, the series, the selects), but each of the two expm1 forms only where a lane needs
// it: a hidden layer's negative inputs mostly lie in the series' range (-0.5, 0], where the
// branch-free loop evaluated both forms for every value (ELU was a fifth of a Cora inference).
void elu8(float alpha, const float* in, float* out) {
  using gat::detail::v8f;
  using gat::detail::v8i;
  const v8f v = gat::detail::load8(in);
  const v8i positive = v > 0.0f;
  if (!any8(~positive)) {  // every lane positive: ELU is the identity
    gat::detail::store8(out, v);
    return;
  }
  const v8f neg = gat::detail::select8(positive, v8f{}, v);
  const v8i in_series = neg > -0.5f;
  v8f em1{};
  if (any8(in_series & ~positive)) {
    em1 = neg * (1.0f + neg * (0.5f + neg * (1.6666667e-1f + neg * (4.1666668e-2f + neg * (8.3333338e-3f +
          neg * (1.3888889e-3f + neg * (1.9841270e-4f + neg * 2.4801587e-5f)))))));
  }
  if (any8(~in_series))
    em1 = gat::detail::select8(in_series, em1, gat::detail::exp_nonpositive_lanes<v8f, v8i, false>(neg) - 1.0f);
  gat::detail::store8(out, gat::detail::select8(positive, v, alpha * em1));
}

// One loop per kind, with no switch inside, so that each vectorises (selects by bit masks:
// GCC does not if-convert float ?: under -ftrapping-math).
template <class T>
void activate(ActivationKind kind, T alpha, T slope, const T* __restrict in, T* __restrict out, std::int64_t n) {
  using gat::detail::blend;
  switch (kind) {
    case ActivationKind::elu: {
      std::int64_t i = 0;
      if constexpr (std::is_same_v<T, float>)
        for (; i + 8 <= n; i += 8) elu8(alpha, in + i, out + i);
#pragma omp simd
      for (std::int64_t k = i; k < n; ++k) {
        const T v = in[k];
        out[k] = blend(v > 0, v, alpha * gat::detail::expm1_nonpositive(blend(v > 0, T(0), v)));
      }
      break;
    }
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
