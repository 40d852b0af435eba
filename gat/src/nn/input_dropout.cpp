#include "nn/input_dropout.hpp"

#include <algorithm>
#include <type_traits>

#include "core/row_block_sums.hpp"
#include "gat/core/parallel.hpp"
#include "gat/nn/dropout.hpp"
#include "gat/nn/projection.hpp"
#include "gat/tensor/matmul.hpp"
#include "nn/headwise_spmm.hpp"

namespace gat::nn::detail {

template <class T>
bool SparsePatternTranspose::get(const BasicCsrMatrix<T>& x) {
  constexpr std::int64_t kMax32 = 0x7fffffff;
  if (x.rows > kMax32 || x.nnz() > kMax32) return false;
  if (x.rows == rows_ && x.cols == cols_ && x.offsets == offsets_ && x.columns == columns_) return true;
  rows_ = x.rows;
  cols_ = x.cols;
  offsets_ = x.offsets;
  columns_ = x.columns;
  // Counting sort by column; visiting the rows in order keeps each column's rows ascending.
  col_offsets_.assign(static_cast<std::size_t>(x.cols + 1), 0);
  for (const std::int32_t c : x.columns) ++col_offsets_[static_cast<std::size_t>(c) + 1];
  for (std::int64_t c = 0; c < x.cols; ++c) col_offsets_[c + 1] += col_offsets_[c];
  entry_row_.resize(x.columns.size());
  entry_pos_.resize(x.columns.size());
  std::vector<std::int64_t> next(col_offsets_.begin(), col_offsets_.end() - 1);
  for (std::int64_t r = 0; r < x.rows; ++r)
    for (std::int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
      const std::int64_t j = next[static_cast<std::size_t>(x.columns[k])]++;
      entry_row_[j] = static_cast<std::int32_t>(r);
      entry_pos_[j] = static_cast<std::int32_t>(k);
    }
  return true;
}
template bool SparsePatternTranspose::get<float>(const BasicCsrMatrix<float>&);
template bool SparsePatternTranspose::get<double>(const BasicCsrMatrix<double>&);

template <class T>
LayerInput<T> InputDropout<T>::forward(const LayerInput<T>& x, float p, RandomKey key, bool training) {
  p_ = training ? p : 0.0f;
  key_ = key;
  if (p_ <= 0) return x;
  if (x.is_sparse()) {
    dropout_forward(*x.sparse, p_, key, sparse_);
    return {{}, &sparse_};
  }
  dense_.resize_uninitialized(x.rows(), x.cols());
  dropout_forward(x.dense, p_, key, dense_.view());
  return LayerInput<T>::of(dense_.view());
}

template <class T>
void InputDropout<T>::backward(MatrixView<T> d) const {
  if (p_ > 0) dropout_backward(MatrixView<const T>(d), p_, key_, d);
}

namespace {
// The calling thread's dropped-out block of BlockedInputDropout (inside its parallel loops,
// num_threads() is 1, so the dropout and the product of a block run on that thread alone).
template <class T>
BasicMatrix<T>& thread_block() {
  thread_local BasicMatrix<T> block;
  return block;
}
}  // namespace

template <class T>
void BlockedInputDropout<T>::forward(MatrixView<const T> x, const BasicMatrix<T>& weight, float p, RandomKey key,
                                     BasicMatrix<T>& y) {
  GAT_REQUIRE(x.cols() == weight.cols(), "projection: input has ", x.cols(), " features but the weight expects ",
              weight.cols(), " (weight is ", weight.rows(), "x", weight.cols(), ")");
  p_ = p;
  key_ = key;
  y.resize_uninitialized(x.rows(), weight.rows());
  // A block per thread at a time (one region, not two small ones per block that leave a thread
  // waiting at each end); the product of a block is tiled as it would be on its own, so the same bits.
  const std::int64_t blocks = (x.rows() + kBlockRows - 1) / kBlockRows;
  parallel_for(blocks, 1, [&](std::int64_t begin, std::int64_t end) {
    BasicMatrix<T>& block = thread_block<T>();
    for (std::int64_t b = begin; b < end; ++b) {
      const std::int64_t r0 = b * kBlockRows, rows = std::min(kBlockRows, x.rows() - r0);
      block.resize_uninitialized(rows, x.cols());
      dropout_forward_rows<T>(x.block_rows(r0, rows), p_, key_, r0, block.view());
      matmul_nt(MatrixView<const T>(block.view()), weight.view(), y.view().block_rows(r0, rows));
    }
  });
}

template <class T>
void BlockedInputDropout<T>::backward(MatrixView<const T> x, const BasicMatrix<T>& weight, MatrixView<const T> dy,
                                      BasicMatrix<T>& weight_grad, BasicMatrix<T>* dx) {
  GAT_REQUIRE(dy.rows() == x.rows() && dy.cols() == weight.rows(), "projection backward: gradient is ", dy.rows(),
              "x", dy.cols(), ", expected ", x.rows(), "x", weight.rows());
  // One block's product (a weight-sized result from 4096-term sums) is too small for the threads
  // to share, and one after another they leave all threads but one waiting: the weight gradient
  // is a sum over row blocks like any other (add_row_block_sums), each of its blocks the sum of
  // the 4096-row products inside it.
  static_assert(gat::detail::kRowBlock % kBlockRows == 0);
  GAT_REQUIRE(weight_grad.rows() == weight.rows() && weight_grad.cols() == weight.cols(), "projection backward: weight "
              "gradient is ", weight_grad.rows(), "x", weight_grad.cols(), ", the weight ", weight.rows(), "x", weight.cols());
  const std::int64_t wr = weight.rows(), wc = weight.cols();
  gat::detail::add_row_block_sums<T>(x.rows(), wr * wc, weight_grad.data(), [&](std::int64_t r0, std::int64_t r1, T* sums) {
    BasicMatrix<T>& block = thread_block<T>();
    for (std::int64_t b0 = r0; b0 < r1; b0 += kBlockRows) {
      const std::int64_t rows = std::min(kBlockRows, r1 - b0);
      block.resize_uninitialized(rows, x.cols());
      dropout_forward_rows<T>(x.block_rows(b0, rows), p_, key_, b0, block.view());
      matmul_tn(dy.block_rows(b0, rows), MatrixView<const T>(block.view()), MatrixView<T>(sums, wr, wc), Accumulate::yes);
    }
  });
  if (!dx) return;
  dx->resize_uninitialized(x.rows(), x.cols());
  matmul(dy, weight.view(), dx->view());
  dropout_backward(MatrixView<const T>(dx->view()), p_, key_, dx->view());
}

namespace {
// One sampler per head: head k's mask is that of dropout_forward(x, p, key.child(k)).
std::vector<BernoulliSampler>& head_samplers(std::vector<BernoulliSampler>& samplers, std::int64_t heads, float p,
                                             RandomKey key) {
  samplers.resize(static_cast<std::size_t>(heads));
  for (std::int64_t k = 0; k < heads; ++k)
    samplers[static_cast<std::size_t>(k)] = BernoulliSampler(key.child(static_cast<std::uint64_t>(k)), p);
  return samplers;
}

// y = [dropout_0(x) W_0^T | dropout_1(x) W_1^T | ...] for CSR x in one pass over x (not one per
// head; 8 heads x 8 features in float: the vector kernel of headwise_spmm.hpp, same results): each stored value draws one mask bit per head and is scaled or zeroed branch-free
// (a coin flip mispredicts half the time). Rows are independent, so threads split them.
template <class T>
void headwise_spmm(const BasicCsrMatrix<T>& x, MatrixView<const T> weight_t, const std::vector<BernoulliSampler>& heads,
                   T scale, MatrixView<T> y) {
  const std::int64_t h = static_cast<std::int64_t>(heads.size()), f = weight_t.cols() / h;
  parallel_for_rows(x.offsets, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t r = begin; r < end; ++r) {
      T* out = y.row_ptr(r);
      for (std::int64_t j = 0; j < h * f; ++j) out[j] = T(0);
      for (std::int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
        const T v = x.values[k] * scale;
        const T* w = weight_t.row_ptr(x.columns[k]);
        for (std::int64_t hd = 0; hd < h; ++hd) {
          const T s = heads[static_cast<std::size_t>(hd)].dropped(static_cast<std::uint64_t>(k)) ? T(0) : v;
#pragma omp simd
          for (std::int64_t j = hd * f; j < (hd + 1) * f; ++j) out[j] += s * w[j];
        }
      }
    }
  });
}

