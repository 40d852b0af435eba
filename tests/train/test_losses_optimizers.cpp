#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gat/core/error.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/optimizer.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::train;

TEST_CASE("softmax cross-entropy: value and gradient", "[train][loss]") {
  MatrixD logits = gat_test::random_matrix<double>(6, 4, 1, 3.0);
  const std::vector<std::int32_t> labels{0, 3, 1, 2, 2, 1};
  const std::vector<NodeId> nodes{1, 2, 4};
  MatrixD grad;
  softmax_cross_entropy<double>(logits.view(), labels, nodes, &grad);
  auto f = [&] { return softmax_cross_entropy<double>(logits.view(), labels, nodes); };
  CHECK(gat_test::max_gradient_error(logits, grad, f) < 1e-7);
  for (std::int64_t c = 0; c < 4; ++c) CHECK(grad(0, c) == 0.0);  // outside the subset
  // Uniform logits: log(C).
  MatrixD zeros(2, 4);
  const std::vector<NodeId> both{0, 1};
  CHECK(softmax_cross_entropy<double>(zeros.view(), std::vector<std::int32_t>{1, 2}, both) ==
        Approx(std::log(4.0)));
  // Huge logits do not overflow.
  MatrixD huge(1, 2);
  huge(0, 0) = 1e4;
  const std::vector<NodeId> first{0};
  CHECK(softmax_cross_entropy<double>(huge.view(), std::vector<std::int32_t>{0}, first) == Approx(0.0));
  REQUIRE_THROWS_WITH(softmax_cross_entropy<double>(logits.view(), labels, std::vector<NodeId>{}),
                      Catch::Contains("empty"));
  REQUIRE_THROWS_WITH(
      softmax_cross_entropy<double>(logits.view(), std::vector<std::int32_t>{0, 9, 0, 0, 0, 0}, nodes),
      Catch::Contains("label 9"));
}

TEST_CASE("binary cross-entropy with logits: value and gradient", "[train][loss]") {
  MatrixD logits = gat_test::random_matrix<double>(5, 3, 2, 4.0);
  MatrixD targets(5, 3);
  for (std::int64_t i = 0; i < targets.size(); i += 2) targets.data()[i] = 1;
  const std::vector<NodeId> nodes{0, 2, 3};
  MatrixD grad;
  binary_cross_entropy_with_logits<double>(logits.view(), targets.view(), nodes, &grad);
  auto f = [&] { return binary_cross_entropy_with_logits<double>(logits.view(), targets.view(), nodes); };
  CHECK(gat_test::max_gradient_error(logits, grad, f) < 1e-7);
  MatrixD zero(1, 1), half(1, 1, 0.0);
  CHECK(binary_cross_entropy_with_logits<double>(zero.view(), half.view(), std::vector<NodeId>{0}) ==
        Approx(std::log(2.0)));
}

TEST_CASE("accuracy and micro-F1", "[train][metrics]") {
  MatrixD logits(4, 3);
  logits(0, 0) = 1;
  logits(1, 2) = 1;
  logits(2, 1) = 1;
  logits(3, 1) = 1;
  const std::vector<std::int32_t> labels{0, 2, 0, 1};
  CHECK(accuracy<double>(logits.view(), labels, std::vector<NodeId>{0, 1, 2, 3}) == 0.75);
  CHECK(accuracy<double>(logits.view(), labels, std::vector<NodeId>{2}) == 0.0);
  MatrixD targets(4, 3);
  targets(0, 0) = 1;
  targets(1, 1) = 1;
  // predictions (logit > 0): (0,0) (1,2) (2,1) (3,1); tp = 1, fp = 3, fn = 1
  CHECK(micro_f1<double>(logits.view(), targets.view(), std::vector<NodeId>{0, 1, 2, 3}) == Approx(2.0 / 6.0));
}

namespace {
struct OneParameter : Module<double> {
  Parameter<double>& p;
  OneParameter() : p(register_parameter("w", 1, 2)) {}
};
}  // namespace

TEST_CASE("Adam's first steps match the formula, L2 is added to the gradient", "[train][optimizer]") {
  OneParameter m;
  m.p.value(0, 0) = 1.0;
  m.p.value(0, 1) = -2.0;
  Adam<double> adam(m, {.lr = 0.1, .weight_decay = 0.5});
  m.p.grad(0, 0) = 0.3;
  m.p.grad(0, 1) = 0.0;
  adam.step();
  // Step 1: m_hat = g, v_hat = g^2, update = lr * g / (|g| + eps) = lr * sign(g).
  CHECK(m.p.value(0, 0) == Approx(1.0 - 0.1));   // g = 0.3 + 0.5 * 1
  CHECK(m.p.value(0, 1) == Approx(-2.0 + 0.1));  // g = 0 + 0.5 * -2
}

TEST_CASE("AdamW decays weights directly, SGD with momentum", "[train][optimizer]") {
  OneParameter m;
  m.p.value(0, 0) = 1.0;
  auto adamw = make_adamw<double>(m, {.lr = 0.1, .weight_decay = 0.5});
  adamw->step();  // zero gradient: only the decay moves the weight
  CHECK(m.p.value(0, 0) == Approx(1.0 * (1 - 0.1 * 0.5)));
  OneParameter s;
  s.p.value(0, 0) = 1.0;
  Sgd<double> sgd(s, {.lr = 0.1, .momentum = 0.9});
  s.p.grad(0, 0) = 1.0;
  sgd.step();
  CHECK(s.p.value(0, 0) == Approx(0.9));
  sgd.step();  // velocity 0.9 + 1
  CHECK(s.p.value(0, 0) == Approx(0.9 - 0.19));
}
