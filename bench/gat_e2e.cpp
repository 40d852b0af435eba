// End-to-end benchmark: median wall time of a training epoch (one step on the training nodes plus
// the validation evaluation, as the trainer times it) and of a full-graph inference, and the peak
// RSS, for the GAT paper's model (8 heads x 8 features, 2 layers, dropout 0.6) on Cora, Citeseer
// and Pubmed (when the data is found: $GAT_DATA, else ../shared/datasets) and on synthetic
// citation graphs with 128 features. Prints one line per case and, with --json FILE, writes them.
//
//   gat_e2e [--threads N] [--epochs E] [--datasets cora,citeseer,pubmed] [--synthetic 10000,100000]
//           [--json out.json]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
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

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(item);
  return out;
}

nlohmann::json run_case(const std::string& name, gat::io::Dataset& data, int threads, std::int64_t epochs) {
  gat::set_num_threads(threads);
  data.features.normalize_rows();
  const gat::Graph graph = gat::Graph::from_edges(data.edges);
  gat::nn::GatModelOptions mo;
  mo.in_features = data.features.cols();
  mo.num_classes = data.num_classes;
  if (name == "pubmed") mo.output_heads = 8;
  gat::nn::GatModel<float> model(mo);
  gat::train::TrainOptions to;
  to.max_epochs = epochs;
  to.patience = 0;
  std::vector<double> epoch_s;
  to.on_epoch = [&](const gat::train::EpochRecord& r) { epoch_s.push_back(r.seconds); };
  const gat::train::NodeClassificationTask task{&graph, &data.features, data.labels, data.train, data.valid,
                                                data.test};
  const auto result = gat::train::train_node_classifier(model, task, to);
  if (epoch_s.size() > 2) epoch_s.erase(epoch_s.begin(), epoch_s.begin() + 2);  // warm-up
  std::vector<double> infer_s;
  for (int r = 0; r < 7; ++r) {
    const auto t0 = Clock::now();
    const gat::Matrix logits = gat::train::predict_logits(model, graph, data.features);
    infer_s.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (logits.rows() != graph.num_nodes()) std::abort();
  }
  nlohmann::json j{{"case", name},
                   {"nodes", graph.num_nodes()},
                   {"edges", graph.num_edges()},
                   {"features", data.features.cols()},
                   {"threads", threads},
                   {"epochs", epochs},
                   {"epoch_ms_median", 1e3 * median(epoch_s)},
                   {"inference_ms_median", 1e3 * median(infer_s)},
                   {"peak_rss_mb", static_cast<double>(peak_rss_kb()) / 1024.0},
                   {"test_accuracy", result.test_accuracy}};
  std::cout << name << "  nodes " << graph.num_nodes() << "  edges " << graph.num_edges() << "  threads " << threads
            << "  epoch " << j["epoch_ms_median"].get<double>() << " ms  inference "
            << j["inference_ms_median"].get<double>() << " ms  peak RSS " << j["peak_rss_mb"].get<double>()
            << " MB  test acc " << result.test_accuracy << std::endl;
  return j;
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  std::int64_t epochs = 50;
  std::string datasets = "cora,citeseer,pubmed", synthetic = "10000,100000", json_path;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    auto next = [&]() -> std::string {
      if (a + 1 >= argc) {
        std::cerr << arg << " needs a value\n";
        std::exit(1);
      }
      return argv[++a];
    };
    if (arg == "--threads") threads = std::stoi(next());
    else if (arg == "--epochs") epochs = std::stoll(next());
    else if (arg == "--datasets") datasets = next();
    else if (arg == "--synthetic") synthetic = next();
    else if (arg == "--json") json_path = next();
    else {
      std::cerr << "usage: gat_e2e [--threads N] [--epochs E] [--datasets cora,citeseer,pubmed] "
                   "[--synthetic 10000,100000] [--json FILE]\n";
      return 1;
    }
  }
  const char* env = std::getenv("GAT_DATA");
  const std::filesystem::path root = env && *env ? std::filesystem::path(env) : std::filesystem::path("../shared/datasets");
  nlohmann::json all = nlohmann::json::array();
  for (const std::string& name : split(datasets)) {
    gat::io::Dataset data;
    try {
      data = gat::io::load_dataset({.name_or_path = name, .data_root = root});
    } catch (const std::exception& e) {
      std::cout << name << ": skipped, dataset not found under " << root << " (set GAT_DATA): " << e.what() << "\n";
      continue;
    }
    all.push_back(run_case(name, data, threads, epochs));
  }
  for (const std::string& n : split(synthetic)) {
    gat::io::SyntheticCitationOptions so;
    so.nodes = std::stoll(n);
    so.features = 128;
    gat::io::Dataset data = gat::io::make_synthetic_citation(so);
    all.push_back(run_case("synthetic-" + n, data, threads, epochs));
  }
  if (!json_path.empty()) std::ofstream(json_path) << all.dump(2) << "\n";
  return 0;
}
