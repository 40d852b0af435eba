#pragma once
// The per-node halves of GAT's concat score (Velickovic et al. 2018): since
// a^T [W h_i || W h_j] = a_dst . W h_i + a_src . W h_j, each is a per-head dot of the projected
// features with one attention vector.
#include <cstdint>

#include "gat/tensor/matrix.hpp"

namespace gat::attention {

// Per-head dot with an attention vector: out[n,h] = sum_f x[n,h,f] * a[0,h,f].
// x: N x H*F, a: 1 x H*F, out: N x H (overwritten).
template <class T>
void head_dot(MatrixView<const T> x, MatrixView<const T> a, std::int64_t heads, MatrixView<T> out);

// Backward of head_dot: dx[n,h,:] += d_out[n,h] * a[h,:] and da[h,:] += sum_n d_out[n,h] * x[n,h,:]
// (both accumulate). x, dx: N x H*F; a, da: 1 x H*F; d_out: N x H.
template <class T>
void head_dot_backward(MatrixView<const T> x, MatrixView<const T> a, std::int64_t heads, MatrixView<const T> d_out,
                       MatrixView<T> dx, MatrixView<T> da);

}  // namespace gat::attention
