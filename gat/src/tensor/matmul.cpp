#include "gat/tensor/matmul.hpp"

#include <atomic>
#include <cstddef>
#include <mutex>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <omp.h>

#include <algorithm>
#include <oneapi/dnnl/dnnl.hpp>

#include "gat/core/error.hpp"
#include "gat/core/parallel.hpp"

namespace gat {

namespace {

struct Shape {
  std::int64_t m, n, k;
};

template <class T>
Shape check_shapes(MatrixView<const T> a, Transpose ta, MatrixView<const T> b, Transpose tb, MatrixView<T> c) {
  const std::int64_t m = ta == Transpose::no ? a.rows() : a.cols();
  const std::int64_t ka = ta == Transpose::no ? a.cols() : a.rows();
  const std::int64_t kb = tb == Transpose::no ? b.rows() : b.cols();
  const std::int64_t n = tb == Transpose::no ? b.cols() : b.rows();
  GAT_REQUIRE(ka == kb, "matrix product: inner dimensions differ: op(A) is ", m, "x", ka, ", op(B) is ", kb, "x", n);
  GAT_REQUIRE(c.rows() == m && c.cols() == n, "matrix product: C is ", c.rows(), "x", c.cols(), " but op(A)*op(B) is ",
              m, "x", n);
  return {m, n, ka};
}

template <class T>
void scale_or_zero(MatrixView<T> c, Accumulate acc) {
  if (acc == Accumulate::yes) return;
  for (std::int64_t r = 0; r < c.rows(); ++r)
    for (std::int64_t j = 0; j < c.cols(); ++j) c(r, j) = T(0);
}

// --- oneDNN path -------------------------------------------------------------------------------

struct PrimitiveKey {
  std::int64_t m, n, k, lda, ldb, ldc;
  bool ta, tb, acc;
  bool operator==(const PrimitiveKey&) const = default;
};

struct PrimitiveKeyHash {
  std::size_t operator()(const PrimitiveKey& key) const noexcept {
    std::size_t h = 1469598103934665603ULL;
    for (std::int64_t v : {key.m, key.n, key.k, key.lda, key.ldb, key.ldc,
                           std::int64_t(key.ta) | std::int64_t(key.tb) << 1 | std::int64_t(key.acc) << 2})
      h = (h ^ static_cast<std::size_t>(v)) * 1099511628211ULL;
    return h;
  }
};

struct CachedMatmul {
  dnnl::memory::desc a_md, b_md, c_md, scratchpad_md;
  dnnl::matmul primitive;
};

class MatmulCache {
 public:
  static MatmulCache& instance() {
    static MatmulCache cache;
    return cache;
  }

  const CachedMatmul& get(const PrimitiveKey& key) {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(key, create(key)).first->second;
  }

  dnnl::engine& engine() { return engine_; }
  std::int64_t created() const { return created_.load(); }

 private:
  MatmulCache() : engine_(dnnl::engine::kind::cpu, 0) {}

  CachedMatmul create(const PrimitiveKey& key) {
    using dims = dnnl::memory::dims;
    using dt = dnnl::memory::data_type;
    // A transposed operand is the same buffer read with swapped strides.
    const dims a_strides = key.ta ? dims{1, key.lda} : dims{key.lda, 1};
    const dims b_strides = key.tb ? dims{1, key.ldb} : dims{key.ldb, 1};
    CachedMatmul c{dnnl::memory::desc({key.m, key.k}, dt::f32, a_strides),
                   dnnl::memory::desc({key.k, key.n}, dt::f32, b_strides),
                   dnnl::memory::desc({key.m, key.n}, dt::f32, dims{key.ldc, 1}), {}, {}};
    dnnl::primitive_attr attr;
    // Threads run tiles of the same shape, hence the same primitive, at the same time. With the
    // library's scratchpad they would share one buffer and corrupt each other's partial sums;
    // each execution passes a scratchpad of its own thread instead.
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    if (key.acc) {
      dnnl::post_ops ops;
      ops.append_sum(1.0f);
      attr.set_post_ops(ops);
    }
    try {
      auto pd = dnnl::matmul::primitive_desc(dnnl::matmul::desc(c.a_md, c.b_md, c.c_md), attr, engine_);
      c.primitive = dnnl::matmul(pd);
      c.scratchpad_md = pd.scratchpad_desc();
    } catch (const dnnl::error& e) {
      throw InternalError(std::string("oneDNN could not create a matmul for shape ") + std::to_string(key.m) + "x" +
                          std::to_string(key.k) + " * " + std::to_string(key.k) + "x" + std::to_string(key.n) + ": " +
                          e.what());
    }
    ++created_;
    return c;
  }

