#pragma once
// The first projection with a dropout mask of its own per head (the reference GAT code), for the
// paper's 8 heads x 8 features in float: per stored input value, the eight heads' mask bits come
// from one vector evaluation of the sampler's hash (lane k: head k's key), so a value costs one
// hash and eight 8-lane multiply-adds instead of eight scalar hashes and branches. Every head's
// mask and every sum are those of the generic loops in input_dropout.cpp (same operations in the
// same order), so the results are identical.
//
// The forward pass keeps the eight mask bits of every stored value (one byte, bit k: head k
// keeps it), so backward does not hash again. Backward runs over the columns of x (its CSC,
// kept by the layer while the same sparsity pattern comes in): each row of grad_t is summed in
// registers by one thread, over the rows of x in order as the generic loop does.
#include <immintrin.h>

#include <cstdint>
#include <span>

#include "core/simd8.hpp"
#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"
#include "gat/tensor/csr_matrix.hpp"

namespace gat::nn::detail {

using gat::detail::v8f;
using gat::detail::v8u;

// Eight BernoulliSamplers (one per head) evaluated at one index: lane k is all ones when head k
// keeps the value (bits24 >= threshold), zero when it drops it.
struct HeadMasks8 {
  v8u base_lo, base_hi;
  v8u key0;  // base_lo ^ the mixed high half for indices below 2^32 (all but gigantic inputs)
  std::uint32_t threshold;

