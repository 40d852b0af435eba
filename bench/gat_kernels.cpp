// Google Benchmark micro-benchmarks of the kernels behind a GAT training step, on a Cora-sized
// synthetic citation graph (2708 nodes, ~13k edges with self-loops) and, for the edge kernels, a
// large one (default 100k nodes with the generator's Cora-like degree): fused forward and backward
// attention (8 heads x 8 features, dropout 0.6; second argument 1: the source scores taken from the
// gathered value rows, attention/source_attention.hpp) and the single-head output layer (1 x 7, forward and
// backward), the unfused reference forward (scores, edge softmax,
// dropout, aggregate), the projection with sparse (bag-of-words) and dense input, a whole GATConv
// layer forward + backward, and the Adam step.
// Run with --benchmark_min_time=0.2 (or more) and gat's thread count from GAT_THREADS (default 1).
// Counters: edges/s ("edges"), bytes/s of the per-edge traffic model ("bytes", see fused_bytes and
// docs/performance.md) and that rate as a fraction of the STREAM triad bandwidth ("of_triad").
//
// Own options (before Google Benchmark's):
//   --large-nodes N        nodes of the large graph (default 100000)
//   --large-in-degree D    its incoming edges per node, self-loops not counted (default: the
//                          generator's Cora-like 3.9 before merging duplicates); calibrated as in gat_e2e
//   --large-reorder R      none (default), degree or rcm: the large graph in that locality order
//                          (gat::degree_order, gat::reverse_cuthill_mckee_order)
//   --verify               before timing, check every timed attention case (Cora and the large
//                          graph: 8 x 8 with scores read and taken from the values, the 1 x 7
//                          output layer, 8 x 3 padded) against reference/gat_reference; without
//                          it only Cora's 8 x 8 case is checked. Exit status 2 on a wrong result.
//   --triad-gbs X          the triad bandwidth to divide by, in GB/s (10^9 B/s); default: measured here
//                          before the benchmarks, 256 MB arrays, GAT_THREADS threads, best of 10
//   e.g. GAT_THREADS=1 gat_bench_kernels --large-nodes 1000000 --large-in-degree 16 --benchmark_filter=Fused
#include <benchmark/benchmark.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gat/gat.hpp>

#include "attention/source_attention.hpp"
#include "gat_reference/attention.hpp"

namespace {

constexpr std::int64_t kHeads = 8, kF = 8;
constexpr std::int64_t kClasses = 7;  // Cora's output layer: 1 head x 7 features

std::int64_t g_large_nodes = 100000;
double g_large_in_degree = 0;  // 0: generator default
std::string g_large_reorder = "none";
double g_triad_bytes_per_s = 0;

int bench_threads() {
  const char* t = std::getenv("GAT_THREADS");
  return t ? std::max(1, std::atoi(t)) : 1;
}

// STREAM triad a = b + s * c on three 256 MB-total double arrays (as gat_stream), best of reps.
double measure_triad(int threads, int reps = 10) {
  const std::size_t n = 256ull * 1024 * 1024 / (3 * sizeof(double));
  std::vector<double> a(n), b(n), c(n);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t i = 0; i < n; ++i) a[i] = 1.0, b[i] = 2.0, c[i] = 0.5;
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (a[n / 2] != 3.5) std::abort();
  return 3.0 * 8 * static_cast<double>(n) / best;
}

struct GraphCase {
  gat::io::Dataset data;
  gat::Graph graph;      // with one self-loop per node, as GATConv uses it
  gat::Matrix h, src, dst, d_out;
  gat::Matrix att, src_of_h;           // src_of_h = head_dot(h, att), as GATConv's source scores
  gat::Matrix h1, src1, dst1, d_out1;  // a single-head output layer: 1 head x kClasses
};

void fill(gat::Matrix& m, std::uint64_t stream) {
  const gat::RandomKey key{7, stream};
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = key.uniform(static_cast<std::uint64_t>(i)) - 0.5f;
}

