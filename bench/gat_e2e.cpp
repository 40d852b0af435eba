// End-to-end benchmark: median wall time of a training epoch (one step on the training nodes plus
// the validation evaluation, as the trainer times it) and of a full-graph inference, and the peak
// RSS, for the GAT paper's model (8 heads x 8 features, 2 layers, dropout 0.6) on Cora, Citeseer
// and Pubmed (when the data is found: $GAT_DATA, else ../shared/datasets) and on synthetic
// citation graphs (gat::io::make_synthetic_citation) with 128 features. Prints one line per case and,
// with --json FILE, writes them.
//
//   gat_e2e [--threads N] [--epochs E] [--inference-runs R] [--datasets cora,citeseer,pubmed]
//           [--synthetic 10000,100000] [--in-degree D] [--features F] [--dense-features] [--no-sparsify]
//           [--reorder none|degree|rcm] [--receptive-field] [--model paper|plain] [--profile]
//           [--json out.json]
//
// --in-degree D: synthetic graphs with about D incoming edges per node (self-loops not counted; the
// model adds one per node). The generator's average_degree counts directed edges before duplicates
// are merged, so it is calibrated: generate, measure edges / nodes, rescale, generate again (at most
// three times, until within 1%). Without it the generator's Cora-like default (3.9) is used.
// --dense-features: the synthetic graphs' features as a dense matrix (as the PyTorch reference has
// them), instead of the generator's sparse bag-of-words, and kept dense.
// --reorder: train on a locality order of the nodes (as `gat train --reorder`), timed apart (reorder_s).
// --receptive-field: each step and evaluation computes only the receptive field of its nodes, as
// `gat train` does (TrainOptions::receptive_field). Without it every epoch covers the whole graph, the
// work the PyTorch reference does, so that the two compare like for like.
// --model paper (default): the model and hyperparameters `gat train` uses for the dataset
// (gat::train::paper_preset: one input-dropout mask per head and dropout on the projected features, as
// the reference GAT code); plain: one input mask shared by the heads and no value dropout (the model of
// PyG's and DGL's GAT examples).
// --profile: after the warm-up epochs, where each epoch's time goes (gat::profile phases), printed and
// in the JSON as ms per epoch.
// Dataset features with at most 30% nonzeros are stored as CSR, as `gat train` does (--no-sparsify: not).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <gat/gat.hpp>
#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

long peak_rss_kb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

// VmRSS or VmHWM (peak since start or since the last reset_peak_rss) from /proc/self/status, in kB.
long proc_status_kb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.compare(0, key.size() + 1, key + ":") == 0) return std::stol(line.substr(key.size() + 1));
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0), so that the peak of the training phase can be
// told from the peak of loading or generating the data. False when not supported.
bool reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5" << std::flush;
  return static_cast<bool>(out);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

// Dataset features are stored as CSR below Features::kSparseDensity, as `gat train` does (Pubmed's
// TF-IDF rows are 10% nonzero); not applied to the --dense-features synthetic input.
struct CaseOptions {
  int threads = 1;
  std::int64_t epochs = 50;
  int inference_runs = 7;
  bool sparsify = true;
  std::string reorder = "none";
  bool receptive_field = false;
  bool paper_model = true;  // gat train's preset for the dataset; false: the plain model (below)
  bool profile = false;
};

// Per phase (gat::profile), milliseconds per epoch (or inference) over the timed ones, and their share.
nlohmann::json phase_profile(const gat::profile::Totals& t, std::int64_t epochs) {
  nlohmann::json out = nlohmann::json::object();
  const double total = t.total();
  for (int i = 0; i < static_cast<int>(gat::profile::Phase::count); ++i) {
    const auto phase = static_cast<gat::profile::Phase>(i);
    const double s = t.seconds[static_cast<std::size_t>(i)];
    if (t.calls[static_cast<std::size_t>(i)] == 0) continue;
    out[std::string(gat::profile::name(phase))] = {{"ms_per_epoch", 1e3 * s / static_cast<double>(epochs)},
                                                   {"share", total > 0 ? s / total : 0.0}};
  }
  return out;
}

