#include <catch2/catch.hpp>
#include <cstdint>

#include "gat/core/error.hpp"
#include "gat/tensor/matrix.hpp"

using gat::Matrix;

TEST_CASE("matrix storage is zeroed, aligned and reused on resize", "[tensor]") {
  Matrix m(3, 5);
  REQUIRE(m.rows() == 3);
  REQUIRE(m.cols() == 5);
  REQUIRE(reinterpret_cast<std::uintptr_t>(m.data()) % 64 == 0);
  for (float v : m.flat()) REQUIRE(v == 0.0f);
  m(2, 4) = 7;
  const float* before = m.data();
  m.resize(5, 3);  // same element count: no new allocation
  REQUIRE(m.data() == before);
  REQUIRE(m(4, 2) == 0.0f);
}

TEST_CASE("views address blocks of rows and columns", "[tensor]") {
  Matrix m(4, 6);
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(i);
  auto block = m.view().block_rows(1, 2).block_cols(2, 3);
  REQUIRE(block.rows() == 2);
  REQUIRE(block.cols() == 3);
  REQUIRE(block.ld() == 6);
  REQUIRE(block(0, 0) == 8.0f);
  REQUIRE(block(1, 2) == 16.0f);
  REQUIRE_FALSE(block.contiguous());
  Matrix copy = Matrix::from_view(block);
  REQUIRE(copy(1, 2) == 16.0f);
  REQUIRE_THROWS_AS(m.view().block_cols(5, 2), gat::InvalidArgument);
  REQUIRE_THROWS_AS(m.view().block_rows(-1, 2), gat::InvalidArgument);
}

TEST_CASE("negative shapes are refused", "[tensor]") {
  Matrix m;
  REQUIRE_THROWS_WITH(m.resize(-1, 3), Catch::Contains("must not be negative"));
}
