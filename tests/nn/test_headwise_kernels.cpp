// The float first projection with a dropout mask per head (8 heads x 8 features, sparse input)
// runs a vectorised kernel; double runs the plain loops. Both draw the same masks from the same
// keys, so a float layer and a double layer with the same weights must agree to float rounding.
#include <catch2/catch.hpp>

#include <cstring>

#include "gat/core/parallel.hpp"
#include "gat/nn/gat_conv.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::nn;

namespace {

template <class T>
BasicCsrMatrix<T> bag_of_words(std::int64_t rows, std::int64_t cols) {
  BasicMatrix<T> dense(rows, cols);
  const RandomKey key{5, 6};
  for (std::int64_t i = 0; i < dense.size(); ++i)
    if (key.uniform(i) < 0.08f) dense.data()[i] = static_cast<T>(0.25 + key.uniform(i + 1000003));
  return BasicCsrMatrix<T>::from_dense(dense.view());
}

}  // namespace

TEST_CASE("per-head input dropout on sparse input: the float 8 x 8 kernel agrees with the double loops",
          "[nn][gat][dropout]") {
  const std::int64_t n = 300, in = 90;
  std::vector<NodeId> src, dst;
  const RandomKey ek{8, 9};
  for (std::int64_t e = 0; e < 1500; ++e) {
    src.push_back(static_cast<NodeId>(ek.bits(2 * e) % n));
    dst.push_back(static_cast<NodeId>(ek.bits(2 * e + 1) % n));
  }
  const Graph g = Graph::from_edges(n, src, dst);
  const GATConvOptions o{.in_channels = in, .out_channels = 8, .heads = 8, .dropout = 0.3f,
                         .feature_dropout = 0.5f, .feature_dropout_per_head = true, .seed = 3};
  GATConv<float> f32(o);
  GATConv<double> f64(o);
  auto p32 = f32.named_parameters();
  auto p64 = f64.named_parameters();
  REQUIRE(p32.size() == p64.size());
  for (std::size_t i = 0; i < p32.size(); ++i)
    for (std::int64_t k = 0; k < p32[i].parameter->value.size(); ++k)
      p64[i].parameter->value.data()[k] = p32[i].parameter->value.data()[k];
  const BasicCsrMatrix<float> x32 = bag_of_words<float>(n, in);
  const BasicCsrMatrix<double> x64 = bag_of_words<double>(n, in);
  const ForwardContext ctx{&g, RandomKey{21, 4}};
  f32.train();
  f64.train();
  const Matrix y32 = Matrix::from_view(f32.forward(ctx, {{}, &x32}).dense);
  const MatrixD y64 = MatrixD::from_view(f64.forward(ctx, {{}, &x64}).dense);
  MatrixD y32d(n, y32.cols());
  for (std::int64_t i = 0; i < y32.size(); ++i) y32d.data()[i] = y32.data()[i];
  CHECK(gat_test::normalized_error(y32d, y64) < 1e-5);

  const MatrixD d64 = gat_test::random_matrix<double>(n, y64.cols(), 77);
  Matrix d32(n, y64.cols());
  for (std::int64_t i = 0; i < d32.size(); ++i) d32.data()[i] = static_cast<float>(d64.data()[i]);
  f32.zero_grad();
  f64.zero_grad();
  f32.backward(ctx, d32.view(), false);
  f64.backward(ctx, d64.view(), false);
  for (std::size_t i = 0; i < p32.size(); ++i) {
    MatrixD g32(p64[i].parameter->grad.rows(), p64[i].parameter->grad.cols());
    for (std::int64_t k = 0; k < g32.size(); ++k) g32.data()[k] = p32[i].parameter->grad.data()[k];
    INFO(p32[i].name);
    CHECK(gat_test::normalized_error(g32, p64[i].parameter->grad) < 1e-5);
  }
}

