#pragma once
// Elementwise math that GCC vectorises: selects by bit masks and polynomial exp/expm1 with no
// libm calls. Shared by the attention kernels (softmax weights) and the activations (ELU).
// Every function is the same sequence of IEEE operations in a vector lane and in a scalar
// epilogue, so results do not depend on where a loop is cut between threads.
#include <bit>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace gat::detail {

// c ? a : b by bit masks (float or double): vectorises where a ?: on floats would not (GCC does
// not if-convert float selects under -ftrapping-math).
template <class T>
inline T blend(bool c, T a, T b) {
  using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  const U m = U(0) - static_cast<U>(c);
  return std::bit_cast<T>(static_cast<U>((std::bit_cast<U>(a) & m) | (std::bit_cast<U>(b) & ~m)));
}

// exp(x) for x <= 0 (softmax weights: score minus the row max). float: Cephes' expf (range
// reduction by ln 2 in two parts, degree-6 polynomial, 2^n by exponent bits), within 2 ulp of
// expf, inlined and vectorised by the compiler; below -87 it flushes to 0. Both thread counts
// run the same code, so results stay thread-count independent. double: std::exp.
inline float exp_nonpositive(float x) {
  // Selects by bit masks, not ?: on floats: with -ftrapping-math (the default) GCC does not
  // if-convert float selects, and the loop would not vectorise. NaN keeps (and propagates).
  const std::uint32_t keep = 0u - static_cast<std::uint32_t>(!(x < -87.0f));
  x = std::bit_cast<float>((std::bit_cast<std::uint32_t>(x) & keep) | (std::bit_cast<std::uint32_t>(-87.0f) & ~keep));
  // round to nearest by adding and subtracting 1.5 * 2^23 (no libm call)
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.0f;
  const std::int32_t bits = (static_cast<std::int32_t>(n) + 127) << 23;
  const float y = p * std::bit_cast<float>(bits);
  return std::bit_cast<float>(std::bit_cast<std::uint32_t>(y) & keep);  // below -87: 0
}
inline double exp_nonpositive(double x) { return std::exp(x); }

// expm1(x) for x <= 0 (ELU). float: for x > -0.5 the Taylor series to x^8 (relative error below
// 1e-8, where exp(x) - 1 would cancel), else exp_nonpositive(x) - 1; both are computed and one
// is selected by mask, so the loop stays branch-free. double: std::expm1.
inline float expm1_nonpositive(float x) {
  const float series =
      x * (1.0f + x * (0.5f + x * (1.6666667e-1f + x * (4.1666668e-2f + x * (8.3333338e-3f +
      x * (1.3888889e-3f + x * (1.9841270e-4f + x * 2.4801587e-5f)))))));
  return blend(x > -0.5f, series, exp_nonpositive(x) - 1.0f);
}
inline double expm1_nonpositive(double x) { return std::expm1(x); }

}  // namespace gat::detail
