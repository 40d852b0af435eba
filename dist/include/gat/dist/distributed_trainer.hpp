#pragma once
// Full-graph training of a GatModel over MPI, one part per rank, with the single-process
// trainer's loop (gat/train/trainer.hpp): one step on the training nodes per epoch, then an
// evaluation of the validation nodes, and its early stopping (BestModelKeeper). Losses and
// accuracies are sums over ranks divided by the split's size; parameter gradients are summed
// over ranks in rank order (Communicator::sum_in_rank_order), so every rank takes the same
// optimizer step on the same bits and holds the same model.
#include <cstdint>
#include <span>

#include "gat/dist/distributed_model.hpp"
#include "gat/train/trainer.hpp"

namespace gat::dist {

struct SplitMetrics {
  double loss = 0, accuracy = 0;
  std::int64_t nodes = 0;  // over all ranks
};

// Evaluation-mode metrics of a split (local rows of this rank's part), over all ranks.
SplitMetrics evaluate_split(DistributedGat& net, const GraphPart& part, Communicator& comm,
                            std::span<const std::int32_t> rows);

struct DistributedTrainResult {
  train::TrainResult result;
  // Halo bytes this rank sent in one training step (forward and backward) and in one evaluation
  // (forward only).
  std::int64_t step_bytes = 0, eval_bytes = 0;
};

// Throws InvalidArgument when a split is empty over all ranks or the model does not fit the part.
DistributedTrainResult train_distributed(nn::GatModel<float>& model, const GraphPart& part, Communicator& comm,
                                         const train::TrainOptions& options);

}  // namespace gat::dist
