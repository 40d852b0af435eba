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

template void spmm<float>(const BasicCsrMatrix<float>&, MatrixView<const float>, MatrixView<float>, bool);
template void spmm<double>(const BasicCsrMatrix<double>&, MatrixView<const double>, MatrixView<double>, bool);

}  // namespace gat
