#pragma once
// Shared helpers of the test suite: random matrices, normalised error, finite differences, data.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "gat/core/random.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat_test {

// The real datasets folder (GAT_DATA environment variable, else the CMake setting GAT_DATA),
// or nothing when it does not exist.
std::optional<std::filesystem::path> data_root();
// Skips the current test (with a message saying how to enable it) when the dataset folder
// `name` (e.g. "cora") is absent; returns its parent folder otherwise.
#define GAT_REQUIRE_DATASET(name)                                                                    \
  ([]() -> std::filesystem::path {                                                               \
    auto root = ::gat_test::data_root();                                                           \
    if (!root || !std::filesystem::exists(*root / (name))) {                                       \
      WARN("skipped: dataset '" << (name) << "' not found; set GAT_DATA to the datasets folder");  \
      return {};                                                                                   \
    }                                                                                              \
    return *root;                                                                                  \
  }())

template <class T>
gat::BasicMatrix<T> random_matrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed, double scale = 1.0) {
  gat::BasicMatrix<T> m(rows, cols);
  gat::RandomKey key{seed, 17};
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<T>(scale * (2.0 * key.uniform_double(i) - 1.0));
  return m;
}

// ||a - b|| / max(||b||, tiny): the normalised error kernels are compared by.
template <class A, class B>
double normalized_error(gat::MatrixView<const A> a, gat::MatrixView<const B> b);

inline double normalized_error(const gat::Matrix& a, const gat::Matrix& b) {
  return normalized_error<float, float>(a.view(), b.view());
}
inline double normalized_error(const gat::MatrixD& a, const gat::MatrixD& b) {
  return normalized_error<double, double>(a.view(), b.view());
}

// Central finite differences of a scalar function f with respect to every entry of x; returns
// the largest |numeric - analytic| / max(1, |numeric|, |analytic|). x is restored afterwards.
double max_gradient_error(gat::MatrixD& x, const gat::MatrixD& analytic, const std::function<double()>& f,
                          double h = 1e-6);

}  // namespace gat_test
