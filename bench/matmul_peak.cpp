// gat's dense products against oneDNN's own best for the same shape. gat cuts every product into
// fixed 256 x 256 tiles of C (and long inner dimensions into fixed slabs), each one sequential
// oneDNN call, so that its bits do not depend on the thread count (tensor/matmul.cpp); oneDNN
// alone runs the whole product as one primitive threaded its own way. The ratio of the two is
// what that determinism costs, shape by shape:
//   BM_GatMatmul/S     gat::gemm, as the layers call it
//   BM_OneDNNMatmul/S  one dnnl::matmul over the whole shape, oneDNN's threading and scratchpad
// Shapes S (as a GAT layer uses them; "nt": y = x W^T, "tn": dW = dY^T x):
//   0  Cora's dense input projection     2708 x 1433 -> 64    nt
//   1  a 10^5-node graph's projection    100000 x 128 -> 64   nt
//   2  its weight gradient               64 x 128 over 100000 rows, tn (gat: 4 slabs of 32768)
//   3  Cora's output layer               2708 x 64 -> 7       nt
// Counter "GFLOPs" = 2 m n k per second (10^9). Threads: GAT_THREADS (default 1), for both.
#include <benchmark/benchmark.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>

#include "gat/core/parallel.hpp"
#include "gat/core/random.hpp"
#include "gat/tensor/matmul.hpp"
#include "gat/tensor/matrix.hpp"

namespace {

struct Shape {
  const char* name;
  std::int64_t m, n, k;
  bool transpose_a, transpose_b;  // op(A) is m x k, op(B) is k x n
};

constexpr std::array<Shape, 4> kShapes = {{
    {"cora-projection", 2708, 64, 1433, false, true},
    {"1e5-projection", 100000, 64, 128, false, true},
    {"1e5-weight-gradient", 64, 128, 100000, true, false},
    {"cora-output-layer", 2708, 7, 64, false, true},
}};

int bench_threads() {
  const char* s = std::getenv("GAT_THREADS");
  const int t = s ? std::atoi(s) : 1;
  return t > 0 ? t : 1;
}

struct Operands {
  gat::Matrix a, b, c;
};

// A as stored: m x k, or k x m when op(A) = A^T; B likewise.
Operands operands(const Shape& s) {
  Operands o{gat::Matrix(s.transpose_a ? s.k : s.m, s.transpose_a ? s.m : s.k),
             gat::Matrix(s.transpose_b ? s.n : s.k, s.transpose_b ? s.k : s.n), gat::Matrix(s.m, s.n)};
  const gat::RandomKey key{11, 12};
  for (std::int64_t i = 0; i < o.a.size(); ++i) o.a.data()[i] = key.uniform(static_cast<std::uint64_t>(i)) - 0.5f;
  for (std::int64_t i = 0; i < o.b.size(); ++i) o.b.data()[i] = key.uniform(static_cast<std::uint64_t>(i) + 7) - 0.5f;
  return o;
}

void set_flops(benchmark::State& state, const Shape& s) {
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * static_cast<double>(s.m * s.n * s.k) * state.iterations(),
                                                benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
  state.SetLabel(s.name);
}

void BM_GatMatmul(benchmark::State& state) {
  const Shape& s = kShapes[static_cast<std::size_t>(state.range(0))];
  gat::set_num_threads(bench_threads());
  Operands o = operands(s);
  const auto ta = s.transpose_a ? gat::Transpose::yes : gat::Transpose::no;
  const auto tb = s.transpose_b ? gat::Transpose::yes : gat::Transpose::no;
  gat::gemm<float>(o.a.view(), ta, o.b.view(), tb, o.c.view());  // creates and caches the primitives
  for (auto _ : state) {
    gat::gemm<float>(o.a.view(), ta, o.b.view(), tb, o.c.view());
    benchmark::DoNotOptimize(o.c.data());
  }
  set_flops(state, s);
}

void BM_OneDNNMatmul(benchmark::State& state) {
  const Shape& s = kShapes[static_cast<std::size_t>(state.range(0))];
  gat::set_num_threads(bench_threads());  // oneDNN runs on the same OpenMP runtime
  Operands o = operands(s);
  using dims = dnnl::memory::dims;
  using dt = dnnl::memory::data_type;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  // a transposed operand is the stored matrix read with swapped strides, as gat does
  const dnnl::memory::desc a_md({s.m, s.k}, dt::f32, s.transpose_a ? dims{1, s.m} : dims{s.k, 1});
  const dnnl::memory::desc b_md({s.k, s.n}, dt::f32, s.transpose_b ? dims{1, s.k} : dims{s.n, 1});
  const dnnl::memory::desc c_md({s.m, s.n}, dt::f32, dims{s.n, 1});
  const dnnl::matmul mm(dnnl::matmul::primitive_desc(dnnl::matmul::desc(a_md, b_md, c_md), engine));
  dnnl::memory a(a_md, engine, o.a.data()), b(b_md, engine, o.b.data()), c(c_md, engine, o.c.data());
  const auto run = [&] {
    mm.execute(stream, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
    stream.wait();
  };
  run();
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(o.c.data());
  }
  set_flops(state, s);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  for (std::int64_t s = 0; s < static_cast<std::int64_t>(kShapes.size()); ++s) {
    benchmark::RegisterBenchmark("BM_GatMatmul", BM_GatMatmul)->Arg(s)->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark("BM_OneDNNMatmul", BM_OneDNNMatmul)->Arg(s)->UseRealTime()->Unit(benchmark::kMicrosecond);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