// grad_t (in x heads*F) = sum over rows r of dropout_k(x)_r^T dy_r,k for every head k, in one
// pass over x per thread. Threads own disjoint heads and visit the rows in order, so the sums do
// not depend on the thread count.
template <class T>
void headwise_spmm_tn(const BasicCsrMatrix<T>& x, MatrixView<const T> dy, const std::vector<BernoulliSampler>& heads,
                      T scale, MatrixView<T> grad_t) {
  const std::int64_t h = static_cast<std::int64_t>(heads.size()), f = dy.cols() / h;
  for (std::int64_t r = 0; r < grad_t.rows(); ++r)
    for (std::int64_t j = 0; j < grad_t.cols(); ++j) grad_t(r, j) = T(0);
  parallel_for(h, 1, [&](std::int64_t h0, std::int64_t h1) {
    for (std::int64_t r = 0; r < x.rows; ++r) {
      const T* d = dy.row_ptr(r);
      for (std::int64_t k = x.offsets[r]; k < x.offsets[r + 1]; ++k) {
        const T v = x.values[k] * scale;
        T* out = grad_t.row_ptr(x.columns[k]);
        for (std::int64_t hd = h0; hd < h1; ++hd) {
          const T s = heads[static_cast<std::size_t>(hd)].dropped(static_cast<std::uint64_t>(k)) ? T(0) : v;
#pragma omp simd
          for (std::int64_t j = hd * f; j < (hd + 1) * f; ++j) out[j] += s * d[j];
        }
      }
    }
  });
}
}  // namespace

