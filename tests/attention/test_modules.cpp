// MultiheadAttention and AttentionPooling: PyTorch parameter names, finite-difference gradients
// of every input and parameter in double, weights, and bad shapes.
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "attention_test_util.hpp"
#include "gat/attention/attention_pooling.hpp"
#include "gat/attention/dense_attention.hpp"
#include "gat/attention/multihead_attention.hpp"
#include "gat/core/error.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::attention;
using gat_test::max_gradient_error;
using gat_test::random_matrix;

namespace {

std::set<std::string> names(Module<double>& m) {
  std::set<std::string> out;
  for (auto& p : m.named_parameters()) out.insert(p.name);
  return out;
}

constexpr double kGradTol = 1e-6;

}  // namespace

TEST_CASE("MultiheadAttention names its parameters like PyTorch", "[attention][mha]") {
  MultiheadAttentionOptions o;
  o.embed_dim = 8;
  o.num_heads = 2;
  MultiheadAttention<double> same(o);
  CHECK(names(same) == std::set<std::string>{"in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"});
  CHECK(same.find_parameter("in_proj_weight")->value.rows() == 24);
  CHECK(same.find_parameter("in_proj_bias")->value.cols() == 24);
  o.kdim = 5;
  o.vdim = 3;
  MultiheadAttention<double> diff(o);
  CHECK(names(diff) == std::set<std::string>{"q_proj_weight", "k_proj_weight", "v_proj_weight", "in_proj_bias",
                                             "out_proj.weight", "out_proj.bias"});
  CHECK(diff.find_parameter("k_proj_weight")->value.cols() == 5);
  CHECK(diff.find_parameter("v_proj_weight")->value.cols() == 3);
  o.kdim = o.vdim = 0;
  o.bias = false;
  MultiheadAttention<double> nobias(o);
  CHECK(names(nobias) == std::set<std::string>{"in_proj_weight", "out_proj.weight"});
  // Defaults follow nn.MultiheadAttention.
  const MultiheadAttentionOptions d;
  CHECK(d.dropout == 0.0);
  CHECK(d.bias);
  CHECK(d.kdim == 0);
  CHECK(d.vdim == 0);
  CHECK(d.need_weights);
  CHECK(d.average_attn_weights);
}

TEST_CASE("MultiheadAttention gradients match finite differences", "[attention][mha][gradient]") {
  const std::int64_t L = 3, S = 4;
  for (int variant = 0; variant < 3; ++variant) {
    MultiheadAttentionOptions o;
    o.embed_dim = 6;
    o.num_heads = variant == 0 ? 1 : 3;
    o.seed = 7 + variant;
    if (variant == 2) {
      o.kdim = 4;
      o.vdim = 5;
      o.dropout = 0.3;
    }
    INFO("variant " << variant);
    MultiheadAttention<double> mha(o);
    // Make the biases non-zero so their gradients are exercised through non-trivial values.
    for (auto& p : mha.named_parameters())
      if (p.name.find("bias") != std::string::npos) p.parameter->value = random_matrix<double>(1, p.parameter->value.cols(), 3, 0.5);
    const std::int64_t kd = o.kdim ? o.kdim : o.embed_dim, vd = o.vdim ? o.vdim : o.embed_dim;
    auto query = random_matrix<double>(L, o.embed_dim, 11), key = random_matrix<double>(S, kd, 12);
    auto value = random_matrix<double>(S, vd, 13);
    const std::vector<std::uint8_t> padding{0, 1, 0, 0};
    AttentionMask mask;
    mask.key_padding_mask = padding;
    mask.causal = variant == 1;
    const auto R = random_matrix<double>(L, o.embed_dim, 14);
    auto loss = [&] {
      mha.set_dropout_key(RandomKey{5, 5});
      return attn_test::dot_all(mha.forward(query.view(), key.view(), value.view(), mask), R);
    };
    loss();
    mha.zero_grad();
    MatrixD dq(L, o.embed_dim), dk(S, kd), dv(S, vd);
    mha.backward(R.view(), dq.view(), dk.view(), dv.view());
    CHECK(max_gradient_error(query, dq, loss) < kGradTol);
    CHECK(max_gradient_error(key, dk, loss) < kGradTol);
    CHECK(max_gradient_error(value, dv, loss) < kGradTol);
    for (auto& p : mha.named_parameters()) {
      INFO(p.name);
      CHECK(max_gradient_error(p.parameter->value, p.parameter->grad, loss) < kGradTol);
    }
  }
}