void print_profile(const std::string& name, const nlohmann::json& profile) {
  std::cout << name << " profile (ms each, share):";
  for (const auto& [phase, v] : profile.items())
    std::cout << "  " << phase << " " << v["ms_per_epoch"].get<double>() << " ("
              << static_cast<int>(100 * v["share"].get<double>() + 0.5) << "%)";
  std::cout << std::endl;
}

nlohmann::json run_case(const std::string& name, gat::io::Dataset& data, double setup_s, const CaseOptions& o) {
  const int threads = o.threads;
  const std::int64_t epochs = o.epochs;
  const int inference_runs = o.inference_runs;
  const bool sparsify = o.sparsify, receptive_field = o.receptive_field;
  const std::string& reorder = o.reorder;
  gat::set_num_threads(threads);
  const auto reorder_t0 = Clock::now();
  if (reorder != "none") {
    data = gat::io::permuted(data, gat::locality_order(gat::Graph::from_edges(data.edges), reorder));
  }
  const double reorder_s = std::chrono::duration<double>(Clock::now() - reorder_t0).count();
  const long setup_peak_kb = proc_status_kb("VmHWM"), setup_rss_kb = proc_status_kb("VmRSS");
  const bool phase_peak = reset_peak_rss();
  data.features.normalize_rows();
  if (sparsify) data.features.sparsify();
  const gat::Graph graph = gat::Graph::from_edges(data.edges);
  gat::train::PaperPreset preset = gat::train::paper_preset(name, data.features.cols(), data.num_classes);
  gat::nn::GatModelOptions& mo = preset.model;
  if (!o.paper_model) {  // one input mask for all heads, no value dropout (PyG's and DGL's GAT examples)
    mo.feature_dropout_per_head = false;
    mo.value_dropout = 0;
  }
  gat::nn::GatModel<float> model(mo);
  gat::train::TrainOptions& to = preset.train;
  to.max_epochs = epochs;
  to.patience = 0;
  to.receptive_field = receptive_field;
  std::vector<double> epoch_s;
  // The first two epochs warm up (first touch of every buffer); the profile counts the others.
  constexpr std::int64_t kWarmUp = 2;
  to.on_epoch = [&](const gat::train::EpochRecord& r) {
    epoch_s.push_back(r.seconds);
    if (o.profile && r.epoch == std::min(kWarmUp, epochs)) gat::profile::enable(true);
  };
  const gat::train::NodeClassificationTask task{&graph, &data.features, data.labels, data.train, data.valid,
                                                data.test};
  const auto result = gat::train::train_node_classifier(model, task, to);
  const gat::profile::Totals profile_totals = gat::profile::totals();
  gat::profile::enable(false);
  const std::int64_t profiled_epochs = std::max<std::int64_t>(1, epochs - kWarmUp);
  if (epoch_s.size() > kWarmUp) epoch_s.erase(epoch_s.begin(), epoch_s.begin() + kWarmUp);
  std::vector<double> infer_s;
  for (int r = 0; r < inference_runs; ++r) {
    if (o.profile && r == 1) gat::profile::enable(true);  // the first run warms up
    const auto t0 = Clock::now();
    const gat::Matrix logits = gat::train::predict_logits(model, graph, data.features);
    infer_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (logits.rows() != graph.num_nodes()) std::abort();
  }
  const gat::profile::Totals inference_totals = gat::profile::totals();
  gat::profile::enable(false);
  nlohmann::json j{{"case", name},
                   {"nodes", graph.num_nodes()},
                   {"edges", graph.num_edges()},
                   {"edges_with_self_loops", graph.num_edges() + graph.num_nodes()},
                   {"in_degree", static_cast<double>(graph.num_edges()) / static_cast<double>(graph.num_nodes())},
                   {"features", data.features.cols()},
                   {"sparse_features", data.features.is_sparse()},
                   {"threads", threads},
                   {"epochs", epochs},
                   {"inference_runs", inference_runs},
                   {"setup_s", setup_s},
                   {"reorder", reorder},
                   {"reorder_s", reorder_s},
                   {"receptive_field", receptive_field},
                   {"epoch_ms", epoch_s},
                   {"epoch_ms_median", 1e3 * median(epoch_s)},
                   {"inference_ms_median", 1e3 * median(infer_s)},
                   {"peak_rss_mb", static_cast<double>(peak_rss_kb()) / 1024.0},
                   {"setup_peak_rss_mb", static_cast<double>(setup_peak_kb) / 1024.0},
                   {"setup_end_rss_mb", static_cast<double>(setup_rss_kb) / 1024.0},
                   {"run_peak_rss_mb", phase_peak ? static_cast<double>(proc_status_kb("VmHWM")) / 1024.0 : -1.0},
                   {"model", o.paper_model ? "paper" : "plain"},
                   {"feature_dropout_per_head", mo.feature_dropout_per_head},
                   {"value_dropout", mo.value_dropout},
                   {"test_accuracy", result.test_accuracy}};
  for (auto& v : j["epoch_ms"]) v = 1e3 * v.get<double>();
  if (o.profile) {
    j["profile"] = phase_profile(profile_totals, profiled_epochs);
    if (inference_runs > 1) j["inference_profile"] = phase_profile(inference_totals, inference_runs - 1);
  }
  std::cout << name << "  nodes " << graph.num_nodes() << "  edges " << graph.num_edges() << " (in-degree "
            << j["in_degree"].get<double>() << ", + self-loops)  features " << data.features.cols()
            << (data.features.is_sparse() ? " sparse" : " dense") << "  threads " << threads
            << (reorder == "none" ? "" : "  reorder " + reorder + " (" + std::to_string(reorder_s) + " s)")
            << "  epoch " << j["epoch_ms_median"].get<double>() << " ms  inference "
            << j["inference_ms_median"].get<double>() << " ms  peak RSS " << j["peak_rss_mb"].get<double>()
            << " MB (loading/generating the data " << j["setup_peak_rss_mb"].get<double>() << " MB, training and inference "
            << j["run_peak_rss_mb"].get<double>() << " MB)  test acc " << result.test_accuracy << std::endl;
  if (o.profile) {
    print_profile(name, j["profile"]);
    if (j.contains("inference_profile")) print_profile(name + " inference", j["inference_profile"]);
  }
  return j;
}

