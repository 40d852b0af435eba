#include "cli_common.hpp"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "gat/core/checked_size.hpp"
#include "gat/core/parallel.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/same_file.hpp"
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
  if (data.dataset.features.cols() == 0)
    throw DataError(data.dataset.files.empty() ? data.dataset.name : data.dataset.files.front().string(), 0,
                    "the dataset has no feature columns; a graph attention network needs node features");
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
  // The configuration comes from the file: a model it cannot describe (0 heads, 10^9 layers, a
  // dropout of 5) is bad data in that file, not a bad option.
  try {
    loaded.model = std::make_unique<nn::GatModel<float>>(options);
  } catch (const InvalidArgument& e) {
    throw DataError(path, 0, std::string("the model configuration in its metadata is not usable: ") + e.what());
  }
  io::load_parameters(loaded.checkpoint, *loaded.model, path);
  return loaded;
}

CLI::Option* ModelFlags::add_to(CLI::App& cmd, bool checkpoint_required) {
  CLI::Option* option = cmd.add_option("--checkpoint", checkpoint, "a .safetensors file written by gat train --save");
  if (checkpoint_required) option->required();
  data.add_to(cmd);
  add_threads_flag(cmd, threads);
  return option;
}

Loaded load(ModelFlags& f) {
  apply_threads(f.threads);
  Loaded l{load_model(f.checkpoint), {}};
  // Preprocess as the model was trained.
  auto it = l.model.checkpoint.metadata.find("normalize_features");
  if (it != l.model.checkpoint.metadata.end() && it->second == "false") f.data.raw_features = true;
  l.data = prepare(f.data);
  const auto& o = l.model.model->options();
  if (l.data.dataset.features.cols() != o.in_features)
    throw InvalidArgument("--dataset: it has " + std::to_string(l.data.dataset.features.cols()) +
                          " features but the checkpoint's model expects " + std::to_string(o.in_features));
  return l;
}

NodeId resolve_node(const std::vector<std::string>& node_names, std::int64_t num_nodes, const std::string& dataset,
                    const std::string& text) {
  if (!node_names.empty()) {
    for (std::size_t n = 0; n < node_names.size(); ++n)
      if (node_names[n] == text) return static_cast<NodeId>(n);
    throw InvalidArgument("--node " + text + ": no node of " + dataset +
                          " has this id (its nodes have their own ids, such as " + node_names.front() + ")");
  }
  std::int64_t n = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n < 0 || n >= num_nodes)
    throw InvalidArgument("--node " + text + ": expected a node index in [0, " + std::to_string(num_nodes) + ")");
  return static_cast<NodeId>(n);
}

std::string node_id(const io::Dataset& ds, std::int64_t n) {
  return ds.node_names.empty() ? std::to_string(n) : ds.node_names[static_cast<std::size_t>(n)];
}

namespace {
// A finite number v with v >= 0 (v > 0 unless allow_zero) and v <= max. NaN fails every
// comparison, so it is refused by name here rather than by CLI11's ranges.
CLI::Validator number_check(const char* name, bool allow_zero, double max = HUGE_VAL) {
  return CLI::Validator(
      [allow_zero, max](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool number = !text.empty() && end == text.c_str() + text.size() && std::isfinite(v);
        if (!number || v < 0 || (v == 0 && !allow_zero) || v > max) {
          std::ostringstream expected;
          expected << "expected a " << (allow_zero ? "non-negative" : "positive") << " number";
          if (max != HUGE_VAL) expected << " up to " << max;
          return expected.str() + ", got '" + text + "'";
        }
        return {};
      },
      name);
}
}  // namespace

CLI::Validator positive_number() { return number_check("POSITIVE", false); }
CLI::Validator non_negative_number() { return number_check("NON-NEGATIVE", true); }
CLI::Validator positive_number_up_to(double max) { return number_check("POSITIVE", false, max); }
CLI::Validator non_negative_number_up_to(double max) { return number_check("NON-NEGATIVE", true, max); }

void add_threads_flag(CLI::App& app, int& threads) {
  app.add_option("--threads", threads, "threads to use (default: all cores; at most " + std::to_string(kMaxThreads) + ")")
      ->check(non_negative_number_up_to(kMaxThreads));
}

void check_outputs(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const std::string& option = outputs[i].first;
    const std::filesystem::path& path = outputs[i].second;
    if (path.empty()) continue;
    const auto clash = [&](const NamedPath& other, const char* kind) {
      if (other.second.empty() || !io::same_file(path, other.second)) return;
      throw InvalidArgument(option + " " + path.string() + ": the same file as " + kind + other.first + " " +
                            other.second.string() + "; nothing was written (choose another name)");
    };
    for (const NamedPath& input : inputs) clash(input, "the input ");
    for (std::size_t j = 0; j < i; ++j) clash(outputs[j], "the output ");
    io::AtomicFile::check_target(path);
  }
}

std::vector<NamedPath> dataset_inputs(const io::Dataset& dataset) {
  std::vector<NamedPath> inputs;
  for (const auto& file : dataset.files) inputs.push_back({"--dataset", file});
  return inputs;
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
