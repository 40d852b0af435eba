// gat train on many graphs (PPI's inductive multi-label task, TU graph classification) and gat
// generate.

#include "many_graphs.hpp"

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/ppi.hpp"
#include "gat/io/tu.hpp"
#include "gat/train/graph_classification.hpp"
#include "gat/train/model_config.hpp"
#include "gat/train/paper_presets.hpp"

namespace gat::cli {

namespace {

namespace fs = std::filesystem;

template <class T, class U>
void override_if(const std::optional<T>& flag, U& target) {
  if (flag) target = static_cast<U>(*flag);
}

fs::path data_root_of(const std::string& data_root) {
  return data_root.empty() ? io::default_data_root() : fs::path(data_root);
}

// ppi-synthetic and tu-synthetic are built in; a name is looked for as ROOT/NAME and ROOT/tu/NAME;
// a folder is read as PPI (PREFIX-G.json) or TU (NAME_A.txt) by its contents.
GraphDataset load_many_graphs(const std::string& dataset, const std::string& data_root, std::uint64_t seed) {
  if (dataset == "ppi-synthetic") return io::make_synthetic_ppi({.seed = seed});
  if (dataset == "tu-synthetic") return io::make_synthetic_tu({.seed = seed});
  if (dataset.empty())
    throw InvalidArgument("--task graph needs --dataset: a TU folder, a name under the data root, or tu-synthetic");
  const fs::path root = data_root_of(data_root);
  std::vector<fs::path> candidates;
  if (fs::is_directory(dataset)) candidates.push_back(dataset);
  if (!dataset.empty() && fs::path(dataset).is_relative()) {
    candidates.push_back(root / dataset);
    candidates.push_back(root / "tu" / dataset);
  }
  for (const fs::path& dir : candidates) {
    if (io::is_ppi_dir(dir)) return io::read_ppi(dir);
    if (const std::string name = io::tu_name(dir); !name.empty()) return io::read_tu(dir, name);
  }
  std::ostringstream looked;
  for (const fs::path& dir : candidates) looked << " " << dir.string();
  throw InvalidArgument("--dataset " + dataset + ": no PPI files (ppi-G.json) or TU files (NAME_A.txt) in" +
                        looked.str() + "; set GAT_DATA or --data-root, or use ppi-synthetic or tu-synthetic (gat "
                        "generate writes them as files)");
}

std::vector<NamedPath> inputs_of(const GraphDataset& d) {
  std::vector<NamedPath> out;
  for (const fs::path& p : d.files) out.emplace_back("--dataset", p);
  return out;
}

nlohmann::json epoch_line(const train::EpochRecord& e) {
  return {{"epoch", e.epoch}, {"train_loss", e.train_loss}, {"train_micro_f1", e.train_accuracy},
          {"val_loss", e.val_loss}, {"val_micro_f1", e.val_accuracy}, {"seconds", e.seconds}};
}

int train_multi_label(const ManyGraphFlags& f, const ManyGraphRun& run, const GraphDataset& d) {
  train::InductivePreset preset = train::ppi_preset(d.features.cols(), d.num_classes);
  nn::GatModelOptions& m = preset.model;
  train::InductiveTrainOptions& t = preset.train;
  m.seed = run.seed;
  t.train.seed = run.seed;
  override_if(run.hidden, m.hidden);
  override_if(run.heads, m.heads);
  override_if(run.output_heads, m.output_heads);
  override_if(run.layers, m.layers);
  override_if(run.epochs, t.train.max_epochs);
  override_if(run.patience, t.train.patience);
  override_if(run.lr, t.train.lr);
  override_if(run.weight_decay, t.train.weight_decay);
  override_if(f.batch_graphs, t.batch_graphs);
  nlohmann::json curve = nlohmann::json::array();
  t.train.on_epoch = [&](const train::EpochRecord& e) {
    curve.push_back(epoch_line(e));
    std::ostringstream line;
    line << "epoch " << e.epoch << " loss " << std::fixed << std::setprecision(4) << e.train_loss << " val_micro_f1 "
         << e.val_accuracy;
    progress(line.str());
  };
  if (!run.json)
    std::cout << "gat train: " << d.name << ": " << d.num_graphs() << " graphs (" << d.train.size() << " train, "
              << d.valid.size() << " valid, " << d.test.size() << " test), " << d.num_nodes() << " nodes, "
              << d.num_edges() << " edges, " << d.features.cols() << " features, " << d.num_classes << " labels\n";
  nn::GatModel<float> model(m);
  const train::InductiveResult r = train::train_inductive(model, d, t);
  end_progress();
  nlohmann::json summary{{"dataset", d.name},
                         {"task", "multi_label"},
                         {"feature_only", f.feature_only},
                         {"test_micro_f1", r.test.micro_f1},
                         {"test_macro_f1", r.test.macro_f1},
                         {"test_loss", r.test.loss},
                         {"val_micro_f1", r.result.val_accuracy},
                         {"epochs", r.result.epochs},
                         {"best_epoch", r.result.best_epoch},
                         {"train_seconds", r.result.train_seconds},
                         {"mean_epoch_seconds", r.mean_epoch_seconds},
                         {"batch_graphs", t.batch_graphs},
                         {"lr", t.train.lr},
                         {"weight_decay", t.train.weight_decay},
                         {"model", train::to_json(m)},
                         {"curve", curve}};
  if (run.json)
    std::cout << summary.dump(2) << "\n";
  else
    std::cout << "test micro-F1 " << std::fixed << std::setprecision(4) << r.test.micro_f1 << "  macro-F1 "
              << r.test.macro_f1 << "  val micro-F1 " << r.result.val_accuracy << "  epochs " << r.result.epochs
              << " (best " << r.result.best_epoch << ")  " << std::setprecision(2) << r.mean_epoch_seconds
              << " s per training epoch\n";
  if (!run.summary.empty()) io::AtomicFile::write(run.summary, summary.dump(2) + "\n");
  return kSuccess;
}

// Every graph's pooling weights under the model, with its label and prediction.
nlohmann::json pooling_weights(nn::GraphClassifier<float>& model, const GraphDataset& d) {
  nlohmann::json graphs = nlohmann::json::array();
  for (std::int64_t g = 0; g < d.num_graphs(); ++g) {
    const std::int64_t ids[1] = {g};
    const Matrix logits = train::predict_graph_logits(model, d, ids);
    const MatrixView<const float> w = model.readout().weights();
    std::vector<float> weights(w.data(), w.data() + w.rows());
    std::int64_t predicted = 0;
    for (std::int64_t c = 1; c < logits.cols(); ++c)
      if (logits(0, c) > logits(0, predicted)) predicted = c;
    graphs.push_back({{"graph", g}, {"label", d.graph_labels[g]}, {"predicted", predicted}, {"weights", weights}});
  }
  return {{"format", "gat-pooling-weights"}, {"version", 1}, {"dataset", d.name}, {"graphs", graphs}};
}

int train_graph_task(const ManyGraphFlags& f, const ManyGraphRun& run, const GraphDataset& d) {
  if (d.graph_labels.empty())
    throw InvalidArgument("--task graph: the data set '" + d.name + "' has node labels, not graph labels");
  const nn::ReadoutKind readout = nn::readout_from_string(f.readout);
  if (!f.pooling_weights.empty() && readout != nn::ReadoutKind::attention)
    throw InvalidArgument("--pooling-weights: only the attention readout has pooling weights (--readout attention)");
  if (f.folds < 2 || f.folds > d.num_graphs())
    throw InvalidArgument("--folds " + std::to_string(f.folds) + ": expected 2 to " + std::to_string(d.num_graphs()) +
                          " (the number of graphs)");
  nn::GraphClassifierOptions mo;
  mo.gnn.in_features = d.features.cols();
  mo.gnn.layers = 2;
  mo.gnn.hidden = 16;
  mo.gnn.heads = 4;
  mo.gnn.output_heads = 1;
  mo.gnn.num_classes = 64;  // the embedding width the readout pools
  mo.gnn.feature_dropout = mo.gnn.attention_dropout = 0.0f;
  mo.gnn.seed = mo.seed = run.seed;
  override_if(run.hidden, mo.gnn.hidden);
  override_if(run.heads, mo.gnn.heads);
  override_if(run.output_heads, mo.gnn.output_heads);
  override_if(run.layers, mo.gnn.layers);
  mo.readout = readout;
  mo.num_classes = d.num_classes;
  train::CrossValidationOptions cv;
  cv.folds = f.folds;
  cv.seed = run.seed;
  cv.epochs = 100;
  override_if(run.epochs, cv.epochs);
  override_if(run.lr, cv.lr);
  override_if(run.weight_decay, cv.weight_decay);
  override_if(f.batch_graphs, cv.batch_graphs);
  if (!run.json)
    std::cout << "gat train --task graph: " << d.name << ": " << d.num_graphs() << " graphs, " << d.num_nodes()
              << " nodes, " << d.num_classes << " classes; " << cv.folds << "-fold cross-validation, "
              << nn::to_string(readout) << " readout\n";
  nlohmann::json folds = nlohmann::json::array();
  train::CrossValidationResult r = train::cross_validate(mo, d, cv, [&](const train::FoldResult& fold) {
    folds.push_back({{"fold", fold.fold}, {"test_graphs", fold.test_graphs}, {"test_accuracy", fold.test_accuracy},
                     {"train_loss", fold.train_loss}, {"seconds", fold.seconds}});
    if (!run.json)
      std::cout << "fold " << fold.fold << ": test accuracy " << std::fixed << std::setprecision(4)
                << fold.test_accuracy << " (" << fold.test_graphs.size() << " graphs)  " << std::setprecision(2)
                << fold.seconds << " s" << std::endl;
  });
  nlohmann::json summary{{"dataset", d.name},
                         {"task", "graph"},
                         {"readout", nn::to_string(readout)},
                         {"folds", cv.folds},
                         {"epochs", cv.epochs},
                         {"accuracy_mean", r.accuracy_mean},
                         {"accuracy_std", r.accuracy_std},
                         {"fold_results", folds}};
  if (run.json)
    std::cout << summary.dump(2) << "\n";
  else
    std::cout << cv.folds << "-fold accuracy: " << std::fixed << std::setprecision(2) << 100 * r.accuracy_mean
              << " +- " << 100 * r.accuracy_std << " %\n";
  if (!run.summary.empty()) io::AtomicFile::write(run.summary, summary.dump(2) + "\n");
  if (!f.folds_out.empty())
    io::AtomicFile::write(f.folds_out, nlohmann::json{{"dataset", d.name}, {"seed", run.seed}, {"folds", folds}}.dump(2) + "\n");
  if (!f.pooling_weights.empty()) io::AtomicFile::write(f.pooling_weights, pooling_weights(*r.last_model, d).dump() + "\n");
  return kSuccess;
}

}  // namespace

void ManyGraphFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--task", task,
                 "node: node classification (multi-label, inductive, on data sets of many graphs such as ppi); "
                 "graph: graph classification with k-fold cross-validation (TU data sets)")
      ->check(CLI::IsMember({"node", "graph"}));
  cmd.add_option("--readout", readout, "--task graph: how a graph's nodes are summarised: mean, sum, max or attention")
      ->check(CLI::IsMember({"mean", "sum", "max", "attention"}));
  cmd.add_option("--folds", folds, "--task graph: folds of cross-validation (default 10)")->check(positive_number());
  cmd.add_option("--folds-out", folds_out, "--task graph: write each fold's test graphs and accuracy to FILE (JSON)");
  cmd.add_option("--pooling-weights", pooling_weights,
                 "--task graph --readout attention: write every graph's node pooling weights (last fold's model) "
                 "to FILE (JSON)");
  cmd.add_flag("--feature-only", feature_only,
               "many graphs: drop every edge, so that each node is seen alone (with its self-loop the model is "
               "a per-node MLP of the same widths): the feature-only baseline");
  cmd.add_option("--batch-graphs", batch_graphs, "graphs per training batch (ppi: 2; --task graph: 32)")
      ->check(positive_number());
}

