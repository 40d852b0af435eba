// The float activations use vectorised polynomial exp/expm1 (gat/src/core/vector_math.hpp), not
// libm: checked here against double-precision std::expm1 across the ranges where each formula
// is used, at their boundaries, and on special values.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "gat/nn/activation.hpp"
#include "layer_check.hpp"

using namespace gat;
using namespace gat::nn;

namespace {

std::vector<float> probe_inputs() {
  std::vector<float> xs = {0.0f, -0.0f, -1e-30f, -1e-8f, -1e-4f, -0.1f, -0.4999f, -0.5f, -0.5001f, -1.0f,
                           -3.0f, -10.0f, -20.0f, -87.0f, -88.0f, -1e4f, 1e-8f, 0.5f, 3.0f, 1e4f};
  for (int i = 0; i <= 4000; ++i) xs.push_back(-20.0f + 0.005f * static_cast<float>(i));  // [-20, 0]
  return xs;
}

Matrix row_of(const std::vector<float>& xs) {
  Matrix m(1, static_cast<std::int64_t>(xs.size()));
  for (std::size_t i = 0; i < xs.size(); ++i) m(0, static_cast<std::int64_t>(i)) = xs[i];
  return m;
}

}  // namespace

TEST_CASE("float ELU is within a few ulp of expm1 and its gradient of alpha * exp", "[nn][activation]") {
  const std::vector<float> xs = probe_inputs();
  const Matrix x = row_of(xs);
  for (double alpha : {1.0, 0.5}) {
    Activation<float> elu({.kind = ActivationKind::elu, .alpha = alpha});
    const MatrixView<const float> y = elu.forward({}, LayerInput<float>::of(x.view())).dense;
    Matrix ones(1, x.cols(), 1.0f);
    const MatrixView<const float> dy = elu.backward({}, ones.view(), true);
    double worst_value = 0, worst_slope = 0;
    for (std::int64_t i = 0; i < x.cols(); ++i) {
      const double v = xs[static_cast<std::size_t>(i)];
      const double want = v > 0 ? v : alpha * std::expm1(v);
      const double want_slope = v > 0 ? 1.0 : alpha * std::exp(v);
      // relative to the value, with an absolute floor of one float ulp at alpha (|ELU| < alpha)
      const double scale = std::max(std::abs(want), alpha * 1e-7);
      worst_value = std::max(worst_value, std::abs(y(0, i) - want) / scale);
      // f(x) + alpha: absolute error, since f(x) is near -alpha where the slope is tiny
      worst_slope = std::max(worst_slope, std::abs(dy(0, i) - want_slope));
    }
    INFO("alpha " << alpha);
    CHECK(worst_value < 5e-7);   // a few float ulp
    CHECK(worst_slope < 2.5e-7);  // two float ulp of 1
  }
}

TEST_CASE("float ELU keeps NaN and saturates at -alpha", "[nn][activation]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const Matrix x = row_of({nan, -inf, inf, -200.0f});
  Activation<float> elu({.kind = ActivationKind::elu});
  const MatrixView<const float> y = elu.forward({}, LayerInput<float>::of(x.view())).dense;
  CHECK(std::isnan(y(0, 0)));
  CHECK(y(0, 1) == -1.0f);
  CHECK(y(0, 2) == inf);
  CHECK(y(0, 3) == -1.0f);
}

TEST_CASE("float ReLU and LeakyReLU select exactly", "[nn][activation]") {
  const Matrix x = row_of({-2.0f, -0.0f, 0.0f, 1e-30f, 3.0f});
  Activation<float> relu({.kind = ActivationKind::relu});
  Activation<float> leaky({.kind = ActivationKind::leaky_relu, .negative_slope = 0.2});
  const MatrixView<const float> r = relu.forward({}, LayerInput<float>::of(x.view())).dense;
  const MatrixView<const float> l = leaky.forward({}, LayerInput<float>::of(x.view())).dense;
  const float want_r[] = {0.0f, 0.0f, 0.0f, 1e-30f, 3.0f};
  const float want_l[] = {-0.4f, -0.0f, 0.0f, 1e-30f, 3.0f};
  for (int i = 0; i < 5; ++i) {
    CHECK(r(0, i) == want_r[i]);
    CHECK(l(0, i) == Approx(want_l[i]));
  }
}

TEST_CASE("activations whose output does not show the input's sign keep the input for backward", "[nn][activation]") {
  // ELU with alpha < 0 and LeakyReLU with a negative slope are positive on both sides of 0, so
  // backward cannot read x > 0 off f(x): these keep a copy of x. Checked by finite differences.
  for (const ActivationOptions o : {ActivationOptions{.kind = ActivationKind::elu, .alpha = -0.5},
                                    ActivationOptions{.kind = ActivationKind::leaky_relu, .negative_slope = -0.3},
                                    ActivationOptions{.kind = ActivationKind::elu, .alpha = 1.7}}) {
    Activation<double> act(o);
    MatrixD x = gat_test::random_matrix<double>(5, 7, 11);
    INFO("alpha " << o.alpha << " slope " << o.negative_slope);
    CHECK(gat_test::layer_gradient_error(act, {}, x) < 1e-6);
  }
}

TEST_CASE("float ELU gives the same bits in 8-lane blocks of any mix as value by value", "[nn][activation]") {
  // Each lane's form (identity, series, exp) is chosen per value; the 8-lane blocks skip a form only
  // where no lane needs it. Every mix of the three ranges in a block, plus NaN and infinities, is
  // checked against the plain formula applied value by value (the scalar loop of odd lengths).
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  const float kinds[][3] = {{0.3f, 2.0f, 1e-20f}, {-0.1f, -0.4999f, -1e-9f}, {-0.5f, -3.0f, -90.0f}};
  std::vector<float> xs;
  for (int mix = 0; mix < 3 * 3 * 3 * 3 * 3 * 3 * 3 * 3; ++mix)
    for (int lane = 0, m = mix; lane < 8; ++lane, m /= 3) xs.push_back(kinds[m % 3][(mix + lane) % 3]);
  for (float special : {nan, -inf, inf, -0.0f, 0.0f, -87.0f, -88.0f, -0.5f}) {
    for (int lane = 0; lane < 7; ++lane) xs.push_back(-0.2f);
    xs.push_back(special);
  }
  const Matrix x = row_of(xs);
  Activation<float> elu({.kind = ActivationKind::elu, .alpha = 0.7});
  const MatrixView<const float> y = elu.forward({}, LayerInput<float>::of(x.view())).dense;
  // Value by value: a 1-column matrix per value goes through the scalar loop alone.
  std::int64_t differing = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    Activation<float> one({.kind = ActivationKind::elu, .alpha = 0.7});
    const Matrix xi = row_of({xs[i]});
    const float want = one.forward({}, LayerInput<float>::of(xi.view())).dense(0, 0);
    const float got = y(0, static_cast<std::int64_t>(i));
    if (!(std::memcmp(&want, &got, sizeof got) == 0 || (std::isnan(want) && std::isnan(got)))) ++differing;
  }
  CHECK(differing == 0);
}
