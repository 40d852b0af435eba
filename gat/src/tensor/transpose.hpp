#pragma once
// Float matrix transposes by 8 x 8 blocks in registers (GCC vector extensions), for the sparse
// projections' weight transposes and transposed gradient adds (nn/projection.cpp's transpose_into
// and add_transposed). Element for element the same single copy or add as a plain loop.
#include <cstring>

#include "core/simd8.hpp"
#include "gat/core/parallel.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::detail {

// The 8 x 8 float blocks of a transpose, in registers: t[i] = column i of the rows in r.
inline void transpose8x8(const v8f* r, v8f* t) {
  v8f a[8], b[8];
  for (int i = 0; i < 8; i += 2) {
    a[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    a[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
  for (int i = 0; i < 8; i += 4) {
    b[i] = __builtin_shufflevector(a[i], a[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
    b[i + 1] = __builtin_shufflevector(a[i], a[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    b[i + 2] = __builtin_shufflevector(a[i + 1], a[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
    b[i + 3] = __builtin_shufflevector(a[i + 1], a[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = __builtin_shufflevector(b[i], b[i + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    t[i + 4] = __builtin_shufflevector(b[i], b[i + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

// One 8 x 8 block of transpose_f32: rows r0.., columns c0.. of `in`.
template <bool kAdd>
inline void transpose_block8(MatrixView<const float> in, MatrixView<float> out, std::int64_t r0, std::int64_t c0) {
  v8f r[8], t[8];
  for (int i = 0; i < 8; ++i) std::memcpy(&r[i], in.row_ptr(r0 + i) + c0, sizeof(v8f));
  transpose8x8(r, t);
  for (int i = 0; i < 8; ++i) {
    float* o = out.row_ptr(c0 + i) + r0;
    if constexpr (kAdd) {
      v8f cur;
      __builtin_memcpy(&cur, o, sizeof(v8f));
      t[i] = cur + t[i];
    }
    __builtin_memcpy(o, &t[i], sizeof(v8f));
  }
}

// out = in^T (out is in.cols() x in.rows()), or out += in^T (the same single add per element as
// the plain loop): 8 x 8 blocks in registers, the edges element by element. The blocks are split
// between the threads along the longer side (every element is written once, by one thread: the
// same bits with any thread count), so that a projection weight's transpose is not serial.
template <bool kAdd>
inline void transpose_f32(MatrixView<const float> in, MatrixView<float> out) {
  const std::int64_t rows = in.rows(), cols = in.cols(), r8 = rows / 8 * 8, c8 = cols / 8 * 8;
  constexpr std::int64_t kGrainBlocks = 16;
  if (c8 >= r8) {
    parallel_for(c8 / 8, kGrainBlocks, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t c0 = 8 * b; c0 < 8 * e; c0 += 8)
        for (std::int64_t r0 = 0; r0 < r8; r0 += 8) transpose_block8<kAdd>(in, out, r0, c0);
    });
  } else {
    parallel_for(r8 / 8, kGrainBlocks, [&](std::int64_t b, std::int64_t e) {
      for (std::int64_t r0 = 8 * b; r0 < 8 * e; r0 += 8)
        for (std::int64_t c0 = 0; c0 < c8; c0 += 8) transpose_block8<kAdd>(in, out, r0, c0);
    });
  }
  auto one = [&](std::int64_t r, std::int64_t c) {
    if constexpr (kAdd)
      out(c, r) += in(r, c);
    else
      out(c, r) = in(r, c);
  };
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = c8; c < cols; ++c) one(r, c);
  for (std::int64_t r = r8; r < rows; ++r)
    for (std::int64_t c = 0; c < c8; ++c) one(r, c);
}

}  // namespace gat::detail
