#pragma once
// Internal: the size check every attention layer and GatModel apply before building anything.
#include <cstdint>

namespace gat::nn::detail {

// Refuses a layer whose shape is past gat's bounds (gat/core/checked_size.hpp): at most
// kMaxHeads heads, heads x out_channels at most kMaxWidth, a weight of at most
// kMaxParameterElements. `layer` names it in the InvalidArgument message.
void check_layer_size(const char* layer, std::int64_t in_channels, std::int64_t out_channels, std::int64_t heads);

}  // namespace gat::nn::detail
