#pragma once
// How far a kernel's result is from the reference's, as the tests and the benchmarks' verifiers
// measure it.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include <gat/tensor/matrix.hpp>

namespace gat::reference {

// ||a - b|| / ||b|| (Frobenius norms): the error of a against the reference b, relative to b's
// size. Infinite for different shapes or a NaN.
template <class A, class B>
double normalized_error(MatrixView<const A> a, MatrixView<const B> b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return INFINITY;
  double diff = 0, norm = 0;
  for (std::int64_t r = 0; r < a.rows(); ++r)
    for (std::int64_t c = 0; c < a.cols(); ++c) {
      const double d = static_cast<double>(a(r, c)) - static_cast<double>(b(r, c));
      diff += d * d;
      norm += static_cast<double>(b(r, c)) * static_cast<double>(b(r, c));
    }
  if (std::isnan(diff)) return INFINITY;
  return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-30);
}

}  // namespace gat::reference
