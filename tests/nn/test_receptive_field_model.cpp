#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "gat/core/error.hpp"
#include "gat/graph/receptive_field.hpp"
#include "gat/nn/gat_model.hpp"

using namespace gat;
using namespace gat::nn;

namespace {

Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed) {
  RandomKey key{seed, 7};
  std::vector<NodeId> src, dst;
  for (std::int64_t i = 0; i < m; ++i) {
    src.push_back(static_cast<NodeId>(key.bits(2 * i) % static_cast<std::uint64_t>(n)));
    dst.push_back(static_cast<NodeId>(key.bits(2 * i + 1) % static_cast<std::uint64_t>(n)));
  }
  return Graph::from_edges(n, src, dst);
}

MatrixD random_matrix(std::int64_t rows, std::int64_t cols, std::uint64_t seed, double zero_share = 0) {
  RandomKey key{seed, 3};
  MatrixD m(rows, cols);
  for (std::int64_t i = 0; i < m.size(); ++i) {
    const double u = key.uniform_double(static_cast<std::uint64_t>(i));
    m.data()[i] = u < zero_share ? 0.0 : key.uniform_double(static_cast<std::uint64_t>(i) + (1ull << 40)) - 0.5;
  }
  return m;
}

std::vector<double> gradients(GatModel<double>& model) {
  std::vector<double> out;
  for (auto& p : model.named_parameters())
    out.insert(out.end(), p.parameter->grad.data(), p.parameter->grad.data() + p.parameter->grad.size());
  return out;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

struct Case {
  ConvKind conv;
  std::int64_t layers;
  bool residual;
  bool sparse;
};

}  // namespace

TEST_CASE("a model on a receptive field gives the whole graph's outputs at the targets and the same gradients",
          "[nn][field]") {
  const Case c = GENERATE(Case{ConvKind::gat, 2, false, true}, Case{ConvKind::gat, 3, true, false},
                          Case{ConvKind::gatv2, 2, false, false}, Case{ConvKind::gat, 1, false, true});
  INFO("conv " << to_string(c.conv) << ", layers " << c.layers << ", residual " << c.residual << ", sparse "
               << c.sparse);
  const std::int64_t n = 400, in = 12, classes = 5;
  const Graph g = random_graph(n, 1200, 5);
  const MatrixD x = random_matrix(n, in, 6, c.sparse ? 0.7 : 0.0);
  FeaturesD features(x);
  if (c.sparse) REQUIRE(features.sparsify(1.0));
  const std::vector<NodeId> targets{399, 0, 17, 123, 250, 251, 42, 7};
  const ReceptiveField field(g, targets, c.layers);
  REQUIRE(field.rows(0) < n);  // a real subset, so that cutting rows is exercised
  const FeaturesD field_features = features.rows_of(field.nodes());

  GatModelOptions o;
  o.conv = c.conv;
  o.in_features = in;
  o.num_classes = classes;
  o.layers = c.layers;
  o.hidden = 4;
  o.heads = 3;
  o.output_heads = 2;
  o.feature_dropout = 0;
  o.attention_dropout = 0;
  o.residual = c.residual;
  o.seed = 9;
  GatModel<double> model(o);
  model.train();
  const MatrixD d_targets = random_matrix(static_cast<std::int64_t>(targets.size()), classes, 8);

  // whole graph: the loss gradient d_targets on the targets' rows, zero elsewhere
  const ForwardContext whole{&g, RandomKey{1, 2}};
  const MatrixD out_whole = MatrixD::from_view(model.forward(whole, LayerInput<double>::of(features)).dense);
  MatrixD d_whole(n, classes);
  for (std::size_t k = 0; k < targets.size(); ++k)
    for (std::int64_t j = 0; j < classes; ++j) d_whole(targets[k], j) = d_targets(static_cast<std::int64_t>(k), j);
  model.zero_grad();
  model.backward(whole, d_whole.view(), false);
  const std::vector<double> grads_whole = gradients(model);

  // A pass on another, larger field first: the buffers it leaves behind must not leak into this one.
  std::vector<NodeId> many;
  for (NodeId v = 0; v < 60; ++v) many.push_back(static_cast<NodeId>((v * 37) % n));
  const ReceptiveField larger(g, many, c.layers);
  const ForwardContext on_larger{&g, RandomKey{1, 2}, &larger};
  const FeaturesD larger_features = features.rows_of(larger.nodes());  // backward reads the input again
  model.forward(on_larger, LayerInput<double>::of(larger_features));
  const MatrixD d_many = random_matrix(static_cast<std::int64_t>(many.size()), classes, 13);
  model.backward(on_larger, d_many.view(), false);

  const ForwardContext on_field{&g, RandomKey{1, 2}, &field};
  const MatrixD out_field = MatrixD::from_view(model.forward(on_field, LayerInput<double>::of(field_features)).dense);
  REQUIRE(out_field.rows() == static_cast<std::int64_t>(targets.size()));
  REQUIRE(out_field.cols() == classes);
  for (std::size_t k = 0; k < targets.size(); ++k)
    for (std::int64_t j = 0; j < classes; ++j)
      CHECK(out_field(static_cast<std::int64_t>(k), j) == Approx(out_whole(targets[k], j)).margin(1e-12));
  model.zero_grad();
  model.backward(on_field, d_targets.view(), false);
  const std::vector<double> grads_field = gradients(model);
  REQUIRE(grads_field.size() == grads_whole.size());
  REQUIRE(max_abs(grads_whole) > 1e-3);
  double worst = 0;
  for (std::size_t i = 0; i < grads_whole.size(); ++i) worst = std::max(worst, std::abs(grads_field[i] - grads_whole[i]));
  CHECK(worst < 1e-12 * std::max(1.0, max_abs(grads_whole)));
}

TEST_CASE("a model refuses a receptive field of another depth or input of another size", "[nn][field]") {
  const Graph g = random_graph(100, 300, 11);
  const std::vector<NodeId> targets{1, 2, 3};
  GatModelOptions o;
  o.in_features = 6;
  o.num_classes = 3;
  o.layers = 2;
  GatModel<double> model(o);
  const FeaturesD features(random_matrix(100, 6, 12));
  const ReceptiveField shallow(g, targets, 1), deep(g, targets, 3), right(g, targets, 2);
  const ForwardContext on_shallow{&g, {}, &shallow}, on_deep{&g, {}, &deep}, on_right{&g, {}, &right};
  CHECK_THROWS_WITH(model.forward(on_shallow, LayerInput<double>::of(features.rows_of(shallow.nodes()))),
                    Catch::Contains("covers 1 graph layer(s) but the model has more"));
  CHECK_THROWS_WITH(model.forward(on_deep, LayerInput<double>::of(features.rows_of(deep.nodes()))),
                    Catch::Contains("covers 3 graph layer(s) but the model has 2"));
  CHECK_THROWS_WITH(model.forward(on_right, LayerInput<double>::of(features)),
                    Catch::Contains("the input has 100 rows but the field reads"));
  CHECK_NOTHROW(model.forward(on_right, LayerInput<double>::of(features.rows_of(right.nodes()))));
}
