// Sizes from untrusted counts: products and sums that would overflow are refused, not wrapped.
#include <catch2/catch.hpp>

#include <limits>
#include <vector>

#include "gat/core/checked_size.hpp"
#include "gat/core/error.hpp"

using namespace gat;

TEST_CASE("checked_product and checked_sum refuse overflow, negative factors and a passed limit", "[core]") {
  constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
  CHECK(checked_product({3, 4, 5}) == 60);
  CHECK(checked_product({0, max}) == 0);
  CHECK(checked_product({std::int64_t{1} << 62, 2}) == std::nullopt);
  CHECK(checked_product({(std::int64_t{1} << 62) + 64, 4}) == std::nullopt);  // wraps to 256 unchecked
  CHECK(checked_product({100000000, 100000000, 1433}) == std::nullopt);
  CHECK(checked_product({-1, 5}) == std::nullopt);
  CHECK(checked_product({1024, 64}, kMaxWidth) == 65536);
  CHECK(checked_product({1024, 65}, kMaxWidth) == std::nullopt);
  const std::vector<std::int64_t> shape{2, 3};
  CHECK(checked_product(shape) == 6);
  CHECK(checked_sum(max - 1, 1) == max);
  CHECK(checked_sum(max, 1) == std::nullopt);
  CHECK(checked_sum(5, 6, 10) == std::nullopt);
  CHECK(checked_sum(-1, 6) == std::nullopt);
}

TEST_CASE("checked_elements names what it sizes", "[core]") {
  CHECK(checked_elements(1000, 1000, 4, "m") == 1000000);
  CHECK_THROWS_AS(checked_elements(std::int64_t{1} << 40, std::int64_t{1} << 30, 4, "weights"), InvalidArgument);
  CHECK_THROWS_WITH(checked_elements(std::int64_t{1} << 62, 4, 1, "weights"), Catch::Contains("weights"));
  CHECK_THROWS_AS(checked_elements(-1, 3, 4, "m"), InvalidArgument);
}