bool wants_many_graphs(const ManyGraphFlags& f, const std::string& dataset, const std::string& data_root) {
  if (f.task == "graph" || dataset == "ppi" || dataset == "ppi-synthetic" || dataset == "tu-synthetic") return true;
  if (dataset.empty()) return false;
  return io::is_ppi_dir(dataset) || (fs::path(dataset).is_relative() && io::is_ppi_dir(data_root_of(data_root) / dataset));
}

int run_train_many_graphs(const ManyGraphFlags& f, const ManyGraphRun& run) {
  const std::vector<NamedPath> outputs{{"--summary", run.summary}, {"--folds-out", f.folds_out},
                                       {"--pooling-weights", f.pooling_weights}};
  GraphDataset d = load_many_graphs(run.dataset, run.data_root, run.seed);
  check_outputs(outputs, inputs_of(d));
  if (f.feature_only)
    for (EdgeList& e : d.graphs) {
      e.source.clear();
      e.target.clear();
    }
  for (const std::string& warning : d.warnings) std::cerr << "gat train: warning: " << warning << "\n";
  if (f.task == "graph") return train_graph_task(f, run, d);
  if (!d.multi_label())
    throw InvalidArgument("--dataset " + run.dataset + ": a graph-classification data set; train it with --task graph");
  return train_multi_label(f, run, d);
}

