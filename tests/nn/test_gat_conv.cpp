#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include <algorithm>

#include "gat/attention/dense_attention.hpp"
#include "gat/core/parallel.hpp"
#include "gat/core/error.hpp"
#include "gat/tensor/matmul.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/gat_conv.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/nn/gatv2_conv.hpp"
#include "gat/train/model_config.hpp"
#include "layer_check.hpp"
#include "nn/input_dropout.hpp"

using namespace gat;
using namespace gat::nn;

namespace {

Graph random_graph(std::int64_t n, std::int64_t m, std::uint64_t seed, bool with_loops = false) {
  RandomKey key{seed, 5};
  std::vector<NodeId> src, dst;
  for (std::int64_t i = 0; i < m; ++i) {
    const auto s = static_cast<NodeId>(key.bits(2 * i) % n), t = static_cast<NodeId>(key.bits(2 * i + 1) % n);
    if (s == t && !with_loops) continue;
    src.push_back(s);
    dst.push_back(t);
  }
  // Every node gets at least one incoming edge so that no-loop layers are defined.
  for (NodeId v = 0; v < n; ++v) {
    src.push_back(static_cast<NodeId>((v + 1) % n));
    dst.push_back(v);
  }
  return Graph::from_edges(n, src, dst);
}

// GAT by its definition, one node and head at a time: the reference the layer is checked against.
MatrixD gat_reference(const Graph& g, const MatrixD& x, GATConv<double>& conv) {
  const auto& o = conv.options();
  const Parameter<double>& w = *conv.find_parameter("lin.weight");
  const Parameter<double>& as = *conv.find_parameter("att_src");
  const Parameter<double>& ad = *conv.find_parameter("att_dst");
  const std::int64_t n = g.num_nodes(), H = o.heads, F = o.out_channels;
  MatrixD h(n, H * F);
  for (std::int64_t i = 0; i < n; ++i)
    for (std::int64_t k = 0; k < H * F; ++k)
      for (std::int64_t c = 0; c < x.cols(); ++c) h(i, k) += x(i, c) * w.value(k, c);
  MatrixD out(n, o.concat ? H * F : F);
  for (std::int64_t i = 0; i < n; ++i) {
    std::vector<NodeId> nbrs;
    for (NodeId j : g.in_neighbors(static_cast<NodeId>(i)))
      if (j != i) nbrs.push_back(j);
    nbrs.push_back(static_cast<NodeId>(i));  // PyG's self-loop rule
    for (std::int64_t hd = 0; hd < H; ++hd) {
      std::vector<double> e;
      for (NodeId j : nbrs) {
        double s = 0;
        for (std::int64_t f = 0; f < F; ++f)
          s += as.value(0, hd * F + f) * h(j, hd * F + f) + ad.value(0, hd * F + f) * h(i, hd * F + f);
        e.push_back(s > 0 ? s : o.negative_slope * s);
      }
      double mx = e[0], sum = 0;
      for (double v : e) mx = std::max(mx, v);
      for (double& v : e) sum += v = std::exp(v - mx);
      for (std::size_t k = 0; k < nbrs.size(); ++k)
        for (std::int64_t f = 0; f < F; ++f) {
          const double contrib = e[k] / sum * h(nbrs[k], hd * F + f);
          if (o.concat)
            out(i, hd * F + f) += contrib;
          else
            out(i, f) += contrib / static_cast<double>(H);
        }
    }
  }
  if (auto* b = conv.find_parameter("bias"))
    for (std::int64_t i = 0; i < n; ++i)
      for (std::int64_t c = 0; c < out.cols(); ++c) out(i, c) += b->value(0, c);
  return out;
}

}  // namespace

