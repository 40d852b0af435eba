// The float first projection with a dropout mask per head (8 heads x 8 features, sparse input):
// forward keeps the heads' mask bits and backward runs over a cached transpose of the input's
// pattern. Both must give exactly the plain per-head loops' results (same masks, same sums in
// the same order), also when the input changes under the cache, and the same bits on 1 and 2
// threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "gat/core/parallel.hpp"
#include "nn/input_dropout.hpp"
#include "nn/merge_heads.hpp"
#include "gat/nn/dropout.hpp"
#include "gat_reference/input_dropout.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::nn;

namespace {

constexpr std::int64_t kHeads = 8, kF = 8;

// A bag-of-words-like CSR with a row or two left empty.
CsrMatrix bag_of_words(std::int64_t rows, std::int64_t cols, std::uint64_t seed, float density) {
  Matrix dense(rows, cols);
  const RandomKey key{seed, 6};
  for (std::int64_t i = 0; i < dense.size(); ++i)
    if (i / cols != 3 && key.uniform(i) < density) dense.data()[i] = 0.25f + key.uniform(i + 1000003);
  return CsrMatrix::from_dense(dense.view());
}

// y and grad_t^T by the definition (the reference module, reference/gat_reference).
void by_definition(const CsrMatrix& x, const Matrix& w, float p, RandomKey key, const Matrix& dy, Matrix& y,
               Matrix& grad) {
  gat::reference::headwise_sparse_projection(x, w, kHeads, p, key, dy, y, grad);
}

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

struct Run {
  Matrix y, grad;
};

Run run(nn::detail::HeadwiseInputDropout<float>& layer, const CsrMatrix& x, const Matrix& w, float p, RandomKey key,
        const Matrix& dy) {
  Run out;
  layer.forward({{}, &x}, w, kHeads, p, key, out.y);
  out.grad = Matrix(w.rows(), w.cols());
  layer.backward({{}, &x}, w, dy.view(), out.grad, nullptr);
  return out;
}

}  // namespace

TEST_CASE("headwise sparse 8 x 8: forward and backward are exactly the per-head loops", "[nn][dropout]") {
  const std::int64_t n = 400, in = 150;
  const CsrMatrix x = bag_of_words(n, in, 1, 0.05f);
  const Matrix w = gat_test::random_matrix<float>(kHeads * kF, in, 2);
  const Matrix dy = gat_test::random_matrix<float>(n, kHeads * kF, 3);
  nn::detail::HeadwiseInputDropout<float> layer;
  for (const float p : {0.6f, 0.1f}) {
    const RandomKey key{4, static_cast<std::uint64_t>(p * 10)};
    Matrix y_ref, g_ref;
    by_definition(x, w, p, key, dy, y_ref, g_ref);
    const Run got = run(layer, x, w, p, key, dy);
    CHECK(same_bits(got.y, y_ref));
    CHECK(same_bits(got.grad, g_ref));
  }
}

TEST_CASE("headwise sparse 8 x 8: a changed input is not read through the cached transpose", "[nn][dropout]") {
  const std::int64_t n = 300, in = 120;
  const Matrix w = gat_test::random_matrix<float>(kHeads * kF, in, 5);
  const Matrix dy = gat_test::random_matrix<float>(n, kHeads * kF, 6);
  const RandomKey key{7, 8};
  nn::detail::HeadwiseInputDropout<float> layer;
  CsrMatrix x = bag_of_words(n, in, 9, 0.06f);
  run(layer, x, w, 0.5f, key, dy);  // builds the cache

  SECTION("same object, columns moved in place (same shape and count)") {
    for (std::int32_t& c : x.columns) c = static_cast<std::int32_t>((c * 7 + 3) % in);
    for (std::int64_t r = 0; r < n; ++r) std::sort(x.columns.begin() + x.offsets[r], x.columns.begin() + x.offsets[r + 1]);
  }
  SECTION("same object, row 2's last stored value moved to the empty row 3 (offsets only)") {
    REQUIRE(x.offsets[3] > x.offsets[2]);
    REQUIRE(x.offsets[4] == x.offsets[3]);
    --x.offsets[3];
  }
  SECTION("another matrix") { x = bag_of_words(n, in, 10, 0.04f); }
  SECTION("new values only") {
    for (float& v : x.values) v = v * 0.5f + 0.125f;
  }
  x.validate();
  Matrix y_ref, g_ref;
  by_definition(x, w, 0.5f, key, dy, y_ref, g_ref);
  const Run got = run(layer, x, w, 0.5f, key, dy);
  CHECK(same_bits(got.y, y_ref));
  CHECK(same_bits(got.grad, g_ref));
}

TEST_CASE("headwise sparse 8 x 8: backward of another input than forward's draws that input's masks",
          "[nn][dropout]") {
  const std::int64_t n = 250, in = 100;
  const Matrix w = gat_test::random_matrix<float>(kHeads * kF, in, 11);
  const Matrix dy = gat_test::random_matrix<float>(n, kHeads * kF, 12);
  const RandomKey key{13, 14};
  const CsrMatrix a = bag_of_words(n, in, 15, 0.05f), b = bag_of_words(n, in, 16, 0.08f);
  nn::detail::HeadwiseInputDropout<float> layer;
  Matrix y;
  layer.forward({{}, &a}, w, kHeads, 0.4f, key, y);
  Matrix grad(w.rows(), w.cols());
  layer.backward({{}, &b}, w, dy.view(), grad, nullptr);
  Matrix y_ref, g_ref;
  by_definition(b, w, 0.4f, key, dy, y_ref, g_ref);
  CHECK(same_bits(grad, g_ref));
}

TEST_CASE("headwise sparse 8 x 8: the same bits on 1 and 2 threads", "[nn][dropout][threads]") {
  const std::int64_t n = 3000, in = 700;
  const CsrMatrix x = bag_of_words(n, in, 17, 0.02f);
  const Matrix w = gat_test::random_matrix<float>(kHeads * kF, in, 18);
  const Matrix dy = gat_test::random_matrix<float>(n, kHeads * kF, 19);
  const RandomKey key{20, 21};
  nn::detail::HeadwiseInputDropout<float> one, two;
  set_num_threads(1);
  const Run r1 = run(one, x, w, 0.6f, key, dy);
  set_num_threads(2);
  const Run r2 = run(two, x, w, 0.6f, key, dy);
  const Run r2again = run(two, x, w, 0.6f, key, dy);  // from the cached transpose
  set_num_threads(1);
  CHECK(same_bits(r1.y, r2.y));
  CHECK(same_bits(r1.grad, r2.grad));
  CHECK(same_bits(r1.grad, r2again.grad));
}
