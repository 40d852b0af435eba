#include "gat/core/parallel.hpp"

#include <omp.h>

#include <algorithm>

namespace gat {

namespace {
int g_threads = 0;  // 0: OpenMP's default
thread_local int t_threads = 0;  // 0: g_threads
}

void set_num_threads(int n) {
  g_threads = n > 0 ? n : 0;
  // oneDNN is built on the same OpenMP runtime, so this also sets its thread count.
  omp_set_num_threads(g_threads > 0 ? g_threads : omp_get_num_procs());
}

// Inside a parallel region of the caller's (several models trained side by side, one per thread),
// gat's own loops run on the calling thread: nesting would only oversubscribe the cores, and the
// results are the same either way.
int num_threads() {
  if (omp_in_parallel()) return 1;
  if (t_threads > 0) return t_threads;
  return g_threads > 0 ? g_threads : omp_get_max_threads();
}

void set_thread_num_threads(int n) {
  t_threads = n > 0 ? n : 0;
  // The calling thread's OpenMP setting only (each std::thread has its own), which oneDNN reads.
  omp_set_num_threads(t_threads > 0 ? t_threads : g_threads > 0 ? g_threads : omp_get_num_procs());
}

std::vector<std::int64_t> balanced_row_chunks(std::span<const std::int64_t> offsets, int chunks) {
  const std::int64_t rows = static_cast<std::int64_t>(offsets.size()) - 1;
  std::vector<std::int64_t> bounds{0};
  if (rows <= 0) {
    bounds.push_back(0);
    return bounds;
  }
  chunks = std::max(1, chunks);
  const std::int64_t total = offsets.back() - offsets.front() + rows;
  // Row r starts at cost offsets[r] - offsets[0] + r; cut where the cost passes each k/chunks.
  std::int64_t r = 0;
  for (int k = 1; k < chunks; ++k) {
    const std::int64_t goal = total * k / chunks;
    while (r < rows && offsets[r] - offsets[0] + r < goal) ++r;
    if (r > bounds.back() && r < rows) bounds.push_back(r);
  }
  bounds.push_back(rows);
  return bounds;
}

}  // namespace gat