TEST_CASE("GATConv equals GAT's definition, heads concatenated and averaged", "[nn][gat]") {
  const Graph g = random_graph(15, 45, 1, /*with_loops=*/true);
  const MatrixD x = gat_test::random_matrix<double>(15, 6, 2);
  for (bool concat : {true, false}) {
    GATConv<double> conv({.in_channels = 6, .out_channels = 4, .heads = 3, .concat = concat, .seed = 3});
    conv.find_parameter("bias")->value.fill(0.25);
    const MatrixD out = MatrixD::from_view(conv.forward({&g, {}}, LayerInput<double>::of(x.view())).dense);
    CHECK(out.cols() == (concat ? 12 : 4));
    CHECK(gat_test::normalized_error(out, gat_reference(g, x, conv)) < 1e-12);
  }
}

TEST_CASE("GATConv equals the dense masked concat-attention primitive, head by head", "[nn][gat]") {
  // Dense attention cannot express parallel edges: drop repeats.
  const Graph g = random_graph(11, 35, 21).rebuilt({.duplicates = Duplicates::remove});
  const std::int64_t n = 11, H = 3, F = 4;
  const MatrixD x = gat_test::random_matrix<double>(n, 5, 22);
  GATConv<double> conv({.in_channels = 5, .out_channels = F, .heads = H, .bias = false, .seed = 23});
  const MatrixD out = MatrixD::from_view(conv.forward({&g, {}}, LayerInput<double>::of(x.view())).dense);
  MatrixD h(n, H * F);
  matmul_nt<double>(x.view(), conv.find_parameter("lin.weight")->value.view(), h.view());
  // Mask out every pair that is not an edge of the graph with PyG's self-loops.
  BasicMatrix<double> allowed(n, n);
  for (EdgeIndex e = 0; e < g.num_edges(); ++e) allowed(g.in_targets()[e], g.in_sources()[e]) = 1;
  for (std::int64_t i = 0; i < n; ++i) allowed(i, i) = 1;
  std::vector<std::uint8_t> masked(static_cast<std::size_t>(n * n));
  for (std::int64_t i = 0; i < n * n; ++i) masked[i] = allowed.data()[i] == 0;
  attention::AttentionMask mask;
  mask.attn_mask = MatrixView<const std::uint8_t>(masked.data(), n, n);
  for (std::int64_t head = 0; head < H; ++head) {
    const auto h_head = MatrixView<const double>(h.view()).block_cols(head * F, F);
    attention::ConcatScorer<double> score;
    score.a_q = MatrixView<const double>(conv.find_parameter("att_dst")->value.view()).block_cols(head * F, F);
    score.a_k = MatrixView<const double>(conv.find_parameter("att_src")->value.view()).block_cols(head * F, F);
    MatrixD dense_out(n, F), weights(n, n);
    attention::dense_attention_forward<double>(score, h_head, h_head, h_head, mask, dense_out.view(), weights.view());
    const MatrixD layer_head = MatrixD::from_view(MatrixView<const double>(out.view()).block_cols(head * F, F));
    CHECK(gat_test::normalized_error(layer_head, dense_out) < 1e-12);
  }
}

TEST_CASE("GATConv: parameter names and shapes follow PyG", "[nn][gat]") {
  GATConv<float> conv({.in_channels = 10, .out_channels = 8, .heads = 4});
  auto params = conv.named_parameters();
  REQUIRE(params.size() == 4);
  CHECK(params[0].name == "lin.weight");
  CHECK(params[0].parameter->shape == std::vector<std::int64_t>{32, 10});
  CHECK(params[1].name == "att_src");
  CHECK(params[1].parameter->shape == std::vector<std::int64_t>{1, 4, 8});
  CHECK(params[2].name == "att_dst");
  CHECK(params[3].name == "bias");
  CHECK(params[3].parameter->shape == std::vector<std::int64_t>{32});
}

