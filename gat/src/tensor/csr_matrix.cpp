#include "gat/tensor/csr_matrix.hpp"

#include <algorithm>

namespace gat {

template <class T>
void BasicCsrMatrix<T>::validate() const {
  GAT_REQUIRE(rows >= 0 && cols >= 0, "sparse matrix shape must not be negative, got ", rows, "x", cols);
  GAT_REQUIRE(static_cast<std::int64_t>(offsets.size()) == rows + 1, "sparse matrix has ", offsets.size(),
              " row offsets for ", rows, " rows; expected rows + 1");
  GAT_REQUIRE(offsets.front() == 0, "sparse matrix row offsets must start at 0");
  GAT_REQUIRE(columns.size() == values.size(), "sparse matrix has ", columns.size(), " column indices but ",
              values.size(), " values");
  GAT_REQUIRE(offsets.back() == nnz(), "sparse matrix row offsets end at ", offsets.back(), " but it has ", nnz(),
              " values");
  for (std::int64_t r = 0; r < rows; ++r) {
    GAT_REQUIRE(offsets[r] <= offsets[r + 1], "sparse matrix row offsets decrease at row ", r);
    for (std::int64_t k = offsets[r]; k < offsets[r + 1]; ++k) {
      GAT_REQUIRE(columns[k] >= 0 && columns[k] < cols, "sparse matrix row ", r, " has column ", columns[k],
                  " outside [0, ", cols, ")");
      GAT_REQUIRE(k == offsets[r] || columns[k - 1] < columns[k], "sparse matrix row ", r,
                  " has unsorted or repeated column ", columns[k]);
    }
  }
}

template <class T>
BasicCsrMatrix<T> BasicCsrMatrix<T>::from_dense(MatrixView<const T> dense) {
  BasicCsrMatrix m;
  m.rows = dense.rows();
  m.cols = dense.cols();
  m.offsets.assign(1, 0);
  for (std::int64_t r = 0; r < dense.rows(); ++r) {
    for (std::int64_t c = 0; c < dense.cols(); ++c) {
      if (dense(r, c) != T(0)) {
        m.columns.push_back(static_cast<std::int32_t>(c));
        m.values.push_back(dense(r, c));
      }
    }
    m.offsets.push_back(m.nnz());
  }
  return m;
}

template <class T>
BasicMatrix<T> BasicCsrMatrix<T>::to_dense() const {
  BasicMatrix<T> d(rows, cols);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t k = offsets[r]; k < offsets[r + 1]; ++k) d(r, columns[k]) = values[k];
  return d;
}

template <class T>
BasicCsrMatrix<T> BasicCsrMatrix<T>::transposed() const {
  BasicCsrMatrix t;
  t.rows = cols;
  t.cols = rows;
  t.offsets.assign(static_cast<std::size_t>(cols) + 1, 0);
  for (std::int32_t c : columns) ++t.offsets[c + 1];
  for (std::int64_t c = 0; c < cols; ++c) t.offsets[c + 1] += t.offsets[c];
  t.columns.resize(columns.size());
  t.values.resize(values.size());
  std::vector<std::int64_t> next(t.offsets.begin(), t.offsets.end() - 1);
  // Visiting rows in order keeps each transposed row sorted.
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t k = offsets[r]; k < offsets[r + 1]; ++k) {
      const std::int64_t slot = next[columns[k]]++;
      t.columns[slot] = static_cast<std::int32_t>(r);
      t.values[slot] = values[k];
    }
  }
  return t;
}

template struct BasicCsrMatrix<float>;
template struct BasicCsrMatrix<double>;

}  // namespace gat
