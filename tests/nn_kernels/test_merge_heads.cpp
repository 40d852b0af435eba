// Merging the heads (concat in place or mean, with or without bias) and its backward, against the
// plain loops, bit for bit, on 1 and 2 threads.
#include <catch2/catch.hpp>

#include <cstring>

#include "gat/core/parallel.hpp"
#include "nn/input_dropout.hpp"
#include "nn/merge_heads.hpp"
#include "support/test_support.hpp"

using namespace gat;

namespace {

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(float) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("merge_heads and its backward: the plain loops' bits, any thread count", "[nn]") {
  // 70000 rows: the bias gradient sums three blocks of 32768 rows (gat::detail::kRowBlock), each
  // in row order, and adds them in block order
  const std::int64_t n = GENERATE(1500, 70000);
  constexpr std::int64_t kRowBlock = 32768;
  for (const bool concat : {true, false})
    for (const bool with_bias : {true, false})
      for (const std::int64_t heads : {1, 3, 8}) {
        const std::int64_t f = concat ? 8 : 7, out_cols = concat ? heads * f : f;
        INFO("rows " << n << " concat " << concat << " bias " << with_bias << " heads " << heads);
        const Matrix in = gat_test::random_matrix<float>(n, heads * f, 1);
        const Matrix d = gat_test::random_matrix<float>(n, out_cols, 2);
        Parameter<float> bias;
        bias.value = gat_test::random_matrix<float>(1, out_cols, 3);
        bias.grad = gat_test::random_matrix<float>(1, out_cols, 4);
        Matrix want(n, out_cols), want_d(n, heads * f), want_bias = bias.grad, block_sum(1, out_cols);
        for (std::int64_t r = 0; r < n; ++r)
          for (std::int64_t c = 0; c < out_cols; ++c) {
            float v;
            if (concat) {
              v = in(r, c);
            } else {
              float sum = 0;
              for (std::int64_t h = 0; h < heads; ++h) sum += in(r, h * f + c);
              v = sum / static_cast<float>(heads);
            }
            want(r, c) = with_bias ? v + bias.value(0, c) : v;
            block_sum(0, c) += d(r, c);
            if (r % kRowBlock == kRowBlock - 1 || r == n - 1) {
              if (with_bias) want_bias(0, c) += block_sum(0, c);
              block_sum(0, c) = 0;
            }
          }
        const float inv = 1.0f / static_cast<float>(heads);
        for (std::int64_t r = 0; r < n; ++r)
          for (std::int64_t c = 0; c < heads * f; ++c) want_d(r, c) = concat ? d(r, c) : d(r, c % f) * inv;
        for (const int threads : {1, 2}) {
          set_num_threads(threads);
          Parameter<float> b = bias;
          Matrix heads_out = in, out, d_heads;
          const MatrixView<float> merged =
              nn::detail::merge_heads<float>(heads_out, heads, concat, with_bias ? &b : nullptr, out);
          const MatrixView<const float> dh =
              nn::detail::merge_heads_backward<float>(d.view(), heads, f, concat, with_bias ? &b : nullptr, d_heads);
          // concat merges in place and passes the gradient through without a copy
          CHECK((concat ? merged.data() == heads_out.data() : merged.data() == out.data()));
          CHECK((concat ? dh.data() == d.data() : dh.data() == d_heads.data()));
          CHECK(same_bits(Matrix::from_view(merged), want));
          CHECK(same_bits(Matrix::from_view(dh), want_d));
          CHECK(same_bits(b.grad, want_bias));
        }
        set_num_threads(1);
      }
}