template <class T>
MatrixView<const T> HeadwiseInputDropout<T>::dropped(MatrixView<const T> x, std::int64_t head) {
  // The last head dropped out (of a single-head layer: its only one) is still in dense_ when
  // backward asks for it right after forward: no second pass over x for the same mask.
  const DenseFor want{x.data(), x.rows(), x.cols(), x.ld(), head};
  if (dense_for_ == want) return dense_.view();
  dense_.resize_uninitialized(x.rows(), x.cols());
  dropout_forward(x, p_, key_.child(static_cast<std::uint64_t>(head)), dense_.view());
  dense_for_ = want;
  return dense_.view();
}

template <class T>
void HeadwiseInputDropout<T>::forward(const LayerInput<T>& x, const BasicMatrix<T>& weight, std::int64_t heads,
                                      float p, RandomKey key, BasicMatrix<T>& y) {
  GAT_REQUIRE(x.cols() == weight.cols(), "projection: input has ", x.cols(), " features but the weight expects ",
              weight.cols(), " (weight is ", weight.rows(), "x", weight.cols(), ")");
  GAT_REQUIRE(heads > 0 && weight.rows() % heads == 0, "headwise projection: ", weight.rows(),
              " output features do not split into ", heads, " heads");
  heads_ = heads;
  p_ = p;
  key_ = key;
  dense_for_ = {};
  const std::int64_t f = weight.rows() / heads;
  y.resize_uninitialized(x.rows(), weight.rows());
  keep_bits_count_ = 0;
  if (x.is_sparse()) {
    head_samplers(samplers_, heads, p, key);
    if constexpr (std::is_same_v<T, float>) {
      if (heads == 8 && f == 8) {
        transpose_into(weight.view(), weight_t_);
        keep_bits_.resize(static_cast<std::size_t>(x.sparse->nnz()));
        headwise_spmm_8x8(*x.sparse, weight_t_.view(), samplers_.data(), scale(), y.view(), keep_bits_.data());
        keep_bits_count_ = x.sparse->nnz();
        return;
      }
    }
    transpose_into(weight.view(), weight_t_);
    headwise_spmm<T>(*x.sparse, weight_t_.view(), samplers_, scale(), y.view());
    return;
  }
  if (heads == 1) {  // backward's input gradient finds the dropped copy in dense_
    matmul_nt(dropped(x.dense, 0), weight.view(), y.view());
    return;
  }
  // A block of rows at a time, each head's mask on it, then its product: x is read once, not a
  // whole dropped copy written and read per head (8 x 51 MB of traffic for 10^5 nodes x 128
  // features, and the copy's memory). Row blocks are whole tiles of matmul_nt, so the same bits.
  const MatrixView<const T> xd = x.dense;
  using Blocked = BlockedInputDropout<T>;
  const std::int64_t blocks = (xd.rows() + Blocked::kBlockRows - 1) / Blocked::kBlockRows;
  // (block, head) pairs are the tasks, so that a few blocks still keep every thread busy.
  parallel_for(blocks * heads, 1, [&](std::int64_t begin, std::int64_t end) {
    BasicMatrix<T>& block = thread_block<T>();
    for (std::int64_t t = begin; t < end; ++t) {
      const std::int64_t b = t / heads, k = t % heads;
      const std::int64_t r0 = b * Blocked::kBlockRows, rows = std::min(Blocked::kBlockRows, xd.rows() - r0);
      block.resize_uninitialized(rows, xd.cols());
      dropout_forward_rows<T>(xd.block_rows(r0, rows), p_, key_.child(static_cast<std::uint64_t>(k)), r0, block.view());
      matmul_nt(MatrixView<const T>(block.view()), weight.view().block_rows(k * f, f),
                y.view().block_rows(r0, rows).block_cols(k * f, f));
    }
  });
}

