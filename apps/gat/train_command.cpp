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
#include "many_graphs.hpp"
#ifdef GAT_WITH_MPI
#include "distributed_commands.hpp"
#endif
#include "gat/core/checked_size.hpp"
#include "gat/core/phase_profile.hpp"
#include "gat/graph/algorithms.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/dataset.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/paper_presets.hpp"
#include "gat/train/repeated_runs.hpp"
#include "gat/train/trainer.hpp"
#include "gat/sampling/minibatch_trainer.hpp"
#include "gat/store/graph_store.hpp"

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
  // Mini-batch training on sampled neighbourhoods (unset: full-batch).
  std::optional<std::int64_t> batch_size;
  std::vector<std::int64_t> fan_outs, eval_fan_outs;
  bool eval_layerwise = false;
  bool replace = false, no_shuffle = false;
  ManyGraphFlags many;  // --task graph, data sets of many graphs (many_graphs.cpp)
  std::string partitions;  // full-graph training over MPI on a `gat partition` directory
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

// Mini-batch runs one after the other (each batch uses all threads), reported as train_repeated's.
train::RepeatedRunsResult train_minibatch_runs(const TrainFlags& f, const nn::GatModelOptions& model_options,
                                               const train::TrainOptions& train_options,
                                               const sampling::MiniBatchTask& task,
                                               const std::function<void(const train::RunOutcome&)>& report) {
  sampling::MiniBatchOptions mb;
  mb.batch_size = *f.batch_size;
  mb.fan_outs = f.fan_outs;
  if (mb.fan_outs.empty()) mb.fan_outs.assign(static_cast<std::size_t>(model_options.layers), 10);
  mb.eval_fan_outs = f.eval_fan_outs;
  if (f.eval_layerwise) mb.layerwise_evaluation = sampling::LayerwiseOptions{};
  mb.replace = f.replace;
  mb.shuffle = !f.no_shuffle;
  train::RepeatedRunsResult out;
  for (int run = 0; run < f.runs; ++run) {
    train::RunOutcome outcome;
    outcome.run = run;
    outcome.seed = f.seed + static_cast<std::uint64_t>(run);
    nn::GatModelOptions mo = model_options;
    mo.seed = outcome.seed;
    mb.train = train_options;
    mb.train.seed = outcome.seed;
    mb.train.on_epoch = [&](const train::EpochRecord& e) {
      outcome.epochs.push_back(e);
      if (train_options.on_epoch) train_options.on_epoch(e);
    };
    mb.on_batch = [&](std::int64_t epoch, std::int64_t batch, std::int64_t batches) {
      progress("epoch " + std::to_string(epoch) + " batch " + std::to_string(batch + 1) + "/" + std::to_string(batches));
    };
    auto model = std::make_unique<nn::GatModel<float>>(mo);
    const sampling::MiniBatchResult r = sampling::train_minibatch(*model, task, mb);
    outcome.result = r.result;
    const sampling::MiniBatchTimes& t = r.times;
    if (!f.json)
      std::cout << "run " << run << " time: sampling " << std::fixed << std::setprecision(2) << t.sampling
                << " s, feature gather " << t.gather << " s, compute " << t.compute << " s, evaluation "
                << t.evaluation << " s; " << t.batches << " batches, " << t.sampled_edges << " sampled edges ("
                << std::setprecision(1) << (t.sampling > 0 ? t.sampled_edges / t.sampling / 1e6 : 0.0)
                << " M/s)" << std::endl;
    report(outcome);
    if (!out.best_model || r.result.val_accuracy > out.runs[static_cast<std::size_t>(out.best_run)].result.val_accuracy) {
      out.best_model = std::move(model);
      out.best_run = run;
    }
    out.runs.push_back(std::move(outcome));
  }
  train::summarize_test_accuracy(out);
  return out;
}

// The paper's preset for the dataset with the flags' overrides.
train::PaperPreset configured_preset(const TrainFlags& f, const std::string& name, std::int64_t num_features,
                                     std::int32_t num_classes) {
  train::PaperPreset preset = train::paper_preset(name, num_features, num_classes);
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
  return preset;
}

#ifdef GAT_WITH_MPI
int run_train_on_partitions(const TrainFlags& f) {
  const std::pair<const char*, bool> others[] = {{"--dataset", !f.data.dataset.empty()}, {"--batch-size", f.batch_size.has_value()},
                                                 {"--reorder", f.reorder != "none"}, {"--whole-graph", f.whole_graph}};
  for (const auto& [flag, given] : others)
    if (given) throw InvalidArgument(std::string(flag) + ": not available with --partitions (the partition names its dataset)");
  DistributedTrainRequest request{f.partitions, f.save, f.summary, f.log, f.runs, f.seed, f.json, f.threads, {}};
  request.preset = [&f](const std::string& name, std::int64_t features, std::int32_t classes) {
    return configured_preset(f, name, features, classes);
  };
  return run_distributed_train(request);
}
#endif

