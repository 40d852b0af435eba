#include "gat/tensor/features.hpp"

#include <algorithm>
#include <cmath>

namespace gat {

template <class T>
std::int64_t BasicFeatures<T>::nnz() const noexcept {
  if (is_sparse()) return sparse().nnz();
  std::int64_t n = 0;
  for (T v : dense().flat()) n += v != T(0);
  return n;
}

template <class T>
double BasicFeatures<T>::density() const noexcept {
  const double cells = static_cast<double>(rows()) * static_cast<double>(cols());
  return cells > 0 ? static_cast<double>(nnz()) / cells : 0.0;
}

template <class T>
bool BasicFeatures<T>::sparsify(double max_density) {
  if (is_sparse() || density() > max_density) return false;
  BasicCsrMatrix<T> csr = BasicCsrMatrix<T>::from_dense(dense().view());
  data_ = std::move(csr);
  return true;
}

template <class T>
void BasicFeatures<T>::normalize_rows() {
  auto scale = [](T* values, std::int64_t n) {
    T sum = 0;
    for (std::int64_t i = 0; i < n; ++i) sum += values[i];
    if (sum == T(0)) return;
    const T inv = T(1) / sum;
    for (std::int64_t i = 0; i < n; ++i) values[i] *= inv;
  };
  if (is_sparse()) {
    auto& s = sparse();
    for (std::int64_t r = 0; r < s.rows; ++r) scale(s.values.data() + s.offsets[r], s.offsets[r + 1] - s.offsets[r]);
  } else {
    auto& d = dense();
    for (std::int64_t r = 0; r < d.rows(); ++r) scale(d.row_ptr(r), d.cols());
  }
}

template <class T>
void BasicFeatures<T>::check_finite(const char* what) const {
  if (is_sparse()) {
    const auto& s = sparse();
    for (std::int64_t r = 0; r < s.rows; ++r)
      for (std::int64_t k = s.offsets[r]; k < s.offsets[r + 1]; ++k)
        GAT_REQUIRE(std::isfinite(s.values[k]), what, ": row ", r, ", column ", s.columns[k], " is ", s.values[k],
                    "; features must be finite");
  } else {
    const auto& d = dense();
    for (std::int64_t r = 0; r < d.rows(); ++r)
      for (std::int64_t c = 0; c < d.cols(); ++c)
        GAT_REQUIRE(std::isfinite(d(r, c)), what, ": row ", r, ", column ", c, " is ", d(r, c),
                    "; features must be finite");
  }
}

template <class T>
BasicFeatures<T> BasicFeatures<T>::rows_of(std::span<const std::int32_t> rows) const {
  const std::int64_t n = this->rows();
  for (std::size_t k = 0; k < rows.size(); ++k)
    GAT_REQUIRE(rows[k] >= 0 && rows[k] < n, "features: row index ", k, " is ", rows[k], ", outside the ", n,
                " rows");
  if (is_sparse()) {
    const auto& m = sparse();
    BasicCsrMatrix<T> out;
    out.rows = static_cast<std::int64_t>(rows.size());
    out.cols = m.cols;
    out.offsets.reserve(rows.size() + 1);
    for (const std::int32_t r : rows) {
      out.columns.insert(out.columns.end(), m.columns.begin() + m.offsets[r], m.columns.begin() + m.offsets[r + 1]);
      out.values.insert(out.values.end(), m.values.begin() + m.offsets[r], m.values.begin() + m.offsets[r + 1]);
      out.offsets.push_back(static_cast<std::int64_t>(out.columns.size()));
    }
    return BasicFeatures(std::move(out));
  }
  const auto& m = dense();
  BasicMatrix<T> out;
  out.resize_uninitialized(static_cast<std::int64_t>(rows.size()), m.cols());
  for (std::size_t k = 0; k < rows.size(); ++k)
    std::copy(m.row_ptr(rows[k]), m.row_ptr(rows[k]) + m.cols(), out.row_ptr(static_cast<std::int64_t>(k)));
  return BasicFeatures(std::move(out));
}

template class BasicFeatures<float>;
template class BasicFeatures<double>;

}  // namespace gat
