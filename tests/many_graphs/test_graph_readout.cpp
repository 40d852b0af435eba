// Graph readouts against plain references and finite differences; the graph classifier's
// gradients; stratified folds; cross-validation on the synthetic TU set.
#include <catch2/catch.hpp>
#include <cmath>
#include <set>

#include "gat/io/tu.hpp"
#include "gat/nn/graph_classifier.hpp"
#include "gat/train/graph_classification.hpp"
#include "gat/train/loss.hpp"
#include "support/test_support.hpp"

using namespace gat;

namespace {

// A loss that weighs every output entry differently, so that every gradient entry is checked.
double weighted_sum(MatrixView<const double> out, MatrixD* grad) {
  double s = 0;
  if (grad) grad->resize(out.rows(), out.cols());
  for (std::int64_t r = 0; r < out.rows(); ++r)
    for (std::int64_t c = 0; c < out.cols(); ++c) {
      const double w = std::sin(1.0 + static_cast<double>(r * out.cols() + c));
      s += w * out(r, c);
      if (grad) (*grad)(r, c) = w;
    }
  return s;
}

}  // namespace

TEST_CASE("mean, sum, max and attention readouts match plain references", "[many_graphs][readout]") {
  const MatrixD x = gat_test::random_matrix<double>(7, 3, 21);
  const std::int64_t offsets[] = {0, 2, 7};
  for (auto kind : {nn::ReadoutKind::mean, nn::ReadoutKind::sum, nn::ReadoutKind::max, nn::ReadoutKind::attention}) {
    INFO(nn::to_string(kind));
    nn::GraphReadout<double> readout(kind, 3, 4);
    const MatrixD out = readout.forward(x.view(), offsets);
    REQUIRE(out.rows() == 2);
    // The attention reference: softmax over the graph of c . tanh(W x + b), then the weighted sum.
    std::vector<double> weight(7, 0.0);
    if (kind == nn::ReadoutKind::attention) {
      auto params = readout.named_parameters();
      const MatrixD& W = params[0].parameter->value;
      const MatrixD& b = params[1].parameter->value;
      const MatrixD& c = params[2].parameter->value;
      for (std::int64_t g = 0; g < 2; ++g) {
        double total = 0;
        for (std::int64_t r = offsets[g]; r < offsets[g + 1]; ++r) {
          double score = 0;
          for (std::int64_t a = 0; a < W.rows(); ++a) {
            double z = b(0, a);
            for (std::int64_t f = 0; f < 3; ++f) z += W(a, f) * x(r, f);
            score += c(0, a) * std::tanh(z);
          }
          total += weight[r] = std::exp(score);
        }
        double check = 0;
        for (std::int64_t r = offsets[g]; r < offsets[g + 1]; ++r) check += (weight[r] /= total);
        CHECK(check == Approx(1.0));
      }
      const auto w = readout.weights();
      for (std::int64_t r = 0; r < 7; ++r) CHECK(w(r, 0) == Approx(weight[r]).epsilon(1e-12));
    }
    for (std::int64_t g = 0; g < 2; ++g)
      for (std::int64_t f = 0; f < 3; ++f) {
        double expected = kind == nn::ReadoutKind::max ? -1e300 : 0;
        for (std::int64_t r = offsets[g]; r < offsets[g + 1]; ++r) {
          if (kind == nn::ReadoutKind::max) expected = std::max(expected, x(r, f));
          else if (kind == nn::ReadoutKind::attention) expected += weight[r] * x(r, f);
          else expected += x(r, f);
        }
        if (kind == nn::ReadoutKind::mean) expected /= static_cast<double>(offsets[g + 1] - offsets[g]);
        CHECK(out(g, f) == Approx(expected).epsilon(1e-12));
      }
  }
  nn::GraphReadout<double> mean(nn::ReadoutKind::mean, 3);
  const std::int64_t with_empty[] = {0, 0, 7};
  CHECK_THROWS_WITH(mean.forward(x.view(), with_empty), Catch::Contains("graph 0 has no nodes"));
}

TEST_CASE("readout gradients match finite differences", "[many_graphs][readout][gradient]") {
  MatrixD x = gat_test::random_matrix<double>(6, 3, 23);
  const std::int64_t offsets[] = {0, 4, 6};
  for (auto kind : {nn::ReadoutKind::mean, nn::ReadoutKind::sum, nn::ReadoutKind::max, nn::ReadoutKind::attention}) {
    INFO(nn::to_string(kind));
    nn::GraphReadout<double> readout(kind, 3, 5, 2);
    const auto loss = [&] { return weighted_sum(readout.forward(x.view(), offsets).view(), nullptr); };
    MatrixD d_out;
    weighted_sum(readout.forward(x.view(), offsets).view(), &d_out);
    for (auto& p : readout.named_parameters()) p.parameter->grad.set_zero();
    const MatrixD d_x = readout.backward(d_out.view());
    CHECK(gat_test::max_gradient_error(x, d_x, loss) < 1e-7);
    for (auto& p : readout.named_parameters()) {
      INFO(p.name);
      CHECK(gat_test::max_gradient_error(p.parameter->value, p.parameter->grad, loss) < 1e-7);
    }
  }
}

