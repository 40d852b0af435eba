#pragma once
// Argument checks that build their message only on failure.
#include <sstream>
#include <string>
#include <utility>

#include "gat/core/error.hpp"

namespace gat::detail {

template <class... Parts>
std::string concat(Parts&&... parts) {
  std::ostringstream out;
  (out << ... << std::forward<Parts>(parts));
  return out.str();
}

template <class... Parts>
[[noreturn]] void throw_invalid_argument(Parts&&... parts) {
  throw InvalidArgument(concat(std::forward<Parts>(parts)...));
}

}  // namespace gat::detail

// GAT_REQUIRE(cond, "what", value, "how to fix") throws gat::InvalidArgument when cond is false.
#define GAT_REQUIRE(cond, ...)                                        \
  do {                                                                \
    if (!(cond)) ::gat::detail::throw_invalid_argument(__VA_ARGS__);  \
  } while (0)
