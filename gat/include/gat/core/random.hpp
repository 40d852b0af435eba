#pragma once
// A counter-based random generator: every random number is a pure function of
// (seed, stream, index). Dropout masks are regenerated in the backward pass instead of stored,
// and they do not depend on which thread draws them, so one seed gives one model bit for bit.
#include <cstdint>

namespace gat {

// SplitMix64's finaliser: a bijective mixer with good avalanche behaviour.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A uniform integer in [0, m) from 64 random bits (Lemire's multiply-shift; the bias is below
// m / 2^64): samplers and generators draw node ids with it.
constexpr std::int64_t uniform_below(std::uint64_t bits, std::int64_t m) noexcept {
  return static_cast<std::int64_t>((static_cast<unsigned __int128>(bits) * static_cast<std::uint64_t>(m)) >> 64);
}

// Chris Wellons' lowbias32: a 32-bit mixer that vectorises (32-bit lane multiplies, unlike
// mix64's 64-bit ones on AVX2). U is std::uint32_t or a vector of them (GCC's vector_size
// types), which mixes every lane at once.
template <class U>
constexpr U mix32_lanes(U x) noexcept {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}
constexpr std::uint32_t mix32(std::uint32_t x) noexcept { return mix32_lanes(x); }

// 24 random bits of (mixed key `base`, index), for Bernoulli draws (dropout masks): two rounds of
// mix32 over the index's halves, each keyed by one half of the 64-bit base.
constexpr std::uint32_t bits24(std::uint64_t base, std::uint64_t index) noexcept {
  const std::uint32_t hi = mix32(static_cast<std::uint32_t>(index >> 32) ^ static_cast<std::uint32_t>(base >> 32));
  return mix32(static_cast<std::uint32_t>(index) ^ static_cast<std::uint32_t>(base) ^ hi) >> 8;
}

// bits24(base, first + t) for t in [0, n), passed to f(t, bits): the high half of the index is the
// same across a 2^32 block, so its round of mixing is done once per block, not per draw (one
// mix32 per draw instead of two). The loop vectorises. Exactly bits24's values.
template <class F>
inline void for_each_bits24(std::uint64_t base, std::uint64_t first, std::int64_t n, F&& f) {
  std::int64_t t = 0;
  while (t < n) {
    const std::uint64_t index = first + static_cast<std::uint64_t>(t);
    const std::uint32_t lo0 = static_cast<std::uint32_t>(index);
    const std::uint64_t left_in_block = (std::uint64_t{1} << 32) - lo0;
    const std::int64_t len = static_cast<std::uint64_t>(n - t) < left_in_block ? n - t : static_cast<std::int64_t>(left_in_block);
    const std::uint32_t key =
        static_cast<std::uint32_t>(base) ^ mix32(static_cast<std::uint32_t>(index >> 32) ^ static_cast<std::uint32_t>(base >> 32));
#pragma omp simd
    for (std::int64_t u = 0; u < len; ++u) f(t + u, mix32((lo0 + static_cast<std::uint32_t>(u)) ^ key) >> 8);
    t += len;
  }
}

// Identifies one independent random sequence: a seed and a stream number (a layer, an epoch...).
struct RandomKey {
  std::uint64_t seed = 0;
  std::uint64_t stream = 0;

  // A derived key for a sub-stream, e.g. key.child(epoch).child(layer_id).
  constexpr RandomKey child(std::uint64_t sub) const noexcept {
    return {seed, mix64(stream ^ mix64(sub + 0x632be59bd9b4e019ULL))};
  }
  constexpr std::uint64_t bits(std::uint64_t index) const noexcept {
    return mix64(mix64(seed ^ 0xd1b54a32d192ed03ULL) ^ mix64(stream + 0x8cb92ba72f3d8dd7ULL) ^ index);
  }
  // Uniform in [0, 1) with 24 random bits: exact in float.
  constexpr float uniform(std::uint64_t index) const noexcept {
    return static_cast<float>(bits(index) >> 40) * (1.0f / 16777216.0f);
  }
  // Uniform in [0, 1) with 53 random bits.
  constexpr double uniform_double(std::uint64_t index) const noexcept {
    return static_cast<double>(bits(index) >> 11) * (1.0 / 9007199254740992.0);
  }
  // True with probability p (dropout: the element is dropped), i.e. u < p for a uniform u with
  // 24 random bits: k * 2^-24 < p with k = bits24(base(), index). Uses the cheaper 32-bit mixer,
  // so it is not uniform(index) < p; BernoulliSampler draws the same values in loops.
  constexpr bool bernoulli(std::uint64_t index, float p) const noexcept {
    return static_cast<float>(bits24(base(), index)) * (1.0f / 16777216.0f) < p;
  }
  // The part of bits() that does not depend on the index: bits(i) == mix64(base() ^ i).
  // Also the key of bernoulli().
  constexpr std::uint64_t base() const noexcept {
    return mix64(seed ^ 0xd1b54a32d192ed03ULL) ^ mix64(stream + 0x8cb92ba72f3d8dd7ULL);
  }
  // Standard normal (Box-Muller over two uniforms).
  double normal(std::uint64_t index) const noexcept;
};

// bernoulli(i, p) for many indices of one key, with the key mixing hoisted out of the loop and
// the float comparison replaced by an exact integer one: two mix32 per draw, branch-free and
// vectorisable. dropped(i) == key.bernoulli(i, p) for every i.
struct BernoulliSampler {
  std::uint64_t base = 0;
  std::uint64_t threshold = 0;  // dropped iff the 24 top bits are < threshold = ceil(p * 2^24)

  constexpr BernoulliSampler() = default;
  constexpr BernoulliSampler(const RandomKey& key, float p) noexcept : base(key.base()), threshold(threshold_of(p)) {}
  constexpr bool dropped(std::uint64_t index) const noexcept { return bits24(base, index) < threshold; }

  // uniform < p  <=>  k * 2^-24 < p  <=>  k < p * 2^24 (exact: p is a float)  <=>  k < ceil(p * 2^24).
  static constexpr std::uint64_t threshold_of(float p) noexcept {
    if (!(p > 0.0f)) return 0;
    const double x = static_cast<double>(p) * 16777216.0;
    const auto k = static_cast<std::uint64_t>(x);
    return static_cast<double>(k) == x ? k : k + 1;
  }
};

}  // namespace gat
