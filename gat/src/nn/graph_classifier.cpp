#include "gat/nn/graph_classifier.hpp"

#include "gat/core/check.hpp"

namespace gat::nn {

template <class T>
GraphClassifier<T>::GraphClassifier(const GraphClassifierOptions& o)
    : options_(o),
      gnn_(o.gnn),
      act_(ActivationOptions{.kind = ActivationKind::elu}),
      readout_(o.readout, o.gnn.num_classes, o.seed * 1000003ULL + 11),
      head_(LinearOptions{.in_features = o.gnn.num_classes, .out_features = o.num_classes, .bias = true,
                          .seed = o.seed * 1000003ULL + 12}) {
  GAT_REQUIRE(o.num_classes > 0, "GraphClassifier: num_classes must be positive, got ", o.num_classes);
  this->register_module("gnn", gnn_);
  this->register_module("readout", readout_);
  this->register_module("head", head_);
}

template <class T>
MatrixView<const T> GraphClassifier<T>::forward(const ForwardContext& ctx, const LayerInput<T>& x,
                                                std::span<const std::int64_t> offsets) {
  const LayerInput<T> h = act_.forward(ctx, gnn_.forward(ctx, x));
  const BasicMatrix<T>& pooled = readout_.forward(h.dense, offsets);
  return head_.forward(ctx, LayerInput<T>::of(pooled.view())).dense;
}

template <class T>
void GraphClassifier<T>::backward(const ForwardContext& ctx, MatrixView<const T> d_logits) {
  const MatrixView<const T> d_pooled = head_.backward(ctx, d_logits, true);
  const BasicMatrix<T>& d_h = readout_.backward(d_pooled);
  const MatrixView<const T> d_emb = act_.backward(ctx, d_h.view(), true);
  gnn_.backward(ctx, d_emb, false);
}

template class GraphClassifier<float>;
template class GraphClassifier<double>;

}  // namespace gat::nn
