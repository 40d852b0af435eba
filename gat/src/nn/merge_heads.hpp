#pragma once
// Merging the heads of an attention layer's output: concatenated or averaged, plus the bias.
#include <cstdint>

#include "gat/module/parameter.hpp"
#include "gat/tensor/matrix.hpp"

namespace gat::nn::detail {

// heads_out: N x heads*F. Concat: the bias is added to heads_out in place and heads_out is the
// output (no copy); mean: out = mean over heads (+ bias). Returns the output.
template <class T>
MatrixView<T> merge_heads(BasicMatrix<T>& heads_out, std::int64_t heads, bool concat, const Parameter<T>* bias,
                          BasicMatrix<T>& out);
// Accumulates the bias gradient and returns the heads' gradient: d_out itself when concat,
// else d_out / heads spread over the heads, in d_heads_out.
template <class T>
MatrixView<const T> merge_heads_backward(MatrixView<const T> d_out, std::int64_t heads, std::int64_t features,
                                         bool concat, Parameter<T>* bias, BasicMatrix<T>& d_heads_out);

}  // namespace gat::nn::detail
