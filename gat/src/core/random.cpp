#include "gat/core/random.hpp"

#include <cmath>
#include <numbers>

namespace gat {

double RandomKey::normal(std::uint64_t index) const noexcept {
  const double u1 = 1.0 - uniform_double(2 * index);  // in (0, 1]: log is finite
  const double u2 = uniform_double(2 * index + 1);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace gat
