#pragma once
// A GatModel's forward and backward passes over one rank's part of the graph.
//
// The rank computes the rows of the nodes it owns. A GAT layer's output at node i reads, at each
// source j of i's in-edges, only j's projected features (values) and its source score
// a_src . W x_j; so each layer projects and scores the owned rows, receives those two of its halo
// rows from their owners (HaloExchange), runs the library's fused attention kernel over the
// owned nodes' in-edges, and merges the heads. Backward runs the kernel's backward, which leaves
// gradients at the halo rows too; those go back to their owners, who add them (rank order) before
// the projection's backward. Parameters are the GatModel's own (its optimizer and checkpoints
// apply unchanged); their gradients are this rank's share, to be summed over ranks.
//
// Dropout draws from per-rank streams: the fused kernel keys attention dropout by the stored
// edge index, which is local to a part. A run with P ranks gives the same bits every time; runs
// with different P (or a single-process run) see other dropout masks, and agree within rounding
// when dropout is off.
#include <memory>
#include <vector>

#include "gat/core/random.hpp"
#include "gat/dist/communicator.hpp"
#include "gat/dist/graph_part.hpp"
#include "gat/dist/halo_exchange.hpp"
#include "gat/nn/gat_model.hpp"

namespace gat::dist {

class DistributedGat {
 public:
  // Throws InvalidArgument for what the distributed passes do not support (GATv2 layers,
  // residual connections) and when the part's features do not fit the model.
  DistributedGat(nn::GatModel<float>& model, const GraphPart& part, Communicator& comm);
  ~DistributedGat();
  DistributedGat(const DistributedGat&) = delete;
  DistributedGat& operator=(const DistributedGat&) = delete;

  // Logits of the owned nodes (owned x classes), in training mode (dropout drawn from key) or
  // evaluation mode.
  MatrixView<const float> forward(bool training, RandomKey key);
  // Adds this rank's share of the parameter gradients of a loss whose gradient at the owned
  // logits is d_logits.
  void backward(MatrixView<const float> d_logits);

  const HaloExchange& exchange() const noexcept { return exchange_; }

 private:
  struct Layer;
  nn::GatModel<float>& model_;
  const GraphPart& part_;
  int rank_;
  Graph local_;  // owned nodes, then halo nodes; in-edges of owned nodes only
  HaloExchange exchange_;
  std::vector<std::unique_ptr<Layer>> layers_;
  std::vector<std::unique_ptr<nn::Activation<float>>> activations_;
};

}  // namespace gat::dist