TEST_CASE("the graph classifier's gradients match finite differences", "[many_graphs][gradient]") {
  const GraphDataset d = io::make_synthetic_tu({.graphs = 3, .min_nodes = 4, .max_nodes = 6, .seed = 1});
  const std::int64_t ids[] = {0, 1, 2};
  const DatasetBatch batch(d, ids);
  nn::GraphClassifierOptions o;
  o.gnn.in_features = 3;
  o.gnn.num_classes = 4;
  o.gnn.hidden = 3;
  o.gnn.heads = 2;
  o.gnn.feature_dropout = o.gnn.attention_dropout = 0;
  o.num_classes = 2;
  nn::GraphClassifier<double> model(o);
  model.eval();
  MatrixD x(batch.features().rows(), 3);
  convert(batch.features(), x.view());
  const nn::ForwardContext ctx{&batch.graph(), {}};
  const NodeId rows[] = {0, 1, 2};
  const auto loss = [&] {
    return train::softmax_cross_entropy<double>(model.forward(ctx, nn::LayerInput<double>::of(x.view()), batch.batch().node_offsets),
                                                batch.graph_labels(), rows);
  };
  MatrixD d_logits;
  train::softmax_cross_entropy<double>(model.forward(ctx, nn::LayerInput<double>::of(x.view()), batch.batch().node_offsets),
                                       batch.graph_labels(), rows, &d_logits);
  for (auto& p : model.named_parameters()) p.parameter->grad.set_zero();
  model.backward(ctx, d_logits.view());
  for (auto& p : model.named_parameters()) {
    INFO(p.name);
    CHECK(gat_test::max_gradient_error(p.parameter->value, p.parameter->grad, loss) < 1e-6);
  }
  const auto w = model.readout().weights();
  REQUIRE(w.rows() == batch.graph().num_nodes());
  for (std::int64_t g = 0; g < 3; ++g) {
    double s = 0;
    for (std::int64_t r = batch.batch().node_offsets[g]; r < batch.batch().node_offsets[g + 1]; ++r) s += w(r, 0);
    CHECK(s == Approx(1.0));
  }
}

TEST_CASE("stratified folds partition the graphs with every class's share", "[many_graphs][folds]") {
  std::vector<std::int32_t> labels;
  for (int g = 0; g < 50; ++g) labels.push_back(g < 30 ? 0 : 1);
  const auto folds = train::stratified_folds(labels, 10, 3);
  std::set<std::int64_t> seen;
  for (const auto& fold : folds) {
    CHECK(fold.size() == 5);
    int ones = 0;
    for (std::int64_t g : fold) {
      CHECK(seen.insert(g).second);
      ones += labels[g];
    }
    CHECK(ones == 2);
  }
  CHECK(seen.size() == 50);
  CHECK(train::stratified_folds(labels, 10, 3) == folds);
  CHECK(train::stratified_folds(labels, 10, 4) != folds);
  CHECK_THROWS_WITH(train::stratified_folds(labels, 60, 0), Catch::Contains("cannot fill 60 folds"));
}

TEST_CASE("cross-validated graph classification learns the synthetic TU classes", "[many_graphs][train]") {
  const GraphDataset d = io::make_synthetic_tu({.graphs = 60, .min_nodes = 10, .max_nodes = 16, .seed = 5});
  nn::GraphClassifierOptions o;
  o.gnn.in_features = 3;
  o.gnn.num_classes = 16;
  o.gnn.hidden = 8;
  o.gnn.heads = 2;
  o.gnn.feature_dropout = o.gnn.attention_dropout = 0;
  o.num_classes = 2;
  const train::CrossValidationOptions cv{.folds = 3, .epochs = 60, .batch_graphs = 8, .lr = 0.01};
  const train::CrossValidationResult r = train::cross_validate(o, d, cv);
  REQUIRE(r.folds.size() == 3);
  INFO("accuracy " << r.accuracy_mean << " +- " << r.accuracy_std);
  CHECK(r.accuracy_mean > 0.75);
  CHECK(r.folds[0].test_graphs.size() == 20);
}
