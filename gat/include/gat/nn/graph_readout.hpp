#pragma once
// A graph-level readout: the node embeddings of each graph of a batch (rows grouped by
// offsets, as gat::GraphBatch numbers them) summarised in one row per graph, by their mean, sum,
// elementwise max, or attention pooling with a learned context vector (gat::attention::
// AttentionPooling; PyG's AttentionalAggregation, DGL's GlobalAttentionPooling). The attention
// readout's per-node weights (each graph's sum to 1) say which nodes a graph's prediction read.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gat/attention/attention_pooling.hpp"
#include "gat/module/module.hpp"

namespace gat::nn {

enum class ReadoutKind { mean, sum, max, attention };

std::string to_string(ReadoutKind kind);
// "mean", "sum", "max" or "attention"; InvalidArgument naming the choices otherwise.
ReadoutKind readout_from_string(const std::string& name);

template <class T>
class GraphReadout : public Module<T> {
 public:
  // attention_dim: the attention readout's A (0: features).
  GraphReadout(ReadoutKind kind, std::int64_t features, std::uint64_t seed = 0, std::int64_t attention_dim = 0);

  // x: n x F, offsets: G+1 row boundaries (every graph non-empty) -> G x F.
  const BasicMatrix<T>& forward(MatrixView<const T> x, std::span<const std::int64_t> offsets);
  // d_out: G x F -> the gradient with respect to the last forward's x (n x F); parameters (attention
  // readout) accumulate their gradients.
  const BasicMatrix<T>& backward(MatrixView<const T> d_out);

  ReadoutKind kind() const noexcept { return kind_; }
  // The attention readout's weights of the last forward pass (n x 1); empty for the others.
  MatrixView<const T> weights() const noexcept;

 private:
  ReadoutKind kind_;
  std::int64_t F_;
  std::unique_ptr<attention::AttentionPooling<T>> pooling_;
  std::vector<std::int64_t> offsets_;
  std::vector<std::int64_t> argmax_;  // max: the row each output entry came from
  BasicMatrix<T> out_, d_x_;
};

extern template class GraphReadout<float>;
extern template class GraphReadout<double>;

}  // namespace gat::nn
