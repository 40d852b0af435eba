#include "nn/merge_heads.hpp"

#include <algorithm>

#include "core/row_block_sums.hpp"
#include "gat/core/parallel.hpp"

namespace gat::nn::detail {

// Rows are independent, so threads split them (each row's result is the same whoever computes
// it). The bias gradient sums over the rows in order, as one column-block accumulator per call.
template <class T>
MatrixView<T> merge_heads(BasicMatrix<T>& heads_out, std::int64_t heads, bool concat, const Parameter<T>* bias,
                          BasicMatrix<T>& out) {
  const std::int64_t n = heads_out.rows(), f = heads_out.cols() / heads;
  const T* const b = bias ? bias->value.data() : nullptr;
  const std::int64_t grain = std::max<std::int64_t>(1, 8192 / std::max<std::int64_t>(1, heads * f));
  if (concat) {  // the heads' outputs are the output: the bias goes in place, no copy
    if (b) {
      const std::int64_t cols = heads * f;
      T* const data = heads_out.data();
      parallel_for(n, grain, [=](std::int64_t r0, std::int64_t r1) {
        for (std::int64_t r = r0; r < r1; ++r) {
          T* __restrict o = data + r * cols;
#pragma omp simd
          for (std::int64_t c = 0; c < cols; ++c) o[c] = o[c] + b[c];
        }
      });
    }
    return heads_out.view();
  }
  out.resize_uninitialized(n, f);
  const T* const in_data = heads_out.data();
  T* const out_data = out.data();
  const T h_count = static_cast<T>(heads);
  parallel_for(n, grain, [=](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      const T* __restrict in = in_data + r * heads * f;
      T* __restrict o = out_data + r * f;
#pragma omp simd
      for (std::int64_t c = 0; c < f; ++c) {
        T sum = 0;
        for (std::int64_t h = 0; h < heads; ++h) sum += in[h * f + c];
        o[c] = sum / h_count;
      }
      if (b)
#pragma omp simd
        for (std::int64_t c = 0; c < f; ++c) o[c] += b[c];
    }
  });
  return out.view();
}

template <class T>
MatrixView<const T> merge_heads_backward(MatrixView<const T> d_out, std::int64_t heads, std::int64_t features,
                                         bool concat, Parameter<T>* bias, BasicMatrix<T>& d_heads_out) {
  const std::int64_t n = d_out.rows(), dc = d_out.cols(), d_ld = d_out.ld();
  const T* const d_data = d_out.data();
  if (bias) {
    // Column sums in fixed blocks of rows (the bits do not depend on the thread count), each
    // block 64 columns at a time in a local accumulator.
    gat::detail::add_row_block_sums<T>(n, dc, bias->grad.data(), [&](std::int64_t r0, std::int64_t r1, T* sums) {
      constexpr std::int64_t kBlock = 64;
      for (std::int64_t c0 = 0; c0 < dc; c0 += kBlock) {
        const std::int64_t w = std::min(kBlock, dc - c0);
        T acc[kBlock] = {};
        for (std::int64_t r = r0; r < r1; ++r) {
          const T* __restrict d = d_data + r * d_ld + c0;
#pragma omp simd
          for (std::int64_t c = 0; c < w; ++c) acc[c] += d[c];
        }
        for (std::int64_t c = 0; c < w; ++c) sums[c0 + c] += acc[c];
      }
    });
  }
  if (concat) return d_out;  // the heads' gradient is d_out itself
  const std::int64_t cols = heads * features;
  d_heads_out.resize_uninitialized(n, cols);
  T* const out_data = d_heads_out.data();
  const T inv = T(1) / static_cast<T>(heads);
  parallel_for(n, std::max<std::int64_t>(1, 8192 / std::max<std::int64_t>(1, cols)), [=](std::int64_t r0, std::int64_t r1) {
    for (std::int64_t r = r0; r < r1; ++r) {
      const T* __restrict d = d_data + r * d_ld;
      T* __restrict o = out_data + r * cols;
      for (std::int64_t h = 0; h < heads; ++h)
#pragma omp simd
        for (std::int64_t c = 0; c < features; ++c) o[h * features + c] = d[c] * inv;
    }
  });
  return d_heads_out.view();
}

template MatrixView<float> merge_heads<float>(BasicMatrix<float>&, std::int64_t, bool, const Parameter<float>*,
                                             BasicMatrix<float>&);
template MatrixView<double> merge_heads<double>(BasicMatrix<double>&, std::int64_t, bool, const Parameter<double>*,
                                               BasicMatrix<double>&);
template MatrixView<const float> merge_heads_backward<float>(MatrixView<const float>, std::int64_t, std::int64_t,
                                                             bool, Parameter<float>*, BasicMatrix<float>&);
template MatrixView<const double> merge_heads_backward<double>(MatrixView<const double>, std::int64_t, std::int64_t,
                                                               bool, Parameter<double>*, BasicMatrix<double>&);

}  // namespace gat::nn::detail