TEST_CASE("GATConv gradients by finite differences in double", "[nn][gat][gradient]") {
  const Graph g = random_graph(12, 40, 7);
  SECTION("concat heads, with dropout on features, values and attention") {
    GATConv<double> conv({.in_channels = 5, .out_channels = 3, .heads = 2, .dropout = 0.3f, .feature_dropout = 0.2f,
                          .value_dropout = 0.25f, .seed = 1});
    MatrixD x = gat_test::random_matrix<double>(12, 5, 8);
    gat_test::layer_gradient_error(conv, {&g, RandomKey{9, 1}}, x);
  }
  SECTION("concat heads, a feature-dropout mask per head, with value and attention dropout") {
    GATConv<double> conv({.in_channels = 5, .out_channels = 3, .heads = 3, .dropout = 0.3f, .feature_dropout = 0.4f,
                          .feature_dropout_per_head = true, .value_dropout = 0.25f, .seed = 6});
    MatrixD x = gat_test::random_matrix<double>(12, 5, 18);
    gat_test::layer_gradient_error(conv, {&g, RandomKey{9, 2}}, x);
  }
  SECTION("mean heads, a feature-dropout mask per head") {
    GATConv<double> conv({.in_channels = 4, .out_channels = 3, .heads = 4, .concat = false, .feature_dropout = 0.5f,
                          .feature_dropout_per_head = true, .seed = 7});
    MatrixD x = gat_test::random_matrix<double>(12, 4, 19);
    gat_test::layer_gradient_error(conv, {&g, RandomKey{9, 3}}, x);
  }
  SECTION("mean heads, residual") {
    GATConv<double> conv({.in_channels = 4, .out_channels = 3, .heads = 3, .concat = false, .residual = true,
                          .seed = 2});
    MatrixD x = gat_test::random_matrix<double>(12, 4, 9);
    gat_test::layer_gradient_error(conv, {&g, {}}, x);
  }
  SECTION("no self-loops") {
    GATConv<double> conv({.in_channels = 4, .out_channels = 2, .heads = 2, .add_self_loops = false, .seed = 3});
    MatrixD x = gat_test::random_matrix<double>(12, 4, 10);
    gat_test::layer_gradient_error(conv, {&g, {}}, x);
  }
}

TEST_CASE("GATv2Conv gradients by finite differences in double", "[nn][gatv2][gradient]") {
  const Graph g = random_graph(10, 30, 11);
  for (bool share : {false, true}) {
    GATv2Conv<double> conv({.in_channels = 4, .out_channels = 3, .heads = 2, .dropout = 0.2f, .share_weights = share,
                            .seed = 4});
    CHECK(conv.named_parameters().size() == (share ? 3u : 4u));
    MatrixD x = gat_test::random_matrix<double>(10, 4, 12);
    gat_test::layer_gradient_error(conv, {&g, RandomKey{3, 3}}, x);
  }
}

TEST_CASE("GATConv on sparse input equals dense input, values and weight gradients", "[nn][gat]") {
  const Graph g = random_graph(20, 60, 13);
  Matrix dense = gat_test::random_matrix<float>(20, 30, 14);
  for (std::int64_t i = 0; i < dense.size(); ++i)
    if (i % 7) dense.data()[i] = 0;
  const CsrMatrix sparse = CsrMatrix::from_dense(dense.view());
  GATConv<float> conv({.in_channels = 30, .out_channels = 4, .heads = 2, .seed = 5});
  const Matrix d_out = gat_test::random_matrix<float>(20, 8, 15);
  conv.zero_grad();
  const Matrix a = Matrix::from_view(conv.forward({&g, {}}, LayerInput<float>::of(dense.view())).dense);
  conv.backward({&g, {}}, d_out.view(), false);
  const Matrix grad_dense = conv.find_parameter("lin.weight")->grad;
  conv.zero_grad();
  const Matrix b = Matrix::from_view(conv.forward({&g, {}}, LayerInput<float>{{}, &sparse}).dense);
  conv.backward({&g, {}}, d_out.view(), false);
  CHECK(gat_test::normalized_error(a, b) < 1e-6);
  CHECK(gat_test::normalized_error(conv.find_parameter("lin.weight")->grad, grad_dense) < 1e-5);
}

