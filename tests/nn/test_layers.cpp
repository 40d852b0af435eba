#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <vector>

#include "gat/core/parallel.hpp"
#include "gat/core/error.hpp"
#include "gat/nn/activation.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/linear.hpp"
#include "gat/nn/sequential.hpp"
#include "layer_check.hpp"

using namespace gat;
using namespace gat::nn;

TEST_CASE("Linear: gradients by finite differences, PyTorch names", "[nn]") {
  Linear<double> lin({.in_features = 5, .out_features = 3, .seed = 1});
  auto names = lin.named_parameters();
  REQUIRE(names.size() == 2);
  CHECK(names[0].name == "weight");
  CHECK(names[0].parameter->value.rows() == 3);
  CHECK(names[1].name == "bias");
  MatrixD x = gat_test::random_matrix<double>(7, 5, 2);
  gat_test::layer_gradient_error(lin, {}, x);
}

TEST_CASE("Linear on sparse input equals Linear on the same dense input", "[nn]") {
  Linear<float> lin({.in_features = 6, .out_features = 4, .seed = 3});
  Matrix dense = gat_test::random_matrix<float>(9, 6, 4);
  for (std::int64_t i = 0; i < dense.size(); i += 2) dense.data()[i] = 0;
  const CsrMatrix sparse = CsrMatrix::from_dense(dense.view());
  const Matrix a = Matrix::from_view(lin.forward({}, LayerInput<float>::of(dense.view())).dense);
  const Matrix b = Matrix::from_view(lin.forward({}, LayerInput<float>{{}, &sparse}).dense);
  CHECK(gat_test::normalized_error(a, b) < 1e-6);
  // Weight gradients agree too.
  const Matrix g = gat_test::random_matrix<float>(9, 4, 5);
  lin.zero_grad();
  lin.forward({}, LayerInput<float>::of(dense.view()));
  lin.backward({}, g.view(), false);
  const Matrix dense_grad = lin.weight().grad;
  lin.zero_grad();
  lin.forward({}, LayerInput<float>{{}, &sparse});
  lin.backward({}, g.view(), false);
  CHECK(gat_test::normalized_error(lin.weight().grad, dense_grad) < 1e-6);
}

TEST_CASE("activations: gradients by finite differences", "[nn]") {
  for (auto kind : {ActivationKind::elu, ActivationKind::leaky_relu, ActivationKind::relu}) {
    Activation<double> act({.kind = kind});
    MatrixD x = gat_test::random_matrix<double>(4, 6, 7);
    gat_test::layer_gradient_error(act, {}, x);
  }
}

TEST_CASE("dropout: scaled survivors, same key same mask, identity in eval", "[nn]") {
  Dropout<double> drop(0.5f);
  ForwardContext ctx{nullptr, RandomKey{3, 4}};
  MatrixD x(50, 40, 1.0);
  const MatrixD a = MatrixD::from_view(drop.forward(ctx, LayerInput<double>::of(x.view())).dense);
  std::int64_t zeros = 0;
  for (double v : a.flat()) {
    CHECK((v == 0.0 || v == 2.0));
    zeros += v == 0.0;
  }
  CHECK(zeros > 800);
  CHECK(zeros < 1200);
  const MatrixD b = MatrixD::from_view(drop.forward(ctx, LayerInput<double>::of(x.view())).dense);
  CHECK(gat_test::normalized_error(a, b) == 0.0);
  gat_test::layer_gradient_error(drop, ctx, x);
  drop.eval();
  const MatrixD c = MatrixD::from_view(drop.forward(ctx, LayerInput<double>::of(x.view())).dense);
  CHECK(gat_test::normalized_error(c, x) == 0.0);
  REQUIRE_THROWS_WITH(Dropout<float>(1.0f), Catch::Contains("[0, 1)"));
}

TEST_CASE("dropout with a kept mask gives dropout_forward's and dropout_backward's bits", "[nn]") {
  // Infinities and NaNs among the values: a dropped one is still exactly 0, a kept one passes.
  Matrix x = gat_test::random_matrix<float>(300, 37, 5), d = gat_test::random_matrix<float>(300, 37, 6);
  x(3, 4) = std::numeric_limits<float>::infinity();
  x(7, 1) = std::numeric_limits<float>::quiet_NaN();
  d(9, 9) = -std::numeric_limits<float>::infinity();
  const RandomKey key{11, 12};
  Matrix want(300, 37), want_d(300, 37);
  dropout_forward<float>(x.view(), 0.6f, key, want.view());
  dropout_backward<float>(d.view(), 0.6f, key, want_d.view());
  auto same = [](const Matrix& a, const Matrix& b) {
    return std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
  };
  for (const int threads : {1, 2}) {
    set_num_threads(threads);
    std::vector<std::uint8_t> keep;
    Matrix got(300, 37), got_d(300, 37);
    dropout_forward_keep<float>(x.view(), 0.6f, key, got.view(), keep);
    dropout_backward_kept<float>(d.view(), 0.6f, keep, got_d.view());
    CHECK(same(got, want));
    CHECK(same(got_d, want_d));
    std::int64_t kept = 0;
    for (std::uint8_t k : keep) kept += k;
    CHECK(kept > 300 * 37 * 3 / 10);
    CHECK(kept < 300 * 37 * 5 / 10);
    keep.pop_back();
    REQUIRE_THROWS_WITH(dropout_backward_kept<float>(d.view(), 0.6f, keep, got_d.view()),
                        Catch::Contains("kept mask has 11099 entries"));
  }
  set_num_threads(0);
}

TEST_CASE("dropout keeps sparse input sparse", "[nn]") {
  Matrix dense(10, 10);
  for (int i = 0; i < 10; ++i) dense(i, (3 * i) % 10) = 1;
  const CsrMatrix sparse = CsrMatrix::from_dense(dense.view());
  Dropout<float> drop(0.5f);
  auto out = drop.forward({nullptr, RandomKey{1, 1}}, LayerInput<float>{{}, &sparse});
  REQUIRE(out.is_sparse());
  CHECK(out.sparse->columns == sparse.columns);
  for (float v : out.sparse->values) CHECK((v == 0.0f || v == 2.0f));
}

TEST_CASE("sequential names its layers and chains gradients", "[nn]") {
  Sequential<double> seq;
  seq.add(std::make_unique<Linear<double>>(LinearOptions{.in_features = 4, .out_features = 6, .seed = 1}));
  seq.add(std::make_unique<Activation<double>>());
  seq.add(std::make_unique<Linear<double>>(LinearOptions{.in_features = 6, .out_features = 2, .seed = 2}), "head");
  auto names = seq.named_parameters();
  REQUIRE(names.size() == 4);
  CHECK(names[0].name == "0.weight");
  CHECK(names[3].name == "head.bias");
  MatrixD x = gat_test::random_matrix<double>(5, 4, 3);
  gat_test::layer_gradient_error(seq, {}, x);
}
