#pragma once
// The plain reference of the first projection with a dropout mask per head on sparse input, as
// the reference GAT implementation draws them: head h's columns of y are dropout_h(x) W_h^T, its
// mask sparse dropout_forward's with key.child(h), and the weight gradient's rows of head h are
// dy_h^T dropout_h(x). Sums over the stored values in row order, one multiply and one add each,
// so that the library's kernels must give the same bits (tests/nn_kernels, gat_bench_nn_kernels
// --verify).
#include <cstdint>

#include <gat/nn/dropout.hpp>
#include <gat/tensor/csr_matrix.hpp>
#include <gat/tensor/matrix.hpp>

namespace gat::reference {

// x: N x in (CSR); w: heads*F x in; dy: N x heads*F. y: N x heads*F; grad: heads*F x in.
inline void headwise_sparse_projection(const CsrMatrix& x, const Matrix& w, std::int64_t heads, float p,
                                       RandomKey key, const Matrix& dy, Matrix& y, Matrix& grad) {
  const std::int64_t n = x.rows, hf = w.rows(), f = hf / heads;
  y = Matrix(n, hf);
  grad = Matrix(hf, x.cols);
  for (std::int64_t h = 0; h < heads; ++h) {
    CsrMatrix dropped;
    nn::dropout_forward(x, p, key.child(static_cast<std::uint64_t>(h)), dropped);
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t k = dropped.offsets[r]; k < dropped.offsets[r + 1]; ++k)
        for (std::int64_t j = h * f; j < (h + 1) * f; ++j) {
          const float py = dropped.values[k] * w(j, dropped.columns[k]);
          y(r, j) = y(r, j) + py;
          const float pg = dropped.values[k] * dy(r, j);
          grad(j, dropped.columns[k]) = grad(j, dropped.columns[k]) + pg;
        }
  }
}

}  // namespace gat::reference
