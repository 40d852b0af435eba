#include <catch2/catch.hpp>

#include <cstring>

#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"
#include "gat/tensor/matmul.hpp"
#include "support/test_support.hpp"

using namespace gat;

namespace {

template <class T>
void check_against_reference(Transpose ta, Transpose tb, Accumulate acc, std::int64_t m, std::int64_t n,
                             std::int64_t k) {
  const auto a = ta == Transpose::no ? gat_test::random_matrix<T>(m, k, 1) : gat_test::random_matrix<T>(k, m, 1);
  const auto b = tb == Transpose::no ? gat_test::random_matrix<T>(k, n, 2) : gat_test::random_matrix<T>(n, k, 2);
  auto c = gat_test::random_matrix<T>(m, n, 3);
  auto expected = c;
  gemm<T>(a.view(), ta, b.view(), tb, c.view(), acc);
  gemm_reference<T>(a.view(), ta, b.view(), tb, expected.view(), acc);
  CHECK(gat_test::normalized_error(c, expected) < (sizeof(T) == 4 ? 1e-5 : 1e-12));
}

}  // namespace

TEST_CASE("every product agrees with the naive loop", "[tensor][matmul]") {
  for (auto ta : {Transpose::no, Transpose::yes})
    for (auto tb : {Transpose::no, Transpose::yes})
      for (auto acc : {Accumulate::no, Accumulate::yes}) {
        INFO("ta=" << int(ta) << " tb=" << int(tb) << " acc=" << int(acc));
        check_against_reference<float>(ta, tb, acc, 37, 19, 53);
        check_against_reference<float>(ta, tb, acc, 1, 64, 1433);
        check_against_reference<double>(ta, tb, acc, 7, 5, 11);
      }
}

TEST_CASE("products on strided views", "[tensor][matmul]") {
  auto big_a = gat_test::random_matrix<float>(10, 12, 4);
  auto big_b = gat_test::random_matrix<float>(12, 9, 5);
  Matrix c(6, 4), expected(6, 4);
  auto a = MatrixView<const float>(big_a.view()).block_rows(2, 6).block_cols(1, 7);
  auto b = MatrixView<const float>(big_b.view()).block_rows(3, 7).block_cols(5, 4);
  matmul<float>(a, b, c.view());
  gemm_reference<float>(a, Transpose::no, b, Transpose::no, expected.view());
  CHECK(gat_test::normalized_error(c, expected) < 1e-6);
}

TEST_CASE("primitives are created once per shape", "[tensor][matmul]") {
  auto a = gat_test::random_matrix<float>(13, 17, 1);
  auto b = gat_test::random_matrix<float>(17, 3, 2);
  Matrix c(13, 3);
  matmul<float>(a.view(), b.view(), c.view());
  const auto after_first = matmul_primitives_created();
  for (int step = 0; step < 5; ++step) matmul<float>(a.view(), b.view(), c.view());
  CHECK(matmul_primitives_created() == after_first);
  matmul<float>(a.view(), b.view(), c.view(), Accumulate::yes);
  CHECK(matmul_primitives_created() == after_first + 1);
}

TEST_CASE("empty inner dimension gives zero, wrong shapes are refused", "[tensor][matmul]") {
  Matrix a(3, 0), b(0, 2), c(3, 2, 5.0f);
  matmul<float>(a.view(), b.view(), c.view());
  for (float v : c.flat()) CHECK(v == 0.0f);
  Matrix bad(4, 2);
  REQUIRE_THROWS_WITH(matmul<float>(c.view(), c.view(), bad.view()), Catch::Contains("inner dimensions differ"));
  Matrix x(3, 3), y(3, 3), z(2, 3);
  REQUIRE_THROWS_WITH(matmul<float>(x.view(), y.view(), z.view()), Catch::Contains("C is 2x3"));
}

