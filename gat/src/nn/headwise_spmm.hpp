#pragma once
// The first projection with a dropout mask of its own per head (the reference GAT code), for the
// paper's 8 heads x 8 features in float: per stored input value, the eight heads' mask bits come
// from one vector evaluation of the sampler's hash (lane k: head k's key), so a value costs one
// hash and eight 8-lane multiply-adds instead of eight scalar hashes and branches. Every head's
// mask and every sum are those of the generic loops in conv_support.cpp (same operations in the
// same order), so the results are identical.
#include <cstdint>

#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"
#include "gat/tensor/csr_matrix.hpp"

namespace gat::nn::detail {

typedef float v8f __attribute__((vector_size(32)));
typedef std::uint32_t v8u __attribute__((vector_size(32)));

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
};

// v where the head keeps the value, +0 where it drops it
inline v8f masked(float v, v8u keep) {
  const v8f vv = v8f{} + v;
  return reinterpret_cast<v8f>(reinterpret_cast<v8u>(vv) & keep);
}

// y = [dropout_0(x) W_0^T | ... | dropout_7(x) W_7^T], x CSR, weight_t: in x 64, y: rows x 64.
inline void headwise_spmm_8x8(const BasicCsrMatrix<float>& x, MatrixView<const float> weight_t,
                              const BernoulliSampler* heads, float scale, MatrixView<float> y) {
  const HeadMasks8 masks(heads);
  parallel_for_rows(x.offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      v8f acc[8] = {};
      for (std::int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
        const v8f s = masked(x.values[k] * scale, masks.keep(static_cast<std::uint64_t>(k)));
        const float* w = weight_t.row_ptr(x.columns[k]);
        for (int h = 0; h < 8; ++h) {
          v8f wh;
          __builtin_memcpy(&wh, w + 8 * h, sizeof(v8f));
          acc[h] += s[h] * wh;
        }
      }
      __builtin_memcpy(y.row_ptr(r), acc, sizeof(acc));
    }
  });
}

// grad_t (in x 64) = sum over rows r of dropout_k(x)_r^T dy_r,k for each head k; grad_t is
// overwritten. Threads own disjoint heads and visit the rows in order, as the generic loop.
inline void headwise_spmm_tn_8x8(const BasicCsrMatrix<float>& x, MatrixView<const float> dy,
                                 const BernoulliSampler* heads, float scale, MatrixView<float> grad_t) {
  const HeadMasks8 masks(heads);
  for (std::int64_t r = 0; r < grad_t.rows(); ++r)
    for (std::int64_t j = 0; j < 64; ++j) grad_t(r, j) = 0.0f;
  parallel_for(8, 1, [&](std::int64_t h0, std::int64_t h1) {
    for (std::int64_t r = 0; r < x.rows; ++r) {
      const float* d = dy.row_ptr(r);
      v8f dh[8];
      for (std::int64_t h = h0; h < h1; ++h) __builtin_memcpy(&dh[h], d + 8 * h, sizeof(v8f));
      for (std::int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
        const v8f s = masked(x.values[k] * scale, masks.keep(static_cast<std::uint64_t>(k)));
        float* out = grad_t.row_ptr(x.columns[k]);
        for (std::int64_t h = h0; h < h1; ++h) {
          v8f o;
          __builtin_memcpy(&o, out + 8 * h, sizeof(v8f));
          o += s[h] * dh[h];
          __builtin_memcpy(out + 8 * h, &o, sizeof(v8f));
        }
      }
    }
  });
}

}  // namespace gat::nn::detail