  std::mutex mutex_;
  dnnl::engine engine_;
  std::unordered_map<PrimitiveKey, CachedMatmul, PrimitiveKeyHash> cache_;
  std::atomic<std::int64_t> created_{0};
};

// oneDNN picks kernels and splits work by its thread count, so the same product computed with 1
// and 2 threads can round differently. To keep gat's results independent of the thread count,
// C is cut into tiles of a fixed shape, every tile is one sequential oneDNN product (created and
// run with one thread), and the tiles are shared among the threads.
constexpr std::int64_t kTileRows = 256;
constexpr std::int64_t kTileCols = 256;

// A product with a small C and a long inner dimension (a weight gradient dY^T X over a large
// graph: 64 x 128 sums of 10^6 terms) is one or two tiles, so one thread would do it all while
// the others wait. Its inner dimension is cut into slabs of kSlabK, each (tile, slab) product goes
// to a partial C of its own, and the partials are added in slab order. The cut depends on the
// shape alone, so the bits do not depend on the thread count either. Sums shorter than
// kSplitKMin (every dataset up to Pubmed's 19,717 nodes) stay one product.
constexpr std::int64_t kSlabK = 32768;
constexpr std::int64_t kSplitKMin = 2 * kSlabK;
constexpr std::int64_t kSplitKMaxTiles = 4;
constexpr std::int64_t kMaxSlabs = 64;

// op(a) * op(b) (+ c when acc) into c, as one oneDNN product run by the calling thread alone.
void product_on_this_thread(MatrixView<const float> a, bool ta, MatrixView<const float> b, bool tb, MatrixView<float> c,
                            std::int64_t k, bool acc) {
  omp_set_num_threads(1);  // this thread's oneDNN calls below run (and are created) sequentially
  MatmulCache& cache = MatmulCache::instance();
  const PrimitiveKey key{c.rows(), c.cols(), k, a.ld(), b.ld(), c.ld(), ta, tb, acc};
  const CachedMatmul& mm = cache.get(key);
  dnnl::engine& engine = cache.engine();
  dnnl::memory a_mem(mm.a_md, engine, const_cast<float*>(a.data()));
  dnnl::memory b_mem(mm.b_md, engine, const_cast<float*>(b.data()));
  dnnl::memory c_mem(mm.c_md, engine, c.data());
  thread_local std::vector<std::byte> scratchpad;
  if (scratchpad.size() < mm.scratchpad_md.get_size()) scratchpad.resize(mm.scratchpad_md.get_size());
  dnnl::memory scratchpad_mem(mm.scratchpad_md, engine, scratchpad.data());
  dnnl::stream stream(engine);
  mm.primitive.execute(stream, {{DNNL_ARG_SRC, a_mem},
                                {DNNL_ARG_WEIGHTS, b_mem},
                                {DNNL_ARG_DST, c_mem},
                                {DNNL_ARG_SCRATCHPAD, scratchpad_mem}});
  stream.wait();
}

// The part of a (M x K, or K x M when ta) that rows [r0, r0 + rows) of op(a) and the inner
// indices [p0, p0 + k) touch; the same for b (K x N, or N x K when tb) with columns of op(b).
MatrixView<const float> a_part(MatrixView<const float> a, bool ta, std::int64_t r0, std::int64_t rows, std::int64_t p0,
                               std::int64_t k) {
  return ta ? MatrixView<const float>(a.data() + p0 * a.ld() + r0, k, rows, a.ld())
            : MatrixView<const float>(a.data() + r0 * a.ld() + p0, rows, k, a.ld());
}
MatrixView<const float> b_part(MatrixView<const float> b, bool tb, std::int64_t c0, std::int64_t cols, std::int64_t p0,
                               std::int64_t k) {
  return tb ? MatrixView<const float>(b.data() + c0 * b.ld() + p0, cols, k, b.ld())
            : MatrixView<const float>(b.data() + p0 * b.ld() + c0, k, cols, b.ld());
}

void gemm_onednn(MatrixView<const float> a, Transpose ta, MatrixView<const float> b, Transpose tb,
                 MatrixView<float> c, Accumulate acc, Shape s) {
  const std::int64_t row_tiles = (s.m + kTileRows - 1) / kTileRows;
  const std::int64_t col_tiles = (s.n + kTileCols - 1) / kTileCols;
  const std::int64_t tiles = row_tiles * col_tiles;
  const bool ta_yes = ta == Transpose::yes, tb_yes = tb == Transpose::yes;
  const bool split_k = s.k >= kSplitKMin && tiles <= kSplitKMaxTiles;
  // At most kMaxSlabs partials (longer slabs for longer sums): bounded memory, still a function of the shape.
  const std::int64_t slab_k = std::max(kSlabK, (s.k + kMaxSlabs - 1) / kMaxSlabs);
  const std::int64_t slabs = split_k ? (s.k + slab_k - 1) / slab_k : 1;
  // Slab g of a split product goes to partials[g] (m x n), an unsplit product to c itself.
  thread_local std::vector<float> partial_storage;
  if (split_k) partial_storage.resize(static_cast<std::size_t>(slabs * s.m * s.n));
  float* partials = partial_storage.data();
  auto run = [&](std::int64_t t) {
    const std::int64_t tile = t % tiles, g = t / tiles;
    const std::int64_t r0 = (tile / col_tiles) * kTileRows, c0 = (tile % col_tiles) * kTileCols;
    const std::int64_t rows = std::min(kTileRows, s.m - r0), cols = std::min(kTileCols, s.n - c0);
    const std::int64_t p0 = g * slab_k, k = split_k ? std::min(slab_k, s.k - p0) : s.k;
    const MatrixView<float> out = split_k ? MatrixView<float>(partials + g * s.m * s.n + r0 * s.n + c0, rows, cols, s.n)
                                          : c.block_rows(r0, rows).block_cols(c0, cols);
    product_on_this_thread(a_part(a, ta_yes, r0, rows, p0, k), ta_yes, b_part(b, tb_yes, c0, cols, p0, k), tb_yes, out,
                           k, !split_k && acc == Accumulate::yes);
  };
  const std::int64_t work = tiles * slabs;
  const int threads = static_cast<int>(std::min<std::int64_t>(num_threads(), work));
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t t = 0; t < work; ++t) run(t);
  if (!split_k) return;
  parallel_for(s.m, 16, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      float* ci = c.row_ptr(i);
      for (std::int64_t j = 0; j < s.n; ++j) {
        float sum = acc == Accumulate::yes ? ci[j] : 0.0f;
        for (std::int64_t g = 0; g < slabs; ++g) sum += partials[(g * s.m + i) * s.n + j];
        ci[j] = sum;
      }
    }
  });
}

