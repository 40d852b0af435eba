#pragma once
// y = x W^T with W in PyTorch's layout [out, in], for dense input (oneDNN) and sparse input
// (a CSR product that never densifies x). Shared by Linear and the GAT layers.
#include "gat/nn/layer.hpp"

namespace gat::nn {

template <class T>
class Projection {
 public:
  // y (rows x out) = x W^T.
  void forward(const LayerInput<T>& x, const BasicMatrix<T>& weight, BasicMatrix<T>& y);
  // weight_grad += dy^T x; when dx is given, dx = dy W (dense input only).
  void backward(const LayerInput<T>& x, const BasicMatrix<T>& weight, MatrixView<const T> dy,
                BasicMatrix<T>& weight_grad, BasicMatrix<T>* dx);

 private:
  BasicMatrix<T> weight_t_;       // W^T, for sparse products
  BasicMatrix<T> weight_grad_t_;  // x^T dy, for sparse products
};

namespace detail {
// out = in^T (out resized): the weight's layout for sparse products.
template <class T>
void transpose_into(MatrixView<const T> in, BasicMatrix<T>& out);
// a += b^T: a weight gradient computed in the sparse products' transposed layout.
template <class T>
void add_transposed(MatrixView<const T> b, BasicMatrix<T>& a);
}  // namespace detail

extern template class Projection<float>;
extern template class Projection<double>;

}  // namespace gat::nn