  explicit HeadMasks8(const BernoulliSampler* heads) : threshold(static_cast<std::uint32_t>(heads[0].threshold)) {
    for (int k = 0; k < 8; ++k) {
      base_lo[k] = static_cast<std::uint32_t>(heads[k].base);
      base_hi[k] = static_cast<std::uint32_t>(heads[k].base >> 32);
    }
    key0 = base_lo ^ mix32_lanes(base_hi);
  }
  v8u keep(std::uint64_t index) const {
    const v8u key = index >> 32 == 0 ? key0 : base_lo ^ mix32_lanes(static_cast<std::uint32_t>(index >> 32) ^ base_hi);
    const v8u bits = mix32_lanes(static_cast<std::uint32_t>(index) ^ key) >> 8;
    return reinterpret_cast<v8u>(bits >= threshold);
  }
  // keep() as a byte: bit k set when head k keeps the value.
  std::uint8_t keep_bits(std::uint64_t index) const {
#if defined(__AVX512F__) && defined(__AVX512VL__)
    const v8u key = index >> 32 == 0 ? key0 : base_lo ^ mix32_lanes(static_cast<std::uint32_t>(index >> 32) ^ base_hi);
    const v8u bits = mix32_lanes(static_cast<std::uint32_t>(index) ^ key) >> 8;
    return _mm256_cmpge_epu32_mask(reinterpret_cast<__m256i>(bits), _mm256_set1_epi32(static_cast<int>(threshold)));
#elif defined(__AVX__)
    // a kept lane is all ones: its sign bit is the head's bit
    return static_cast<std::uint8_t>(_mm256_movemask_ps(reinterpret_cast<__m256>(keep(index))));
#else
    const v8u kept = keep(index) & v8u{1, 2, 4, 8, 16, 32, 64, 128};
    const v8u a = kept | __builtin_shufflevector(kept, kept, 4, 5, 6, 7, 0, 1, 2, 3);
    const v8u b = a | __builtin_shufflevector(a, a, 2, 3, 0, 1, 2, 3, 0, 1);
    return static_cast<std::uint8_t>(b[0] | b[1]);
#endif
  }
};

// v where the head keeps the value, +0 where it drops it
inline v8f masked(float v, v8u keep) {
  const v8f vv = v8f{} + v;
  return reinterpret_cast<v8f>(reinterpret_cast<v8u>(vv) & keep);
}

// 64 lanes (8 heads x 8 features) of v, each where its head keeps the value (bit h of the mask
// byte `bits`), +0 where it drops it: the masked operand of the generic loops' s * w.
struct MaskedValue64 {
#if defined(__AVX512F__)
  __m512 q[4];
  MaskedValue64(float v, std::uint32_t bits) {
    const __m512 vv = _mm512_set1_ps(v);
    const __m512i bb = _mm512_set1_epi32(static_cast<int>(bits));
    for (int i = 0; i < 4; ++i) {
      const __m512i sel = _mm512_set_epi32(2 << (2 * i), 2 << (2 * i), 2 << (2 * i), 2 << (2 * i), 2 << (2 * i),
                                           2 << (2 * i), 2 << (2 * i), 2 << (2 * i), 1 << (2 * i), 1 << (2 * i),
                                           1 << (2 * i), 1 << (2 * i), 1 << (2 * i), 1 << (2 * i), 1 << (2 * i),
                                           1 << (2 * i));
      q[i] = _mm512_maskz_mov_ps(_mm512_test_epi32_mask(bb, sel), vv);
    }
  }
  // acc[0..64) += this * w[0..64), a multiply then an add per lane (no fused multiply-add, as the
  // generic loops compiled with -ffp-contract=off)
  void multiply_add(const float* w, __m512* acc) const {
    for (int i = 0; i < 4; ++i) acc[i] = _mm512_add_ps(acc[i], _mm512_mul_ps(q[i], _mm512_loadu_ps(w + 16 * i)));
  }
  typedef __m512 Acc[4];
  static void store(const Acc& acc, float* out) {
    for (int i = 0; i < 4; ++i) _mm512_storeu_ps(out + 16 * i, acc[i]);
  }
#else
  v8f q[8];
  // Lane h of the masked value is v or +0, then broadcast to head h's eight lanes (one permute
  // each; building each head's mask from its bit with scalar shifts took twice the instructions).
  MaskedValue64(float v, std::uint32_t bits) {
    const v8u keep = reinterpret_cast<v8u>(((v8u{} + bits) & v8u{1, 2, 4, 8, 16, 32, 64, 128}) != 0u);
    const v8f m = masked(v, keep);
    q[0] = __builtin_shufflevector(m, m, 0, 0, 0, 0, 0, 0, 0, 0);
    q[1] = __builtin_shufflevector(m, m, 1, 1, 1, 1, 1, 1, 1, 1);
    q[2] = __builtin_shufflevector(m, m, 2, 2, 2, 2, 2, 2, 2, 2);
    q[3] = __builtin_shufflevector(m, m, 3, 3, 3, 3, 3, 3, 3, 3);
    q[4] = __builtin_shufflevector(m, m, 4, 4, 4, 4, 4, 4, 4, 4);
    q[5] = __builtin_shufflevector(m, m, 5, 5, 5, 5, 5, 5, 5, 5);
    q[6] = __builtin_shufflevector(m, m, 6, 6, 6, 6, 6, 6, 6, 6);
    q[7] = __builtin_shufflevector(m, m, 7, 7, 7, 7, 7, 7, 7, 7);
  }
  void multiply_add(const float* w, v8f* acc) const {
    for (int h = 0; h < 8; ++h) {
      v8f wh;
      __builtin_memcpy(&wh, w + 8 * h, sizeof(v8f));
      acc[h] += q[h] * wh;
    }
  }
  typedef v8f Acc[8];
  static void store(const Acc& acc, float* out) { __builtin_memcpy(out, acc, sizeof(Acc)); }
#endif
};

// The rows read per stored value (64 floats, four cache lines) are fetched this many values ahead.
constexpr std::int64_t kPrefetch = 8;
inline void prefetch_row64(const float* p) {
  for (int i = 0; i < 4; ++i) __builtin_prefetch(p + 16 * i);
}

// y = [dropout_0(x) W_0^T | ... | dropout_7(x) W_7^T], x CSR, weight_t: in x 64, y: rows x 64.
// keep_bits (x.nnz() bytes) receives each stored value's mask byte (HeadMasks8::keep_bits).
inline void headwise_spmm_8x8(const BasicCsrMatrix<float>& x, MatrixView<const float> weight_t,
                              const BernoulliSampler* heads, float scale, MatrixView<float> y,
                              std::uint8_t* keep_bits) {
  const HeadMasks8 masks(heads);
  // Locals, not captures: the byte stores would otherwise make every pointer reload per value.
  const std::int64_t* const offsets = x.offsets.data();
  const std::int32_t* const columns = x.columns.data();
  const float* const values = x.values.data();
  const float* const wt = weight_t.data();
  const std::int64_t wt_stride = weight_t.ld();
  float* const out = y.data();
  const std::int64_t out_stride = y.ld();
  parallel_for_rows(x.offsets, [&](std::int64_t begin, std::int64_t end) {
    const HeadMasks8 m8 = masks;
    const std::int64_t* const off = offsets;
    const std::int32_t* const col = columns;
    const float* const val = values;
    const float* const w = wt;
    const std::int64_t ws = wt_stride;
    const float sc = scale;
    std::uint8_t* const kb = keep_bits;
    const std::int64_t last = off[end];
    for (std::int64_t r = begin; r < end; ++r) {
      MaskedValue64::Acc acc = {};
      for (std::int64_t k = off[r]; k < off[r + 1]; ++k) {
        if (k + kPrefetch < last) prefetch_row64(w + col[k + kPrefetch] * ws);
        const std::uint8_t m = m8.keep_bits(static_cast<std::uint64_t>(k));
        kb[k] = m;
        MaskedValue64(val[k] * sc, m).multiply_add(w + col[k] * ws, acc);
      }
      MaskedValue64::store(acc, out + r * out_stride);
    }
  });
}

// The mask bytes of headwise_spmm_8x8 alone, for stored values [0, n).
inline void headwise_keep_bits_8(const BernoulliSampler* heads, std::int64_t n, std::uint8_t* keep_bits) {
  const HeadMasks8 masks(heads);
  parallel_for(n, 1 << 14, [&](std::int64_t b, std::int64_t e) {
    for (std::int64_t k = b; k < e; ++k) keep_bits[k] = masks.keep_bits(static_cast<std::uint64_t>(k));
  });
}

// grad_t (in x 64) = sum over rows r of dropout_k(x)_r^T dy_r,k for each head k; grad_t is
// overwritten. x is given by its CSC (col_offsets, and per entry its row and CSR position, rows
// ascending within a column), the CSR's values and the forward pass's mask bytes. Each row of
// grad_t is one column of x, summed over its rows in order (the generic loop's order), and
// threads own disjoint rows of grad_t.
inline void headwise_spmm_tn_8x8(std::span<const std::int64_t> col_offsets, const std::int32_t* entry_row,
                                 const std::int32_t* entry_pos, const float* values, const std::uint8_t* keep_bits,
                                 MatrixView<const float> dy, float scale, MatrixView<float> grad_t) {
  const std::int64_t* const co = col_offsets.data();
  const float* const d = dy.data();
  const std::int64_t d_stride = dy.ld();
  float* const out = grad_t.data();
  const std::int64_t out_stride = grad_t.ld();
  parallel_for_rows(col_offsets, [=](std::int64_t begin, std::int64_t end) {
    const std::int64_t last = co[end];
    for (std::int64_t c = begin; c < end; ++c) {
      MaskedValue64::Acc acc = {};
      for (std::int64_t j = co[c]; j < co[c + 1]; ++j) {
        if (j + kPrefetch < last) prefetch_row64(d + entry_row[j + kPrefetch] * d_stride);
        const std::int32_t k = entry_pos[j];
        MaskedValue64(values[k] * scale, keep_bits[k]).multiply_add(d + entry_row[j] * d_stride, acc);
      }
      MaskedValue64::store(acc, out + c * out_stride);
    }
  });
}

}  // namespace gat::nn::detail