// --- plain loops ---------------------------------------------------------------------------------

template <class T>
void gemm_loops(MatrixView<const T> a, Transpose ta, MatrixView<const T> b, Transpose tb, MatrixView<T> c,
                Accumulate acc, Shape s, bool parallel) {
  auto a_at = [&](std::int64_t i, std::int64_t p) { return ta == Transpose::no ? a(i, p) : a(p, i); };
  auto b_at = [&](std::int64_t p, std::int64_t j) { return tb == Transpose::no ? b(p, j) : b(j, p); };
  auto rows = [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      for (std::int64_t j = 0; j < s.n; ++j) {
        T sum = acc == Accumulate::yes ? c(i, j) : T(0);
        for (std::int64_t p = 0; p < s.k; ++p) sum += a_at(i, p) * b_at(p, j);
        c(i, j) = sum;
      }
    }
  };
  if (parallel)
    parallel_for(s.m, 16, rows);
  else
    rows(0, s.m);
}

}  // namespace

template <class T>
void gemm(In<T> a, Transpose ta, In<T> b, Transpose tb, MatrixView<T> c, Accumulate acc) {
  const Shape s = check_shapes(a, ta, b, tb, c);
  if (s.m == 0 || s.n == 0) return;
  if (s.k == 0) {
    scale_or_zero(c, acc);
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    gemm_onednn(a, ta, b, tb, c, acc, s);
  } else {
    gemm_loops(a, ta, b, tb, c, acc, s, /*parallel=*/true);
  }
}

template <class T>
void gemm_reference(In<T> a, Transpose ta, In<T> b, Transpose tb, MatrixView<T> c,
                    Accumulate acc) {
  const Shape s = check_shapes(a, ta, b, tb, c);
  gemm_loops(a, ta, b, tb, c, acc, s, /*parallel=*/false);
}

std::int64_t matmul_primitives_created() { return MatmulCache::instance().created(); }

template void gemm<float>(MatrixView<const float>, Transpose, MatrixView<const float>, Transpose, MatrixView<float>,
                          Accumulate);
template void gemm<double>(MatrixView<const double>, Transpose, MatrixView<const double>, Transpose,
                           MatrixView<double>, Accumulate);
template void gemm_reference<float>(MatrixView<const float>, Transpose, MatrixView<const float>, Transpose,
                                    MatrixView<float>, Accumulate);
template void gemm_reference<double>(MatrixView<const double>, Transpose, MatrixView<const double>, Transpose,
                                     MatrixView<double>, Accumulate);

}  // namespace gat
