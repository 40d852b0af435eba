// gat_bench_sampler: neighbour-sampling throughput (sampled edges per second) on a synthetic
// graph written to a graph store and mapped, as mini-batch training samples it. Compare with
// bench/reference/sampler_reference.py (NumPy per-node random choice, the standard way).
//   gat_bench_sampler [--nodes 1000000] [--in-degree 16] [--batch 1024] [--fan-out 10,10]
//                     [--batches 50] [--threads 1] [--store PATH]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"
#include "gat/sampling/neighbor_sampler.hpp"
#include "gat/store/graph_store.hpp"
#include "gat/store/synthetic_store.hpp"

namespace {

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr, "gat_bench_sampler: %s\n", why.c_str());
  std::exit(1);
}

std::int64_t number(const char* text, const char* flag) {
  char* end = nullptr;
  const long long v = std::strtoll(text, &end, 10);
  if (!*text || *end || v <= 0) usage(std::string(flag) + ": expected a positive integer, got '" + text + "'");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t nodes = 1000000, degree = 16, batch = 1024, batches = 50, threads = 1;
  std::vector<std::int64_t> fan_outs{10, 10};
  std::filesystem::path path;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage("missing value after " + a);
    const char* v = argv[++i];
    if (a == "--nodes") nodes = number(v, "--nodes");
    else if (a == "--in-degree") degree = number(v, "--in-degree");
    else if (a == "--batch") batch = number(v, "--batch");
    else if (a == "--batches") batches = number(v, "--batches");
    else if (a == "--threads") threads = number(v, "--threads");
    else if (a == "--store") path = v;
    else if (a == "--fan-out") {
      fan_outs.clear();
      std::stringstream s(v);
      for (std::string item; std::getline(s, item, ',');) fan_outs.push_back(std::stoll(item));
    } else usage("unknown option " + a);
  }
  const bool temporary = path.empty();
  if (temporary) path = std::filesystem::temp_directory_path() / ("gat_bench_sampler_" + std::to_string(nodes) + ".gstore");
  if (!std::filesystem::exists(path))
    gat::store::write_synthetic_store({.nodes = nodes, .in_degree = degree, .features = 1}, path);
  const gat::store::GraphStore store = gat::store::GraphStore::open(path, gat::store::StoreCheck::structure);
  gat::set_num_threads(static_cast<int>(threads));
  gat::sampling::NeighborSampler sampler(gat::sampling::CsrView::of(store), {.fan_outs = fan_outs});
  std::vector<gat::NodeId> targets;
  const gat::RandomKey key{1, 2};
  std::vector<double> seconds;
  std::int64_t edges = 0;
  for (std::int64_t b = 0; b < batches; ++b) {
    targets.clear();
    for (std::int64_t k = 0; k < batch; ++k) targets.push_back(static_cast<gat::NodeId>(key.bits(b * batch + k) % store.num_nodes()));
    std::sort(targets.begin(), targets.end());
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    const auto t = std::chrono::steady_clock::now();
    const gat::ReceptiveField field = sampler.sample(targets, 0, static_cast<std::uint64_t>(b));
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
    edges += sampler.sampled_edges();
  }
  std::vector<double> sorted = seconds;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted[sorted.size() / 2];
  const double per_batch = static_cast<double>(edges) / static_cast<double>(batches);
  std::printf("{\"nodes\": %lld, \"in_degree\": %lld, \"batch\": %lld, \"threads\": %lld, \"batches\": %lld, "
              "\"sampled_edges_per_batch\": %.1f, \"median_batch_seconds\": %.6f, \"edges_per_second\": %.0f, "
              "\"edges_per_second_per_thread\": %.0f}\n",
              static_cast<long long>(store.num_nodes()), static_cast<long long>(degree), static_cast<long long>(batch),
              static_cast<long long>(threads), static_cast<long long>(batches), per_batch, median, per_batch / median,
              per_batch / median / static_cast<double>(threads));
  if (temporary) std::filesystem::remove(path);
  return 0;
}