// The synthetic citation graph (Cora's features); with in_degree > 0 about that many stored
// incoming edges per node (average_degree rescaled from the measured count, at most 3 tries).
gat::io::Dataset make_graph(std::int64_t nodes, double in_degree) {
  gat::io::SyntheticCitationOptions o;
  o.nodes = nodes;
  if (in_degree <= 0) return gat::io::make_synthetic_citation(o);
  o.average_degree = in_degree;
  gat::io::Dataset d;
  for (int attempt = 0; attempt < 3; ++attempt) {
    d = gat::io::make_synthetic_citation(o);
    const double got = static_cast<double>(d.edges.source.size()) / static_cast<double>(nodes);
    if (got <= 0 || std::abs(got - in_degree) <= 0.01 * in_degree) break;
    o.average_degree = std::min(1e4, o.average_degree * in_degree / got);
  }
  return d;
}

const GraphCase& graph_case(std::int64_t nodes) {
  static std::map<std::int64_t, std::unique_ptr<GraphCase>> cached;
  auto& slot = cached[nodes];
  if (!slot) {
    gat::set_num_threads(bench_threads());
    slot = std::make_unique<GraphCase>();
    const bool large = nodes == g_large_nodes && nodes != 2708;
    slot->data = make_graph(nodes, large ? g_large_in_degree : 0);
    const bool reordered = large && g_large_reorder != "none";
    if (reordered)
      slot->data = gat::io::permuted(slot->data, gat::locality_order(gat::Graph::from_edges(slot->data.edges), g_large_reorder));
    slot->data.features.normalize_rows();
    gat::GraphOptions go;
    go.self_loops = gat::SelfLoops::add;
    slot->graph = gat::Graph::from_edges(slot->data.edges, go);
    const std::int64_t n = slot->graph.num_nodes();
    slot->h = gat::Matrix(n, kHeads * kF);
    slot->src = gat::Matrix(n, kHeads);
    slot->dst = gat::Matrix(n, kHeads);
    slot->d_out = gat::Matrix(n, kHeads * kF);
    fill(slot->h, 1);
    fill(slot->src, 2);
    fill(slot->dst, 3);
    fill(slot->d_out, 4);
    slot->att = gat::Matrix(1, kHeads * kF);
    slot->src_of_h = gat::Matrix(n, kHeads);
    fill(slot->att, 8);
    gat::attention::head_dot<float>(slot->h.view(), slot->att.view(), kHeads, slot->src_of_h.view());
    slot->h1 = gat::Matrix(n, kClasses);
    slot->src1 = gat::Matrix(n, 1);
    slot->dst1 = gat::Matrix(n, 1);
    slot->d_out1 = gat::Matrix(n, kClasses);
    fill(slot->h1, 5);
    fill(slot->src1, 6);
    fill(slot->dst1, 7);
    fill(slot->d_out1, 8);
    std::printf("graph %lld nodes%s%s: %lld edges with self-loops (in-degree %.2f + 1)\n", static_cast<long long>(n),
                reordered ? ", reordered " : "", reordered ? g_large_reorder.c_str() : "",
                static_cast<long long>(slot->graph.num_edges()),
                static_cast<double>(slot->data.edges.source.size()) / static_cast<double>(n));
  }
  return *slot;
}

// Compulsory bytes of one fused pass: per edge the source's value row (H*F floats) and its score
// row (H floats) plus an index; per node its output row and scores.
// Without the score row when the kernels take a source's scores from its value row.
double fused_bytes(const GraphCase& c, bool source_from_values = false) {
  const double e = static_cast<double>(c.graph.num_edges()), n = static_cast<double>(c.graph.num_nodes());
  const double score_row = source_from_values ? 0 : kHeads;
  return e * (kHeads * kF + score_row) * 4.0 + e * 8.0 + n * (2 * kHeads * kF + 4 * kHeads) * 4.0;
}

