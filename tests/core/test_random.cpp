#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "gat/core/random.hpp"

using namespace gat;

TEST_CASE("for_each_bits24 gives bits24 for every index, across a 2^32 block boundary", "[core][random]") {
  const std::uint64_t base = RandomKey{3, 7}.base();
  for (const std::uint64_t first : {std::uint64_t{0}, std::uint64_t{12345}, (std::uint64_t{1} << 32) - 700,
                                    (std::uint64_t{5} << 32) + 3}) {
    const std::int64_t n = 2000;
    std::vector<std::uint32_t> got(n, 0xffffffffu);
    std::vector<std::int64_t> seen;
    for_each_bits24(base, first, n, [&](std::int64_t t, std::uint32_t bits) { got[t] = bits; });
    INFO("first " << first);
    for (std::int64_t t = 0; t < n; ++t) {
      REQUIRE(got[t] == bits24(base, first + static_cast<std::uint64_t>(t)));
      REQUIRE(got[t] < (1u << 24));
    }
  }
}

TEST_CASE("BernoulliSampler draws exactly RandomKey::bernoulli, with the asked rate", "[core][random]") {
  const RandomKey key{11, 2};
  for (float p : {0.0f, 0.1f, 0.6f, 0.999f}) {
    const BernoulliSampler s(key, p);
    std::int64_t dropped = 0;
    const std::int64_t n = 200000;
    for (std::int64_t i = 0; i < n; ++i) {
      const bool d = s.dropped(static_cast<std::uint64_t>(i));
      REQUIRE(d == key.bernoulli(static_cast<std::uint64_t>(i), p));
      dropped += d;
    }
    INFO("p " << p);
    CHECK(static_cast<double>(dropped) / n == Approx(p).margin(0.005));
  }
}
