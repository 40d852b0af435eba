#include "gat/train/repeated_runs.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include "gat/core/check.hpp"
#include "gat/core/parallel.hpp"

namespace gat::train {

namespace {

struct Trained {
  RunOutcome outcome;
  std::unique_ptr<nn::GatModel<float>> model;
};

Trained train_one(int run, nn::GatModelOptions model_options, TrainOptions train_options,
                  const NodeClassificationTask& task, const RepeatedRunsOptions& options, bool pass_epochs,
                  const std::function<void()>& after_epoch = {}) {
  Trained t;
  t.outcome.run = run;
  t.outcome.seed = options.first_seed + static_cast<std::uint64_t>(run);
  model_options.seed = train_options.seed = t.outcome.seed;
  const auto user_on_epoch = pass_epochs ? train_options.on_epoch : nullptr;
  train_options.on_epoch = [&](const EpochRecord& e) {
    t.outcome.epochs.push_back(e);
    if (user_on_epoch) user_on_epoch(e);
    if (after_epoch) after_epoch();
  };
  t.model = std::make_unique<nn::GatModel<float>>(model_options);
  t.outcome.result = train_node_classifier(*t.model, task, train_options);
  return t;
}

}  // namespace

RepeatedRunsResult train_repeated(const nn::GatModelOptions& model_options, const TrainOptions& train_options,
                                  const NodeClassificationTask& task, const RepeatedRunsOptions& options,
                                  const std::function<void(const RunOutcome&)>& on_run_done) {
  GAT_REQUIRE(options.runs >= 1, "train_repeated: runs must be at least 1, got ", options.runs);
  GAT_REQUIRE(options.concurrent >= 0, "train_repeated: concurrent must be 0 (automatic) or positive, got ",
              options.concurrent);
  const int n = options.runs;
  const int concurrent = std::min(n, options.concurrent > 0 ? options.concurrent : num_threads());

  RepeatedRunsResult out;
  out.runs.resize(static_cast<std::size_t>(n));
  std::vector<std::unique_ptr<nn::GatModel<float>>> models(static_cast<std::size_t>(n));
  auto finish = [&](Trained&& t) {
    const int r = t.outcome.run;
    out.runs[static_cast<std::size_t>(r)] = std::move(t.outcome);
    models[static_cast<std::size_t>(r)] = std::move(t.model);
    if (on_run_done) on_run_done(out.runs[static_cast<std::size_t>(r)]);
    // Only the best model so far is kept, so side-by-side runs hold `concurrent` models at most.
    if (r > 0) {
      const std::size_t keep = static_cast<std::size_t>(out.best_run);
      if (out.runs[static_cast<std::size_t>(r)].result.val_accuracy > out.runs[keep].result.val_accuracy) {
        models[keep].reset();
        out.best_run = r;
      } else {
        models[static_cast<std::size_t>(r)].reset();
      }
    }
  };

  if (concurrent <= 1) {
    for (int r = 0; r < n; ++r) finish(train_one(r, model_options, train_options, task, options, true));
  } else {
    // One std::thread per side-by-side run, each with its share of the threads: 1 each while all
    // are busy, and when the runs to start are used up, the ones still training widen to the
    // freed cores at their next epoch (else the last run trains on one core, the others idle).
    // Runs are delivered to finish() in run order. A failure stops the runs not yet started and
    // is rethrown here.
    const int total = num_threads();
    std::atomic<int> next{0}, active{concurrent};
    std::mutex done_mutex;
    std::vector<std::optional<Trained>> done(static_cast<std::size_t>(n));
    int deliver = 0;
    std::exception_ptr failure;
    std::atomic<bool> failed{false};
    auto share = [&] { return std::max(1, total / std::max(1, active.load())); };
    auto worker = [&] {
      set_thread_num_threads(share());
      for (int r = next.fetch_add(1); r < n && !failed.load(); r = next.fetch_add(1)) {
        try {
          Trained t = train_one(r, model_options, train_options, task, options, false,
                                [&] { set_thread_num_threads(share()); });
          std::lock_guard<std::mutex> lock(done_mutex);
          done[static_cast<std::size_t>(r)] = std::move(t);
          while (deliver < n && done[static_cast<std::size_t>(deliver)]) {
            finish(std::move(*done[static_cast<std::size_t>(deliver)]));
            done[static_cast<std::size_t>(deliver)].reset();
            ++deliver;
          }
        } catch (...) {
          std::lock_guard<std::mutex> lock(done_mutex);
          if (!failure) failure = std::current_exception();
          failed.store(true);
        }
      }
      active.fetch_sub(1);
      set_thread_num_threads(0);
    };
    std::vector<std::thread> workers;
    for (int k = 0; k < concurrent; ++k) workers.emplace_back(worker);
    for (std::thread& w : workers) w.join();
    if (failure) std::rethrow_exception(failure);
  }

  out.best_model = std::move(models[static_cast<std::size_t>(out.best_run)]);
  summarize_test_accuracy(out);
  return out;
}

void summarize_test_accuracy(RepeatedRunsResult& result) {
  const double n = static_cast<double>(result.runs.size());
  double sum = 0, sum_sq = 0;
  for (const RunOutcome& r : result.runs) {
    sum += r.result.test_accuracy;
    sum_sq += r.result.test_accuracy * r.result.test_accuracy;
  }
  result.test_accuracy_mean = n > 0 ? sum / n : 0.0;
  result.test_accuracy_std =
      n > 1 ? std::sqrt(std::max(0.0, (sum_sq - n * result.test_accuracy_mean * result.test_accuracy_mean) / (n - 1)))
            : 0.0;
}

}  // namespace gat::train