// The 8-head benchmarks' second argument: 0, source scores read from their rows; 1, taken from the
// value rows the kernels gather (attention/source_attention.hpp, as GATConv without value dropout).
struct SourceScores {
  gat::MatrixView<const float> src;
  gat::MatrixView<const float> source_attention;  // empty: read the scores
};
SourceScores source_scores(const GraphCase& c, std::int64_t from_values) {
  if (from_values) return {c.src_of_h.view(), c.att.view()};
  return {c.src.view(), {}};
}

using Clock = std::chrono::steady_clock;

// Rates use wall time (the edge kernels are registered with UseRealTime); "of_triad" is computed
// here from the wall time of the timing loop, so that it prints as a plain fraction.
void set_counters(benchmark::State& state, const GraphCase& c, double bytes, Clock::time_point loop_start) {
  const double seconds = std::chrono::duration<double>(Clock::now() - loop_start).count();
  state.counters["edges"] = benchmark::Counter(static_cast<double>(c.graph.num_edges()) * state.iterations(),
                                               benchmark::Counter::kIsRate);
  state.counters["bytes"] = benchmark::Counter(bytes * state.iterations(), benchmark::Counter::kIsRate,
                                               benchmark::Counter::kIs1000);
  if (g_triad_bytes_per_s > 0 && seconds > 0)
    state.counters["of_triad"] = bytes * static_cast<double>(state.iterations()) / seconds / g_triad_bytes_per_s;
  state.counters["nodes"] = static_cast<double>(c.graph.num_nodes());
}

void BM_FusedForward(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const SourceScores s = source_scores(c, state.range(1));
  const gat::attention::AttentionDropout drop{0.6f, {1, 2}};
  gat::Matrix out(c.graph.num_nodes(), kHeads * kF);
  gat::attention::GraphAttentionState<float> st;
  // one untimed call first (page faults of fresh outputs and scratch)
  gat::attention::detail::gat_attention_forward_from_values<float>(c.graph, s.src, c.dst.view(), c.h.view(), kHeads, {}, s.source_attention, drop,
                                               out.view(), st, false);
  const auto t0 = Clock::now();
  for (auto _ : state) {
    gat::attention::detail::gat_attention_forward_from_values<float>(c.graph, s.src, c.dst.view(), c.h.view(), kHeads, {}, s.source_attention, drop,
                                                 out.view(), st, false);
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, c, fused_bytes(c, state.range(1) != 0), t0);
}

void BM_FusedBackward(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const SourceScores s = source_scores(c, state.range(1));
  const gat::attention::AttentionDropout drop{0.6f, {1, 2}};
  const std::int64_t n = c.graph.num_nodes();
  gat::Matrix out(n, kHeads * kF), d_src(n, kHeads), d_dst(n, kHeads), d_h(n, kHeads * kF);
  gat::attention::GraphAttentionState<float> st;
  gat::attention::detail::gat_attention_forward_from_values<float>(c.graph, s.src, c.dst.view(), c.h.view(), kHeads, {}, s.source_attention, drop,
                                               out.view(), st, false);
  gat::attention::detail::gat_attention_backward_from_values<float>(c.graph, s.src, c.dst.view(), c.h.view(), kHeads, {}, s.source_attention, drop, st,
                                                c.d_out.view(), d_src.view(), d_dst.view(), d_h.view());  // untimed
  const auto t0 = Clock::now();
  for (auto _ : state) {
    gat::attention::detail::gat_attention_backward_from_values<float>(c.graph, s.src, c.dst.view(), c.h.view(), kHeads, {}, s.source_attention, drop,
                                                  st, c.d_out.view(), d_src.view(), d_dst.view(), d_h.view());
    benchmark::DoNotOptimize(d_h.data());
  }
  set_counters(state, c, 2 * fused_bytes(c, state.range(1) != 0) + static_cast<double>(c.graph.num_edges()) * kHeads * 8.0,
               t0);
}

