// head_dot and its backward: GAT's per-node halves of the concat score, out[n,h] = <x[n,h,:], a[h,:]>.
// The paper's 8 heads x 8 features run on vectors; the other shapes on plain loops.
#include "gat/attention/head_dot.hpp"

#include <algorithm>
#include <type_traits>

#include "attention/fused_vector_kernels.hpp"
#include "attention/kernel_util.hpp"
#include "core/row_block_sums.hpp"

namespace gat::attention {

using detail::require_shape;

namespace {

// The paper's 8 heads x 8 features: out[n, h] = <x[n, h, :], a[h, :]> for all 8 heads at once. The
// eight products are summed by a shuffle tree into one vector, ((f0+f1)+(f2+f3))+((f4+f5)+(f6+f7))
// per head, instead of eight horizontal reductions (docs/kernel-tuning.md).
void head_dot_8x8(MatrixView<const float> x, const float* a, MatrixView<float> out, std::int64_t begin,
                  std::int64_t end) {
  using detail::v8f;
  v8f av[8];
  for (int h = 0; h < 8; ++h) av[h] = detail::load8(a + 8 * h);
  for (std::int64_t n = begin; n < end; ++n) detail::store8(out.row_ptr(n), detail::head_dots8(x.row_ptr(n), av));
}

// head_dot_backward's two halves for 8 features per head, on vectors; every element gets the
// generic loops' operations in their order (a multiply, then an add), so the bits are the same.
// dx[n, h, :] += d_out[n, h] * a[h, :] for rows [begin, end), 8 heads.
void head_dot_backward_dx_8x8(const float* a, MatrixView<const float> d_out, MatrixView<float> dx, std::int64_t begin,
                              std::int64_t end) {
  using detail::v8f;
  v8f av[8];
  for (int h = 0; h < 8; ++h) av[h] = detail::load8(a + 8 * h);
  for (std::int64_t n = begin; n < end; ++n) {
    const float* g = d_out.row_ptr(n);
    float* d = dx.row_ptr(n);
    for (int h = 0; h < 8; ++h) detail::store8(d + 8 * h, detail::load8(d + 8 * h) + detail::splat8(g[h]) * av[h]);
  }
}
// acc[h, :] += sum over rows n in [begin, end), in order, of d_out[n, h] * x[n, h, :], for 8
// features per head.
void head_dot_backward_da_f8(MatrixView<const float> x, MatrixView<const float> d_out, std::int64_t heads,
                             std::int64_t begin, std::int64_t end, float* acc) {
  using detail::v8f;
  for (std::int64_t h0 = 0; h0 < heads; h0 += 8) {
    const std::int64_t nh = std::min<std::int64_t>(8, heads - h0);
    v8f sum[8] = {};
    for (std::int64_t n = begin; n < end; ++n) {
      const float* xr = x.row_ptr(n) + 8 * h0;
      const float* g = d_out.row_ptr(n) + h0;
      for (std::int64_t k = 0; k < nh; ++k) sum[k] = sum[k] + detail::splat8(g[k]) * detail::load8(xr + 8 * k);
    }
    for (std::int64_t k = 0; k < nh; ++k) detail::store8(acc + 8 * (h0 + k), detail::load8(acc + 8 * (h0 + k)) + sum[k]);
  }
}

}  // namespace

template <class T>
void head_dot(MatrixView<const T> x, MatrixView<const T> a, std::int64_t heads, MatrixView<T> out) {
  constexpr const char* fn = "head_dot";
  detail::require_heads(fn, heads);
  const std::int64_t F = detail::features_per_head(fn, "x", x, heads);
  require_shape(fn, "a", a, 1, x.cols());
  require_shape(fn, "out", MatrixView<const T>(out), x.rows(), heads);
  detail::for_range(x.rows(), 1024, [&](std::int64_t begin, std::int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      if (F == 8 && heads == 8) {
        head_dot_8x8(x, a.row_ptr(0), out, begin, end);
        return;
      }
    }
    if (F < 8 || (heads == 1 && F <= 16)) {  // output layers (classes): short dots, plain loops
      const T* av = a.row_ptr(0);
      for (std::int64_t n = begin; n < end; ++n) {
        const T* xr = x.row_ptr(n);
        for (std::int64_t h = 0; h < heads; ++h) {
          T acc = 0;
          for (std::int64_t f = h * F; f < (h + 1) * F; ++f) acc += xr[f] * av[f];
          out(n, h) = acc;
        }
      }
      return;
    }
    if (F == 8) {  // a fixed-length dot the compiler unrolls
      for (std::int64_t n = begin; n < end; ++n)
        for (std::int64_t h = 0; h < heads; ++h) out(n, h) = detail::dot(x.row_ptr(n) + h * 8, a.row_ptr(0) + h * 8, 8);
      return;
    }
    for (std::int64_t n = begin; n < end; ++n)
      for (std::int64_t h = 0; h < heads; ++h) out(n, h) = detail::dot(x.row_ptr(n) + h * F, a.row_ptr(0) + h * F, F);
  });
}

