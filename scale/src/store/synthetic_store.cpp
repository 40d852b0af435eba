#include "gat/store/synthetic_store.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gat/core/check.hpp"
#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"

namespace gat::store {

namespace {

constexpr std::int64_t kBlockNodes = 1 << 15;

struct Model {
  SyntheticStoreOptions o;
  RandomKey edge_key, noise_key, split_key;
  std::vector<float> centroids;  // classes x features

  explicit Model(const SyntheticStoreOptions& options)
      : o(options),
        edge_key(RandomKey{options.seed, 0x5e1ec7ed}.child(1)),
        noise_key(RandomKey{options.seed, 0x5e1ec7ed}.child(2)),
        split_key(RandomKey{options.seed, 0x5e1ec7ed}.child(3)) {
    const RandomKey centroid_key = RandomKey{options.seed, 0x5e1ec7ed}.child(4);
    centroids.resize(static_cast<std::size_t>(o.classes * o.features));
    for (std::size_t i = 0; i < centroids.size(); ++i)
      centroids[i] = static_cast<float>(o.signal * centroid_key.normal(i));
  }

  std::int32_t label(std::int64_t v) const { return static_cast<std::int32_t>(v % o.classes); }

  // The sorted sources of v's in-edges into out[0, in_degree).
  void sources(std::int64_t v, std::int32_t* out) const {
    const std::int64_t c = label(v), class_size = (o.nodes - c + o.classes - 1) / o.classes;
    for (std::int64_t j = 0; j < o.in_degree; ++j) {
      const std::uint64_t index = static_cast<std::uint64_t>(v) * static_cast<std::uint64_t>(o.in_degree) + static_cast<std::uint64_t>(j);
      const bool same = edge_key.uniform_double(2 * index) < o.homophily;
      const std::uint64_t bits = edge_key.bits(2 * index + 1);
      out[j] = static_cast<std::int32_t>(same ? c + o.classes * uniform_below(bits, class_size) : uniform_below(bits, o.nodes));
    }
    std::sort(out, out + o.in_degree);
  }

  void features(std::int64_t v, float* out) const {
    const float* mu = centroids.data() + label(v) * o.features;
    const std::uint64_t first = static_cast<std::uint64_t>(v) * static_cast<std::uint64_t>(o.features);
    for (std::int64_t j = 0; j < o.features; ++j)
      out[j] = mu[j] + (2.0f * noise_key.uniform(first + static_cast<std::uint64_t>(j)) - 1.0f) * 1.7320508f;
  }

