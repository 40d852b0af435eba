#pragma once
// gat train on data sets of many graphs: inductive multi-label node classification (PPI, the
// paper's preset) and graph classification with k-fold cross-validation (TU layout); and
// gat generate, which writes the synthetic PPI-shaped and TU-shaped sets in their file layouts.
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "commands.hpp"

namespace gat::cli {

struct ManyGraphFlags {
  std::string task = "node";        // node (multi-label when the data set has many graphs) or graph
  std::string readout = "attention";
  std::int64_t folds = 10;
  std::string folds_out, pooling_weights;
  std::optional<std::int64_t> batch_graphs;
  bool feature_only = false;  // drop every edge: the model sees each node alone (an MLP baseline)

  void add_to(CLI::App& cmd);
};

// What `gat train` passes on: the data set and the flags it shares with node classification.
struct ManyGraphRun {
  std::string dataset, data_root, summary;
  std::uint64_t seed = 0;
  bool json = false;
  std::optional<std::int64_t> epochs, patience, hidden, heads, output_heads, layers;
  std::optional<double> lr, weight_decay;
};

// Whether `gat train` goes here: --task graph, or a data set of many graphs (ppi, ppi-synthetic,
// tu-synthetic, a PPI folder).
bool wants_many_graphs(const ManyGraphFlags& flags, const std::string& dataset, const std::string& data_root);
int run_train_many_graphs(const ManyGraphFlags& flags, const ManyGraphRun& run);

Runner add_generate_command(CLI::App& app);

}  // namespace gat::cli
