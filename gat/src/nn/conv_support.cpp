#include "gat/nn/detail/conv_support.hpp"

#include "gat/nn/dropout.hpp"

namespace gat::nn::detail {

const Graph& AttentionGraphCache::get(const Graph& g, bool add_self_loops, bool allow_zero_in_degree,
                                      const char* layer) {
  if (!add_self_loops) {
    if (!allow_zero_in_degree) {
      const std::int64_t isolated = g.count_zero_in_degree();
      GAT_REQUIRE(isolated == 0, layer, ": ", isolated, " node(s) have no incoming edge, so their attention ",
                  "output would be undefined (only the bias). Turn add_self_loops on, add self-loops to the graph, ",
                  "or set allow_zero_in_degree = true to give them a zero output.");
    }
    return g;
  }
  if (&g != from_ || g.num_edges() != from_edges_ || g.num_nodes() != from_nodes_) {
    looped_ = g.rebuilt({.self_loops = SelfLoops::add});
    from_ = &g;
    from_edges_ = g.num_edges();
    from_nodes_ = g.num_nodes();
  }
  return looped_;
}

template <class T>
LayerInput<T> InputDropout<T>::forward(const LayerInput<T>& x, float p, RandomKey key, bool training) {
  p_ = training ? p : 0.0f;
  key_ = key;
  if (p_ <= 0) return x;
  if (x.is_sparse()) {
    dropout_forward(*x.sparse, p_, key, sparse_);
    return {{}, &sparse_};
  }
  dense_.resize_uninitialized(x.rows(), x.cols());
  dropout_forward(x.dense, p_, key, dense_.view());
  return LayerInput<T>::of(dense_.view());
}

template <class T>
void InputDropout<T>::backward(MatrixView<T> d) const {
  if (p_ > 0) dropout_backward(MatrixView<const T>(d), p_, key_, d);
}

template <class T>
void merge_heads(MatrixView<const T> heads_out, std::int64_t heads, bool concat, const Parameter<T>* bias,
                 BasicMatrix<T>& out) {
  const std::int64_t n = heads_out.rows(), f = heads_out.cols() / heads;
  out.resize_uninitialized(n, concat ? heads * f : f);
  for (std::int64_t r = 0; r < n; ++r) {
    const T* in = heads_out.row_ptr(r);
    T* o = out.row_ptr(r);
    if (concat) {
      for (std::int64_t c = 0; c < heads * f; ++c) o[c] = in[c];
    } else {
      for (std::int64_t c = 0; c < f; ++c) {
        T sum = 0;
        for (std::int64_t h = 0; h < heads; ++h) sum += in[h * f + c];
        o[c] = sum / static_cast<T>(heads);
      }
    }
    if (bias)
      for (std::int64_t c = 0; c < out.cols(); ++c) o[c] += bias->value(0, c);
  }
}

template <class T>
void merge_heads_backward(MatrixView<const T> d_out, std::int64_t heads, std::int64_t features, bool concat,
                          Parameter<T>* bias, BasicMatrix<T>& d_heads_out) {
  const std::int64_t n = d_out.rows();
  if (bias)
    for (std::int64_t r = 0; r < n; ++r)
      for (std::int64_t c = 0; c < d_out.cols(); ++c) bias->grad(0, c) += d_out(r, c);
  d_heads_out.resize_uninitialized(n, heads * features);
  const T inv = T(1) / static_cast<T>(heads);
  for (std::int64_t r = 0; r < n; ++r) {
    const T* d = d_out.row_ptr(r);
    T* o = d_heads_out.row_ptr(r);
    for (std::int64_t h = 0; h < heads; ++h)
      for (std::int64_t c = 0; c < features; ++c) o[h * features + c] = concat ? d[h * features + c] : d[c] * inv;
  }
}

void fill_edges(const Graph& g, std::vector<NodeId>& source, std::vector<NodeId>& target,
                std::vector<std::int64_t>& input_edge_id) {
  source.assign(g.in_sources().begin(), g.in_sources().end());
  target.assign(g.in_targets().begin(), g.in_targets().end());
  input_edge_id.assign(g.input_edge_ids().begin(), g.input_edge_ids().end());
}

template class InputDropout<float>;
template class InputDropout<double>;
template void merge_heads<float>(MatrixView<const float>, std::int64_t, bool, const Parameter<float>*,
                                 BasicMatrix<float>&);
template void merge_heads<double>(MatrixView<const double>, std::int64_t, bool, const Parameter<double>*,
                                  BasicMatrix<double>&);
template void merge_heads_backward<float>(MatrixView<const float>, std::int64_t, std::int64_t, bool,
                                          Parameter<float>*, BasicMatrix<float>&);
template void merge_heads_backward<double>(MatrixView<const double>, std::int64_t, std::int64_t, bool,
                                           Parameter<double>*, BasicMatrix<double>&);

}  // namespace gat::nn::detail
