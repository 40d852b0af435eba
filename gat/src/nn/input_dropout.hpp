#pragma once
// Dropout of a layer's input features (DGL's feat_drop) in the three forms the attention layers
// use: one mask for the whole input, one per head (the reference GAT implementation), and dense
// input too large to copy, dropped out and multiplied a block of rows at a time.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/nn/layer.hpp"

namespace gat::nn::detail {

// Dropout of a layer's input (DGL's feat_drop), dense or sparse, remembering the mask key for
// backward.
template <class T>
class InputDropout {
 public:
  LayerInput<T> forward(const LayerInput<T>& x, float p, RandomKey key, bool training);
  // Applies the mask of the last forward pass to a gradient, in place.
  void backward(MatrixView<T> d) const;

 private:
  float p_ = 0;
  RandomKey key_{};
  BasicMatrix<T> dense_;
  BasicCsrMatrix<T> sparse_;
};

// The transpose (CSC) of a sparse input's pattern, kept while the same pattern comes in: per
// column its entries in row order, each with its row and its position in the CSR (its values and
// dropout draws are the CSR's). get() compares the input's offsets and columns with the copies it
// was built from, so a changed input is never read through a stale transpose.
class SparsePatternTranspose {
 public:
  // false when the pattern is too large for 32-bit rows and positions (then nothing is built).
  template <class T>
  bool get(const BasicCsrMatrix<T>& x);
  std::span<const std::int64_t> col_offsets() const { return col_offsets_; }
  const std::int32_t* entry_row() const { return entry_row_.data(); }
  const std::int32_t* entry_pos() const { return entry_pos_.data(); }

 private:
  std::int64_t rows_ = -1, cols_ = -1;
  std::vector<std::int64_t> offsets_;  // the CSR's, as built from
  std::vector<std::int32_t> columns_;
  std::vector<std::int64_t> col_offsets_;  // cols + 1
  std::vector<std::int32_t> entry_row_, entry_pos_;
};

// y = dropout(x) W^T for a large dense x, dropped out and multiplied kBlockRows rows at a time, so
// that the dropped copy of x (N x in: 512 MB for 10^6 nodes x 128 features) never exists whole;
// backward regenerates each block's mask for the weight gradient. The masks are those of
// dropout_forward(x, p, key) (dropout_forward_rows); only the products' blocking differs.
template <class T>
class BlockedInputDropout {
 public:
  static constexpr std::int64_t kBlockRows = 4096;
  // Worth it (and used) for dense input of more than this many bytes with dropout on.
  static constexpr std::int64_t kMinBytes = std::int64_t{64} << 20;
  static bool applies(const LayerInput<T>& x, float p) {
    return !x.is_sparse() && p > 0 && x.rows() * x.cols() * static_cast<std::int64_t>(sizeof(T)) > kMinBytes;
  }
  void forward(MatrixView<const T> x, const BasicMatrix<T>& weight, float p, RandomKey key, BasicMatrix<T>& y);
  // weight_grad += dy^T dropout(x); with dx, dx = dropout(dy W) (the same mask).
  void backward(MatrixView<const T> x, const BasicMatrix<T>& weight, MatrixView<const T> dy,
                BasicMatrix<T>& weight_grad, BasicMatrix<T>* dx);

 private:
  float p_ = 0;
  RandomKey key_{};
};

// x W^T where every head draws its own input-dropout mask, as the reference GAT implementation
// does (one tf.nn.dropout per attention head): head k's columns of the result are
// dropout_k(x) W_k^T, W_k being rows [k*F, (k+1)*F) of W, and dropout_k the mask of
// dropout_forward(x, p, key.child(k)). Masks are regenerated in backward, so no per-head copy of
// x is kept (float, 8 heads x 8 features, sparse x: forward keeps the mask bits, a byte per stored
// value, and backward runs over x's transpose, kept while x's pattern stays the same). Sparse input stays sparse and is read once per product for all heads; dense input
// is dropped out one head at a time, each head's product on its slice of W only.
template <class T>
class HeadwiseInputDropout {
 public:
  void forward(const LayerInput<T>& x, const BasicMatrix<T>& weight, std::int64_t heads, float p, RandomKey key,
               BasicMatrix<T>& y);
  // weight_grad += sum_k dy_k^T dropout_k(x); when dx is given (dense x only),
  // dx = sum_k dropout_k(dy_k W_k), summed over heads in order.
  void backward(const LayerInput<T>& x, const BasicMatrix<T>& weight, MatrixView<const T> dy,
                BasicMatrix<T>& weight_grad, BasicMatrix<T>* dx);

 private:
  MatrixView<const T> dropped(MatrixView<const T> x, std::int64_t head);  // into dense_
  T scale() const { return T(1) / (T(1) - static_cast<T>(p_)); }

  std::int64_t heads_ = 1;
  float p_ = 0;
  RandomKey key_{};
  std::vector<BernoulliSampler> samplers_;  // one per head, for sparse input
  BasicMatrix<T> dense_;                    // one head's dropped dense input
  struct DenseFor {                         // which input and head dense_ holds (since forward)
    const T* data = nullptr;
    std::int64_t rows = -1, cols = -1, ld = -1, head = -1;
    bool operator==(const DenseFor&) const = default;
  } dense_for_;
  BasicMatrix<T> weight_t_;                 // W^T, for sparse input
  BasicMatrix<T> grad_t_;                   // x^T dy over all heads, for sparse input
  BasicMatrix<T> dx_head_;                  // one head's dy_k W_k
  // Float, 8 heads x 8 features, sparse input: the forward pass's mask bits (byte k: stored value
  // k, bit h: head h keeps it), valid for the first keep_bits_count_ stored values, and x's CSC.
  std::vector<std::uint8_t> keep_bits_;
  std::int64_t keep_bits_count_ = 0;
  SparsePatternTranspose transpose_;
};

}  // namespace gat::nn::detail