// The single-head output layer (1 x kClasses, dropout 0.6): forward then backward per iteration.
void BM_FusedOutputLayer(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const gat::attention::AttentionDropout drop{0.6f, {1, 3}};
  const std::int64_t n = c.graph.num_nodes();
  gat::Matrix out(n, kClasses), d_src(n, 1), d_dst(n, 1), d_h(n, kClasses);
  gat::attention::GraphAttentionState<float> st;
  auto step = [&] {
    gat::attention::gat_attention_forward<float>(c.graph, c.src1.view(), c.dst1.view(), c.h1.view(), 1, {}, drop,
                                                 out.view(), st, false);
    gat::attention::gat_attention_backward<float>(c.graph, c.src1.view(), c.dst1.view(), c.h1.view(), 1, {}, drop,
                                                  st, c.d_out1.view(), d_src.view(), d_dst.view(), d_h.view());
  };
  step();  // untimed
  const auto t0 = Clock::now();
  for (auto _ : state) {
    step();
    benchmark::DoNotOptimize(d_h.data());
  }
  const double e = static_cast<double>(c.graph.num_edges());
  set_counters(state, c, 3 * e * (kClasses + 1) * 4.0 + e * 16.0, t0);
}

void BM_UnfusedForward(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const gat::attention::AttentionDropout drop{0.6f, {1, 2}};
  const std::int64_t n = c.graph.num_nodes(), e = c.graph.num_edges();
  gat::Matrix scores(e, kHeads), weights(e, kHeads), out(n, kHeads * kF);
  {  // one untimed pass first (page faults of fresh outputs)
    gat::attention::edge_scores_concat<float>(c.graph, c.src.view(), c.dst.view(), kHeads, {}, scores.view());
    gat::attention::edge_softmax<float>(c.graph, scores.view(), weights.view());
    gat::attention::edge_dropout<float>(drop, weights.view());
    gat::attention::aggregate<float>(c.graph, weights.view(), c.h.view(), out.view());
  }
  const auto t0 = Clock::now();
  for (auto _ : state) {
    gat::attention::edge_scores_concat<float>(c.graph, c.src.view(), c.dst.view(), kHeads, {}, scores.view());
    gat::attention::edge_softmax<float>(c.graph, scores.view(), weights.view());
    gat::attention::edge_dropout<float>(drop, weights.view());
    gat::attention::aggregate<float>(c.graph, weights.view(), c.h.view(), out.view());
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, c, fused_bytes(c) + static_cast<double>(e) * kHeads * 4.0 * 6, t0);
}

void BM_ProjectionSparse(benchmark::State& state) {
  const GraphCase& c = graph_case(2708);
  gat::nn::Projection<float> proj;
  gat::Matrix w(kHeads * kF, c.data.features.cols()), y, wg(kHeads * kF, c.data.features.cols());
  fill(w, 5);
  const auto x = gat::nn::LayerInput<float>::of(c.data.features);
  for (auto _ : state) {
    proj.forward(x, w, y);
    if (state.range(0)) proj.backward(x, w, y.view(), wg, nullptr);
    benchmark::DoNotOptimize(y.data());
  }
}

void BM_ProjectionDense(benchmark::State& state) {
  const GraphCase& c = graph_case(2708);
  const std::int64_t n = c.graph.num_nodes();
  gat::nn::Projection<float> proj;
  gat::Matrix x(n, kHeads * kF), w(7, kHeads * kF), y, wg(7, kHeads * kF), dx;
  fill(x, 6);
  fill(w, 7);
  const auto in = gat::nn::LayerInput<float>::of(x.view());
  for (auto _ : state) {
    proj.forward(in, w, y);
    if (state.range(0)) proj.backward(in, w, y.view(), wg, &dx);
    benchmark::DoNotOptimize(y.data());
  }
}