TEST_CASE("GATConv: a feature-dropout mask per head on sparse input, weight gradients by finite differences",
          "[nn][gat][gradient]") {
  const Graph g = random_graph(12, 40, 21);
  MatrixD dense = gat_test::random_matrix<double>(12, 9, 22);
  for (std::int64_t i = 0; i < dense.size(); ++i)
    if (i % 3) dense.data()[i] = 0;
  const BasicCsrMatrix<double> sparse = BasicCsrMatrix<double>::from_dense(dense.view());
  GATConv<double> conv({.in_channels = 9, .out_channels = 2, .heads = 3, .dropout = 0.2f, .feature_dropout = 0.5f,
                        .feature_dropout_per_head = true, .seed = 8});
  const ForwardContext ctx{&g, RandomKey{4, 4}};
  const LayerInput<double> x{{}, &sparse};
  const MatrixD out0 = MatrixD::from_view(conv.forward(ctx, x).dense);
  const MatrixD weights = gat_test::random_matrix<double>(out0.rows(), out0.cols(), 23);
  auto loss = [&] {
    auto out = conv.forward(ctx, x).dense;
    double s = 0;
    for (std::int64_t r = 0; r < out.rows(); ++r)
      for (std::int64_t c = 0; c < out.cols(); ++c) s += out(r, c) * weights(r, c);
    return s;
  };
  conv.zero_grad();
  conv.forward(ctx, x);
  conv.backward(ctx, weights.view(), false);
  for (auto& p : conv.named_parameters()) {
    const MatrixD analytic = p.parameter->grad;
    const double err = gat_test::max_gradient_error(p.parameter->value, analytic, loss);
    INFO("parameter " << p.name << " error " << err);
    CHECK(err < 1e-6);
  }
}

TEST_CASE("headwise input dropout on sparse input: each head's mask is dropout_forward's with key.child(head)",
          "[nn][gat]") {
  MatrixD dense = gat_test::random_matrix<double>(30, 11, 31);
  for (std::int64_t i = 0; i < dense.size(); ++i)
    if (i % 4) dense.data()[i] = 0;
  const BasicCsrMatrix<double> sparse = BasicCsrMatrix<double>::from_dense(dense.view());
  const MatrixD w = gat_test::random_matrix<double>(3 * 4, 11, 32);  // 3 heads x 4 features
  const MatrixD dy = gat_test::random_matrix<double>(30, 12, 33);
  const RandomKey key{8, 8};
  const float p = 0.6f;
  // By definition: head k's dropped copy of x, densified, times its slice of W.
  MatrixD want_y(30, 12), want_grad(12, 11);
  for (std::int64_t k = 0; k < 3; ++k) {
    BasicCsrMatrix<double> dropped;
    dropout_forward(sparse, p, key.child(static_cast<std::uint64_t>(k)), dropped);
    const MatrixD xk = dropped.to_dense();
    for (std::int64_t r = 0; r < 30; ++r)
      for (std::int64_t j = 0; j < 4; ++j)
        for (std::int64_t c = 0; c < 11; ++c) {
          want_y(r, k * 4 + j) += xk(r, c) * w(k * 4 + j, c);
          want_grad(k * 4 + j, c) += dy(r, k * 4 + j) * xk(r, c);
        }
  }
  gat::nn::detail::HeadwiseInputDropout<double> headwise;
  MatrixD y, grad(12, 11);
  headwise.forward({{}, &sparse}, w, 3, p, key, y);
  headwise.backward({{}, &sparse}, w, dy.view(), grad, nullptr);
  CHECK(gat_test::normalized_error(y, want_y) < 1e-12);
  CHECK(gat_test::normalized_error(grad, want_grad) < 1e-12);
}

