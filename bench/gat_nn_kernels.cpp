// Google Benchmark micro-benchmarks of the nn kernels around the attention in a training step of
// the paper's GAT on Cora: the first projection with a dropout mask per head on the sparse
// bag-of-words input (forward, backward), the dense dropout masks (value dropout on the 2708 x 64
// projected features), the output layer's per-head input dropout on dense input (1 head x 7),
// ELU, and merging the heads (concat + bias, mean + bias) forward and backward.
// Input: Cora from $GAT_DATA, else ../shared/datasets (as gat_e2e), when present, else the
// synthetic citation graph; rows normalised as gat train does. Threads from GAT_THREADS (default 1).
//
// Before the benchmarks it prints a checksum (FNV-1a of the result bits) of every kernel's result
// on fixed inputs, so two builds can be compared bit for bit:  gat_bench_nn_kernels --checksums-only
// With --verify it first checks the per-head sparse projection against reference/gat_reference
// (exit status 2 when it differs).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>

#include <gat/gat.hpp>
#include "nn/input_dropout.hpp"
#include "nn/merge_heads.hpp"
#include "gat_reference/input_dropout.hpp"

namespace {

constexpr std::int64_t kHeads = 8, kF = 8, kClasses = 7;

int bench_threads() {
  const char* t = std::getenv("GAT_THREADS");
  return t ? std::max(1, std::atoi(t)) : 1;
}

void fill(gat::Matrix& m, std::uint64_t seed) {
  const gat::RandomKey key{seed, 11};
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = key.uniform(static_cast<std::uint64_t>(i)) - 0.5f;
}

struct Case {
  gat::io::Dataset data;
  gat::Matrix w1, w2, h, dy1, dy2, bias_d;
};

const Case& the_case() {
  static Case* c = [] {
    gat::set_num_threads(bench_threads());
    auto* k = new Case;
    std::filesystem::path root;
    const char* env = std::getenv("GAT_DATA");
    if (env && *env) root = env;
    else if (std::filesystem::exists("../shared/datasets")) root = "../shared/datasets";
    bool loaded = false;
    if (!root.empty()) {
      try {
        k->data = gat::io::load_dataset({.name_or_path = "cora", .data_root = root});
        loaded = k->data.features.is_sparse();
      } catch (const std::exception& e) {
        std::printf("cora not loaded (%s); synthetic graph\n", e.what());
      }
    }
    if (!loaded) k->data = gat::io::make_synthetic_citation({});
    k->data.features.normalize_rows();
    const std::int64_t n = k->data.features.rows(), in = k->data.features.cols();
    std::printf("%s: %lld nodes, %lld features, %lld stored\n", loaded ? "cora" : "synthetic",
                static_cast<long long>(n), static_cast<long long>(in),
                static_cast<long long>(k->data.features.nnz()));
    k->w1 = gat::Matrix(kHeads * kF, in);
    k->w2 = gat::Matrix(kClasses, kHeads * kF);
    k->h = gat::Matrix(n, kHeads * kF);
    k->dy1 = gat::Matrix(n, kHeads * kF);
    k->dy2 = gat::Matrix(n, kClasses);
    fill(k->w1, 1);
    fill(k->w2, 2);
    fill(k->h, 3);
    fill(k->dy1, 4);
    fill(k->dy2, 5);
    return k;
  }();
  return *c;
}

gat::nn::LayerInput<float> sparse_input(const Case& c) { return gat::nn::LayerInput<float>::of(c.data.features); }

void BM_HeadwiseSparseForward(benchmark::State& state) {
  const Case& c = the_case();
  gat::nn::detail::HeadwiseInputDropout<float> hw;
  gat::Matrix y;
  const auto x = sparse_input(c);
  for (auto _ : state) {
    hw.forward(x, c.w1, kHeads, 0.6f, {7, 8}, y);
    benchmark::DoNotOptimize(y.data());
  }
}

void BM_HeadwiseSparseBackward(benchmark::State& state) {
  const Case& c = the_case();
  gat::nn::detail::HeadwiseInputDropout<float> hw;
  gat::Matrix y, wg(kHeads * kF, c.w1.cols());
  const auto x = sparse_input(c);
  hw.forward(x, c.w1, kHeads, 0.6f, {7, 8}, y);
  for (auto _ : state) {
    hw.backward(x, c.w1, c.dy1.view(), wg, nullptr);
    benchmark::DoNotOptimize(wg.data());
  }
}

// The output layer: one head, dense 2708 x 64 input, forward and backward with the input gradient.
void BM_HeadwiseDenseOutputLayer(benchmark::State& state) {
  const Case& c = the_case();
  gat::nn::detail::HeadwiseInputDropout<float> hw;
  gat::Matrix y, wg(kClasses, kHeads * kF), dx;
  const auto x = gat::nn::LayerInput<float>::of(c.h.view());
  for (auto _ : state) {
    hw.forward(x, c.w2, 1, 0.6f, {7, 9}, y);
    hw.backward(x, c.w2, c.dy2.view(), wg, &dx);
    benchmark::DoNotOptimize(dx.data());
  }
}

void BM_DropoutDense(benchmark::State& state) {
  const Case& c = the_case();
  gat::Matrix out(c.h.rows(), c.h.cols());
  for (auto _ : state) {
    gat::nn::dropout_forward<float>(c.h.view(), 0.6f, {7, 10}, out.view());
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_Elu(benchmark::State& state) {
  const Case& c = the_case();
  gat::nn::Activation<float> act({.kind = gat::nn::ActivationKind::elu});
  const gat::nn::ForwardContext ctx{};
  for (auto _ : state) {
    auto y = act.forward(ctx, gat::nn::LayerInput<float>::of(c.h.view()));
    benchmark::DoNotOptimize(y.dense.data());
    if (state.range(0)) benchmark::DoNotOptimize(act.backward(ctx, c.dy1.view(), true).data());
  }
}

// concat (8 x 8, state.range(0) == 1) or mean (1 x 7), with bias, forward then backward.
void BM_MergeHeads(benchmark::State& state) {
  const Case& c = the_case();
  const bool concat = state.range(0) != 0;
  const std::int64_t heads = concat ? kHeads : 1, f = concat ? kF : kClasses;
  gat::Matrix in(c.h.rows(), heads * f);
  fill(in, 12);
  const gat::Matrix& d = concat ? c.dy1 : c.dy2;
  gat::Parameter<float> bias;
  bias.value = gat::Matrix(1, concat ? heads * f : f);
  bias.grad = gat::Matrix(1, concat ? heads * f : f);
  fill(bias.value, 13);
  gat::Matrix out, d_heads;
  for (auto _ : state) {
    benchmark::DoNotOptimize(gat::nn::detail::merge_heads<float>(in, heads, concat, &bias, out).data());
    benchmark::DoNotOptimize(gat::nn::detail::merge_heads_backward<float>(d.view(), heads, f, concat, &bias, d_heads).data());
  }
}

// FNV-1a over the bits of a matrix.
std::uint64_t fnv(const gat::Matrix& m, std::uint64_t h = 1469598103934665603ULL) {
  const auto* p = reinterpret_cast<const unsigned char*>(m.data());
  for (std::int64_t i = 0; i < m.size() * static_cast<std::int64_t>(sizeof(float)); ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

void print_checksums() {
  const Case& c = the_case();
  const auto x = sparse_input(c);
  {
    gat::nn::detail::HeadwiseInputDropout<float> hw;
    gat::Matrix y, wg(kHeads * kF, c.w1.cols());
    fill(wg, 14);
    hw.forward(x, c.w1, kHeads, 0.6f, {7, 8}, y);
    hw.backward(x, c.w1, c.dy1.view(), wg, nullptr);
    std::printf("checksum headwise sparse forward  %016llx\n", static_cast<unsigned long long>(fnv(y)));
    std::printf("checksum headwise sparse backward %016llx\n", static_cast<unsigned long long>(fnv(wg)));
  }
  {
    gat::nn::detail::HeadwiseInputDropout<float> hw;
    gat::Matrix y, wg(kClasses, kHeads * kF), dx;
    fill(wg, 15);
    const auto xd = gat::nn::LayerInput<float>::of(c.h.view());
    hw.forward(xd, c.w2, 1, 0.6f, {7, 9}, y);
    hw.backward(xd, c.w2, c.dy2.view(), wg, &dx);
    std::printf("checksum headwise dense output layer %016llx %016llx %016llx\n",
                static_cast<unsigned long long>(fnv(y)), static_cast<unsigned long long>(fnv(wg)),
                static_cast<unsigned long long>(fnv(dx)));
  }
  {
    gat::Matrix out(c.h.rows(), c.h.cols());
    gat::nn::dropout_forward<float>(c.h.view(), 0.6f, {7, 10}, out.view());
    std::printf("checksum dropout dense %016llx\n", static_cast<unsigned long long>(fnv(out)));
  }
  {
    gat::nn::Activation<float> act({.kind = gat::nn::ActivationKind::elu});
    const gat::nn::ForwardContext ctx{};
    const gat::Matrix y = gat::Matrix::from_view(act.forward(ctx, gat::nn::LayerInput<float>::of(c.h.view())).dense);
    const gat::Matrix d = gat::Matrix::from_view(act.backward(ctx, c.dy1.view(), true));
    std::printf("checksum elu %016llx %016llx\n", static_cast<unsigned long long>(fnv(y)),
                static_cast<unsigned long long>(fnv(d)));
  }
  for (const bool concat : {true, false}) {
    const std::int64_t heads = concat ? kHeads : 1, f = concat ? kF : kClasses;
    gat::Matrix in(c.h.rows(), heads * f);
    fill(in, 12);
    gat::Parameter<float> bias;
    bias.value = gat::Matrix(1, concat ? heads * f : f);
    bias.grad = gat::Matrix(1, concat ? heads * f : f);
    fill(bias.value, 13);
    fill(bias.grad, 16);
    gat::Matrix scratch, d_scratch;
    const gat::Matrix out = gat::Matrix::from_view(gat::nn::detail::merge_heads<float>(in, heads, concat, &bias, scratch));
    const gat::Matrix d_heads = gat::Matrix::from_view(
        gat::nn::detail::merge_heads_backward<float>((concat ? c.dy1 : c.dy2).view(), heads, f, concat, &bias, d_scratch));
    std::printf("checksum merge_heads %s %016llx %016llx %016llx\n", concat ? "concat" : "mean",
                static_cast<unsigned long long>(fnv(out)), static_cast<unsigned long long>(fnv(d_heads)),
                static_cast<unsigned long long>(fnv(bias.grad)));
  }
}

// Verifier (as in gapbs): the per-head sparse projection the first two benchmarks time, forward
// and backward, against the plain reference (reference/gat_reference): the same bits.
bool verify() {
  const Case& c = the_case();
  if (!c.data.features.is_sparse()) return true;
  gat::nn::detail::HeadwiseInputDropout<float> hw;
  gat::Matrix y, wg(kHeads * kF, c.w1.cols()), want_y, want_grad;
  hw.forward(sparse_input(c), c.w1, kHeads, 0.6f, {7, 8}, y);
  hw.backward(sparse_input(c), c.w1, c.dy1.view(), wg, nullptr);
  gat::reference::headwise_sparse_projection(c.data.features.sparse(), c.w1, kHeads, 0.6f, {7, 8}, c.dy1, want_y,
                                             want_grad);
  const bool same_y = std::memcmp(y.data(), want_y.data(), sizeof(float) * static_cast<std::size_t>(y.size())) == 0;
  const bool same_grad = std::memcmp(wg.data(), want_grad.data(), sizeof(float) * static_cast<std::size_t>(wg.size())) == 0;
  std::printf("verify headwise sparse projection 8x8: forward %s, weight gradient %s\n", same_y ? "same bits" : "DIFFERS",
              same_grad ? "same bits" : "DIFFERS");
  return same_y && same_grad;
}

}  // namespace

BENCHMARK(BM_HeadwiseSparseForward)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HeadwiseSparseBackward)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_HeadwiseDenseOutputLayer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DropoutDense)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Elu)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MergeHeads)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  bool checksums_only = false, verify_first = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--checksums-only") == 0)
      checksums_only = true;
    else if (std::strcmp(argv[i], "--verify") == 0)
      verify_first = true;
    else
      argv[out++] = argv[i];
  }
  argc = out;
  print_checksums();
  if (verify_first && !verify()) return 2;
  if (checksums_only) return 0;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
