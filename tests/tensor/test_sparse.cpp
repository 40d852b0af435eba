#include <catch2/catch.hpp>

#include "gat/core/error.hpp"
#include "gat/tensor/matmul.hpp"
#include "gat/tensor/features.hpp"
#include "gat/tensor/sparse_matmul.hpp"
#include "support/test_support.hpp"

using namespace gat;

namespace {
Matrix sparse_random(std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
  Matrix m = gat_test::random_matrix<float>(rows, cols, seed);
  RandomKey key{seed, 99};
  for (std::int64_t i = 0; i < m.size(); ++i)
    if (key.uniform(i) < 0.9f) m.data()[i] = 0;
  return m;
}
}  // namespace

TEST_CASE("CSR round trip, transpose and validation", "[tensor][sparse]") {
  Matrix dense = sparse_random(20, 30, 1);
  CsrMatrix csr = CsrMatrix::from_dense(dense.view());
  csr.validate();
  CHECK(gat_test::normalized_error(csr.to_dense(), dense) == 0.0);
  CsrMatrix t = csr.transposed();
  t.validate();
  Matrix td = t.to_dense();
  for (std::int64_t r = 0; r < 20; ++r)
    for (std::int64_t c = 0; c < 30; ++c) CHECK(td(c, r) == dense(r, c));
  CsrMatrix broken = csr;
  broken.columns[0] = 30;
  REQUIRE_THROWS_WITH(broken.validate(), Catch::Contains("outside [0, 30)"));
}

TEST_CASE("sparse-dense products agree with dense products", "[tensor][sparse]") {
  Matrix dense = sparse_random(50, 40, 2);
  CsrMatrix csr = CsrMatrix::from_dense(dense.view());
  Matrix b = gat_test::random_matrix<float>(40, 16, 3);
  Matrix c(50, 16), expected(50, 16);
  spmm(csr, b.view(), c.view());
  gemm_reference<float>(dense.view(), Transpose::no, b.view(), Transpose::no, expected.view());
  CHECK(gat_test::normalized_error(c, expected) < 1e-6);
  // The weight gradient A^T * G through the transposed CSR.
  Matrix g = gat_test::random_matrix<float>(50, 16, 4);
  Matrix w(40, 16), w_expected(40, 16);
  spmm(csr.transposed(), g.view(), w.view());
  gemm_reference<float>(dense.view(), Transpose::yes, g.view(), Transpose::no, w_expected.view());
  CHECK(gat_test::normalized_error(w, w_expected) < 1e-6);
  Matrix w2(40, 16);
  spmm_tn(csr, g.view(), w2.view());
  CHECK(gat_test::normalized_error(w2, w_expected) < 1e-6);
  REQUIRE_THROWS_WITH(spmm(csr, g.view(), c.view()), Catch::Contains("A's columns must equal B's rows"));
  CsrMatrix extra_offset = csr;  // e.g. offsets built by push_back onto the default {0}
  extra_offset.offsets.insert(extra_offset.offsets.begin(), 0);
  REQUIRE_THROWS_WITH(spmm(extra_offset, b.view(), c.view()), Catch::Contains("row offsets"));
  REQUIRE_THROWS_WITH(spmm_tn(extra_offset, g.view(), w2.view()), Catch::Contains("row offsets"));
}

TEST_CASE("the 64-column sparse product (8 heads x 8 features) agrees with the dense product", "[tensor][sparse]") {
  Matrix dense = sparse_random(70, 90, 5);
  dense(3, 0) = 0;  // a row may also be empty
  for (std::int64_t c = 0; c < dense.cols(); ++c) dense(7, c) = 0;
  const CsrMatrix csr = CsrMatrix::from_dense(dense.view());
  const Matrix b = gat_test::random_matrix<float>(90, 64, 6);
  Matrix expected = gat_test::random_matrix<float>(70, 64, 7);
  Matrix c = expected;
  spmm(csr, b.view(), c.view(), /*accumulate=*/true);
  gemm_reference<float>(dense.view(), Transpose::no, b.view(), Transpose::no, expected.view(), Accumulate::yes);
  CHECK(gat_test::normalized_error(c, expected) < 1e-6);
  spmm(csr, b.view(), c.view());
  gemm_reference<float>(dense.view(), Transpose::no, b.view(), Transpose::no, expected.view());
  CHECK(gat_test::normalized_error(c, expected) < 1e-6);
  for (std::int64_t j = 0; j < 64; ++j) CHECK(c(7, j) == 0.0f);
}

TEST_CASE("features become CSR only below the density asked for, with the same values", "[tensor][sparse]") {
  const Matrix dense = sparse_random(40, 30, 8);
  Features f{dense};
  const double density = f.density();
  REQUIRE(density > 0.05);
  REQUIRE(density < 0.9);
  CHECK_FALSE(f.sparsify(density / 2));  // denser than asked: stays dense
  CHECK_FALSE(f.is_sparse());
  CHECK(f.sparsify(density));
  REQUIRE(f.is_sparse());
  CHECK(f.nnz() == static_cast<std::int64_t>(density * 40 * 30 + 0.5));
  CHECK(gat_test::normalized_error(f.to_dense(), dense) == 0.0);
  CHECK_FALSE(f.sparsify(1.0));  // already sparse
  // row normalisation gives the same rows either way
  Features d{dense};
  d.normalize_rows();
  f.normalize_rows();
  CHECK(gat_test::normalized_error(f.to_dense(), d.to_dense()) == 0.0);
}
