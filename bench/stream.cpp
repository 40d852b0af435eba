// A STREAM-like bandwidth probe (McCalpin's copy, scale, add, triad on double arrays well beyond
// the caches), to relate a kernel's bytes per second to what this machine can move.
//   gat_stream [--mb 256] [--reps 10] [--threads N]
// Prints the best (highest) rate of each kernel over the repetitions, as STREAM does.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  std::size_t mb = 256;
  int reps = 10, threads = 1;
  for (int a = 1; a + 1 < argc; a += 2) {
    const std::string k = argv[a];
    if (k == "--mb") mb = std::strtoul(argv[a + 1], nullptr, 10);
    else if (k == "--reps") reps = std::atoi(argv[a + 1]);
    else if (k == "--threads") threads = std::atoi(argv[a + 1]);
  }
  const std::size_t n = mb * 1024 * 1024 / (3 * sizeof(double));
  std::vector<double> a(n), b(n), c(n);
  const double s = 3.0;
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t i = 0; i < n; ++i) a[i] = 1.0, b[i] = 2.0, c[i] = 0.0;
  const char* names[4] = {"copy", "scale", "add", "triad"};
  const double bytes[4] = {2.0 * 8 * n, 2.0 * 8 * n, 3.0 * 8 * n, 3.0 * 8 * n};
  double best[4] = {1e30, 1e30, 1e30, 1e30};
  for (int r = 0; r < reps; ++r) {
    for (int k = 0; k < 4; ++k) {
      const auto t0 = std::chrono::steady_clock::now();
      switch (k) {
        case 0:
#pragma omp parallel for num_threads(threads) schedule(static)
          for (std::size_t i = 0; i < n; ++i) c[i] = a[i];
          break;
        case 1:
#pragma omp parallel for num_threads(threads) schedule(static)
          for (std::size_t i = 0; i < n; ++i) b[i] = s * c[i];
          break;
        case 2:
#pragma omp parallel for num_threads(threads) schedule(static)
          for (std::size_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
          break;
        default:
#pragma omp parallel for num_threads(threads) schedule(static)
          for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
      }
      best[k] = std::min(best[k], std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
  }
  std::printf("STREAM-like, %zu MB in 3 arrays, %d thread(s), best of %d\n", mb, threads, reps);
  for (int k = 0; k < 4; ++k) std::printf("%-6s %8.2f GB/s\n", names[k], bytes[k] / best[k] / 1e9);
  return a[n / 2] > 0 ? 0 : 1;
}
