#pragma once
// OpenMP helpers. Work on compressed rows is split into chunks of about equal edge counts, so a
// thread that gets a hub node gets fewer other rows. Each row is owned by exactly one thread,
// so results never depend on the thread count (no atomics, no reductions across threads).
#include <cstdint>
#include <span>
#include <vector>

namespace gat {

// The one place that sets how many threads gat (and oneDNN, which shares OpenMP) uses.
// n <= 0 restores the default (OMP_NUM_THREADS or the number of cores).
void set_num_threads(int n);
// The threads gat's loops use: the number set, or 1 when called from inside an OpenMP parallel
// region (so that, for example, several models can be trained side by side, one per thread).
int num_threads();
// The calling thread's own share, overriding set_num_threads for its loops and oneDNN's while
// n > 0 (0 clears it): side-by-side training runs, each on a std::thread, take their share of
// the cores and a larger one when the other runs are done. Results do not change with it.
void set_thread_num_threads(int n);

// Row boundaries [b0=0, b1, ..., bk=rows] splitting the rows of a CSR with `offsets` (size rows+1)
// into at most `chunks` ranges of about equal cost, where a row costs (its entries + 1).
std::vector<std::int64_t> balanced_row_chunks(std::span<const std::int64_t> offsets, int chunks);

// Calls body(row_begin, row_end) over edge-balanced chunks of rows, in parallel.
template <class Body>
void parallel_for_rows(std::span<const std::int64_t> offsets, Body&& body) {
  const std::int64_t rows = static_cast<std::int64_t>(offsets.size()) - 1;
  if (rows <= 0) return;
  const int threads = num_threads();
  if (threads == 1 || offsets.back() + rows < 4096) {
    body(std::int64_t{0}, rows);
    return;
  }
  const std::vector<std::int64_t> bounds = balanced_row_chunks(offsets, threads * 4);
  const std::int64_t n_chunks = static_cast<std::int64_t>(bounds.size()) - 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t c = 0; c < n_chunks; ++c) body(bounds[c], bounds[c + 1]);
}

// Calls body(begin, end) over equal ranges of [0, n), in parallel.
template <class Body>
void parallel_for(std::int64_t n, std::int64_t grain, Body&& body) {
  if (n <= 0) return;
  const int threads = num_threads();
  if (threads == 1 || n <= grain) {
    body(std::int64_t{0}, n);
    return;
  }
  const std::int64_t n_chunks = (n + grain - 1) / grain;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t c = 0; c < n_chunks; ++c) {
    const std::int64_t b = c * grain;
    body(b, b + grain < n ? b + grain : n);
  }
}

}  // namespace gat
