#pragma once
// Node features that keep their sparsity: bag-of-words come as CSR, dense features as dense.
// Layers accept either without densifying.
#include <cstdint>
#include <span>
#include <variant>

#include "gat/tensor/csr_matrix.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat {

template <class T>
class BasicFeatures {
 public:
  BasicFeatures() = default;
  BasicFeatures(BasicMatrix<T> dense) : data_(std::move(dense)) {}
  BasicFeatures(BasicCsrMatrix<T> sparse) : data_(std::move(sparse)) {}

  bool is_sparse() const noexcept { return std::holds_alternative<BasicCsrMatrix<T>>(data_); }
  std::int64_t rows() const noexcept { return is_sparse() ? sparse().rows : dense().rows(); }
  std::int64_t cols() const noexcept { return is_sparse() ? sparse().cols : dense().cols(); }
  std::int64_t nnz() const noexcept;
  double density() const noexcept;

  const BasicMatrix<T>& dense() const { return std::get<BasicMatrix<T>>(data_); }
  BasicMatrix<T>& dense() { return std::get<BasicMatrix<T>>(data_); }
  const BasicCsrMatrix<T>& sparse() const { return std::get<BasicCsrMatrix<T>>(data_); }
  BasicCsrMatrix<T>& sparse() { return std::get<BasicCsrMatrix<T>>(data_); }
  BasicMatrix<T> to_dense() const { return is_sparse() ? sparse().to_dense() : dense(); }

  // Stores dense features as CSR when at most `max_density` of their entries are nonzero
  // (Pubmed's TF-IDF rows: 10%), so that the first projection is a sparse product: 10x fewer
  // multiplications there. The values are unchanged. Returns whether it converted. The default
  // is what gat's command line and benchmarks use: below it the CSR product was the faster one.
  static constexpr double kSparseDensity = 0.3;
  bool sparsify(double max_density = kSparseDensity);
  // Scales each row to sum to 1 (the GAT preprocessing); all-zero rows stay zero.
  void normalize_rows();
  // Throws InvalidArgument naming the first NaN or infinite value.
  void check_finite(const char* what) const;
  // Row rows[k] of these features as row k: a reordering or a subset of the nodes, in the same
  // storage. Throws InvalidArgument naming the first row index out of range.
  BasicFeatures rows_of(std::span<const std::int32_t> rows) const;

 private:
  std::variant<BasicMatrix<T>, BasicCsrMatrix<T>> data_;
};

using Features = BasicFeatures<float>;
using FeaturesD = BasicFeatures<double>;

extern template class BasicFeatures<float>;
extern template class BasicFeatures<double>;

}  // namespace gat
