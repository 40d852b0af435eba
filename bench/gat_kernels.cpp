// Google Benchmark micro-benchmarks of the kernels behind a GAT training step, on a Cora-sized
// synthetic citation graph (2708 nodes, ~13k edges with self-loops) and, for the edge kernels, a
// 100k-node one: fused forward and backward attention (8 heads x 8 features, dropout 0.6), the
// unfused reference forward (scores, edge softmax, dropout, aggregate), the projection with sparse
// (bag-of-words) and dense input, a whole GATConv layer forward + backward, and the Adam step.
// Run with --benchmark_min_time=0.2 (or more) and gat's thread count from GAT_THREADS (default 1).
// Counters: edges/s ("edges") and bytes/s of the compulsory traffic ("bytes", see docs/performance.md).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <gat/gat.hpp>

namespace {

constexpr std::int64_t kHeads = 8, kF = 8;

struct GraphCase {
  gat::io::Dataset data;
  gat::Graph graph;      // with one self-loop per node, as GATConv uses it
  gat::Matrix h, src, dst, d_out;
};

void fill(gat::Matrix& m, std::uint64_t stream) {
  const gat::RandomKey key{7, stream};
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = key.uniform(static_cast<std::uint64_t>(i)) - 0.5f;
}

const GraphCase& graph_case(std::int64_t nodes) {
  static std::unique_ptr<GraphCase> cached[2];
  auto& slot = cached[nodes > 2708 ? 1 : 0];
  if (!slot) {
    const char* t = std::getenv("GAT_THREADS");
    gat::set_num_threads(t ? std::atoi(t) : 1);
    slot = std::make_unique<GraphCase>();
    gat::io::SyntheticCitationOptions o;
    o.nodes = nodes;
    slot->data = gat::io::make_synthetic_citation(o);
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
  }
  return *slot;
}

// Compulsory bytes of one fused pass: per edge the source's value row (H*F floats) and its score
// row (H floats) plus an index; per node its output row and scores.
double fused_bytes(const GraphCase& c) {
  const double e = static_cast<double>(c.graph.num_edges()), n = static_cast<double>(c.graph.num_nodes());
  return e * (kHeads * kF + kHeads) * 4.0 + e * 8.0 + n * (2 * kHeads * kF + 4 * kHeads) * 4.0;
}

void set_counters(benchmark::State& state, const GraphCase& c, double bytes) {
  state.counters["edges"] = benchmark::Counter(static_cast<double>(c.graph.num_edges()) * state.iterations(),
                                               benchmark::Counter::kIsRate);
  state.counters["bytes"] = benchmark::Counter(bytes * state.iterations(), benchmark::Counter::kIsRate,
                                               benchmark::Counter::kIs1024);
}

void BM_FusedForward(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const gat::attention::AttentionDropout drop{0.6f, {1, 2}};
  gat::Matrix out(c.graph.num_nodes(), kHeads * kF);
  gat::attention::GraphAttentionState<float> st;
  for (auto _ : state) {
    gat::attention::gat_attention_forward<float>(c.graph, c.src.view(), c.dst.view(), c.h.view(), kHeads, {}, drop,
                                                 out.view(), st, false);
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, c, fused_bytes(c));
}

void BM_FusedBackward(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const gat::attention::AttentionDropout drop{0.6f, {1, 2}};
  const std::int64_t n = c.graph.num_nodes();
  gat::Matrix out(n, kHeads * kF), d_src(n, kHeads), d_dst(n, kHeads), d_h(n, kHeads * kF);
  gat::attention::GraphAttentionState<float> st;
  gat::attention::gat_attention_forward<float>(c.graph, c.src.view(), c.dst.view(), c.h.view(), kHeads, {}, drop,
                                               out.view(), st, false);
  for (auto _ : state) {
    gat::attention::gat_attention_backward<float>(c.graph, c.src.view(), c.dst.view(), c.h.view(), kHeads, {}, drop,
                                                  st, c.d_out.view(), d_src.view(), d_dst.view(), d_h.view());
    benchmark::DoNotOptimize(d_h.data());
  }
  set_counters(state, c, 2 * fused_bytes(c) + static_cast<double>(c.graph.num_edges()) * kHeads * 8.0);
}

void BM_UnfusedForward(benchmark::State& state) {
  const GraphCase& c = graph_case(state.range(0));
  const gat::attention::AttentionDropout drop{0.6f, {1, 2}};
  const std::int64_t n = c.graph.num_nodes(), e = c.graph.num_edges();
  gat::Matrix scores(e, kHeads), weights(e, kHeads), out(n, kHeads * kF);
  for (auto _ : state) {
    gat::attention::edge_scores_concat<float>(c.graph, c.src.view(), c.dst.view(), kHeads, {}, scores.view());
    gat::attention::edge_softmax<float>(c.graph, scores.view(), weights.view());
    gat::attention::edge_dropout<float>(drop, weights.view());
    gat::attention::aggregate<float>(c.graph, weights.view(), c.h.view(), out.view());
    benchmark::DoNotOptimize(out.data());
  }
  set_counters(state, c, fused_bytes(c) + static_cast<double>(e) * kHeads * 4.0 * 6);
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

// Verifier (as in gapbs): the fused kernels against the unfused reference ops on the benchmark's
// own 8 x 8 input, by normalised error; the benchmark refuses to time a wrong kernel.
double rel_err(const gat::Matrix& a, const gat::Matrix& b) {
  double num = 0, den = 0;
  for (std::int64_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a.data()[i]) - b.data()[i];
    num += d * d;
    den += static_cast<double>(b.data()[i]) * b.data()[i];
  }
  return std::sqrt(num / (den > 0 ? den : 1));
}

bool verify() {
  namespace ga = gat::attention;
  const GraphCase& c = graph_case(2708);
  const gat::Graph& g = c.graph;
  const std::int64_t n = g.num_nodes(), e = g.num_edges();
  const ga::AttentionDropout drop{0.6f, {1, 2}};
  gat::Matrix out(n, kHeads * kF), d_src(n, kHeads), d_dst(n, kHeads), d_h(n, kHeads * kF);
  ga::GraphAttentionState<float> st;
  ga::gat_attention_forward<float>(g, c.src.view(), c.dst.view(), c.h.view(), kHeads, {}, drop, out.view(), st, false);
  ga::gat_attention_backward<float>(g, c.src.view(), c.dst.view(), c.h.view(), kHeads, {}, drop, st, c.d_out.view(),
                                    d_src.view(), d_dst.view(), d_h.view());
  gat::Matrix scores(e, kHeads), w(e, kHeads), wd(e, kHeads), ref(n, kHeads * kF);
  ga::edge_scores_concat<float>(g, c.src.view(), c.dst.view(), kHeads, {}, scores.view());
  ga::edge_softmax<float>(g, scores.view(), w.view());
  wd.assign(w.view());
  ga::edge_dropout<float>(drop, wd.view());
  ga::aggregate<float>(g, wd.view(), c.h.view(), ref.view());
  gat::Matrix d_wd(e, kHeads), r_dh(n, kHeads * kF), d_s(e, kHeads), r_src(n, kHeads), r_dst(n, kHeads);
  ga::aggregate_backward<float>(g, wd.view(), c.h.view(), c.d_out.view(), d_wd.view(), r_dh.view());
  ga::edge_dropout<float>(drop, d_wd.view());
  ga::edge_softmax_backward<float>(g, w.view(), d_wd.view(), d_s.view());
  ga::edge_scores_concat_backward<float>(g, c.src.view(), c.dst.view(), kHeads, {}, d_s.view(), r_src.view(),
                                         r_dst.view());
  const double errs[4] = {rel_err(out, ref), rel_err(d_h, r_dh), rel_err(d_src, r_src), rel_err(d_dst, r_dst)};
  const bool ok = errs[0] < 1e-5 && errs[1] < 1e-5 && errs[2] < 1e-4 && errs[3] < 1e-4;
  std::printf("verify fused vs reference (8x8, dropout 0.6): out %.2e  d_values %.2e  d_src %.2e  d_dst %.2e  %s\n",
              errs[0], errs[1], errs[2], errs[3], ok ? "ok" : "FAILED");
  return ok;
}

}  // namespace

BENCHMARK(BM_FusedForward)->Arg(2708)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FusedBackward)->Arg(2708)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_UnfusedForward)->Arg(2708)->Arg(100000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ProjectionSparse)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ProjectionDense)->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GATConvLayer)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_AdamStep)->Unit(benchmark::kMicrosecond);
int main(int argc, char** argv) {
  if (!verify()) return 2;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
