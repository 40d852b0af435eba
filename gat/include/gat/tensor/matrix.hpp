#pragma once
// Dense row-major matrices: an owning BasicMatrix with 64-byte aligned storage and a cheap,
// non-owning MatrixView (with a leading dimension, so a block of columns is a view too).
// Node features with several heads are laid out [nodes][heads][features]: a (nodes x heads*features)
// matrix whose row n holds head h at columns [h*features, (h+1)*features).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>

#include "gat/core/check.hpp"

namespace gat {

template <class T>
class MatrixView {
 public:
  using value_type = std::remove_const_t<T>;

  MatrixView() = default;
  MatrixView(T* data, std::int64_t rows, std::int64_t cols, std::int64_t ld)
      : data_(data), rows_(rows), cols_(cols), ld_(ld) {}
  MatrixView(T* data, std::int64_t rows, std::int64_t cols) : MatrixView(data, rows, cols, cols) {}
  // A mutable view converts to a const one.
  template <class U, class = std::enable_if_t<std::is_same_v<const U, T> && !std::is_same_v<U, T>>>
  MatrixView(MatrixView<U> other) : MatrixView(other.data(), other.rows(), other.cols(), other.ld()) {}

  T* data() const noexcept { return data_; }
  std::int64_t rows() const noexcept { return rows_; }
  std::int64_t cols() const noexcept { return cols_; }
  std::int64_t ld() const noexcept { return ld_; }
  std::int64_t size() const noexcept { return rows_ * cols_; }
  bool empty() const noexcept { return rows_ == 0 || cols_ == 0; }
  bool contiguous() const noexcept { return ld_ == cols_ || rows_ <= 1; }

  T& operator()(std::int64_t r, std::int64_t c) const noexcept { return data_[r * ld_ + c]; }
  T* row_ptr(std::int64_t r) const noexcept { return data_ + r * ld_; }
  std::span<T> row(std::int64_t r) const noexcept { return {data_ + r * ld_, static_cast<std::size_t>(cols_)}; }

  // Rows [begin, begin+count).
  MatrixView block_rows(std::int64_t begin, std::int64_t count) const {
    GAT_REQUIRE(begin >= 0 && count >= 0 && begin + count <= rows_, "block_rows(", begin, ", ", count,
                ") is outside a matrix of ", rows_, " rows");
    return {data_ + begin * ld_, count, cols_, ld_};
  }
  // Columns [begin, begin+count).
  MatrixView block_cols(std::int64_t begin, std::int64_t count) const {
    GAT_REQUIRE(begin >= 0 && count >= 0 && begin + count <= cols_, "block_cols(", begin, ", ", count,
                ") is outside a matrix of ", cols_, " columns");
    return {data_ + begin, rows_, count, ld_};
  }

 private:
  T* data_ = nullptr;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
  std::int64_t ld_ = 0;
};

namespace detail {
struct AlignedDelete {
  void operator()(void* p) const noexcept;
};
void* aligned_allocate(std::size_t bytes);
}  // namespace detail

template <class T>
class BasicMatrix {
  static_assert(std::is_floating_point_v<T>);

 public:
  using value_type = T;
  static constexpr std::size_t alignment = 64;

  BasicMatrix() = default;
  // Zero-initialised.
  BasicMatrix(std::int64_t rows, std::int64_t cols) { resize(rows, cols); }
  BasicMatrix(std::int64_t rows, std::int64_t cols, T fill_value) {
    resize(rows, cols);
    fill(fill_value);
  }
  BasicMatrix(const BasicMatrix& other) { assign(other.view()); }
  BasicMatrix& operator=(const BasicMatrix& other) {
    if (this != &other) assign(other.view());
    return *this;
  }
  BasicMatrix(BasicMatrix&&) noexcept = default;
  BasicMatrix& operator=(BasicMatrix&&) noexcept = default;

  static BasicMatrix from_view(MatrixView<const T> v) {
    BasicMatrix m;
    m.assign(v);
    return m;
  }

  // Changes the shape; the contents are zero afterwards. Storage is reused when large enough,
  // so buffers resized every epoch to the same shape never allocate again.
  void resize(std::int64_t rows, std::int64_t cols);
  // Like resize, but leaves the contents unspecified (for outputs that are fully overwritten).
  void resize_uninitialized(std::int64_t rows, std::int64_t cols);
  void assign(MatrixView<const T> v);
  void fill(T value) noexcept;
  void set_zero() noexcept { fill(T(0)); }

  T* data() noexcept { return data_.get(); }
  const T* data() const noexcept { return data_.get(); }
  std::int64_t rows() const noexcept { return rows_; }
  std::int64_t cols() const noexcept { return cols_; }
  std::int64_t size() const noexcept { return rows_ * cols_; }
  bool empty() const noexcept { return size() == 0; }

  T& operator()(std::int64_t r, std::int64_t c) noexcept { return data_[r * cols_ + c]; }
  const T& operator()(std::int64_t r, std::int64_t c) const noexcept { return data_[r * cols_ + c]; }
  T* row_ptr(std::int64_t r) noexcept { return data() + r * cols_; }
  const T* row_ptr(std::int64_t r) const noexcept { return data() + r * cols_; }
  std::span<T> flat() noexcept { return {data(), static_cast<std::size_t>(size())}; }
  std::span<const T> flat() const noexcept { return {data(), static_cast<std::size_t>(size())}; }

  MatrixView<T> view() noexcept { return {data(), rows_, cols_, cols_}; }
  MatrixView<const T> view() const noexcept { return {data(), rows_, cols_, cols_}; }
  operator MatrixView<T>() noexcept { return view(); }
  operator MatrixView<const T>() const noexcept { return view(); }

 private:
  void reserve_elements(std::int64_t n);

  std::unique_ptr<T[], detail::AlignedDelete> data_;
  std::int64_t capacity_ = 0;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
};

using Matrix = BasicMatrix<float>;
using MatrixD = BasicMatrix<double>;

extern template class BasicMatrix<float>;
extern template class BasicMatrix<double>;

// Elementwise copy with conversion (e.g. float <-> double), shapes must match.
template <class To, class From>
void convert(MatrixView<const From> from, MatrixView<To> to) {
  GAT_REQUIRE(from.rows() == to.rows() && from.cols() == to.cols(), "convert: shapes differ (", from.rows(),
              "x", from.cols(), " vs ", to.rows(), "x", to.cols(), ")");
  for (std::int64_t r = 0; r < from.rows(); ++r)
    for (std::int64_t c = 0; c < from.cols(); ++c) to(r, c) = static_cast<To>(from(r, c));
}

}  // namespace gat