void BM_GATConvLayer(benchmark::State& state) {
  const GraphCase& c = graph_case(2708);
  gat::nn::GATConv<float> conv({.in_channels = c.data.features.cols(), .out_channels = kF, .heads = kHeads,
                                .dropout = 0.6f, .feature_dropout = 0.6f});
  conv.train();
  const gat::Graph plain = gat::Graph::from_edges(c.data.edges);
  const gat::nn::ForwardContext ctx{&plain, {3, 4}};
  const auto x = gat::nn::LayerInput<float>::of(c.data.features);
  gat::Matrix d_out(plain.num_nodes(), kHeads * kF);
  fill(d_out, 8);
  for (auto _ : state) {
    auto y = conv.forward(ctx, x);
    benchmark::DoNotOptimize(y.dense.data());
    conv.backward(ctx, d_out.view(), false);
  }
}

void BM_AdamStep(benchmark::State& state) {
  const GraphCase& c = graph_case(2708);
  gat::nn::GatModel<float> model({.in_features = c.data.features.cols(), .num_classes = 7});
  gat::train::Adam<float> adam(model, {.lr = 0.005, .weight_decay = 5e-4});
  for (auto _ : state) adam.step();
}

// Verifiers (as in gapbs): every timed attention case against the unfused reference
// (reference/gat_reference/attention.hpp) in double, by normalised error; the benchmark refuses to
// time a wrong kernel. Without --verify only the Cora 8 x 8 case is checked.
gat::MatrixD to_double(gat::MatrixView<const float> m) {
  gat::MatrixD d(m.rows(), m.cols());
  for (std::int64_t r = 0; r < m.rows(); ++r)
    for (std::int64_t k = 0; k < m.cols(); ++k) d(r, k) = m(r, k);
  return d;
}

// The fused float kernels (the path the shapes and source_attention select) on these inputs,
// forward and backward, against the reference.
bool verify_case(const char* what, const gat::Graph& g, gat::MatrixView<const float> src,
                 gat::MatrixView<const float> dst, gat::MatrixView<const float> h, gat::MatrixView<const float> d_out,
                 std::int64_t heads, gat::MatrixView<const float> source_attention) {
  namespace ga = gat::attention;
  const std::int64_t n = g.num_nodes();
  const ga::AttentionDropout drop{0.6f, {1, 2}};
  gat::Matrix out(n, h.cols()), d_src(n, heads), d_dst(n, heads), d_h(n, h.cols());
  ga::GraphAttentionState<float> st;
  ga::detail::gat_attention_forward_from_values<float>(g, src, dst, h, heads, {}, source_attention, drop, out.view(),
                                                       st, false);
  ga::detail::gat_attention_backward_from_values<float>(g, src, dst, h, heads, {}, source_attention, drop, st, d_out,
                                                        d_src.view(), d_dst.view(), d_h.view());
  const auto ref = gat::reference::concat_attention<double>(g, to_double(src), to_double(dst), to_double(h),
                                                            to_double(d_out), heads, {}, drop);
  using gat::reference::normalized_error;
  const double errs[4] = {normalized_error<float, double>(out.view(), ref.ref.out.view()),
                          normalized_error<float, double>(d_h.view(), ref.d_values.view()),
                          normalized_error<float, double>(d_src.view(), ref.d_src.view()),
                          normalized_error<float, double>(d_dst.view(), ref.d_dst.view())};
  const bool ok = errs[0] < 1e-5 && errs[1] < 1e-5 && errs[2] < 1e-4 && errs[3] < 1e-4;
  std::printf("verify %-44s out %.2e  d_values %.2e  d_src %.2e  d_dst %.2e  %s\n", what, errs[0], errs[1], errs[2],
              errs[3], ok ? "ok" : "FAILED");
  return ok;
}

