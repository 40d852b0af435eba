// Memory probes, to relate a kernel's bytes per second to what this machine can move:
//  - STREAM-like (McCalpin's copy, scale, add, triad on double arrays well beyond the caches);
//  - a row gather: rows of 256 bytes (one 8 x 8-head value row) read in random order, 16 of them
//    summed into each output row, prefetched 48 rows ahead, as the fused edge kernels gather a
//    destination's sources. This is their limit: a kernel on a graph with random neighbours cannot
//    be faster than gathering its rows, so the probe's cost per row against the table size, and its
//    2-thread speed-up, bound what the edge kernels can reach on this machine.
//   gat_stream [--mb 256] [--reps 10] [--threads N] [--gather 10000,100000,1000000]
// Prints the best (highest) rate of each kernel over the repetitions, as STREAM does; --gather ""
// skips the gather.
#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void stream(std::size_t mb, int reps, int threads) {
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
      const auto t0 = Clock::now();
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
      best[k] = std::min(best[k], seconds_since(t0));
    }
  }
  std::printf("STREAM-like, %zu MB in 3 arrays, %d thread(s), best of %d\n", mb, threads, reps);
  for (int k = 0; k < 4; ++k) std::printf("%-6s %8.2f GB/s\n", names[k], bytes[k] / best[k] / 1e9);
  if (a[n / 2] <= 0) std::printf("(unexpected result)\n");
}

constexpr std::int64_t kRowFloats = 64;   // 8 heads x 8 features
constexpr std::int64_t kRowsPerOutput = 16;  // the synthetic graphs' in-degree
constexpr std::int64_t kPrefetchRows = 48;   // the edge kernels' prefetch distance

// The widest vector the kernels use: 16 lanes with AVX-512, 8 otherwise (GCC lowers a 64-byte
// vector type through the stack where the CPU has no 512-bit registers, as gat/src/core/simd8.hpp says).
#if defined(__AVX512F__)
typedef float vecf __attribute__((vector_size(64)));
#else
typedef float vecf __attribute__((vector_size(32)));
#endif
constexpr int kLanes = sizeof(vecf) / sizeof(float);

// 64-byte aligned floats on 2 MiB pages where the kernel grants them, as gat's large matrices.
float* table_alloc(std::int64_t floats) {
  const std::size_t bytes = (static_cast<std::size_t>(floats) * sizeof(float) + (2u << 20) - 1) & ~((2u << 20) - 1);
  void* p = std::aligned_alloc(2u << 20, bytes);
  if (!p) {
    std::fprintf(stderr, "gat_stream: out of memory for a %zu-byte table\n", bytes);
    std::exit(1);
  }
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);
#endif
  return static_cast<float*>(p);
}

// One pass: out[i] = sum of the 16 table rows index[16 i .. 16 i + 15].
void gather_pass(const float* table, const std::int64_t* index, std::int64_t outputs, std::int64_t gathers,
                 float* out, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t i = 0; i < outputs; ++i) {
    vecf acc[kRowFloats / kLanes] = {};
    for (std::int64_t e = i * kRowsPerOutput; e < (i + 1) * kRowsPerOutput; ++e) {
      const char* ahead = reinterpret_cast<const char*>(table + index[std::min(e + kPrefetchRows, gathers - 1)] * kRowFloats);
      for (int b = 0; b < kRowFloats * 4; b += 64) __builtin_prefetch(ahead + b);
      const float* row = table + index[e] * kRowFloats;
      for (int q = 0; q < kRowFloats / kLanes; ++q) {
        vecf x;
        std::memcpy(&x, row + kLanes * q, sizeof x);
        acc[q] += x;
      }
    }
    std::memcpy(out + i * kRowFloats, acc, sizeof acc);
  }
}

struct GatherResult {
  std::int64_t rows, gathers;
  double seconds;
};