namespace {
std::pair<std::int64_t, std::int64_t> node_range(std::int64_t mean) {
  return {std::max<std::int64_t>(3, mean - mean / 4), std::max<std::int64_t>(3, mean + mean / 4)};
}
}  // namespace

Runner add_generate_command(CLI::App& app) {
  struct Flags {
    std::string kind, out;
    std::uint64_t seed = 0;
    std::int64_t graphs = 0, nodes = 0;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* cmd = app.add_subcommand("generate", "write a synthetic data set of many graphs as files: ppi "
                                                  "(GraphSAGE's PPI layout) or tu (the TU layout)");
  cmd->add_option("kind", f->kind, "ppi or tu")->required()->check(CLI::IsMember({"ppi", "tu"}));
  cmd->add_option("--out", f->out, "the folder to write into")->required();
  cmd->add_option("--seed", f->seed, "seed of the generator");
  cmd->add_option("--graphs", f->graphs, "number of graphs (default: ppi 24, tu 200)")->check(positive_number());
  cmd->add_option("--nodes", f->nodes, "mean nodes per graph, sizes within +-25% (default: ppi 2,400, tu 20)")
      ->check(positive_number());
  return [cmd, f]() {
    if (!cmd->parsed()) return -1;
    if (f->kind == "ppi") {
      io::SyntheticPpiOptions o{.seed = f->seed};
      if (f->graphs > 0) o.graphs = f->graphs;
      if (f->nodes > 0) std::tie(o.min_nodes, o.max_nodes) = node_range(f->nodes);
      io::write_ppi(io::make_synthetic_ppi(o), f->out);
    } else {
      io::SyntheticTuOptions o{.seed = f->seed};
      if (f->graphs > 0) o.graphs = f->graphs;
      if (f->nodes > 0) std::tie(o.min_nodes, o.max_nodes) = node_range(f->nodes);
      io::write_tu(io::make_synthetic_tu(o), f->out, "SYNTHETIC");
    }
    std::cout << "gat generate: " << f->kind << " data set written to " << f->out << "\n";
    return static_cast<int>(kSuccess);
  };
}

}  // namespace gat::cli
