#include "cli_common.hpp"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "gat/core/parallel.hpp"
#include "gat/io/registry.hpp"
#include "gat/store/graph_store.hpp"
#include "gat/train/model_config.hpp"

namespace gat::cli {

void DatasetFlags::add_to(CLI::App& app) {
  app.add_option("--dataset", dataset,
                 "cora, citeseer, pubmed, another name under --data-root, a path (a dataset folder or a graph store "
                 "written by gat convert), or 'synthetic' (the default)");
  app.add_option("--data-root", data_root, "where datasets are looked up (default: $GAT_DATA, else ./data)");
  app.add_option("--format", format, "which copy to read when several are present")
      ->check(CLI::IsMember({"any", "ogb", "planetoid", "linqs"}));
  app.add_option("--split", split, "the OGB split folder (default: public, else the only one)");
  app.add_flag("--raw-features", raw_features, "do not row-normalise the features");
}

io::Dataset DatasetFlags::load() const {
  // A graph store (gat convert) is recognised by its magic wherever a dataset is accepted.
  if (store::is_graph_store(dataset)) return store::GraphStore::open(dataset).to_dataset();
  io::DatasetRequest request;
  request.name_or_path = dataset;
  request.data_root = data_root.empty() ? io::default_data_root() : std::filesystem::path(data_root);
  request.format = *io::parse_format(format);
  request.split = split;
  return io::load_dataset(request);
}

PreparedData prepare(const DatasetFlags& flags) {
  PreparedData data{flags.load(), {}};
  if (!flags.raw_features) data.dataset.features.normalize_rows();
  // Dense features that are mostly zeros (Pubmed's TF-IDF rows: 10% nonzero) are multiplied as
  // CSR: the first projection then does a tenth of the multiplications. Same values; the sums
  // differ from the dense product's only by rounding.
  data.dataset.features.sparsify();
  data.graph = Graph::from_edges(data.dataset.edges);
  return data;
}

LoadedModel load_model(const std::string& path) {
  LoadedModel loaded;
  loaded.checkpoint = io::read_checkpoint(path);
  auto it = loaded.checkpoint.metadata.find("gat_model");
  if (it == loaded.checkpoint.metadata.end())
    throw DataError(path, 0, "this checkpoint has no 'gat_model' metadata; was it written by gat train --save?");
  nn::GatModelOptions options;
  try {
    options = train::gat_model_options_from_json(nlohmann::json::parse(it->second));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path, 0, std::string("the model configuration is not valid JSON: ") + e.what());
  } catch (const InvalidArgument& e) {
    throw DataError(path, 0, e.what());
  }
  loaded.model = std::make_unique<nn::GatModel<float>>(options);
  io::load_parameters(loaded.checkpoint, *loaded.model, path);
  return loaded;
}

namespace {
CLI::Validator number_check(const char* name, bool allow_zero) {
  return CLI::Validator(
      [allow_zero](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool number = !text.empty() && end == text.c_str() + text.size() && std::isfinite(v);
        if (!number || v < 0 || (v == 0 && !allow_zero))
          return std::string("expected a ") + (allow_zero ? "non-negative" : "positive") + " number, got '" + text + "'";
        return {};
      },
      name);
}
}  // namespace

CLI::Validator positive_number() { return number_check("POSITIVE", false); }
CLI::Validator non_negative_number() { return number_check("NON-NEGATIVE", true); }

void add_threads_flag(CLI::App& app, int& threads) {
  app.add_option("--threads", threads, "threads to use (default: all cores)")->check(non_negative_number());
}

void apply_threads(int threads) {
  if (threads > 0) set_num_threads(threads);
}

void progress(const std::string& line) {
  static const bool tty = ::isatty(STDERR_FILENO);
  if (tty) {
    std::cerr << '\r' << line << "\033[K" << std::flush;
    return;
  }
  // Not a terminal (a log, a pipe): a plain line at most every ten seconds.
  static auto last = std::chrono::steady_clock::now();
  const auto now = std::chrono::steady_clock::now();
  if (now - last >= std::chrono::seconds(10)) {
    last = now;
    std::cerr << line << '\n';
  }
}

void end_progress() {
  static const bool tty = ::isatty(STDERR_FILENO);
  if (tty) std::cerr << '\r' << "\033[K" << std::flush;
}

}  // namespace gat::cli