// A synthetic citation graph with `nodes` nodes and, when in_degree > 0, about in_degree stored
// (directed, deduplicated, no self-loop) edges per node.
gat::io::Dataset synthetic(std::int64_t nodes, std::int64_t features, double in_degree) {
  gat::io::SyntheticCitationOptions so;
  so.nodes = nodes;
  so.features = features;
  if (in_degree <= 0) return gat::io::make_synthetic_citation(so);
  so.average_degree = in_degree;
  gat::io::Dataset data;
  for (int attempt = 0; attempt < 3; ++attempt) {
    data = gat::io::make_synthetic_citation(so);
    const double got = static_cast<double>(data.edges.source.size()) / static_cast<double>(nodes);
    std::cout << "synthetic-" << nodes << ": average_degree " << so.average_degree << " gave " << data.edges.source.size()
              << " edges, in-degree " << got << std::endl;
    if (got <= 0 || std::abs(got - in_degree) <= 0.01 * in_degree) break;
    so.average_degree = std::min(1e4, so.average_degree * in_degree / got);
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  CaseOptions o;
  int& threads = o.threads;
  int& inference_runs = o.inference_runs;
  std::int64_t& epochs = o.epochs;
  std::int64_t features = 128;
  double in_degree = 0;
  bool dense_features = false;
  std::string datasets = "cora,citeseer,pubmed", synthetic_sizes = "10000,100000", json_path, model = "paper";
  const char* usage =
      "usage: gat_e2e [--threads N] [--epochs E] [--inference-runs R] [--datasets cora,citeseer,pubmed]\n"
      "               [--synthetic 10000,100000] [--in-degree D] [--features F] [--dense-features] [--no-sparsify]\n"
      "               [--reorder none|degree|rcm] [--receptive-field] [--model paper|plain] [--profile]\n"
      "               [--json FILE]\n";
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    auto next = [&]() -> std::string {
      if (a + 1 >= argc) {
        std::cerr << arg << " needs a value\n";
        std::exit(1);
      }
      return argv[++a];
    };
    try {
      if (arg == "--threads") threads = std::stoi(next());
      else if (arg == "--epochs") epochs = std::stoll(next());
      else if (arg == "--inference-runs") inference_runs = std::stoi(next());
      else if (arg == "--datasets") datasets = next();
      else if (arg == "--synthetic") synthetic_sizes = next();
      else if (arg == "--in-degree") in_degree = std::stod(next());
      else if (arg == "--features") features = std::stoll(next());
      else if (arg == "--dense-features") dense_features = true;
      else if (arg == "--no-sparsify") o.sparsify = false;
      else if (arg == "--json") json_path = next();
      else if (arg == "--reorder") o.reorder = next();
      else if (arg == "--receptive-field") o.receptive_field = true;
      else if (arg == "--model") model = next();
      else if (arg == "--profile") o.profile = true;
      else if (arg == "--help" || arg == "-h") {
        std::cout << usage;
        return 0;
      } else {
        std::cerr << "gat_e2e: unknown option " << arg << "\n" << usage;
        return 1;
      }
    } catch (const std::logic_error&) {
      std::cerr << "gat_e2e: bad value for " << arg << "\n" << usage;
      return 1;
    }
  }
  if (std::find(gat::kLocalityOrders.begin(), gat::kLocalityOrders.end(), o.reorder) == gat::kLocalityOrders.end()) {
    std::cerr << "gat_e2e: --reorder must be none, degree or rcm, got " << o.reorder << "\n" << usage;
    return 1;
  }
  if (model != "paper" && model != "plain") {
    std::cerr << "gat_e2e: --model must be paper or plain, got " << model << "\n" << usage;
    return 1;
  }
  o.paper_model = model == "paper";
  if (threads < 1 || epochs < 1 || inference_runs < 1 || features < 1 || in_degree < 0) {
    std::cerr << "gat_e2e: --threads, --epochs, --inference-runs and --features must be >= 1, --in-degree >= 0\n";
    return 1;
  }
  const char* env = std::getenv("GAT_DATA");
  const std::filesystem::path root = env && *env ? std::filesystem::path(env) : std::filesystem::path("../shared/datasets");
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& name : split(datasets)) {
    gat::io::Dataset data;
    const auto t0 = Clock::now();
    try {
      data = gat::io::load_dataset({.name_or_path = name, .data_root = root});
    } catch (const std::exception& e) {
      std::cout << name << ": skipped, dataset not found under " << root << " (set GAT_DATA): " << e.what() << "\n";
      continue;
    }
    const double setup_s = std::chrono::duration<double>(Clock::now() - t0).count();
    all.push_back(run_case(name, data, setup_s, o));
  }
  for (const std::string& n : split(synthetic_sizes)) {
    const auto t0 = Clock::now();
    gat::io::Dataset data = synthetic(std::stoll(n), features, in_degree);
    if (dense_features) data.features = gat::Features(data.features.to_dense());
    const double setup_s = std::chrono::duration<double>(Clock::now() - t0).count();
    CaseOptions synthetic_options = o;
    synthetic_options.sparsify = o.sparsify && !dense_features;
    all.push_back(run_case("synthetic-" + n, data, setup_s, synthetic_options));
  }
  if (!json_path.empty()) gat::io::AtomicFile::write(json_path, all.dump(2) + "\n");
  return 0;
}