template <class T>
void head_dot_backward(MatrixView<const T> x, MatrixView<const T> a, std::int64_t heads, MatrixView<const T> d_out,
                       MatrixView<T> dx, MatrixView<T> da) {
  constexpr const char* fn = "head_dot_backward";
  detail::require_heads(fn, heads);
  const std::int64_t F = detail::features_per_head(fn, "x", x, heads);
  require_shape(fn, "a", a, 1, x.cols());
  require_shape(fn, "d_out", d_out, x.rows(), heads);
  require_shape(fn, "dx", MatrixView<const T>(dx), x.rows(), x.cols());
  require_shape(fn, "da", MatrixView<const T>(da), 1, x.cols());
  detail::for_range(x.rows(), 1024, [&](std::int64_t begin, std::int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      if (F == 8 && heads == 8) return head_dot_backward_dx_8x8(a.row_ptr(0), d_out, dx, begin, end);
    }
    for (std::int64_t n = begin; n < end; ++n)
      for (std::int64_t h = 0; h < heads; ++h) {
        const T g = d_out(n, h);
        const T* ah = a.row_ptr(0) + h * F;
        T* d = dx.row_ptr(n) + h * F;
#pragma omp simd
        for (std::int64_t f = 0; f < F; ++f) d[f] += g * ah[f];
      }
  });
  // da is a sum over all rows: in fixed blocks of rows, whichever thread sums them
  // (add_row_block_sums), so the result does not depend on the thread count.
  gat::detail::add_row_block_sums<T>(x.rows(), x.cols(), da.row_ptr(0), [&](std::int64_t begin, std::int64_t end, T* acc) {
    if constexpr (std::is_same_v<T, float>) {
      if (F == 8) return head_dot_backward_da_f8(x, d_out, heads, begin, end, acc);
    }
    for (std::int64_t n = begin; n < end; ++n) {
      const T* xr = x.row_ptr(n);
      const T* dr = d_out.row_ptr(n);
      for (std::int64_t h = 0; h < heads; ++h) {
        const T g = dr[h];
        T* ah = acc + h * F;
        const T* xh = xr + h * F;
#pragma omp simd
        for (std::int64_t f = 0; f < F; ++f) ah[f] += g * xh[f];
      }
    }
  });
}

template void head_dot<float>(MatrixView<const float>, MatrixView<const float>, std::int64_t, MatrixView<float>);
template void head_dot<double>(MatrixView<const double>, MatrixView<const double>, std::int64_t, MatrixView<double>);
template void head_dot_backward<float>(MatrixView<const float>, MatrixView<const float>, std::int64_t,
                                       MatrixView<const float>, MatrixView<float>, MatrixView<float>);
template void head_dot_backward<double>(MatrixView<const double>, MatrixView<const double>, std::int64_t,
                                        MatrixView<const double>, MatrixView<double>, MatrixView<double>);

}  // namespace gat::attention
