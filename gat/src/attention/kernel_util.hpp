#pragma once
// Shared by the attention kernels: shape checks whose messages name the function, the argument
// and the expected versus the actual shape; and the row loops that keep results thread-count independent.
#include <algorithm>
#include <cstdint>

#include "gat/core/check.hpp"
#include "gat/core/parallel.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::attention::detail {

template <class T>
void require_shape(const char* fn, const char* arg, MatrixView<T> m, std::int64_t rows, std::int64_t cols) {
  GAT_REQUIRE(m.rows() == rows && m.cols() == cols, fn, ": ", arg, " is ", m.rows(), "x", m.cols(), ", expected ",
              rows, "x", cols);
}

inline void require_heads(const char* fn, std::int64_t heads) {
  GAT_REQUIRE(heads >= 1, fn, ": heads is ", heads, ", expected at least 1");
}

// Columns of a [nodes][heads][features] tensor must split evenly into heads; returns F.
template <class T>
std::int64_t features_per_head(const char* fn, const char* arg, MatrixView<T> m, std::int64_t heads) {
  GAT_REQUIRE(m.cols() % heads == 0 && m.cols() > 0, fn, ": ", arg, " has ", m.cols(),
              " columns, expected a positive multiple of heads = ", heads, " (layout [nodes][heads][features])");
  return m.cols() / heads;
}

// The row body compiled exactly once. parallel_for_rows calls its body from two places (the
// one-thread path and the OpenMP region); if the body is inlined into both, the compiler may
// contract a*b+c into an FMA in one copy and not in the other (-march=native), and one thread
// would round differently from two. Funnelling both through one non-inlined function keeps
// results bitwise identical for any thread count.
template <class Body>
[[gnu::noinline]] void run_range(const Body& body, std::int64_t begin, std::int64_t end) {
  body(begin, end);
}
template <class Body>
void for_rows(std::span<const std::int64_t> offsets, const Body& body) {
  parallel_for_rows(offsets, [&](std::int64_t b, std::int64_t e) { run_range(body, b, e); });
}
template <class Body>
void for_range(std::int64_t n, std::int64_t grain, const Body& body) {
  parallel_for(n, grain, [&](std::int64_t b, std::int64_t e) { run_range(body, b, e); });
}

// On all threads: on a large graph the gradients zeroed before a backward pass are hundreds of MB.
template <class T>
void set_zero(MatrixView<T> m) {
  for_range(m.rows(), std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(1, m.cols())),
            [&](std::int64_t begin, std::int64_t end) {
              for (std::int64_t r = begin; r < end; ++r) {
                T* p = m.row_ptr(r);
                for (std::int64_t c = 0; c < m.cols(); ++c) p[c] = T(0);
              }
            });
}

}  // namespace gat::attention::detail
