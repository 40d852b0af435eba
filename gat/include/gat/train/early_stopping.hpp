#pragma once
// The bookkeeping of early stopping shared by the trainers (full-batch here, mini-batch in
// gat/sampling/): which epoch's model to keep under TrainOptions::selection, when the patience
// runs out, and the kept parameters (copied into the same matrices each time, so keeping a
// better epoch allocates nothing).
#include <cstdint>
#include <vector>

#include "gat/train/trainer.hpp"

namespace gat::train {

class BestModelKeeper {
 public:
  // Snapshots the model as it is (restored if no epoch is ever kept).
  BestModelKeeper(nn::GatModel<float>& model, const TrainOptions& options);
  // After an epoch's evaluation: keeps this epoch's model when the selection rule says so (and
  // records it in result.best_epoch, val_accuracy, val_loss); returns true when training stops.
  // Without early stopping (patience 0) every epoch is the kept one and nothing is copied.
  bool end_epoch(std::int64_t epoch, double val_accuracy, double val_loss, TrainResult& result);
  // Puts the kept parameters back into the model (nothing without early stopping).
  void restore();

 private:
  nn::GatModel<float>& model_;
  const TrainOptions& options_;
  double best_accuracy_ = 0, best_loss_;
  std::int64_t bad_epochs_ = 0;
  std::vector<Matrix> kept_;
};

}  // namespace gat::train
