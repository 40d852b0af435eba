#pragma once
// Attention pooling with a learned context vector (Yang et al. 2016, hierarchical attention
// networks): a set of rows h_r is summarised by
//     u_r = tanh(W h_r + b),   alpha = softmax_r(u_r . c),   out = sum_r alpha_r h_r
// where the context vector c is a parameter ("what is informative?"). As a graph-level readout
// it pools the node embeddings of each graph in a batch (rows grouped by offsets).
// Parameters: weight (A x F), bias (1 x A), context (1 x A); F = in_features, A = attention_dim.
#include <cstdint>
#include <span>
#include <vector>

#include "gat/module/module.hpp"
#include "gat/tensor/matmul.hpp"

namespace gat::attention {

struct AttentionPoolingOptions {
  std::int64_t in_features = 0;    // F, required
  std::int64_t attention_dim = 0;  // A; 0 means in_features
  std::uint64_t seed = 0;          // initialisation
};

template <class T>
class AttentionPooling : public Module<T> {
 public:
  explicit AttentionPooling(const AttentionPoolingOptions& options);

  // x: n x F -> 1 x F (one set). An empty set pools to zeros.
  const BasicMatrix<T>& forward(In<T> x);
  // x: n x F, offsets: G+1 non-decreasing row boundaries with offsets[0] = 0, offsets[G] = n;
  // set g is rows [offsets[g], offsets[g+1]). -> G x F.
  const BasicMatrix<T>& forward(In<T> x, std::span<const std::int64_t> offsets);
  // d_out: G x F -> d_x: n x F (overwritten); parameter gradients accumulate.
  void backward(In<T> d_out, MatrixView<T> d_x);

  // The last forward's pooling weights: n x 1 (each set's weights sum to 1).
  const BasicMatrix<T>& weights() const noexcept { return alpha_; }

 private:
  std::int64_t F_, A_;
  Parameter<T>* weight_;
  Parameter<T>* bias_;
  Parameter<T>* context_;
  BasicMatrix<T> x_, u_, alpha_, out_;
  std::vector<std::int64_t> offsets_;
};

extern template class AttentionPooling<float>;
extern template class AttentionPooling<double>;

}  // namespace gat::attention
