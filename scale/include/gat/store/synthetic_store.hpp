#pragma once
// A synthetic node-classification graph written straight into a graph store, a block of nodes at
// a time: memory stays at one block's edges and features (a few tens of MB) whatever the size,
// so graphs whose features do not fit in memory (10^7 nodes x 128 floats: 5 GB) can be made.
//
// The model: node v has class v mod C; each of its `in_degree` in-edges comes, with probability
// `homophily`, from a uniformly drawn node of its own class, else from any node; its features
// are its class's centroid (entries N(0, signal^2)) plus uniform noise of unit variance. Every
// value is a function of (seed, node), so the file does not depend on the block size or the
// thread count.
#include <cstdint>
#include <filesystem>

#include "gat/store/store_format.hpp"

namespace gat::store {

struct SyntheticStoreOptions {
  std::int64_t nodes = 1000000;
  std::int64_t in_degree = 16;
  std::int64_t features = 128;
  std::int32_t classes = 8;
  double homophily = 0.8;
  double signal = 0.25;
  double train_fraction = 0.1, valid_fraction = 0.05, test_fraction = 0.1;
  FeatureType feature_type = FeatureType::float32;  // float32, float16 or bfloat16
  std::uint64_t seed = 0;
};

// Throws InvalidArgument for out-of-range options, DataError naming the file when writing fails.
void write_synthetic_store(const SyntheticStoreOptions& options, const std::filesystem::path& path);

}  // namespace gat::store
