#include "gat/nn/projection.hpp"

#include "gat/tensor/matmul.hpp"
#include "gat/tensor/sparse_matmul.hpp"
#include "tensor/transpose.hpp"

#include <type_traits>

namespace gat::nn {

namespace detail {
template <class T>
void transpose_into(MatrixView<const T> in, BasicMatrix<T>& out) {
  out.resize_uninitialized(in.cols(), in.rows());
  if constexpr (std::is_same_v<T, float>) {
    gat::detail::transpose_f32<false>(in, out.view());
  } else {
    for (std::int64_t r = 0; r < in.rows(); ++r)
      for (std::int64_t c = 0; c < in.cols(); ++c) out(c, r) = in(r, c);
  }
}

template <class T>
void add_transposed(MatrixView<const T> b, BasicMatrix<T>& a) {
  GAT_REQUIRE(a.rows() == b.cols() && a.cols() == b.rows(), "add_transposed: ", a.rows(), "x", a.cols(),
              " += (", b.rows(), "x", b.cols(), ")^T");
  if constexpr (std::is_same_v<T, float>) {
    gat::detail::transpose_f32<true>(b, a.view());
  } else {
    for (std::int64_t r = 0; r < a.rows(); ++r)
      for (std::int64_t c = 0; c < a.cols(); ++c) a(r, c) += b(c, r);
  }
}

template void transpose_into<float>(MatrixView<const float>, BasicMatrix<float>&);
template void transpose_into<double>(MatrixView<const double>, BasicMatrix<double>&);
template void add_transposed<float>(MatrixView<const float>, BasicMatrix<float>&);
template void add_transposed<double>(MatrixView<const double>, BasicMatrix<double>&);
}  // namespace detail

template <class T>
void Projection<T>::forward(const LayerInput<T>& x, const BasicMatrix<T>& weight, BasicMatrix<T>& y) {
  GAT_REQUIRE(x.cols() == weight.cols(), "projection: input has ", x.cols(), " features but the weight expects ",
              weight.cols(), " (weight is ", weight.rows(), "x", weight.cols(), ")");
  y.resize_uninitialized(x.rows(), weight.rows());
  if (x.is_sparse()) {
    detail::transpose_into(weight.view(), weight_t_);
    spmm(*x.sparse, weight_t_.view(), y.view());
  } else {
    matmul_nt(x.dense, weight.view(), y.view());
  }
}

template <class T>
void Projection<T>::backward(const LayerInput<T>& x, const BasicMatrix<T>& weight, MatrixView<const T> dy,
                             BasicMatrix<T>& weight_grad, BasicMatrix<T>* dx) {
  GAT_REQUIRE(dy.rows() == x.rows() && dy.cols() == weight.rows(), "projection backward: gradient is ", dy.rows(),
              "x", dy.cols(), ", expected ", x.rows(), "x", weight.rows());
  if (x.is_sparse()) {
    weight_grad_t_.resize_uninitialized(x.cols(), dy.cols());
    spmm_tn(*x.sparse, dy, weight_grad_t_.view());
    detail::add_transposed(MatrixView<const T>(weight_grad_t_.view()), weight_grad);
    GAT_REQUIRE(dx == nullptr, "projection backward: no input gradient for sparse input (it is data)");
    return;
  }
  matmul_tn(dy, x.dense, weight_grad.view(), Accumulate::yes);
  if (dx) {
    dx->resize_uninitialized(x.rows(), x.cols());
    matmul(dy, weight.view(), dx->view());
  }
}

template class Projection<float>;
template class Projection<double>;

}  // namespace gat::nn
