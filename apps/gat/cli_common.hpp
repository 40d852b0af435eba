#pragma once
// What the subcommands of `gat` share: dataset flags, the model preset for a dataset, loading a
// checkpoint with its model, and the exit codes (0 success, 1 bad usage, 2 bad input data,
// 3 internal error).
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "gat/io/checkpoint.hpp"
#include "gat/io/dataset.hpp"
#include "gat/nn/gat_model.hpp"

namespace gat::cli {

enum ExitCode { kSuccess = 0, kBadUsage = 1, kBadData = 2, kInternal = 3 };

struct DatasetFlags {
  std::string dataset;  // name or path; empty: the built-in synthetic graph
  std::string data_root;
  std::string format = "any";
  std::string split;
  bool raw_features = false;  // skip row normalisation

  void add_to(CLI::App& app);
  io::Dataset load() const;
};

// A dataset ready for a model: its graph and (row-normalised) features.
struct PreparedData {
  io::Dataset dataset;
  Graph graph;
};
PreparedData prepare(const DatasetFlags& flags);

struct LoadedModel {
  std::unique_ptr<nn::GatModel<float>> model;
  io::Checkpoint checkpoint;
};
// Rebuilds the model a checkpoint was saved from and loads its parameters.
LoadedModel load_model(const std::string& path);

// The flags of the subcommands that apply a checkpoint to a dataset.
struct ModelFlags {
  DatasetFlags data;
  std::string checkpoint;
  int threads = 0;
  bool json = false;

  CLI::Option* add_to(CLI::App& cmd, bool checkpoint_required = true);
};

struct Loaded {
  LoadedModel model;
  PreparedData data;
};
// The checkpoint's model and the dataset, preprocessed as the model was trained.
Loaded load(ModelFlags& f);

// --node: the dataset's own id where it has them (LINQS paper ids), else the node index. Throws
// InvalidArgument naming the id when no node has it.
NodeId resolve_node(const std::vector<std::string>& node_names, std::int64_t num_nodes, const std::string& dataset,
                    const std::string& text);
inline NodeId resolve_node(const io::Dataset& ds, const std::string& text) {
  return resolve_node(ds.node_names, ds.num_nodes(), ds.name, text);
}

// The dataset's own id of node n where it has them, else its index.
std::string node_id(const io::Dataset& ds, std::int64_t n);

// Checks with messages that say what was expected ("--epochs: expected a positive number, got
// '-3'"); CLI11's own range checks print the whole double range.
CLI::Validator positive_number();
CLI::Validator non_negative_number();
// The same with an upper bound (gat/core/checked_size.hpp states gat's bounds).
CLI::Validator positive_number_up_to(double max);
CLI::Validator non_negative_number_up_to(double max);

// An option and the file it names ("--out", "x.csv").
using NamedPath = std::pair<std::string, std::filesystem::path>;
// Throws InvalidArgument naming both options when an output is the same file (device and
// inode, or the same path when it does not exist yet) as an input or an earlier output, and
// DataError when an output is read-only; called before anything is written (or trained), so
// every existing file is left as it was.
void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);
// The files a dataset was read from, as inputs named "--dataset".
std::vector<NamedPath> dataset_inputs(const io::Dataset& dataset);

// "--threads N": 0 keeps OpenMP's default.
void add_threads_flag(CLI::App& app, int& threads);
void apply_threads(int threads);

// Prints a progress line in place when stderr is a terminal, nothing otherwise.
void progress(const std::string& line);
void end_progress();

}  // namespace gat::cli