TEST_CASE("per-head input dropout on dense input by row blocks: float agrees with double, any thread count the "
          "same bits", "[nn][gat][dropout]") {
  // 9,000 rows: three of the 4,096-row blocks the dense path drops and multiplies at a time.
  const std::int64_t n = 9000, in = 24;
  std::vector<NodeId> src, dst;
  const RandomKey ek{18, 19};
  for (std::int64_t e = 0; e < 4 * n; ++e) {
    src.push_back(static_cast<NodeId>(ek.bits(2 * e) % n));
    dst.push_back(static_cast<NodeId>(ek.bits(2 * e + 1) % n));
  }
  const Graph g = Graph::from_edges(n, src, dst);
  const GATConvOptions o{.in_channels = in, .out_channels = 4, .heads = 3, .dropout = 0.2f,
                         .feature_dropout = 0.5f, .feature_dropout_per_head = true, .seed = 5};
  const MatrixD x64 = gat_test::random_matrix<double>(n, in, 31);
  Matrix x32(n, in);
  for (std::int64_t i = 0; i < x32.size(); ++i) x32.data()[i] = static_cast<float>(x64.data()[i]);
  const ForwardContext ctx{&g, RandomKey{22, 5}};
  GATConv<double> f64(o);
  auto p64 = f64.named_parameters();
  f64.train();
  const MatrixD y64 = MatrixD::from_view(f64.forward(ctx, LayerInput<double>::of(x64.view())).dense);
  const MatrixD d64 = gat_test::random_matrix<double>(n, y64.cols(), 78);
  Matrix d32(n, y64.cols());
  for (std::int64_t i = 0; i < d32.size(); ++i) d32.data()[i] = static_cast<float>(d64.data()[i]);
  f64.zero_grad();
  f64.backward(ctx, d64.view(), false);
  // The weight gradient against finite differences of sum(y * d): backward must draw each row
  // block's masks as forward did.
  {
    Parameter<double>& w = *p64[0].parameter;
    REQUIRE(p64[0].name == "lin.weight");
    const MatrixD analytic = MatrixD::from_view(MatrixView<const double>(w.grad.view()));
    auto loss = [&] {
      const MatrixView<const double> y = f64.forward(ctx, LayerInput<double>::of(x64.view())).dense;
      double sum = 0;
      for (std::int64_t r = 0; r < y.rows(); ++r)
        for (std::int64_t c = 0; c < y.cols(); ++c) sum += y(r, c) * d64(r, c);
      return sum;
    };
    for (std::int64_t k : {std::int64_t{0}, std::int64_t{37}, std::int64_t{150}, w.value.size() - 1}) {
      const double saved = w.value.data()[k], h = 1e-6;
      w.value.data()[k] = saved + h;
      const double up = loss();
      w.value.data()[k] = saved - h;
      const double down = loss();
      w.value.data()[k] = saved;
      INFO("weight entry " << k);
      CHECK((up - down) / (2 * h) == Approx(analytic.data()[k]).epsilon(1e-5).margin(1e-6));
    }
  }

  std::vector<Matrix> outputs, grads;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    GATConv<float> f32(o);
    auto p32 = f32.named_parameters();
    for (std::size_t i = 0; i < p32.size(); ++i)
      for (std::int64_t k = 0; k < p32[i].parameter->value.size(); ++k)
        p32[i].parameter->value.data()[k] = static_cast<float>(p64[i].parameter->value.data()[k]);
    f32.train();
    outputs.push_back(Matrix::from_view(f32.forward(ctx, LayerInput<float>::of(x32.view())).dense));
    f32.zero_grad();
    f32.backward(ctx, d32.view(), false);
    grads.push_back(Matrix::from_view(MatrixView<const float>(f32.named_parameters()[0].parameter->grad.view())));
    REQUIRE(f32.named_parameters()[0].name == "lin.weight");
  }
  set_num_threads(0);
  MatrixD y32d(n, outputs[0].cols()), g32d(grads[0].rows(), grads[0].cols());
  for (std::int64_t i = 0; i < y32d.size(); ++i) y32d.data()[i] = outputs[0].data()[i];
  for (std::int64_t i = 0; i < g32d.size(); ++i) g32d.data()[i] = grads[0].data()[i];
  CHECK(gat_test::normalized_error(y32d, y64) < 1e-5);
  CHECK(gat_test::normalized_error(g32d, f64.named_parameters()[0].parameter->grad) < 1e-5);
  CHECK(std::memcmp(outputs[0].data(), outputs[1].data(), sizeof(float) * outputs[0].size()) == 0);
  CHECK(std::memcmp(grads[0].data(), grads[1].data(), sizeof(float) * grads[0].size()) == 0);
}