template <class T>
void HeadwiseInputDropout<T>::backward(const LayerInput<T>& x, const BasicMatrix<T>& weight,
                                       MatrixView<const T> dy, BasicMatrix<T>& weight_grad, BasicMatrix<T>* dx) {
  GAT_REQUIRE(dy.rows() == x.rows() && dy.cols() == weight.rows(), "projection backward: gradient is ", dy.rows(),
              "x", dy.cols(), ", expected ", x.rows(), "x", weight.rows());
  GAT_REQUIRE(dx == nullptr || !x.is_sparse(), "projection backward: no input gradient for sparse input (it is data)");
  const std::int64_t f = weight.rows() / heads_;
  if (x.is_sparse()) {
    grad_t_.resize_uninitialized(x.cols(), weight.rows());
    head_samplers(samplers_, heads_, p_, key_);
    if constexpr (std::is_same_v<T, float>) {
      const BasicCsrMatrix<T>& xs = *x.sparse;
      if (heads_ == 8 && f == 8 && transpose_.get(xs)) {
        // The masks depend on the key and the stored value's position only, so the forward
        // pass's bytes hold for any input with as many stored values.
        if (keep_bits_count_ != xs.nnz()) {
          keep_bits_.resize(static_cast<std::size_t>(xs.nnz()));
          headwise_keep_bits_8(samplers_.data(), xs.nnz(), keep_bits_.data());
          keep_bits_count_ = xs.nnz();
        }
        headwise_spmm_tn_8x8(transpose_.col_offsets(), transpose_.entry_row(), transpose_.entry_pos(),
                             xs.values.data(), keep_bits_.data(), dy, scale(), grad_t_.view());
        add_transposed(MatrixView<const T>(grad_t_.view()), weight_grad);
        return;
      }
    }
    headwise_spmm_tn<T>(*x.sparse, dy, samplers_, scale(), grad_t_.view());
    add_transposed(MatrixView<const T>(grad_t_.view()), weight_grad);
    return;
  }
  if (!dx && heads_ > 1) {
    // The weight gradient by blocks of rows as in forward (each block's masks drawn again), summed
    // over row blocks as BlockedInputDropout's: no dropped copy of x per head.
    using Blocked = BlockedInputDropout<T>;
    static_assert(gat::detail::kRowBlock % Blocked::kBlockRows == 0);
    const MatrixView<const T> xd = x.dense;
    const std::int64_t wr = weight.rows(), wc = weight.cols();
    gat::detail::add_row_block_sums<T>(xd.rows(), wr * wc, weight_grad.data(), [&](std::int64_t r0, std::int64_t r1,
                                                                                   T* sums) {
      const MatrixView<T> grad(sums, wr, wc);
      // Each head's rows of the gradient are its own: heads go to the threads (a graph of one row
      // block would otherwise leave all but one waiting), each summing its blocks in order.
      parallel_for(heads_, 1, [&](std::int64_t k0, std::int64_t k1) {
        BasicMatrix<T>& block = thread_block<T>();
        for (std::int64_t k = k0; k < k1; ++k)
          for (std::int64_t b0 = r0; b0 < r1; b0 += Blocked::kBlockRows) {
            const std::int64_t rows = std::min(Blocked::kBlockRows, r1 - b0);
            block.resize_uninitialized(rows, xd.cols());
            dropout_forward_rows<T>(xd.block_rows(b0, rows), p_, key_.child(static_cast<std::uint64_t>(k)), b0,
                                    block.view());
            matmul_tn(dy.block_rows(b0, rows).block_cols(k * f, f), MatrixView<const T>(block.view()),
                      grad.block_rows(k * f, f), Accumulate::yes);
          }
      });
    });
    return;
  }
  if (dx) dx->resize_uninitialized(x.rows(), x.cols());
  for (std::int64_t k = 0; k < heads_; ++k) {
    const MatrixView<const T> dyk = dy.block_cols(k * f, f);
    matmul_tn(dyk, dropped(x.dense, k), weight_grad.view().block_rows(k * f, f), Accumulate::yes);
    if (!dx) continue;
    // The head's input gradient goes through the head's mask before the heads are summed.
    dx_head_.resize_uninitialized(x.rows(), x.cols());
    matmul(dyk, weight.view().block_rows(k * f, f), dx_head_.view());
    dropout_backward(MatrixView<const T>(dx_head_.view()), p_, key_.child(static_cast<std::uint64_t>(k)),
                     dx_head_.view());
    T* out = dx->data();
    const T* in = dx_head_.data();
    for (std::int64_t i = 0; i < dx->size(); ++i) out[i] = k == 0 ? in[i] : out[i] + in[i];
  }
}

template class InputDropout<float>;
template class InputDropout<double>;
template class BlockedInputDropout<float>;
template class BlockedInputDropout<double>;
template class HeadwiseInputDropout<float>;
template class HeadwiseInputDropout<double>;

}  // namespace gat::nn::detail
