#pragma once
// Numbers read from untrusted JSON (attention exports, safetensors headers, PPI maps, partition
// manifests). nlohmann's get<int>() and get<float>() convert whatever number they find: a float
// such as 1e30 into an integer, or a double past float's range into a float, is undefined
// behaviour, and an integer past the target's range wraps. These check first and throw a
// DataError naming the file and the field.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "gat/core/error.hpp"

namespace gat::io {

template <class Int>
Int json_integer(const nlohmann::json& value, const std::string& file, const std::string& field) {
  static_assert(std::is_integral_v<Int>);
  if (value.is_number_unsigned()) {
    if (const auto v = value.get<std::uint64_t>(); std::in_range<Int>(v)) return static_cast<Int>(v);
  } else if (value.is_number_integer()) {
    if (const auto v = value.get<std::int64_t>(); std::in_range<Int>(v)) return static_cast<Int>(v);
  }
  using Limits = std::numeric_limits<Int>;
  throw DataError(file, 0, "\"" + field + "\" must be an integer in [" + std::to_string(Limits::min()) + ", " +
                               std::to_string(Limits::max()) + "], found " + value.dump());
}

// A finite number that fits in a float.
inline float json_float(const nlohmann::json& value, const std::string& file, const std::string& field) {
  const double v = value.is_number() ? value.get<double>() : std::nan("");
  if (!(std::abs(v) <= static_cast<double>(std::numeric_limits<float>::max())))
    throw DataError(file, 0, "\"" + field + "\" must be a finite number within float's range, found " + value.dump());
  return static_cast<float>(v);
}

}  // namespace gat::io
