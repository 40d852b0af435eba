#pragma once
// Dense matrix products. float32 goes through oneDNN's matmul primitive; the created primitives
// are cached by shape, so a training loop creates none after its first step. double (used by
// the gradient checks) goes through a plain loop.
#include <cstdint>
#include <type_traits>

#include "gat/tensor/matrix.hpp"

namespace gat {

// Inputs are not deduced: the element type comes from the output, so views of mutable
// matrices convert to the const views the products read.
template <class T>
using In = std::type_identity_t<MatrixView<const T>>;

enum class Transpose { no, yes };
enum class Accumulate { no, yes };

// C = op(A) * op(B)        (accumulate = no)
// C = C + op(A) * op(B)    (accumulate = yes)
// where op(X) is X or X^T. Shapes: op(A) is m x k, op(B) is k x n, C is m x n.
template <class T>
void gemm(In<T> a, Transpose ta, In<T> b, Transpose tb, MatrixView<T> c,
          Accumulate acc = Accumulate::no);

// C (+)= A * B,   A: m x k, B: k x n, C: m x n
template <class T>
void matmul(In<T> a, In<T> b, MatrixView<T> c, Accumulate acc = Accumulate::no) {
  gemm<T>(a, Transpose::no, b, Transpose::no, c, acc);
}
// C (+)= A^T * B, A: k x m, B: k x n, C: m x n
template <class T>
void matmul_tn(In<T> a, In<T> b, MatrixView<T> c, Accumulate acc = Accumulate::no) {
  gemm<T>(a, Transpose::yes, b, Transpose::no, c, acc);
}
// C (+)= A * B^T, A: m x k, B: n x k, C: m x n
template <class T>
void matmul_nt(In<T> a, In<T> b, MatrixView<T> c, Accumulate acc = Accumulate::no) {
  gemm<T>(a, Transpose::no, b, Transpose::yes, c, acc);
}

// The plain triple loop every product is tested against.
template <class T>
void gemm_reference(In<T> a, Transpose ta, In<T> b, Transpose tb, MatrixView<T> c,
                    Accumulate acc = Accumulate::no);

// How many oneDNN matmul primitives have been created so far (for tests of the cache).
std::int64_t matmul_primitives_created();

}  // namespace gat
