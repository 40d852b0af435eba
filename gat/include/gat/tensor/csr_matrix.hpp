#pragma once
// A compressed-sparse-row matrix of values, used for sparse node features such as
// bag-of-words (Cora's are 98.7% zeros): they are never densified on the way into a layer.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/tensor/matrix.hpp"

namespace gat {

template <class T>
struct BasicCsrMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<std::int64_t> offsets{0};  // rows + 1 entries
  std::vector<std::int32_t> columns;     // sorted within each row
  std::vector<T> values;

  std::int64_t nnz() const noexcept { return static_cast<std::int64_t>(values.size()); }
  double density() const noexcept {
    return rows && cols ? static_cast<double>(nnz()) / (static_cast<double>(rows) * cols) : 0.0;
  }
  std::span<const std::int32_t> row_columns(std::int64_t r) const noexcept {
    return {columns.data() + offsets[r], static_cast<std::size_t>(offsets[r + 1] - offsets[r])};
  }
  std::span<const T> row_values(std::int64_t r) const noexcept {
    return {values.data() + offsets[r], static_cast<std::size_t>(offsets[r + 1] - offsets[r])};
  }

  // Throws InvalidArgument unless offsets, columns and values are consistent and in range.
  void validate() const;
  static BasicCsrMatrix from_dense(MatrixView<const T> dense);
  BasicMatrix<T> to_dense() const;
  // The transpose, also in CSR form (i.e. the CSC of this matrix); used for weight gradients.
  BasicCsrMatrix transposed() const;
};

using CsrMatrix = BasicCsrMatrix<float>;
using CsrMatrixD = BasicCsrMatrix<double>;

extern template struct BasicCsrMatrix<float>;
extern template struct BasicCsrMatrix<double>;

}  // namespace gat
