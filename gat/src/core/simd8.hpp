#pragma once
// Eight float lanes through GCC's vector extensions (AVX-512/AVX2 or SSE from the same source):
// loads, selects by bit masks, explicit fused multiply-adds, and exp for non-positive arguments.
// Used by the vectorised attention kernels.
#include <cstdint>
#include <cstring>

#if defined(__FMA__)
#include <immintrin.h>
#endif

namespace gat::detail {

typedef float v8f __attribute__((vector_size(32)));
typedef std::int32_t v8i __attribute__((vector_size(32)));

inline v8f load8(const float* p) {
  v8f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store8(float* p, v8f v) { std::memcpy(p, &v, sizeof v); }
// (not v8f{} + x: under strict IEEE rules that is a real addition, as x + 0 is not x for x = -0)
inline v8f splat8(float x) { return v8f{x, x, x, x, x, x, x, x}; }
// m ? a : b per lane (m: all ones or zero), by bits
inline v8f select8(v8i m, v8f a, v8f b) {
  return reinterpret_cast<v8f>((reinterpret_cast<v8i>(a) & m) | (reinterpret_cast<v8i>(b) & ~m));
}

// a * b + c, fused where the CPU has FMA. Explicit, because the library is built with
// -ffp-contract=off (see gat/CMakeLists.txt): every call rounds the same way on a given machine,
// whichever thread runs it.
inline v8f fma8(v8f a, v8f b, v8f c) {
#if defined(__FMA__)
  return reinterpret_cast<v8f>(_mm256_fmadd_ps(reinterpret_cast<__m256>(a), reinterpret_cast<__m256>(b),
                                               reinterpret_cast<__m256>(c)));
#else
  return a * b + c;
#endif
}

// exp_nonpositive (vector_math.hpp) on eight lanes: the same range reduction and polynomial, with
// the polynomial's multiply-adds fused (half the dependent operations per exp).
inline v8f exp8_nonpositive(v8f x) {
  const v8i keep = ~(x < -87.0f);
  x = select8(keep, x, splat8(-87.0f));
  const v8f n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  v8f r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  v8f p = splat8(1.9875691500e-4f);
  p = fma8(p, r, splat8(1.3981999507e-3f));
  p = fma8(p, r, splat8(8.3334519073e-3f));
  p = fma8(p, r, splat8(4.1665795894e-2f));
  p = fma8(p, r, splat8(1.6666665459e-1f));
  p = fma8(p, r, splat8(5.0000001201e-1f));
  p = fma8(p, r * r, r) + 1.0f;
  const v8i bits = (__builtin_convertvector(n, v8i) + 127) << 23;
  const v8f y = p * reinterpret_cast<v8f>(bits);
  return reinterpret_cast<v8f>(reinterpret_cast<v8i>(y) & keep);
}

}  // namespace gat::detail
