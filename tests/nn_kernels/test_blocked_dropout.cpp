// Input dropout and projection of a large dense input in row blocks (BlockedInputDropout) against
// dropping the whole input out and multiplying once: the same masks, the same products up to the
// products' blocking, the same input gradient; the same bits with 1 and 2 threads.
#include <catch2/catch.hpp>

#include <cstring>

#include "gat/core/parallel.hpp"
#include "nn/input_dropout.hpp"
#include "nn/merge_heads.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/tensor/matmul.hpp"
#include "support/test_support.hpp"

using namespace gat;

TEST_CASE("blocked input dropout and projection equals dropping the whole input", "[nn]") {
  // 40000 x 450 floats (72 MB): past the blocked path's threshold; ten blocks, the last partial,
  // in two groups of blocks for the weight gradient
  const std::int64_t n = 40000, in = 450, out = 16;
  const Matrix xm = gat_test::random_matrix<float>(n, in, 21);
  const auto x = nn::LayerInput<float>::of(xm.view());
  const Matrix w = gat_test::random_matrix<float>(out, in, 22);
  const Matrix dy = gat_test::random_matrix<float>(n, out, 23);
  const float p = 0.4f;
  const RandomKey key{3, 5};
  REQUIRE(nn::detail::BlockedInputDropout<float>::applies(x, p));
  CHECK_FALSE(nn::detail::BlockedInputDropout<float>::applies(x, 0.0f));

  nn::detail::BlockedInputDropout<float> blocked;
  Matrix y, wg(out, in), dx, y2, wg2(out, in), dx2;
  set_num_threads(2);
  blocked.forward(x.dense, w, p, key, y2);
  blocked.backward(x.dense, w, dy.view(), wg2, &dx2);
  set_num_threads(1);
  blocked.forward(x.dense, w, p, key, y);
  blocked.backward(x.dense, w, dy.view(), wg, &dx);
  set_num_threads(0);
  CHECK(std::memcmp(y.data(), y2.data(), sizeof(float) * static_cast<std::size_t>(y.size())) == 0);
  CHECK(std::memcmp(wg.data(), wg2.data(), sizeof(float) * static_cast<std::size_t>(wg.size())) == 0);
  CHECK(std::memcmp(dx.data(), dx2.data(), sizeof(float) * static_cast<std::size_t>(dx.size())) == 0);

  Matrix dropped(n, in), want_y(n, out), want_wg(out, in), want_dx(n, in);
  nn::dropout_forward<float>(x.dense, p, key, dropped.view());
  matmul_nt<float>(dropped.view(), w.view(), want_y.view());
  matmul_tn<float>(dy.view(), dropped.view(), want_wg.view());
  matmul<float>(dy.view(), w.view(), want_dx.view());
  nn::dropout_backward<float>(want_dx.view(), p, key, want_dx.view());
  CHECK(gat_test::normalized_error<float, float>(y.view(), want_y.view()) < 1e-6);
  CHECK(gat_test::normalized_error<float, float>(wg.view(), want_wg.view()) < 1e-5);
  CHECK(gat_test::normalized_error<float, float>(dx.view(), want_dx.view()) < 1e-6);
  // the masks themselves: a row of the last, partial block dropped on its own
  Matrix row(1, in);
  nn::dropout_forward_rows<float>(x.dense.block_rows(n - 1, 1), p, key, n - 1, row.view());
  for (std::int64_t c = 0; c < in; ++c) REQUIRE(row(0, c) == dropped(n - 1, c));
}
