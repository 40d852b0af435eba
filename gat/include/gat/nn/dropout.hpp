#pragma once
// Inverted dropout (Srivastava et al. 2014): in training, each element is zeroed with probability
// p and the survivors are scaled by 1/(1-p); in evaluation it is the identity. Masks come from the
// counter-based generator, so they do not depend on the thread count, and dropout_backward draws
// them again from the key instead of storing them. dropout_forward_keep / dropout_backward_kept
// are the stored-mask variant (a byte per element, no second draw), with the same bits.
// Sparse input stays sparse: only stored values are dropped.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/nn/layer.hpp"

namespace gat::nn {

// out = dropout(in) for a dense matrix, element (r, c) drawing key.bernoulli(r * cols + c).
template <class T>
void dropout_forward(MatrixView<const T> in, float p, RandomKey key, MatrixView<T> out);
// Rows [first_row, first_row + in.rows()) of the dropout of a larger matrix with in.cols() columns:
// element (r, c) draws key.bernoulli((first_row + r) * cols + c), so a matrix dropped out block by
// block gets exactly the mask of dropping it whole.
template <class T>
void dropout_forward_rows(MatrixView<const T> in, float p, RandomKey key, std::int64_t first_row, MatrixView<T> out);
// d_in = d_out masked and scaled the same way (may alias).
template <class T>
void dropout_backward(MatrixView<const T> d_out, float p, RandomKey key, MatrixView<T> d_in);
// dropout_forward that also keeps its mask in `keep`, one byte per element (1: kept), row-major:
// dropout_backward_kept then applies that mask instead of drawing the numbers again, with the
// same bits as dropout_backward (for layers whose backward follows their forward, at the cost of
// a byte per element).
template <class T>
void dropout_forward_keep(MatrixView<const T> in, float p, RandomKey key, MatrixView<T> out,
                          std::vector<std::uint8_t>& keep);
template <class T>
void dropout_backward_kept(MatrixView<const T> d_out, float p, std::span<const std::uint8_t> keep, MatrixView<T> d_in);
// Sparse: stored value k draws key.bernoulli(k); the sparsity pattern is kept.
template <class T>
void dropout_forward(const BasicCsrMatrix<T>& in, float p, RandomKey key, BasicCsrMatrix<T>& out);

template <class T>
class Dropout : public Layer<T> {
 public:
  explicit Dropout(float p);
  LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) override;
  MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) override;
  float p() const noexcept { return p_; }

 private:
  float p_;
  bool last_was_active_ = false;
  BasicMatrix<T> out_, d_in_;
  BasicCsrMatrix<T> sparse_out_;
};

}  // namespace gat::nn
