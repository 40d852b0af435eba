#pragma once
// Products of a sparse (CSR) matrix with a dense one: the first GAT projection on bag-of-words
// features and its weight gradient. Parallel over output rows; deterministic.
#include <type_traits>

#include "gat/tensor/csr_matrix.hpp"

namespace gat {

// C (+)= A * B,  A: m x k sparse, B: k x n dense, C: m x n.
template <class T>
void spmm(const BasicCsrMatrix<T>& a, std::type_identity_t<MatrixView<const T>> b, MatrixView<T> c, bool accumulate = false);

// A weight gradient W^T-style product A^T * B is spmm(a.transposed(), b, c): keep the transposed
// matrix around (it is computed once per dataset) and the product stays a row-parallel gather.

}  // namespace gat
