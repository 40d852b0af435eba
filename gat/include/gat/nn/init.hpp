#pragma once
// Parameter initialisation, seeded and deterministic.
#include <cstdint>

#include "gat/core/random.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::nn {

// Glorot & Bengio (2010) uniform: U(-a, a), a = sqrt(6 / (fan_in + fan_out)), as the reference GAT
// and PyG's glorot(); for an attention vector [1, heads, F] PyG takes fan_in + fan_out = heads + F.
template <class T>
void glorot_uniform(BasicMatrix<T>& m, std::int64_t fan_in, std::int64_t fan_out, RandomKey key);

}  // namespace gat::nn
