#pragma once
// Products of a sparse (CSR) matrix with a dense one: the first GAT projection on bag-of-words
// features and its weight gradient. Parallel over output rows; deterministic.
#include <type_traits>

#include "gat/tensor/csr_matrix.hpp"

namespace gat {

// C (+)= A * B,  A: m x k sparse, B: k x n dense, C: m x n.
template <class T>
void spmm(const BasicCsrMatrix<T>& a, std::type_identity_t<MatrixView<const T>> b, MatrixView<T> c, bool accumulate = false);

// C (+)= A^T * B, A: m x k sparse, B: m x n dense, C: k x n. The weight gradient of a projection
// of sparse input. Threads own disjoint column blocks of C and each visits the rows of A in order,
// so the result does not depend on the thread count and no transpose of A is needed.
template <class T>
void spmm_tn(const BasicCsrMatrix<T>& a, std::type_identity_t<MatrixView<const T>> b, MatrixView<T> c,
             bool accumulate = false);

}  // namespace gat
