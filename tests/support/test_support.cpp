#include "support/test_support.hpp"

#include "gat_reference/error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace gat_test {

std::optional<std::filesystem::path> data_root() {
  std::filesystem::path root;
  if (const char* env = std::getenv("GAT_DATA"); env && *env)
    root = env;
  else
    root = GAT_TEST_DATA_DIR;
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) return std::nullopt;
  return root;
}

template <class A, class B>
double normalized_error(gat::MatrixView<const A> a, gat::MatrixView<const B> b) {
  return gat::reference::normalized_error<A, B>(a, b);
}

template double normalized_error<float, float>(gat::MatrixView<const float>, gat::MatrixView<const float>);
template double normalized_error<double, double>(gat::MatrixView<const double>, gat::MatrixView<const double>);
template double normalized_error<float, double>(gat::MatrixView<const float>, gat::MatrixView<const double>);

double max_gradient_error(gat::MatrixD& x, const gat::MatrixD& analytic, const std::function<double()>& f, double h) {
  double worst = 0;
  for (std::int64_t i = 0; i < x.size(); ++i) {
    const double saved = x.data()[i];
    x.data()[i] = saved + h;
    const double up = f();
    x.data()[i] = saved - h;
    const double down = f();
    x.data()[i] = saved;
    const double numeric = (up - down) / (2 * h);
    const double exact = analytic.data()[i];
    const double err = std::abs(numeric - exact) / std::max({1.0, std::abs(numeric), std::abs(exact)});
    worst = std::max(worst, err);
  }
  return worst;
}

}  // namespace gat_test