TEST_CASE("MultiheadAttention self-attention and attention weights", "[attention][mha]") {
  MultiheadAttentionOptions o;
  o.embed_dim = 4;
  o.num_heads = 2;
  o.seed = 3;
  MultiheadAttention<double> mha(o);
  auto x = random_matrix<double>(5, 4, 21);
  const auto R = random_matrix<double>(5, 4, 22);
  auto loss = [&] { return attn_test::dot_all(mha.forward(x.view()), R); };
  loss();
  mha.zero_grad();
  MatrixD dx(5, 4);
  mha.backward(R.view(), dx.view());
  CHECK(max_gradient_error(x, dx, loss) < kGradTol);

  const auto& w = mha.attention_weights();
  REQUIRE(w.rows() == 5);
  REQUIRE(w.cols() == 5);
  for (std::int64_t i = 0; i < 5; ++i) {
    double sum = 0;
    for (std::int64_t k = 0; k < 5; ++k) sum += w(i, k);
    CHECK(sum == Approx(1.0));
  }
  // One head equals the dense primitive on the projected inputs: checked through the weights.
  o.average_attn_weights = false;
  MultiheadAttention<double> per_head(o);
  per_head.forward(x.view());
  CHECK(per_head.attention_weights().rows() == 10);
  o.need_weights = false;
  MultiheadAttention<double> none(o);
  none.forward(x.view());
  CHECK(none.attention_weights().empty());

  // Float goes through oneDNN and agrees with double.
  MultiheadAttention<float> mf(MultiheadAttentionOptions{4, 2, 0.0, true, 0, 0, true, true, 3});
  Matrix xf(5, 4);
  convert<float, double>(x.view(), xf.view());
  const Matrix& of = mf.forward(xf.view());
  const MatrixD& od = mha.forward(x.view());
  CHECK(gat_test::normalized_error<float, double>(of.view(), od.view()) < 1e-5);
}

TEST_CASE("MultiheadAttention refuses bad options and shapes", "[attention][mha][errors]") {
  using Catch::Contains;
  MultiheadAttentionOptions o;
  REQUIRE_THROWS_WITH(MultiheadAttention<double>(o), Contains("embed_dim"));
  o.embed_dim = 6;
  o.num_heads = 4;
  REQUIRE_THROWS_WITH(MultiheadAttention<double>(o), Contains("num_heads is 4"));
  o.num_heads = 2;
  MultiheadAttention<double> mha(o);
  MatrixD q(3, 5), k(4, 6), v(4, 6), bad_v(3, 6);
  REQUIRE_THROWS_AS(mha.forward(q.view(), k.view(), v.view()), InvalidArgument);
  REQUIRE_THROWS_WITH(mha.forward(q.view(), k.view(), v.view()), Contains("query is 3x5"));
  MatrixD q2(3, 6);
  REQUIRE_THROWS_WITH(mha.forward(q2.view(), k.view(), bad_v.view()), Contains("value is 3x6, expected 4x6"));
  mha.forward(q2.view(), k.view(), v.view());
  MatrixD d_out(3, 6), dq(3, 6), dk(4, 6), bad_dv(4, 5);
  REQUIRE_THROWS_WITH(mha.backward(d_out.view(), dq.view(), dk.view(), bad_dv.view()), Contains("d_value"));
}

TEST_CASE("AttentionPooling gradients and weights", "[attention][pooling][gradient]") {
  AttentionPooling<double> pool(AttentionPoolingOptions{4, 3, 5});
  CHECK(names(pool) == std::set<std::string>{"weight", "bias", "context"});
  pool.find_parameter("bias")->value = random_matrix<double>(1, 3, 9, 0.5);
  auto x = random_matrix<double>(7, 4, 31, 2.0);
  const std::vector<std::int64_t> offsets{0, 3, 3, 7};  // the middle set is empty
  const auto R = random_matrix<double>(3, 4, 32);
  auto loss = [&] { return attn_test::dot_all(pool.forward(x.view(), offsets), R); };
  loss();
  for (std::int64_t f = 0; f < 4; ++f) CHECK(pool.forward(x.view(), offsets)(1, f) == 0.0);
  double s0 = 0, s2 = 0;
  for (std::int64_t r = 0; r < 3; ++r) s0 += pool.weights()(r, 0);
  for (std::int64_t r = 3; r < 7; ++r) s2 += pool.weights()(r, 0);
  CHECK(s0 == Approx(1.0));
  CHECK(s2 == Approx(1.0));
  pool.zero_grad();
  MatrixD dx(7, 4);
  pool.backward(R.view(), dx.view());
  CHECK(max_gradient_error(x, dx, loss) < kGradTol);
  for (auto& p : pool.named_parameters()) {
    INFO(p.name);
    CHECK(max_gradient_error(p.parameter->value, p.parameter->grad, loss) < kGradTol);
  }
  // One set: the readout of a single graph.
  const auto& one = pool.forward(x.view());
  CHECK(one.rows() == 1);
  using Catch::Contains;
  MatrixD bad(7, 3);
  REQUIRE_THROWS_WITH(pool.forward(bad.view()), Contains("x is 7x3, expected n x 4"));
  const std::vector<std::int64_t> bad_offsets{0, 5};
  REQUIRE_THROWS_WITH(pool.forward(x.view(), bad_offsets), Contains("offsets"));
}