TEST_CASE("GATConv: a feature-dropout mask per head gives each head its own mask, only in training", "[nn][gat]") {
  const Graph g = random_graph(15, 45, 24);
  const Matrix x = gat_test::random_matrix<float>(15, 6, 25);
  auto run = [&](bool per_head, bool training) {
    GATConv<float> conv({.in_channels = 6, .out_channels = 2, .heads = 2, .feature_dropout = 0.5f,
                         .feature_dropout_per_head = per_head, .seed = 9});
    // Both heads get the same parameters: their outputs differ only through their masks.
    for (const char* name : {"lin.weight", "att_src", "att_dst"}) {
      Matrix& w = conv.find_parameter(name)->value;
      const std::int64_t half = w.size() / 2;
      for (std::int64_t i = 0; i < half; ++i) w.data()[half + i] = w.data()[i];
    }
    conv.train(training);
    return Matrix::from_view(conv.forward({&g, RandomKey{5, 5}}, LayerInput<float>::of(x.view())).dense);
  };
  auto heads_differ = [](const Matrix& out) {
    double diff = 0;
    for (std::int64_t r = 0; r < out.rows(); ++r)
      for (std::int64_t c = 0; c < 2; ++c) diff += std::abs(out(r, c) - out(r, 2 + c));
    return diff > 1e-3;
  };
  CHECK(heads_differ(run(true, true)));
  CHECK_FALSE(heads_differ(run(false, true)));
  CHECK(gat_test::normalized_error(run(true, false), run(false, false)) == 0.0);
}

TEST_CASE("GATConv: a feature-dropout mask per head is bitwise identical with 1 and 2 threads", "[nn][gat][determinism]") {
  const Graph g = random_graph(300, 1500, 26);
  Matrix dense = gat_test::random_matrix<float>(300, 40, 27);
  for (std::int64_t i = 0; i < dense.size(); ++i)
    if (i % 5) dense.data()[i] = 0;
  const CsrMatrix sparse = CsrMatrix::from_dense(dense.view());
  const Matrix d_out = gat_test::random_matrix<float>(300, 64, 28);
  auto run = [&](int threads, bool sparse_input) {
    set_num_threads(threads);
    GATConv<float> conv({.in_channels = 40, .out_channels = 8, .heads = 8, .dropout = 0.6f, .feature_dropout = 0.6f,
                         .feature_dropout_per_head = true, .value_dropout = 0.6f, .seed = 10});
    const LayerInput<float> x = sparse_input ? LayerInput<float>{{}, &sparse} : LayerInput<float>::of(dense.view());
    conv.zero_grad();
    std::vector<Matrix> got{Matrix::from_view(conv.forward({&g, RandomKey{6, 6}}, x).dense)};
    const auto d_in = conv.backward({&g, RandomKey{6, 6}}, d_out.view(), !sparse_input);
    if (!sparse_input) got.push_back(Matrix::from_view(d_in));
    for (auto& p : conv.named_parameters()) got.push_back(p.parameter->grad);
    set_num_threads(1);
    return got;
  };
  for (bool sparse_input : {true, false}) {
    const auto one = run(1, sparse_input), two = run(2, sparse_input);
    REQUIRE(one.size() == two.size());
    for (std::size_t i = 0; i < one.size(); ++i)
      CHECK(std::equal(one[i].data(), one[i].data() + one[i].size(), two[i].data()));
  }
}

TEST_CASE("GatModel hands the reference-dropout options to its gat layers, checkpoints keep them", "[nn][gat]") {
  const Graph g = random_graph(15, 45, 29);
  const Matrix x = gat_test::random_matrix<float>(15, 6, 30);
  auto run = [&](bool per_head, bool training) {
    GatModel<float> model({.in_features = 6, .num_classes = 3, .feature_dropout_per_head = per_head, .seed = 3});
    model.train(training);
    return Matrix::from_view(model.forward({&g, RandomKey{7, 7}}, LayerInput<float>::of(x.view())).dense);
  };
  CHECK(gat_test::normalized_error(run(true, true), run(false, true)) > 1e-3);
  CHECK(gat_test::normalized_error(run(true, false), run(false, false)) == 0.0);

  GatModelOptions o{.in_features = 6, .num_classes = 3, .feature_dropout_per_head = true, .value_dropout = 0.4f};
  nlohmann::json j = train::to_json(o);
  CHECK(train::gat_model_options_from_json(j).feature_dropout_per_head);
  CHECK(train::gat_model_options_from_json(j).value_dropout == 0.4f);
  // A configuration written before the option existed means the shared mask it was trained with.
  j.erase("feature_dropout_per_head");
  CHECK_FALSE(train::gat_model_options_from_json(j).feature_dropout_per_head);
}

