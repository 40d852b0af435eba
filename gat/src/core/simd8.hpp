#pragma once
// Eight float lanes through GCC's vector extensions (AVX-512/AVX2 or SSE from the same source):
// loads, selects by bit masks, explicit fused multiply-adds, and exp for non-positive arguments.
// Used by the vectorised kernels; the one place their vector types are declared.
#include <cstdint>
#include <cstring>

#if defined(__FMA__)
#include <immintrin.h>
#endif

namespace gat::detail {

typedef float v8f __attribute__((vector_size(32)));
typedef std::int32_t v8i __attribute__((vector_size(32)));
typedef std::uint32_t v8u __attribute__((vector_size(32)));  // random bits, hashed per lane

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

// Sixteen lanes: two eight-lane vectors side by side, for twice the independent work per
// instruction where a loop's latency chain is the limit. With AVX-512 one 512-bit register; without
// it a pair of 8-lane vectors: GCC has no 512-bit machine mode there and lowers a 64-byte vector
// type through the stack (spills and lane extractions per operation; docs/kernel-tuning.md).
// Either form gives each lane the same operations, so the same bits.
#if defined(__AVX512F__)
typedef float v16f __attribute__((vector_size(64)));
typedef std::int32_t v16i __attribute__((vector_size(64)));

inline v16f join16(v8f lo, v8f hi) {
  return __builtin_shufflevector(lo, hi, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
inline v8f low8(v16f v) { return __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7); }
inline v8f high8(v16f v) { return __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15); }

inline v16f load16(const float* p) {
  v16f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
// [w[2q] x 8 | w[2q + 1] x 8]: two heads' weights for a 16-lane multiply-add (one permute)
template <int q>
inline v16f pair_splat(v8f w) {
  return __builtin_shufflevector(w, w, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q + 1, 2 * q + 1,
                                 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1);
}

// fma8 on sixteen lanes, fused exactly when fma8 is, so a lane rounds as it would in fma8.
inline v16f fma16(v16f a, v16f b, v16f c) {
  return reinterpret_cast<v16f>(_mm512_fmadd_ps(reinterpret_cast<__m512>(a), reinterpret_cast<__m512>(b),
                                                reinterpret_cast<__m512>(c)));
}
#else
struct v16f {
  v8f lo, hi;
};

inline v16f join16(v8f lo, v8f hi) { return {lo, hi}; }
inline v8f low8(v16f v) { return v.lo; }
inline v8f high8(v16f v) { return v.hi; }
inline v16f load16(const float* p) { return {load8(p), load8(p + 8)}; }
template <int q>
inline v16f pair_splat(v8f w) {
  return {__builtin_shufflevector(w, w, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q, 2 * q),
          __builtin_shufflevector(w, w, 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1, 2 * q + 1,
                                  2 * q + 1)};
}
inline v16f fma16(v16f a, v16f b, v16f c) { return {fma8(a.lo, b.lo, c.lo), fma8(a.hi, b.hi, c.hi)}; }
#endif
inline v8f fma_lanes(v8f a, v8f b, v8f c) { return fma8(a, b, c); }
#if defined(__AVX512F__)
inline v16f fma_lanes(v16f a, v16f b, v16f c) { return fma16(a, b, c); }
#endif

// exp_nonpositive (vector_math.hpp) on 8 or 16 lanes: the same range reduction and polynomial,
// with the polynomial's multiply-adds fused (half the dependent operations per exp); a lane's
// result does not depend on the width. kFused = false: a multiply then an add, as the scalar
// function compiles (-ffp-contract=off), so a lane gives exp_nonpositive's own bits.
template <class V, class VI, bool kFused = true>
inline V exp_nonpositive_lanes(V x) {
  const auto madd = [](V a, V b, V c) {
    if constexpr (kFused)
      return fma_lanes(a, b, c);
    else
      return a * b + c;
  };
  const VI keep = ~(x < -87.0f);
  x = reinterpret_cast<V>((reinterpret_cast<VI>(x) & keep) | (reinterpret_cast<VI>(V{} + -87.0f) & ~keep));
  const V n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  V r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  V p = V{} + 1.9875691500e-4f;
  p = madd(p, r, V{} + 1.3981999507e-3f);
  p = madd(p, r, V{} + 8.3334519073e-3f);
  p = madd(p, r, V{} + 4.1665795894e-2f);
  p = madd(p, r, V{} + 1.6666665459e-1f);
  p = madd(p, r, V{} + 5.0000001201e-1f);
  p = madd(p, r * r, r) + 1.0f;
  const VI bits = (__builtin_convertvector(n, VI) + 127) << 23;
  const V y = p * reinterpret_cast<V>(bits);
  return reinterpret_cast<V>(reinterpret_cast<VI>(y) & keep);
}
inline v8f exp8_nonpositive(v8f x) { return exp_nonpositive_lanes<v8f, v8i>(x); }
#if defined(__AVX512F__)
inline v16f exp16_nonpositive(v16f x) { return exp_nonpositive_lanes<v16f, v16i>(x); }
#else
inline v16f exp16_nonpositive(v16f x) { return {exp8_nonpositive(x.lo), exp8_nonpositive(x.hi)}; }
#endif

}  // namespace gat::detail
