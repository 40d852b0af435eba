#pragma once
// Sums over the rows of a tall matrix (a bias gradient, the gradient of an attention vector) in
// parallel without letting the thread count change the bits: the rows are cut into blocks of a
// fixed size, each block is summed on its own (by whichever thread), and the block sums are added
// in block order. Up to kRowBlock rows there is one block, summed in row order as a plain loop would.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "gat/core/parallel.hpp"

namespace gat::detail {

constexpr std::int64_t kRowBlock = 32768;

// out[0, width) += the sums of rows [0, rows), where add_rows(begin, end, acc) adds rows
// [begin, end) into acc[0, width) (zero on entry), in row order.
template <class T, class AddRows>
void add_row_block_sums(std::int64_t rows, std::int64_t width, T* out, const AddRows& add_rows) {
  if (rows <= 0 || width <= 0) return;
  const std::int64_t blocks = (rows + kRowBlock - 1) / kRowBlock;
  thread_local std::vector<T> partials;  // reused: no allocation per call once grown
  partials.assign(static_cast<std::size_t>(blocks * width), T(0));
  T* const p = partials.data();
  parallel_for(blocks, 1, [&](std::int64_t b0, std::int64_t b1) {
    for (std::int64_t b = b0; b < b1; ++b) add_rows(b * kRowBlock, std::min(rows, (b + 1) * kRowBlock), p + b * width);
  });
  for (std::int64_t b = 0; b < blocks; ++b)
    for (std::int64_t c = 0; c < width; ++c) out[c] += p[b * width + c];
}

}  // namespace gat::detail
