// gat train: the paper's node classification, run for several seeds.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "gat/core/checked_size.hpp"
#include "gat/core/phase_profile.hpp"
#include "gat/graph/algorithms.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/dataset.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/paper_presets.hpp"
#include "gat/train/repeated_runs.hpp"
#include "gat/train/trainer.hpp"

namespace gat::cli {

namespace {

struct TrainFlags {
  DatasetFlags data;
  int runs = 1;
  int concurrent_runs = 0;  // 0: as many runs side by side as threads
  std::uint64_t seed = 0;
  std::string summary, save, log;
  bool json = false;
  bool profile = false;
  int threads = 0;
  // Overrides of the paper's hyperparameters (unset: the preset for the dataset).
  std::optional<std::int64_t> epochs, patience, hidden, heads, output_heads, layers;
  std::optional<double> lr, weight_decay;
  std::optional<float> dropout, feature_dropout, attention_dropout, value_dropout;
  std::optional<bool> feature_dropout_per_head;
  std::string layer = "gat", optimizer = "adam", activation = "elu";
  std::string model_selection;  // empty: the preset's
  std::string reorder = "none";  // none, rcm or degree: train on a locality order of the nodes
  bool whole_graph = false;      // every pass over the whole graph, not the splits' receptive fields
};

train::ModelSelection model_selection_from_string(const std::string& s) {
  if (s == "loss") return train::ModelSelection::loss;
  if (s == "accuracy") return train::ModelSelection::accuracy;
  return train::ModelSelection::accuracy_and_loss;
}

const char* to_string(train::ModelSelection s) {
  switch (s) {
    case train::ModelSelection::loss: return "loss";
    case train::ModelSelection::accuracy: return "accuracy";
    case train::ModelSelection::accuracy_and_loss: break;
  }
  return "accuracy_and_loss";
}

template <class T, class U>
void override_if(const std::optional<T>& flag, U& target) {
  if (flag) target = static_cast<U>(*flag);
}

std::string dataset_label(const TrainFlags& f, const io::Dataset& d) {
  return d.name.empty() ? (f.data.dataset.empty() ? "synthetic" : f.data.dataset) : d.name;
}

// Where the epochs' time went, per phase (gat::profile): ms per epoch and share, on stderr.
void print_profile(const profile::Totals& t, const nlohmann::json& runs) {
  std::int64_t epochs = 0;
  for (const auto& r : runs) epochs += r["epochs"].get<std::int64_t>();
  const double total = t.total();
  std::cerr << "profile over " << epochs << " epochs (ms per epoch, share):\n";
  for (int i = 0; i < static_cast<int>(profile::Phase::count); ++i) {
    const auto k = static_cast<std::size_t>(i);
    if (t.calls[k] == 0) continue;
    std::cerr << "  " << std::left << std::setw(22) << profile::name(static_cast<profile::Phase>(i)) << std::right
              << std::fixed << std::setprecision(4) << std::setw(9) << 1e3 * t.seconds[k] / std::max<std::int64_t>(1, epochs)
              << std::setprecision(1) << std::setw(7) << (total > 0 ? 100 * t.seconds[k] / total : 0.0) << " %\n";
  }
}

int run_train(const TrainFlags& f) {
  apply_threads(f.threads);
  PreparedData data = prepare(f.data);
  check_outputs({{"--save", f.save}, {"--summary", f.summary}, {"--log", f.log}}, dataset_inputs(data.dataset));
  for (const std::string& warning : data.dataset.warnings) std::cerr << "gat train: warning: " << warning << "\n";
  if (f.reorder != "none") {
    // Neighbours get nearby ids, so the rows each node pulls are close in memory. The model's
    // parameters do not depend on node order: its checkpoint applies to the dataset as given.
    data.dataset = io::permuted(data.dataset, locality_order(data.graph, f.reorder));
    data.graph = Graph::from_edges(data.dataset.edges);
  }
  const io::Dataset& ds = data.dataset;
  const std::string name = dataset_label(f, ds);

  train::PaperPreset preset = train::paper_preset(name, ds.features.cols(), ds.num_classes);
  nn::GatModelOptions& model_options = preset.model;
  train::TrainOptions& train_options = preset.train;
  model_options.conv = nn::conv_kind_from_string(f.layer);
  model_options.activation = nn::activation_from_string(f.activation);
  override_if(f.hidden, model_options.hidden);
  override_if(f.heads, model_options.heads);
  override_if(f.output_heads, model_options.output_heads);
  override_if(f.layers, model_options.layers);
  override_if(f.dropout, model_options.feature_dropout);
  override_if(f.dropout, model_options.attention_dropout);
  override_if(f.dropout, model_options.value_dropout);
  override_if(f.feature_dropout, model_options.feature_dropout);
  override_if(f.attention_dropout, model_options.attention_dropout);
  override_if(f.value_dropout, model_options.value_dropout);
  override_if(f.feature_dropout_per_head, model_options.feature_dropout_per_head);
  override_if(f.epochs, train_options.max_epochs);
  override_if(f.patience, train_options.patience);
  if (!f.model_selection.empty()) train_options.selection = model_selection_from_string(f.model_selection);
  override_if(f.lr, train_options.lr);
  override_if(f.weight_decay, train_options.weight_decay);
  train_options.receptive_field = !f.whole_graph;
  train_options.optimizer = f.optimizer == "adamw" ? train::OptimizerKind::adamw
                            : f.optimizer == "sgd" ? train::OptimizerKind::sgd
                                                   : train::OptimizerKind::adam;

  // Takes its name when training is over: a failed run leaves an earlier log as it was.
  std::unique_ptr<io::AtomicFile> log;
  if (!f.log.empty()) log = std::make_unique<io::AtomicFile>(f.log);

  const train::NodeClassificationTask task{&data.graph, &ds.features, ds.labels, ds.train, ds.valid, ds.test};
  if (!f.json)
    std::cout << "gat train: " << name << ": " << ds.num_nodes() << " nodes, " << ds.edges.num_edges()
              << " edges, " << ds.features.cols() << " features, " << ds.num_classes << " classes; "
              << f.runs << " run(s) from seed " << f.seed << "\n";

  // One after the other, the progress line follows every epoch; side by side (--threads 2 and more),
  // each run reports when it ends. Either way the log and the result lines come in run order.
  train_options.on_epoch = [&](const train::EpochRecord& e) {
    std::ostringstream line;
    line << "epoch " << e.epoch << " loss " << std::fixed << std::setprecision(4) << e.train_loss << " val_acc "
         << e.val_accuracy;
    progress(line.str());
  };
  nlohmann::json runs = nlohmann::json::array();
  const auto report = [&](const train::RunOutcome& run) {
    end_progress();
    if (log)
      for (const train::EpochRecord& e : run.epochs)
        log->stream() << nlohmann::json{{"run", run.run},
                                        {"seed", run.seed},
                                        {"epoch", e.epoch},
                                        {"train_loss", e.train_loss},
                                        {"train_accuracy", e.train_accuracy},
                                        {"val_loss", e.val_loss},
                                        {"val_accuracy", e.val_accuracy},
                                        {"seconds", e.seconds}}
                             .dump()
                      << '\n';
    const train::TrainResult& result = run.result;
    runs.push_back({{"seed", run.seed},
                    {"test_accuracy", result.test_accuracy},
                    {"val_accuracy", result.val_accuracy},
                    {"val_loss", result.val_loss},
                    {"epochs", result.epochs},
                    {"best_epoch", result.best_epoch},
                    {"train_seconds", result.train_seconds},
                    {"step_nodes", result.step_nodes}});
    if (!f.json)
      std::cout << "run " << run.run << " seed " << run.seed << ": test accuracy " << std::fixed
                << std::setprecision(4) << result.test_accuracy << "  val accuracy " << result.val_accuracy
                << "  epochs " << result.epochs << " (best " << result.best_epoch << ")  " << std::setprecision(2)
                << result.train_seconds << " s" << std::endl;
  };
  // The profile is the calling thread's: profiled runs go one after the other, on it.
  if (f.profile) profile::enable(true);
  train::RepeatedRunsResult trained = train::train_repeated(
      model_options, train_options, task,
      {.runs = f.runs, .first_seed = f.seed, .concurrent = f.profile ? 1 : f.concurrent_runs}, report);
  if (f.profile) {
    print_profile(profile::totals(), runs);
    profile::enable(false);
  }
  const std::unique_ptr<nn::GatModel<float>>& best_model = trained.best_model;
  const double mean = trained.test_accuracy_mean, std_dev = trained.test_accuracy_std;

  nlohmann::json summary{{"dataset", name},
                         {"runs", runs},
                         {"test_accuracy_mean", mean},
                         {"test_accuracy_std", std_dev},
                         {"model", train::to_json(model_options)},
                         {"lr", train_options.lr},
                         {"weight_decay", train_options.weight_decay},
                         {"patience", train_options.patience},
                         {"reorder", f.reorder},
                         {"receptive_field", !f.whole_graph},
                         {"model_selection", to_string(train_options.selection)},
                         {"max_epochs", train_options.max_epochs},
                         {"warnings", ds.warnings}};
  summary["model"].erase("seed");
  if (f.json)
    std::cout << summary.dump(2) << "\n";
  else
    std::cout << "test accuracy over " << f.runs << " run(s): " << std::fixed << std::setprecision(2) << 100 * mean
              << " +- " << 100 * std_dev << " %\n";
  if (log) log->commit();
  if (!f.summary.empty()) io::AtomicFile::write(f.summary, summary.dump(2) + "\n");
  if (!f.save.empty()) {
    nn::GatModelOptions saved = best_model->options();
    io::save_checkpoint(f.save, *best_model,
                        {{"gat_model", train::to_json(saved).dump()},
                         {"dataset", name},
                         {"normalize_features", f.data.raw_features ? "false" : "true"},
                         {"format", "gat-checkpoint"},
                         {"version", "1"}});
    if (!f.json) std::cout << "checkpoint (best validation accuracy) written to " << f.save << "\n";
  }
  return kSuccess;
}

}  // namespace

Runner add_train_command(CLI::App& app) {
  auto f = std::make_shared<TrainFlags>();
  CLI::App* cmd = app.add_subcommand("train", "train GAT node classifiers with the paper's hyperparameters");
  f->data.add_to(*cmd);
  cmd->add_option("--runs", f->runs, "models to train, with seeds seed, seed+1, ...")->check(positive_number());
  cmd->add_option("--seed", f->seed, "seed of the first run");
  cmd->add_option("--concurrent-runs", f->concurrent_runs,
                  "runs trained side by side, one thread each (default: one per thread; 1: one after the other, "
                  "each with all threads); the results are the same either way")
      ->check(positive_number_up_to(kMaxThreads));
  cmd->add_option("--summary", f->summary, "write a JSON summary of all runs to FILE");
  cmd->add_option("--save", f->save, "write the checkpoint (best validation accuracy) to FILE (.safetensors)");
  cmd->add_option("--log", f->log, "write the training curve as JSON lines to FILE");
  cmd->add_flag("--json", f->json, "print the summary as JSON instead of text");
  cmd->add_flag("--profile", f->profile,
                "print where the epochs' time went, per phase, on stderr (the runs then go one after the other)");
  add_threads_flag(*cmd, f->threads);
  cmd->add_option("--epochs", f->epochs, "maximum epochs per run (default 100000)")->check(positive_number());
  cmd->add_option("--patience", f->patience, "early-stopping patience; 0 turns it off (default 100)")
      ->check(non_negative_number());
  cmd->add_option("--model-selection", f->model_selection,
                  "which epoch early stopping keeps: accuracy_and_loss (the reference GAT code; default), loss "
                  "(Pubmed's preset) or accuracy")
      ->check(CLI::IsMember({"accuracy_and_loss", "loss", "accuracy"}));
  cmd->add_option("--reorder", f->reorder,
                  "train on the nodes renumbered for locality: rcm (reverse Cuthill-McKee) or degree; the "
                  "checkpoint applies to the dataset as given (default none)")
      ->check(CLI::IsMember(std::vector<std::string>(kLocalityOrders.begin(), kLocalityOrders.end())));
  cmd->add_flag("--whole-graph", f->whole_graph,
               "every step and evaluation over the whole graph, not only over the receptive fields of the "
               "training and validation nodes (the same model and gradients, other dropout draws; slower)");
  cmd->add_option("--lr", f->lr, "learning rate")->check(positive_number());
  cmd->add_option("--weight-decay", f->weight_decay, "L2 regularisation")->check(non_negative_number());
  // Heads x hidden is bounded too (kMaxWidth); the model names the pair when it is exceeded.
  cmd->add_option("--hidden", f->hidden, "features per head in hidden layers (default 8)")
      ->check(positive_number_up_to(kMaxWidth));
  cmd->add_option("--heads", f->heads, "heads in hidden layers (default 8)")->check(positive_number_up_to(kMaxHeads));
  cmd->add_option("--output-heads", f->output_heads, "averaged heads of the output layer")
      ->check(positive_number_up_to(kMaxHeads));
  cmd->add_option("--layers", f->layers, "attention layers (default 2)")->check(positive_number_up_to(kMaxLayers));
  cmd->add_option("--dropout", f->dropout, "feature, value and attention dropout")
      ->check(non_negative_number_up_to(0.99));
  cmd->add_option("--feature-dropout", f->feature_dropout, "dropout on each layer's input")
      ->check(non_negative_number_up_to(0.99));
  cmd->add_option("--attention-dropout", f->attention_dropout, "dropout on attention coefficients")
      ->check(non_negative_number_up_to(0.99));
  cmd->add_option("--value-dropout", f->value_dropout,
                  "dropout on the aggregated projected features, as the reference GAT code (default 0.6)")
      ->check(non_negative_number_up_to(0.99));
  cmd->add_option("--feature-dropout-per-head", f->feature_dropout_per_head,
                  "true (default): every head draws its own input-dropout mask, as the reference GAT code; "
                  "false: one mask shared by the heads, as PyG and DGL");
  cmd->add_option("--layer", f->layer, "attention layer: gat or gatv2")->check(CLI::IsMember({"gat", "gatv2"}));
  cmd->add_option("--activation", f->activation, "hidden activation")
      ->check(CLI::IsMember({"elu", "relu", "leaky_relu", "identity"}));
  cmd->add_option("--optimizer", f->optimizer, "adam, adamw or sgd")->check(CLI::IsMember({"adam", "adamw", "sgd"}));
  return [cmd, f]() { return cmd->parsed() ? run_train(*f) : -1; };
}

}  // namespace gat::cli
