#include "gat/tensor/sparse_matmul.hpp"

#include "gat/core/parallel.hpp"

namespace gat {

template <class T>
void spmm(const BasicCsrMatrix<T>& a, std::type_identity_t<MatrixView<const T>> b, MatrixView<T> c, bool accumulate) {
  GAT_REQUIRE(a.cols == b.rows(), "spmm: A is ", a.rows, "x", a.cols, " but B has ", b.rows(),
              " rows; A's columns must equal B's rows");
  GAT_REQUIRE(c.rows() == a.rows && c.cols() == b.cols(), "spmm: C is ", c.rows(), "x", c.cols(),
              ", expected ", a.rows, "x", b.cols());
  const std::int64_t n = b.cols();
  parallel_for_rows(a.offsets, [&](std::int64_t begin, std::int64_t end) {
    if (n == 64) {  // GAT's 8 heads x 8 features: the output row stays in registers over the row's entries
      for (std::int64_t r = begin; r < end; ++r) {
        T acc[64];
        T* out = c.row_ptr(r);
        for (std::int64_t j = 0; j < 64; ++j) acc[j] = accumulate ? out[j] : T(0);
        for (std::int64_t k = a.offsets[r]; k < a.offsets[r + 1]; ++k) {
          const T v = a.values[k];
          const T* in = b.row_ptr(a.columns[k]);
#pragma omp simd
          for (std::int64_t j = 0; j < 64; ++j) acc[j] += v * in[j];
        }
        for (std::int64_t j = 0; j < 64; ++j) out[j] = acc[j];
      }
      return;
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