TEST_CASE("self-loop policies", "[nn][gat]") {
  const std::vector<NodeId> src{1, 2, 0, 1};
  const std::vector<NodeId> dst{0, 0, 1, 1};  // node 1 has a loop; node 2 has no incoming edge
  const Graph g = Graph::from_edges(3, src, dst);
  const MatrixD x = gat_test::random_matrix<double>(3, 4, 1);
  SECTION("PyG's rule: existing loops replaced by one per node") {
    GATConv<double> conv({.in_channels = 4, .out_channels = 2, .heads = 2, .seed = 1});
    const std::vector<NodeId> src2{1, 2, 0};
    const std::vector<NodeId> dst2{0, 0, 1};
    const Graph without_loop = Graph::from_edges(3, src2, dst2);
    const MatrixD a = MatrixD::from_view(conv.forward({&g, {}}, LayerInput<double>::of(x.view())).dense);
    const MatrixD b = MatrixD::from_view(conv.forward({&without_loop, {}}, LayerInput<double>::of(x.view())).dense);
    CHECK(gat_test::normalized_error(a, b) < 1e-14);
  }
  SECTION("no self-loops: zero in-degree is an error that says how to allow it") {
    GATConv<double> conv({.in_channels = 4, .out_channels = 2, .add_self_loops = false});
    REQUIRE_THROWS_WITH(conv.forward({&g, {}}, LayerInput<double>::of(x.view())),
                        Catch::Contains("1 node(s) have no incoming edge") &&
                            Catch::Contains("allow_zero_in_degree"));
  }
  SECTION("allowed: the isolated node's output is the bias alone") {
    GATConv<double> conv({.in_channels = 4, .out_channels = 2, .add_self_loops = false,
                          .allow_zero_in_degree = true});
    conv.find_parameter("bias")->value.fill(0.5);
    const MatrixD out = MatrixD::from_view(conv.forward({&g, {}}, LayerInput<double>::of(x.view())).dense);
    CHECK(out(2, 0) == 0.5);
    CHECK(out(2, 1) == 0.5);
    CHECK(std::isfinite(out(0, 0)));
  }
}

TEST_CASE("attention weights come with their edges and sum to one", "[nn][gat]") {
  const std::vector<NodeId> src{1, 2, 0, 2};
  const std::vector<NodeId> dst{0, 0, 1, 1};
  const Graph g = Graph::from_edges(3, src, dst);
  GATConv<float> conv({.in_channels = 3, .out_channels = 2, .heads = 4, .seed = 2});
  conv.keep_attention_weights(true);
  const Matrix x = gat_test::random_matrix<float>(3, 3, 3);
  conv.forward({&g, {}}, LayerInput<float>::of(x.view()));
  const auto w = conv.attention_weights();
  REQUIRE(w.num_edges() == 4 + 3);
  CHECK(w.heads == 4);
  std::vector<std::vector<double>> sums(3, std::vector<double>(4, 0.0));
  int loops = 0;
  for (std::int64_t e = 0; e < w.num_edges(); ++e) {
    if (w.input_edge_id[e] == kAddedSelfLoop) {
      CHECK(w.source[e] == w.target[e]);
      ++loops;
    } else {
      CHECK(src[w.input_edge_id[e]] == w.source[e]);
      CHECK(dst[w.input_edge_id[e]] == w.target[e]);
    }
    for (int h = 0; h < 4; ++h) sums[w.target[e]][h] += w.weights(e, h);
  }
  CHECK(loops == 3);
  for (auto& per_node : sums)
    for (double s : per_node) CHECK(s == Approx(1.0).epsilon(1e-6));
}

