#include "gat/train/early_stopping.hpp"

#include <algorithm>
#include <limits>

namespace gat::train {

namespace {

// Into the matrices of the last snapshot: keeping a better epoch's model allocates nothing.
void snapshot(nn::GatModel<float>& model, std::vector<Matrix>& values) {
  auto params = model.named_parameters();
  values.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) values[i].assign(params[i].parameter->value.view());
}

}  // namespace

BestModelKeeper::BestModelKeeper(nn::GatModel<float>& model, const TrainOptions& options)
    : model_(model), options_(options), best_loss_(std::numeric_limits<double>::infinity()) {
  if (options_.patience > 0) snapshot(model_, kept_);
}

bool BestModelKeeper::end_epoch(std::int64_t epoch, double val_accuracy, double val_loss, TrainResult& result) {
  if (options_.patience <= 0) {
    result.best_epoch = epoch;
    result.val_accuracy = val_accuracy;
    result.val_loss = val_loss;
    return false;
  }
  const bool acc_ok = val_accuracy >= best_accuracy_, loss_ok = val_loss <= best_loss_;
  bool keep = false, progress = false;
  switch (options_.selection) {
    case ModelSelection::accuracy_and_loss: keep = acc_ok && loss_ok; progress = acc_ok || loss_ok; break;
    case ModelSelection::loss: keep = progress = loss_ok; break;
    case ModelSelection::accuracy: keep = progress = acc_ok; break;
  }
  if (keep) {
    snapshot(model_, kept_);
    result.best_epoch = epoch;
    result.val_accuracy = val_accuracy;
    result.val_loss = val_loss;
  }
  if (progress) {
    best_accuracy_ = std::max(best_accuracy_, val_accuracy);
    best_loss_ = std::min(best_loss_, val_loss);
    bad_epochs_ = 0;
    return false;
  }
  return ++bad_epochs_ >= options_.patience;
}

void BestModelKeeper::restore() {
  if (options_.patience <= 0) return;
  auto params = model_.named_parameters();
  for (std::size_t i = 0; i < params.size(); ++i) params[i].parameter->value.assign(kept_[i].view());
}

}  // namespace gat::train