TEST_CASE("products are bitwise identical with 1 and 2 threads", "[tensor][matmul][determinism]") {
  struct Case {
    std::int64_t m, n, k;
    Transpose ta, tb;
  };
  for (const Case& s : {Case{700, 64, 300, Transpose::no, Transpose::yes}, Case{7, 64, 2708, Transpose::yes, Transpose::no},
                        Case{2708, 7, 64, Transpose::no, Transpose::yes}, Case{520, 300, 9, Transpose::no, Transpose::no}}) {
    const auto a = s.ta == Transpose::no ? gat_test::random_matrix<float>(s.m, s.k, 1)
                                         : gat_test::random_matrix<float>(s.k, s.m, 1);
    const auto b = s.tb == Transpose::no ? gat_test::random_matrix<float>(s.k, s.n, 2)
                                         : gat_test::random_matrix<float>(s.n, s.k, 2);
    Matrix one(s.m, s.n), two(s.m, s.n);
    set_num_threads(1);
    gemm<float>(a.view(), s.ta, b.view(), s.tb, one.view());
    set_num_threads(2);
    gemm<float>(a.view(), s.ta, b.view(), s.tb, two.view());
    set_num_threads(1);
    INFO(s.m << "x" << s.n << "x" << s.k);
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
  }
}

TEST_CASE("two threads running same-shaped tiles at once do not share oneDNN's scratch memory",
          "[tensor][matmul][determinism]") {
  // 2708 rows are ten 256-row tiles of one shape plus a remainder: with 2 threads, the same
  // cached primitive runs on both at once. It once shared a library scratchpad, so repeated
  // products came out wrong from the second call on.
  const auto a = gat_test::random_matrix<float>(2708, 64, 1);
  const auto b = gat_test::random_matrix<float>(7, 64, 2);
  Matrix expected(2708, 7), one(2708, 7);
  gemm_reference<float>(a.view(), Transpose::no, b.view(), Transpose::yes, expected.view());
  set_num_threads(1);
  gemm<float>(a.view(), Transpose::no, b.view(), Transpose::yes, one.view());
  set_num_threads(2);
  for (int repeat = 0; repeat < 8; ++repeat) {
    Matrix two(2708, 7);
    gemm<float>(a.view(), Transpose::no, b.view(), Transpose::yes, two.view());
    INFO("repeat " << repeat);
    CHECK(gat_test::normalized_error(two, expected) < 1e-5);
    CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
  }
  set_num_threads(1);
}

TEST_CASE("long inner dimensions are summed in slabs: close to a double sum and bitwise identical with 1 and 2 threads",
          "[tensor][matmul][determinism]") {
  // A weight gradient of a large graph (C small, K >= 65536) is cut along K into slabs that the
  // threads share; 257 rows: two row tiles of C, each split.
  struct Case {
    std::int64_t m, n, k;
    Transpose ta, tb;
  };
  for (const Case& s : {Case{8, 16, 100000, Transpose::yes, Transpose::no}, Case{257, 3, 70000, Transpose::no, Transpose::yes},
                        Case{5, 7, 65536, Transpose::yes, Transpose::yes}})
    for (const Accumulate acc : {Accumulate::no, Accumulate::yes}) {
      INFO(s.m << "x" << s.n << "x" << s.k << " ta=" << int(s.ta) << " tb=" << int(s.tb) << " acc=" << int(acc));
      const auto a = s.ta == Transpose::no ? gat_test::random_matrix<float>(s.m, s.k, 1)
                                           : gat_test::random_matrix<float>(s.k, s.m, 1);
      const auto b = s.tb == Transpose::no ? gat_test::random_matrix<float>(s.k, s.n, 2)
                                           : gat_test::random_matrix<float>(s.n, s.k, 2);
      const auto c0 = gat_test::random_matrix<float>(s.m, s.n, 3);
      MatrixD want(s.m, s.n);
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) {
          double sum = acc == Accumulate::yes ? double(c0(i, j)) : 0.0;
          for (std::int64_t p = 0; p < s.k; ++p)
            sum += double(s.ta == Transpose::no ? a(i, p) : a(p, i)) * double(s.tb == Transpose::no ? b(p, j) : b(j, p));
          want(i, j) = sum;
        }
      Matrix one = c0, two = c0;
      set_num_threads(1);
      gemm<float>(a.view(), s.ta, b.view(), s.tb, one.view(), acc);
      set_num_threads(2);
      gemm<float>(a.view(), s.ta, b.view(), s.tb, two.view(), acc);
      set_num_threads(1);
      MatrixD got(s.m, s.n);
      for (std::int64_t i = 0; i < s.m; ++i)
        for (std::int64_t j = 0; j < s.n; ++j) got(i, j) = one(i, j);
      CHECK(gat_test::normalized_error(got, want) < 1e-5);
      CHECK(std::memcmp(one.data(), two.data(), one.size() * sizeof(float)) == 0);
    }
}