TEST_CASE("GATConv refuses bad shapes and options", "[nn][gat]") {
  REQUIRE_THROWS_WITH(GATConv<float>({.in_channels = 0, .out_channels = 2}), Catch::Contains("in_channels"));
  REQUIRE_THROWS_WITH(GATConv<float>({.in_channels = 2, .out_channels = 2, .heads = 0}), Catch::Contains("heads"));
  REQUIRE_THROWS_WITH(GATConv<float>({.in_channels = 2, .out_channels = 2, .dropout = 1.0f}),
                      Catch::Contains("dropout"));
  REQUIRE_THROWS_WITH(GATConv<float>({.in_channels = 2, .out_channels = 2, .feature_dropout_per_head = true,
                                      .residual = true}),
                      Catch::Contains("feature_dropout_per_head with residual"));
  GATConv<float> conv({.in_channels = 3, .out_channels = 2});
  const Graph g = random_graph(5, 10, 1);
  const Matrix wrong_rows(4, 3), wrong_cols(5, 4);
  REQUIRE_THROWS_WITH(conv.forward({&g, {}}, LayerInput<float>::of(wrong_rows.view())),
                      Catch::Contains("4 rows but the graph has 5 nodes"));
  REQUIRE_THROWS_WITH(conv.forward({&g, {}}, LayerInput<float>::of(wrong_cols.view())),
                      Catch::Contains("4 features but the weight expects 3"));
  REQUIRE_THROWS_WITH(conv.forward({nullptr, {}}, LayerInput<float>::of(wrong_cols.view())),
                      Catch::Contains("no graph"));
}

TEST_CASE("GATConv past 2^18 nodes equals its primitives composed with the source scores read", "[nn][gat]") {
  // From 8 MiB of source scores the layer lets the attention kernels take them from the value
  // rows (ConcatScore::source_attention); the same layer written out with the scores read must
  // give the same output and input gradient.
  const std::int64_t n = (std::int64_t{1} << 18) + 1000, H = 8, F = 8;
  const Graph g = random_graph(n, 3 * n, 31);
  const Matrix x = gat_test::random_matrix<float>(n, 16, 32), d_out = gat_test::random_matrix<float>(n, H * F, 33);
  GATConv<float> conv({.in_channels = 16, .out_channels = F, .heads = H, .bias = false, .seed = 34});
  conv.eval();
  const ForwardContext ctx{&g, {}};
  const Matrix out = Matrix::from_view(conv.forward(ctx, LayerInput<float>::of(x.view())).dense);
  const Matrix d_x = Matrix::from_view(conv.backward(ctx, d_out.view(), true));

  const Graph& looped = *g.with_self_loops();
  const MatrixView<const float> w = conv.find_parameter("lin.weight")->value.view();
  const MatrixView<const float> a_src = conv.find_parameter("att_src")->value.view();
  const MatrixView<const float> a_dst = conv.find_parameter("att_dst")->value.view();
  Matrix h(n, H * F), src(n, H), dst(n, H), want(n, H * F);
  matmul_nt<float>(x.view(), w, h.view());
  attention::head_dot<float>(h.view(), a_src, H, src.view());
  attention::head_dot<float>(h.view(), a_dst, H, dst.view());
  attention::GraphAttentionState<float> st;
  attention::gat_attention_forward<float>(looped, src.view(), dst.view(), h.view(), H, attention::ConcatScore{0.2}, {},
                                          want.view(), st);
  Matrix d_src(n, H), d_dst(n, H), d_h(n, H * F), want_dx(n, 16);
  attention::gat_attention_backward<float>(looped, src.view(), dst.view(), h.view(), H, attention::ConcatScore{0.2}, {},
                                           st, d_out.view(), d_src.view(), d_dst.view(), d_h.view());
  Matrix d_a(1, H * F);
  attention::head_dot_backward<float>(h.view(), a_src, H, d_src.view(), d_h.view(), d_a.view());
  attention::head_dot_backward<float>(h.view(), a_dst, H, d_dst.view(), d_h.view(), d_a.view());
  matmul<float>(d_h.view(), w, want_dx.view());
  CHECK(gat_test::normalized_error(out, want) == 0);
  CHECK(gat_test::normalized_error(d_x, want_dx) == 0);
}
