#pragma once
// Sizes computed from untrusted counts (file headers, checkpoint metadata, options) with overflow
// checks before anything is allocated, and the bounds gat states on such counts (docs/formats.md,
// "Limits"). A count past a bound is refused with a message, never allocated or wrapped.
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <span>
#include <string>

namespace gat {

inline constexpr std::int64_t kMaxLayers = 64;      // attention layers of a model
inline constexpr std::int64_t kMaxHeads = 1024;     // heads of one layer
inline constexpr std::int64_t kMaxWidth = 1 << 16;  // heads x features of one layer; also classes
inline constexpr std::int64_t kMaxParameterElements = std::int64_t{1} << 31;  // one weight matrix
inline constexpr int kMaxThreads = 1024;            // --threads, --concurrent-runs

// The product of `dims`, or nothing when a factor is negative or the product exceeds `limit`
// (never more than INT64_MAX: nothing wraps).
std::optional<std::int64_t> checked_product(std::span<const std::int64_t> dims,
                                            std::int64_t limit = std::numeric_limits<std::int64_t>::max()) noexcept;
inline std::optional<std::int64_t> checked_product(std::initializer_list<std::int64_t> dims,
                                                   std::int64_t limit = std::numeric_limits<std::int64_t>::max()) noexcept {
  return checked_product(std::span<const std::int64_t>(dims.begin(), dims.size()), limit);
}
// a + b, or nothing when a term is negative or the sum exceeds `limit`.
std::optional<std::int64_t> checked_sum(std::int64_t a, std::int64_t b,
                                        std::int64_t limit = std::numeric_limits<std::int64_t>::max()) noexcept;

// rows x cols elements of `element_bytes` each, as a number of elements whose bytes fit in
// memory addresses; throws InvalidArgument naming `what` otherwise.
std::int64_t checked_elements(std::int64_t rows, std::int64_t cols, std::size_t element_bytes, const std::string& what);

}  // namespace gat