int run_train(const TrainFlags& f) {
#ifdef GAT_WITH_MPI
  if (!f.partitions.empty()) return run_train_on_partitions(f);
#endif
  apply_threads(f.threads);
  if (wants_many_graphs(f.many, f.data.dataset, f.data.data_root))
    return run_train_many_graphs(f.many, {.dataset = f.data.dataset, .data_root = f.data.data_root,
                                          .summary = f.summary, .seed = f.seed, .json = f.json, .epochs = f.epochs,
                                          .patience = f.patience, .hidden = f.hidden, .heads = f.heads,
                                          .output_heads = f.output_heads, .layers = f.layers, .lr = f.lr,
                                          .weight_decay = f.weight_decay});
  // A graph store trained on in mini-batches stays mapped: only the rows a batch needs are read.
  std::optional<store::GraphStore> mapped;
  PreparedData data;
  const std::vector<NamedPath> outputs{{"--save", f.save}, {"--summary", f.summary}, {"--log", f.log}};
  if (f.batch_size && store::is_graph_store(f.data.dataset)) {
    if (f.reorder != "none") throw InvalidArgument("--reorder: not available for mini-batch training on a graph store");
    check_outputs(outputs, {{"--dataset", f.data.dataset}});
    mapped.emplace(store::GraphStore::open(f.data.dataset));
  } else {
    data = prepare(f.data);
    check_outputs(outputs, dataset_inputs(data.dataset));
    for (const std::string& warning : data.dataset.warnings) std::cerr << "gat train: warning: " << warning << "\n";
  }
  if (!mapped && f.reorder != "none") {
    // Neighbours get nearby ids, so the rows each node pulls are close in memory. The model's
    // parameters do not depend on node order: its checkpoint applies to the dataset as given.
    data.dataset = io::permuted(data.dataset, locality_order(data.graph, f.reorder));
    data.graph = Graph::from_edges(data.dataset.edges);
  }
  const io::Dataset& ds = data.dataset;
  const std::string name = mapped ? std::string(mapped->name()) : dataset_label(f, ds);
  const std::int64_t num_nodes = mapped ? mapped->num_nodes() : ds.num_nodes();
  const std::int64_t num_edges = mapped ? mapped->num_edges() : ds.edges.num_edges();
  const std::int64_t num_features = mapped ? mapped->num_features() : ds.features.cols();
  const std::int32_t num_classes = mapped ? mapped->num_classes() : ds.num_classes;

  train::PaperPreset preset = configured_preset(f, name, num_features, num_classes);
  nn::GatModelOptions& model_options = preset.model;
  train::TrainOptions& train_options = preset.train;

  // Takes its name when training is over: a failed run leaves an earlier log as it was.
  std::unique_ptr<io::AtomicFile> log;
  if (!f.log.empty()) log = std::make_unique<io::AtomicFile>(f.log);

  if (!f.json)
    std::cout << "gat train: " << name << ": " << num_nodes << " nodes, " << num_edges << " edges, " << num_features
              << " features, " << num_classes << " classes; "
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
  train::RepeatedRunsResult trained;
  if (f.batch_size) {
    const sampling::FeatureSource features =
        mapped ? sampling::FeatureSource(*mapped, !f.data.raw_features) : sampling::FeatureSource(ds.features);
    const sampling::MiniBatchTask task =
        mapped ? sampling::MiniBatchTask{sampling::CsrView::of(*mapped), features, mapped->labels(), mapped->train(),
                                         mapped->valid(), mapped->test()}
               : sampling::MiniBatchTask{sampling::CsrView::of(data.graph), features, ds.labels, ds.train, ds.valid,
                                         ds.test};
    trained = train_minibatch_runs(f, model_options, train_options, task, report);
  } else {
    const train::NodeClassificationTask task{&data.graph, &ds.features, ds.labels, ds.train, ds.valid, ds.test};
    trained = train::train_repeated(model_options, train_options, task,
                                    {.runs = f.runs, .first_seed = f.seed,
                                     .concurrent = f.profile ? 1 : f.concurrent_runs},
                                    report);
  }
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
                         {"batch_size", f.batch_size ? nlohmann::json(*f.batch_size) : nlohmann::json()},
                         {"fan_outs", f.fan_outs},
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
  f->many.add_to(*cmd);
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
  cmd->add_option("--batch-size", f->batch_size,
                  "train on mini-batches of this many training nodes, each on its sampled neighbourhood "
                  "(default: full-batch)")
      ->check(positive_number());
  cmd->add_option("--fan-out", f->fan_outs,
                  "with --batch-size: in-edges sampled per node and layer, the output layer first, -1 for all "
                  "(default 10 per layer)")
      ->delimiter(',');
  cmd->add_option("--eval-fan-out", f->eval_fan_outs,
                  "with --batch-size: fan-outs of validation and test batches (default: every neighbour, exact)")
      ->delimiter(',');
  cmd->add_flag("--eval-layerwise", f->eval_layerwise,
                "with --batch-size: validation and test exact by one layer-wise pass over every node (cheaper than "
                "--eval-fan-out -1 when they are a good part of a large graph)")
      ->excludes("--eval-fan-out");
  cmd->add_flag("--replace", f->replace, "with --batch-size: sample neighbours with replacement");
  cmd->add_flag("--no-shuffle", f->no_shuffle, "with --batch-size: keep the training nodes in their order");
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
#ifdef GAT_WITH_MPI
  cmd->add_option("--partitions", f->partitions,
                  "full-graph training over MPI on the parts in DIR (written by gat partition; run with "
                  "mpiexec -n PARTS)");
#endif
  return [cmd, f]() { return cmd->parsed() ? run_train(*f) : -1; };
}

}  // namespace gat::cli
