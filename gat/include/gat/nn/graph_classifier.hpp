#pragma once
// A graph classifier: GAT layers embed the nodes of a batch of graphs, an ELU, a readout
// (mean, sum, max or attention pooling) summarises each graph, and a linear layer gives its
// class logits, as PyG's and DGL's graph-classification examples build them. Parameters are
// "gnn.conv1.lin.weight", ..., "readout.pool.context" (attention readout), "head.weight".
#include <cstdint>
#include <span>

#include "gat/nn/activation.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/nn/graph_readout.hpp"
#include "gat/nn/linear.hpp"

namespace gat::nn {

struct GraphClassifierOptions {
  // The node embedder; its num_classes is the embedding width the readout pools.
  GatModelOptions gnn;
  ReadoutKind readout = ReadoutKind::attention;
  std::int64_t num_classes = 2;
  std::uint64_t seed = 0;  // readout and head initialisation (the gnn has its own)
};

template <class T>
class GraphClassifier : public Module<T> {
 public:
  explicit GraphClassifier(const GraphClassifierOptions& options);

  // x: the batch's node features, ctx.graph its block-diagonal graph, offsets its G+1 graph
  // boundaries -> G x num_classes logits.
  MatrixView<const T> forward(const ForwardContext& ctx, const LayerInput<T>& x, std::span<const std::int64_t> offsets);
  // Accumulates every parameter's gradient of the loss whose gradient is d_logits (G x classes).
  void backward(const ForwardContext& ctx, MatrixView<const T> d_logits);

  const GraphClassifierOptions& options() const noexcept { return options_; }
  const GraphReadout<T>& readout() const noexcept { return readout_; }

 private:
  GraphClassifierOptions options_;
  GatModel<T> gnn_;
  Activation<T> act_;
  GraphReadout<T> readout_;
  Linear<T> head_;
};

extern template class GraphClassifier<float>;
extern template class GraphClassifier<double>;

}  // namespace gat::nn
