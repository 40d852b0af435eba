#include "gat/tensor/features.hpp"

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

template class BasicFeatures<float>;
template class BasicFeatures<double>;

}  // namespace gat
