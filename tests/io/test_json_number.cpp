// Numbers from untrusted JSON: the conversions nlohmann does unchecked are refused by name.
#include <catch2/catch.hpp>

#include <cstdint>

#include "gat/io/json_number.hpp"

using gat::io::json_float;
using gat::io::json_integer;
using nlohmann::json;

TEST_CASE("json_integer takes integers in the target's range and names the field otherwise", "[io][json]") {
  CHECK(json_integer<std::int32_t>(json(7), "f.json", "n") == 7);
  CHECK(json_integer<std::int32_t>(json(-3), "f.json", "n") == -3);
  CHECK(json_integer<std::uint64_t>(json::parse("18446744073709551615"), "f.json", "n") == UINT64_MAX);
  CHECK(json_integer<std::int64_t>(json(INT64_MIN), "f.json", "n") == INT64_MIN);
  const auto refused = [](const json& v, auto zero) {
    try {
      json_integer<decltype(zero)>(v, "f.json", "count");
    } catch (const gat::DataError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refused(json(1e30), std::int64_t{}), Catch::StartsWith("f.json") && Catch::Contains("\"count\" must be an integer"));
  CHECK_THAT(refused(json(2.0), std::int64_t{}), Catch::Contains("must be an integer"));  // a float, even a whole one
  CHECK_THAT(refused(json(std::int64_t{1} << 31), std::int32_t{}), Catch::Contains("[-2147483648, 2147483647]"));
  CHECK_THAT(refused(json(-1), std::uint64_t{}), Catch::Contains("must be an integer"));
  CHECK_THAT(refused(json::parse("18446744073709551615"), std::int64_t{}), Catch::Contains("must be an integer"));
  CHECK_THAT(refused(json("12"), std::int64_t{}), Catch::Contains("found \"12\""));
}

TEST_CASE("json_float takes finite numbers within float's range", "[io][json]") {
  CHECK(json_float(json(0.25), "w.json", "w") == 0.25f);
  CHECK(json_float(json(3), "w.json", "w") == 3.0f);
  CHECK_THROWS_WITH(json_float(json(1e300), "w.json", "weights"), Catch::Contains("\"weights\" must be a finite number"));
  CHECK_THROWS_AS(json_float(json(nullptr), "w.json", "w"), gat::DataError);
  CHECK_THROWS_AS(json_float(json("0.5"), "w.json", "w"), gat::DataError);
}
