#include "gat/core/checked_size.hpp"

#include <algorithm>
#include <cstddef>

#include "gat/core/check.hpp"

namespace gat {

std::optional<std::int64_t> checked_product(std::span<const std::int64_t> dims, std::int64_t limit) noexcept {
  std::int64_t n = 1;
  for (const std::int64_t d : dims) {
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return std::nullopt;
  }
  if (n > limit) return std::nullopt;
  return n;
}

std::optional<std::int64_t> checked_sum(std::int64_t a, std::int64_t b, std::int64_t limit) noexcept {
  std::int64_t s = 0;
  if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &s) || s > limit) return std::nullopt;
  return s;
}

std::int64_t checked_elements(std::int64_t rows, std::int64_t cols, std::size_t element_bytes, const std::string& what) {
  const auto max_bytes = static_cast<std::int64_t>(std::min<std::size_t>(std::numeric_limits<std::size_t>::max() / 2,
                                                                          std::numeric_limits<std::int64_t>::max()));
  const auto bytes = checked_product({rows, cols, static_cast<std::int64_t>(element_bytes)}, max_bytes);
  GAT_REQUIRE(bytes.has_value(), what, ": ", rows, " x ", cols, " elements ",
              rows < 0 || cols < 0 ? "is a negative shape" : "do not fit in memory addresses");
  return rows * cols;
}

}  // namespace gat
