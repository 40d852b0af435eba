#pragma once
// The interface of a layer in a node-classification model: a graph and node features in, node
// features out. Layers keep what their backward pass needs from the last forward pass and own
// their output buffers, which are reused from step to step (no allocation in a training loop
// once the shapes have been seen).
#include <cstdint>

#include "gat/core/random.hpp"
#include "gat/graph/graph.hpp"
#include "gat/graph/receptive_field.hpp"
#include "gat/module/module.hpp"
#include "gat/tensor/features.hpp"

namespace gat::nn {

// Node features as a layer reads them: a dense view, or a sparse matrix for the first layer.
template <class T>
struct LayerInput {
  MatrixView<const T> dense{};
  const BasicCsrMatrix<T>* sparse = nullptr;

  bool is_sparse() const noexcept { return sparse != nullptr; }
  std::int64_t rows() const noexcept { return sparse ? sparse->rows : dense.rows(); }
  std::int64_t cols() const noexcept { return sparse ? sparse->cols : dense.cols(); }

  static LayerInput of(MatrixView<const T> m) { return {m, nullptr}; }
  static LayerInput of(const BasicFeatures<T>& f) {
    return f.is_sparse() ? LayerInput{{}, &f.sparse()} : LayerInput{f.dense().view(), nullptr};
  }
};

// What a forward pass needs besides the features.
struct ForwardContext {
  const Graph* graph = nullptr;
  // The randomness of this step (dropout masks); layers derive their own streams from it.
  RandomKey key{};
  // When set, a model computes only what its outputs at the field's targets depend on: the
  // input has field->rows(0) rows (field->nodes()' features, in that order), graph layer l runs
  // on field->layer_graph(l) instead of `graph`, and the output has one row per target. The
  // targets' outputs and all gradients of a loss on them are those of the whole graph (up to
  // rounding); dropout draws by local row, so its masks differ from a whole-graph pass's.
  const ReceptiveField* field = nullptr;
};

template <class T>
class Layer : public Module<T> {
 public:
  virtual LayerInput<T> forward(const ForwardContext& ctx, const LayerInput<T>& x) = 0;
  // Accumulates parameter gradients and returns the gradient with respect to the input of the
  // last forward pass (an empty view when want_input_grad is false).
  virtual MatrixView<const T> backward(const ForwardContext& ctx, MatrixView<const T> d_out, bool want_input_grad) = 0;

  // Which random stream of the step's key this layer draws from; containers number their layers.
  void set_random_stream(std::uint64_t stream) noexcept { stream_ = stream; }
  // Whether the output at a node reads the input at its neighbours (a graph layer: GATConv),
  // rather than at the node alone (activations, dropout, linear maps) or at no node in particular.
  virtual bool aggregates_over_graph() const noexcept { return false; }

 protected:
  RandomKey layer_key(const ForwardContext& ctx) const noexcept { return ctx.key.child(stream_); }

 private:
  std::uint64_t stream_ = 0;
};

}  // namespace gat::nn
