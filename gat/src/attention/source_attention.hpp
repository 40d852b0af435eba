#pragma once
// Internal: GAT's fused attention told where its source scores came from.
//
// When src_score = head_dot(values, source_attention) (GATConv without value dropout), the
// 8 heads x 8 features float kernels can take each source's scores from the value row they gather
// anyway, instead of reading src_score's row: one random cache line fewer per edge on graphs
// beyond the cache, the same bits. A speed hint of the layer, so not part of the public API.
// source_attention: 1 x H*F, or empty (0 x 0) for none; other shapes, and at 8 x 8 heads a vector
// whose scores differ from src_score on the first or last row, throw InvalidArgument (only those
// two rows are compared). Elsewhere these are gat_attention_forward/backward.
#include <cstdint>

#include "gat/attention/graph_attention.hpp"

namespace gat::attention::detail {

template <class T>
void gat_attention_forward_from_values(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                                       MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                                       MatrixView<const T> source_attention, const AttentionDropout& dropout,
                                       MatrixView<T> out, GraphAttentionState<T>& state, bool keep_weights = false);

template <class T>
void gat_attention_backward_from_values(const Graph& g, MatrixView<const T> src_score, MatrixView<const T> dst_score,
                                        MatrixView<const T> values, std::int64_t heads, const ConcatScore& score,
                                        MatrixView<const T> source_attention, const AttentionDropout& dropout,
                                        const GraphAttentionState<T>& state, MatrixView<const T> d_out,
                                        MatrixView<T> d_src_score, MatrixView<T> d_dst_score, MatrixView<T> d_values);

}  // namespace gat::attention::detail