  // 0 train, 1 valid, 2 test, 3 none.
  int part(std::int64_t v) const {
    const double u = split_key.uniform_double(static_cast<std::uint64_t>(v));
    if (u < o.train_fraction) return 0;
    if (u < o.train_fraction + o.valid_fraction) return 1;
    if (u < o.train_fraction + o.valid_fraction + o.test_fraction) return 2;
    return 3;
  }
};

// Calls fill(first, count) for each block of nodes, then appends the block's buffer.
template <class T, class Fill>
void write_blocks(StoreWriter& w, std::int64_t nodes, std::int64_t per_node, std::vector<T>& buffer, Fill fill) {
  for (std::int64_t first = 0; first < nodes; first += kBlockNodes) {
    const std::int64_t count = std::min(kBlockNodes, nodes - first);
    buffer.resize(static_cast<std::size_t>(count * per_node));
    fill(first, count);
    w.append(std::span<const T>(buffer));
  }
}

}  // namespace

void write_synthetic_store(const SyntheticStoreOptions& o, const std::filesystem::path& path) {
  GAT_REQUIRE(o.nodes >= 1 && o.nodes <= std::numeric_limits<std::int32_t>::max(), "synthetic store: nodes must be in [1, 2^31 - 1], got ", o.nodes);
  GAT_REQUIRE(o.in_degree >= 1, "synthetic store: in_degree must be positive, got ", o.in_degree);
  GAT_REQUIRE(o.features >= 1, "synthetic store: features must be positive, got ", o.features);
  GAT_REQUIRE(o.classes >= 1 && o.classes <= o.nodes, "synthetic store: classes must be in [1, nodes], got ", o.classes);
  GAT_REQUIRE(o.homophily >= 0 && o.homophily <= 1, "synthetic store: homophily must be in [0, 1], got ", o.homophily);
  GAT_REQUIRE(o.train_fraction > 0 && o.valid_fraction > 0 && o.test_fraction >= 0 &&
                  o.train_fraction + o.valid_fraction + o.test_fraction <= 1,
              "synthetic store: the split fractions must be positive (test: non-negative) and sum to at most 1");
  GAT_REQUIRE(o.feature_type != FeatureType::csr_float32, "synthetic store: features are dense (float32, float16 or bfloat16)");
  const Model model(o);
  const std::int64_t n = o.nodes, deg = o.in_degree, f = o.features;
  StoreWriter w(path, n, n * deg, f, o.classes, o.feature_type);
  const std::string name = "synthetic-" + std::to_string(n);
  w.section(Section::name, ElementType::u8, std::span<const char>(name.data(), name.size()));

  std::vector<std::int64_t> offsets;
  w.begin(Section::in_offsets, ElementType::i64);
  write_blocks(w, n + 1, 1, offsets, [&](std::int64_t first, std::int64_t count) {
    for (std::int64_t k = 0; k < count; ++k) offsets[static_cast<std::size_t>(k)] = (first + k) * deg;
  });
  w.end();

  std::vector<std::int32_t> ints;
  w.begin(Section::in_sources, ElementType::i32);
  write_blocks(w, n, deg, ints, [&](std::int64_t first, std::int64_t count) {
#pragma omp parallel for schedule(static) num_threads(num_threads())
    for (std::int64_t k = 0; k < count; ++k) model.sources(first + k, ints.data() + k * deg);
  });
  w.end();

  std::vector<float> rows;
  std::vector<std::uint16_t> halves;
  const bool narrow = o.feature_type != FeatureType::float32;
  w.begin(Section::features, o.feature_type == FeatureType::float32   ? ElementType::f32
                             : o.feature_type == FeatureType::float16 ? ElementType::f16
                                                                      : ElementType::bf16);
  const auto fill_rows = [&](std::int64_t first, std::int64_t count) {
    rows.resize(static_cast<std::size_t>(count * f));
#pragma omp parallel for schedule(static) num_threads(num_threads())
    for (std::int64_t k = 0; k < count; ++k) {
      model.features(first + k, rows.data() + k * f);
      if (narrow)
        for (std::int64_t j = 0; j < f; ++j) {
          const float x = rows[static_cast<std::size_t>(k * f + j)];
          halves[static_cast<std::size_t>(k * f + j)] =
              o.feature_type == FeatureType::float16 ? to_float16(x) : to_bfloat16(x);
        }
    }
  };
  if (narrow)
    write_blocks(w, n, f, halves, fill_rows);
  else
    write_blocks(w, n, f, rows, [&](std::int64_t first, std::int64_t count) {
#pragma omp parallel for schedule(static) num_threads(num_threads())
      for (std::int64_t k = 0; k < count; ++k) model.features(first + k, rows.data() + k * f);
    });
  w.end();

  w.begin(Section::labels, ElementType::i32);
  write_blocks(w, n, 1, ints, [&](std::int64_t first, std::int64_t count) {
    for (std::int64_t k = 0; k < count; ++k) ints[static_cast<std::size_t>(k)] = model.label(first + k);
  });
  w.end();

  for (int part = 0; part < 3; ++part) {
    w.begin(part == 0 ? Section::train : part == 1 ? Section::valid : Section::test, ElementType::i32);
    for (std::int64_t first = 0; first < n; first += kBlockNodes) {
      ints.clear();
      for (std::int64_t v = first; v < std::min(n, first + kBlockNodes); ++v)
        if (model.part(v) == part) ints.push_back(static_cast<std::int32_t>(v));
      w.append(std::span<const std::int32_t>(ints));
    }
    w.end();
  }
  w.commit();
}

}  // namespace gat::store
