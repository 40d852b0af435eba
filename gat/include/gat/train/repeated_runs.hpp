#pragma once
// The same model trained with several seeds, as papers report accuracy (mean +- std over seeds):
// run r uses seed first_seed + r for both the initialisation and the dropout masks. With two or
// more threads the runs go side by side, one thread each: a small graph such as Cora gives a
// thread too little work per kernel to share, while separate runs share nothing. Each run's
// numbers are exactly those it has alone, since gat's results never depend on the thread count.
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "gat/train/trainer.hpp"

namespace gat::train {

struct RepeatedRunsOptions {
  int runs = 10;
  std::uint64_t first_seed = 0;
  // Models trained at once, one thread each; 0: as many as num_threads() allows (at most `runs`).
  // 1: one run after the other, each with all threads.
  int concurrent = 0;
};

struct RunOutcome {
  int run = 0;  // 0-based
  std::uint64_t seed = 0;
  TrainResult result;
  std::vector<EpochRecord> epochs;  // the training curve
};

struct RepeatedRunsResult {
  std::vector<RunOutcome> runs;                     // in run order
  std::unique_ptr<nn::GatModel<float>> best_model;  // the highest validation accuracy (the first on ties)
  int best_run = 0;
  double test_accuracy_mean = 0, test_accuracy_std = 0;  // sample standard deviation
};

// The mean and the sample standard deviation of the runs' test accuracies, into result: the one
// rule for every way of running several seeds (side by side, or mini-batch runs one by one).
void summarize_test_accuracy(RepeatedRunsResult& result);

// model_options.seed and train_options.seed are replaced per run. train_options.on_epoch is called
// (from the calling thread) only when the runs go one after the other; side by side, each run's
// curve is in RunOutcome::epochs. on_run_done is called once per run, in run order and never two
// at once, as soon as that run and all before it have finished (side by side: from a worker
// thread). If a run throws, the runs not yet started are skipped and the error is rethrown.
RepeatedRunsResult train_repeated(const nn::GatModelOptions& model_options, const TrainOptions& train_options,
                                  const NodeClassificationTask& task, const RepeatedRunsOptions& options,
                                  const std::function<void(const RunOutcome&)>& on_run_done = {});

}  // namespace gat::train
