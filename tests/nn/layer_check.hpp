#pragma once
// Finite-difference checks of a layer in double precision: every parameter and the input.
#include <catch2/catch.hpp>

#include "gat/nn/layer.hpp"
#include "support/test_support.hpp"

namespace gat_test {

// loss = sum(out .* weights); returns the worst relative error over all parameters and, when
// check_input, over the input entries.
inline double layer_gradient_error(gat::nn::Layer<double>& layer, const gat::nn::ForwardContext& ctx,
                                   gat::MatrixD& x, bool check_input = true) {
  using gat::MatrixD;
  auto input = [&] { return gat::nn::LayerInput<double>::of(x.view()); };
  auto out0 = layer.forward(ctx, input()).dense;
  const MatrixD weights = random_matrix<double>(out0.rows(), out0.cols(), 4242);
  auto loss = [&] {
    auto out = layer.forward(ctx, input()).dense;
    double s = 0;
    for (std::int64_t r = 0; r < out.rows(); ++r)
      for (std::int64_t c = 0; c < out.cols(); ++c) s += out(r, c) * weights(r, c);
    return s;
  };
  layer.zero_grad();
  layer.forward(ctx, input());
  const MatrixD d_input = MatrixD::from_view(layer.backward(ctx, weights.view(), check_input));
  double worst = 0;
  for (auto& p : layer.named_parameters()) {
    const MatrixD analytic = p.parameter->grad;
    const double err = max_gradient_error(p.parameter->value, analytic, loss);
    INFO("parameter " << p.name << " error " << err);
    CHECK(err < 1e-6);
    worst = std::max(worst, err);
  }
  if (check_input) {
    const double err = max_gradient_error(x, d_input, loss);
    INFO("input error " << err);
    CHECK(err < 1e-6);
    worst = std::max(worst, err);
  }
  return worst;
}

}  // namespace gat_test