// Every attention case the benchmarks time on this graph, and the 8 heads x 3 features shape
// (Pubmed's output layer) that runs the 8 x 8 kernels on padded rows.
bool verify_graph(std::int64_t nodes) {
  const GraphCase& c = graph_case(nodes);
  const std::string at = " (" + std::to_string(c.graph.num_nodes()) + " nodes)";
  bool ok = verify_case(("8x8, scores read" + at).c_str(), c.graph, c.src.view(), c.dst.view(), c.h.view(),
                        c.d_out.view(), kHeads, {});
  ok &= verify_case(("8x8, scores from values" + at).c_str(), c.graph, c.src_of_h.view(), c.dst.view(), c.h.view(),
                    c.d_out.view(), kHeads, c.att.view());
  ok &= verify_case(("1x7 output layer" + at).c_str(), c.graph, c.src1.view(), c.dst1.view(), c.h1.view(),
                    c.d_out1.view(), 1, {});
  const gat::Matrix h3 = gat::Matrix::from_view(c.h.view().block_cols(0, kHeads * 3));
  const gat::Matrix d3 = gat::Matrix::from_view(c.d_out.view().block_cols(0, kHeads * 3));
  ok &= verify_case(("8x3 padded to 8x8" + at).c_str(), c.graph, c.src.view(), c.dst.view(), h3.view(), d3.view(),
                    kHeads, {});
  return ok;
}

bool verify(bool every_case) {
  if (!every_case) {
    const GraphCase& c = graph_case(2708);
    return verify_case("8x8, scores read (2708 nodes)", c.graph, c.src.view(), c.dst.view(), c.h.view(),
                       c.d_out.view(), kHeads, {});
  }
  bool ok = verify_graph(2708);
  if (g_large_nodes != 2708) ok &= verify_graph(g_large_nodes);
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  // Own options first; the rest goes to Google Benchmark.
  std::vector<char*> rest{argv[0]};
  double triad_gbs = 0;
  bool verify_all = false;
  for (int a = 1; a < argc; ++a) {
    const bool has_value = a + 1 < argc;
    if (!std::strcmp(argv[a], "--verify")) verify_all = true;
    else if (!std::strcmp(argv[a], "--large-nodes") && has_value) g_large_nodes = std::atoll(argv[++a]);
    else if (!std::strcmp(argv[a], "--large-in-degree") && has_value) g_large_in_degree = std::atof(argv[++a]);
    else if (!std::strcmp(argv[a], "--large-reorder") && has_value) g_large_reorder = argv[++a];
    else if (!std::strcmp(argv[a], "--triad-gbs") && has_value) triad_gbs = std::atof(argv[++a]);
    else rest.push_back(argv[a]);
  }
  if (g_large_nodes < 3) {
    std::fprintf(stderr, "gat_bench_kernels: --large-nodes must be >= 3\n");
    return 1;
  }
  if (std::find(gat::kLocalityOrders.begin(), gat::kLocalityOrders.end(), g_large_reorder) == gat::kLocalityOrders.end()) {
    std::fprintf(stderr, "gat_bench_kernels: --large-reorder must be none, degree or rcm, got %s\n", g_large_reorder.c_str());
    return 1;
  }
  int bargc = static_cast<int>(rest.size());
  rest.push_back(nullptr);
  benchmark::Initialize(&bargc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(bargc, rest.data())) return 1;
  if (!verify(verify_all)) return 2;
  const int threads = bench_threads();
  g_triad_bytes_per_s = triad_gbs > 0 ? triad_gbs * 1e9 : measure_triad(threads);
  std::printf("STREAM triad %s: %.2f GB/s (%d thread(s)); \"of_triad\" = bytes/s / this\n",
              triad_gbs > 0 ? "given" : "measured here", g_triad_bytes_per_s / 1e9, threads);
  for (const std::int64_t nodes : {std::int64_t{2708}, g_large_nodes}) {
    benchmark::RegisterBenchmark("BM_FusedForward", BM_FusedForward)->Args({nodes, 0})->Args({nodes, 1})->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("BM_FusedBackward", BM_FusedBackward)->Args({nodes, 0})->Args({nodes, 1})->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("BM_UnfusedForward", BM_UnfusedForward)->Arg(nodes)->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("BM_FusedOutputLayer", BM_FusedOutputLayer)->Arg(nodes)->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("BM_ProjectionSparse", BM_ProjectionSparse)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_ProjectionDense", BM_ProjectionDense)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_GATConvLayer", BM_GATConvLayer)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_AdamStep", BM_AdamStep)->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
