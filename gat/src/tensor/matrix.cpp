#include "gat/tensor/matrix.hpp"

#include "gat/core/checked_size.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace gat {

namespace detail {
void AlignedDelete::operator()(void* p) const noexcept { std::free(p); }

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
constexpr std::size_t kHugeFrom = std::size_t{8} << 20;
}  // namespace

// Matrices of 8 MiB and more are placed on 2 MiB pages where the kernel offers them (Linux
// transparent huge pages, "madvise" mode): the attention kernels gather rows of such matrices in
// random order, and with 4 KiB pages nearly every gathered row of a large graph also misses the
// TLB (its 3k entries cover 12 MiB). The cost is at most one page of rounding per such matrix.
void* aligned_allocate(std::size_t bytes) {
  const bool huge = bytes >= kHugeFrom;
  const std::size_t align = huge ? kHugePage : 64;
  const std::size_t rounded = (bytes + align - 1) / align * align;
  void* p = std::aligned_alloc(align, rounded == 0 ? align : rounded);
  if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (huge) madvise(p, rounded, MADV_HUGEPAGE);  // advice only: without it the pages are small
#endif
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
  reserve_elements(checked_elements(rows, cols, sizeof(T), "matrix"));
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
