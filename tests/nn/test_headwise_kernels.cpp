// The float first projection with a dropout mask per head (8 heads x 8 features, sparse input)
// runs a vectorised kernel; double runs the plain loops. Both draw the same masks from the same
// keys, so a float layer and a double layer with the same weights must agree to float rounding.
#include <catch2/catch.hpp>

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
