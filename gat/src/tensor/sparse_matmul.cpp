#include "gat/tensor/sparse_matmul.hpp"

#include "core/simd8.hpp"
#include "gat/core/parallel.hpp"

#include <type_traits>

namespace gat {

namespace {

// GAT's 8 heads x 8 features: one output row of 64 floats stays in registers over the row's
// entries (four 16-lane vectors with AVX-512, eight 8-lane ones otherwise: GCC lowers a 64-byte
// vector type through the stack where the CPU has no 512-bit registers). Written with vector types
// because GCC, left to itself, vectorises across the entries with gathers instead. Per element the
// operations and their order are those of the plain loop (no contraction), so the result is the same.
void spmm_row64(const BasicCsrMatrix<float>& a, MatrixView<const float> b, std::int64_t r, float* out,
                bool accumulate) {
#if defined(__AVX512F__)
  using vec = gat::detail::v16f;
#else
  using vec = gat::detail::v8f;
#endif
  constexpr int kLanes = sizeof(vec) / sizeof(float), kVectors = 64 / kLanes;
  vec acc[kVectors];
  for (int q = 0; q < kVectors; ++q) {
    if (accumulate)
      __builtin_memcpy(&acc[q], out + kLanes * q, sizeof(vec));
    else
      acc[q] = vec{};
  }
  for (std::int64_t k = a.offsets[r]; k < a.offsets[r + 1]; ++k) {
    const float v = a.values[k];
    const float* in = b.row_ptr(a.columns[k]);
    for (int q = 0; q < kVectors; ++q) {
      vec x;
      __builtin_memcpy(&x, in + kLanes * q, sizeof(vec));
      acc[q] += v * x;
    }
  }
  for (int q = 0; q < kVectors; ++q) __builtin_memcpy(out + kLanes * q, &acc[q], sizeof(vec));
}

}  // namespace

template <class T>
void spmm(const BasicCsrMatrix<T>& a, std::type_identity_t<MatrixView<const T>> b, MatrixView<T> c, bool accumulate) {
  GAT_REQUIRE(static_cast<std::int64_t>(a.offsets.size()) == a.rows + 1, "spmm: A has ", a.rows, " rows but ",
              a.offsets.size(), " row offsets (expected rows + 1; see BasicCsrMatrix::validate)");
  GAT_REQUIRE(a.cols == b.rows(), "spmm: A is ", a.rows, "x", a.cols, " but B has ", b.rows(),
              " rows; A's columns must equal B's rows");
  GAT_REQUIRE(c.rows() == a.rows && c.cols() == b.cols(), "spmm: C is ", c.rows(), "x", c.cols(),
              ", expected ", a.rows, "x", b.cols());
  const std::int64_t n = b.cols();
  parallel_for_rows(a.offsets, [&](std::int64_t begin, std::int64_t end) {
    if constexpr (std::is_same_v<T, float>) {
      if (n == 64) {
        for (std::int64_t r = begin; r < end; ++r) spmm_row64(a, b, r, c.row_ptr(r), accumulate);
        return;
      }
    }
    for (std::int64_t r = begin; r < end; ++r) {
      T* out = c.row_ptr(r);
      if (!accumulate)
        for (std::int64_t j = 0; j < n; ++j) out[j] = T(0);
      for (std::int64_t k = a.offsets[r]; k < a.offsets[r + 1]; ++k) {
        const T v = a.values[k];
        const T* in = b.row_ptr(a.columns[k]);
#pragma omp simd
        for (std::int64_t j = 0; j < n; ++j) out[j] += v * in[j];
      }
    }
  });
}

template <class T>
void spmm_tn(const BasicCsrMatrix<T>& a, std::type_identity_t<MatrixView<const T>> b, MatrixView<T> c,
             bool accumulate) {
  GAT_REQUIRE(static_cast<std::int64_t>(a.offsets.size()) == a.rows + 1, "spmm_tn: A has ", a.rows, " rows but ",
              a.offsets.size(), " row offsets (expected rows + 1; see BasicCsrMatrix::validate)");
  GAT_REQUIRE(a.rows == b.rows(), "spmm_tn: A is ", a.rows, "x", a.cols, " but B has ", b.rows(),
              " rows; A's rows must equal B's rows");
  GAT_REQUIRE(c.rows() == a.cols && c.cols() == b.cols(), "spmm_tn: C is ", c.rows(), "x", c.cols(), ", expected ",
              a.cols, "x", b.cols());
  const std::int64_t grain = 16;
  parallel_for(b.cols(), grain, [&](std::int64_t c0, std::int64_t c1) {
    if (!accumulate)
      for (std::int64_t r = 0; r < c.rows(); ++r)
        for (std::int64_t j = c0; j < c1; ++j) c(r, j) = T(0);
    for (std::int64_t r = 0; r < a.rows; ++r) {
      const T* in = b.row_ptr(r);
      for (std::int64_t k = a.offsets[r]; k < a.offsets[r + 1]; ++k) {
        const T v = a.values[k];
        T* out = c.row_ptr(a.columns[k]);
#pragma omp simd
        for (std::int64_t j = c0; j < c1; ++j) out[j] += v * in[j];
      }
    }
  });
}

template void spmm<float>(const BasicCsrMatrix<float>&, MatrixView<const float>, MatrixView<float>, bool);
template void spmm_tn<float>(const BasicCsrMatrix<float>&, MatrixView<const float>, MatrixView<float>, bool);
template void spmm<double>(const BasicCsrMatrix<double>&, MatrixView<const double>, MatrixView<double>, bool);
template void spmm_tn<double>(const BasicCsrMatrix<double>&, MatrixView<const double>, MatrixView<double>, bool);

}  // namespace gat