// The best of at least `reps` passes and at least 0.2 s of passes over a table of `rows` rows.
GatherResult gather(std::int64_t rows, int reps, int threads) {
  const std::int64_t gathers = rows * kRowsPerOutput;
  float* table = table_alloc(rows * kRowFloats);
  float* out = table_alloc(rows * kRowFloats);
  std::vector<std::int64_t> index(static_cast<std::size_t>(gathers));
  std::uint64_t x = 0x9E3779B97F4A7C15ull;  // xorshift64: the same rows every run
  for (auto& v : index) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    v = static_cast<std::int64_t>(x % static_cast<std::uint64_t>(rows));
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::int64_t k = 0; k < rows * kRowFloats; ++k) table[k] = 1.0f, out[k] = 0.0f;
  double best = 1e30, total = 0;
  for (int r = 0; r < reps || total < 0.2; ++r) {
    const auto t0 = Clock::now();
    gather_pass(table, index.data(), rows, gathers, out, threads);
    const double s = seconds_since(t0);
    best = std::min(best, s);
    total += s;
  }
  if (out[0] != static_cast<float>(kRowsPerOutput)) std::printf("(unexpected result)\n");
  std::free(table);
  std::free(out);
  return {rows, gathers, best};
}

void gathers(const std::vector<std::int64_t>& sizes, int reps, int threads) {
  std::printf("row gather, %lld-byte rows in random order, %lld per output row, %d thread(s), best of %d\n",
              static_cast<long long>(kRowFloats * 4), static_cast<long long>(kRowsPerOutput), threads, reps);
  std::vector<GatherResult> results;
  for (const std::int64_t rows : sizes) {
    const GatherResult g = gather(rows, reps, threads);
    const double bytes = static_cast<double>(g.gathers) * (kRowFloats * 4 + 8) + static_cast<double>(rows) * kRowFloats * 4;
    std::printf("gather rows %-9lld %8.1f MB %8.2f GB/s %8.2f ns per row\n", static_cast<long long>(rows),
                static_cast<double>(rows) * kRowFloats * 4 / 1e6, bytes / g.seconds / 1e9,
                g.seconds / static_cast<double>(g.gathers) * 1e9);
    results.push_back(g);
  }
  if (results.size() >= 2) {  // least squares of log(time) against log(gathers), as bench/compare fits epochs
    double mx = 0, my = 0;
    for (const auto& g : results) mx += std::log(static_cast<double>(g.gathers)), my += std::log(g.seconds);
    mx /= static_cast<double>(results.size());
    my /= static_cast<double>(results.size());
    double sxy = 0, sxx = 0;
    for (const auto& g : results) {
      const double dx = std::log(static_cast<double>(g.gathers)) - mx;
      sxy += dx * (std::log(g.seconds) - my);
      sxx += dx * dx;
    }
    std::printf("gather slope %.3f (log-log of time against rows gathered; 1 = linear)\n", sxy / sxx);
  }
}

[[noreturn]] void usage_error(const std::string& what) {
  std::fprintf(stderr, "gat_stream: %s\nusage: gat_stream [--mb 256] [--reps 10] [--threads N] [--gather 10000,100000,1000000]\n",
               what.c_str());
  std::exit(2);
}

long long positive(const std::string& option, const char* text) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (end == text || *end != '\0' || v < 1) usage_error(option + " needs a positive integer, got '" + text + "'");
  return v;
}

std::vector<std::int64_t> sizes_of(const char* text) {
  std::vector<std::int64_t> out;
  std::string s = text;
  for (std::size_t at = 0; at < s.size();) {
    const std::size_t comma = std::min(s.find(',', at), s.size());
    const std::string item = s.substr(at, comma - at);
    if (!item.empty()) out.push_back(positive("--gather", item.c_str()));
    at = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = 256;
  int reps = 10, threads = 1;
  std::vector<std::int64_t> gather_rows = {10000, 100000, 1000000};
  for (int a = 1; a < argc; a += 2) {
    const std::string k = argv[a];
    if (a + 1 >= argc) usage_error(k + " needs a value");
    if (k == "--mb") mb = static_cast<std::size_t>(positive(k, argv[a + 1]));
    else if (k == "--reps") reps = static_cast<int>(positive(k, argv[a + 1]));
    else if (k == "--threads") threads = static_cast<int>(positive(k, argv[a + 1]));
    else if (k == "--gather") gather_rows = sizes_of(argv[a + 1]);
    else usage_error("unknown option " + k);
  }
  stream(mb, reps, threads);
  if (!gather_rows.empty()) gathers(gather_rows, reps, threads);
  return 0;
}
