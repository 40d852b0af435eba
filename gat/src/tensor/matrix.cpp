#include "gat/tensor/matrix.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace gat {

namespace detail {
void AlignedDelete::operator()(void* p) const noexcept { std::free(p); }

void* aligned_allocate(std::size_t bytes) {
  const std::size_t rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded == 0 ? 64 : rounded);
  if (!p) throw std::bad_alloc();
  return p;
}
}  // namespace detail

template <class T>
void BasicMatrix<T>::reserve_elements(std::int64_t n) {
  if (n <= capacity_) return;
  data_.reset(static_cast<T*>(detail::aligned_allocate(static_cast<std::size_t>(n) * sizeof(T))));
  capacity_ = n;
}

template <class T>
void BasicMatrix<T>::resize_uninitialized(std::int64_t rows, std::int64_t cols) {
  GAT_REQUIRE(rows >= 0 && cols >= 0, "matrix shape must not be negative, got ", rows, "x", cols);
  reserve_elements(rows * cols);
  rows_ = rows;
  cols_ = cols;
}

template <class T>
void BasicMatrix<T>::resize(std::int64_t rows, std::int64_t cols) {
  resize_uninitialized(rows, cols);
  set_zero();
}

template <class T>
void BasicMatrix<T>::assign(MatrixView<const T> v) {
  resize_uninitialized(v.rows(), v.cols());
  for (std::int64_t r = 0; r < v.rows(); ++r)
    if (v.cols()) std::memcpy(row_ptr(r), v.row_ptr(r), static_cast<std::size_t>(v.cols()) * sizeof(T));
}

template <class T>
void BasicMatrix<T>::fill(T value) noexcept {
  std::fill_n(data_.get(), size(), value);
}

template class BasicMatrix<float>;
template class BasicMatrix<double>;

}  // namespace gat
