#include "nn/layer_size.hpp"

#include "gat/core/check.hpp"
#include "gat/core/checked_size.hpp"

namespace gat::nn::detail {

void check_layer_size(const char* layer, std::int64_t in_channels, std::int64_t out_channels, std::int64_t heads) {
  GAT_REQUIRE(in_channels > 0, layer, ": in_channels must be positive, got ", in_channels);
  GAT_REQUIRE(out_channels > 0, layer, ": out_channels must be positive, got ", out_channels);
  GAT_REQUIRE(heads > 0 && heads <= kMaxHeads, layer, ": heads must be in [1, ", kMaxHeads, "], got ", heads);
  const auto width = checked_product({heads, out_channels}, kMaxWidth);
  GAT_REQUIRE(width.has_value(), layer, ": ", heads, " heads x ", out_channels, " channels exceed the bound of ",
              kMaxWidth, " features per layer");
  GAT_REQUIRE(checked_product({*width, in_channels}, kMaxParameterElements).has_value(), layer, ": a weight of ",
              *width, " x ", in_channels, " exceeds the bound of ", kMaxParameterElements, " elements");
}

}  // namespace gat::nn::detail
