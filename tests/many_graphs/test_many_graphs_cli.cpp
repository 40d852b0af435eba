// gat train on many graphs from the outside: the PPI recipe on generated GraphSAGE files,
// cross-validated graph classification on generated TU files with folds and pooling weights
// written out, and bad files exiting 2 naming the file and the fault.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

fs::path temp_dir() {
  static const fs::path d = [] {
    const fs::path p = fs::temp_directory_path() / ("gat_many_cli_" + std::to_string(::getpid()));
    fs::create_directories(p);
    return p;
  }();
  return d;
}

std::string read_all(const fs::path& p) {
  std::ostringstream s;
  s << std::ifstream(p).rdbuf();
  return s.str();
}

Result run_gat(const std::string& args) {
  const fs::path out = temp_dir() / "out.txt", err = temp_dir() / "err.txt";
  const int status = std::system(("'" GAT_CLI_PATH "' " + args + " </dev/null >'" + out.string() + "' 2>'" +
                                  err.string() + "'").c_str());
  Result r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(out), read_all(err)};
  UNSCOPED_INFO("gat " << args << "\n exit " << r.code << "\n stdout: " << r.out << "\n stderr: " << r.err);
  return r;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

fs::path generated(const std::string& kind, const std::string& graphs) {
  const fs::path d = temp_dir() / kind;
  fs::remove_all(d);
  REQUIRE(run_gat("generate " + kind + " --graphs " + graphs + " --nodes 40 --seed 1 --out '" + d.string() + "'").code == 0);
  return d;
}

}  // namespace

TEST_CASE("train on generated PPI files: multi-label, inductive, micro-F1 reported", "[cli][many_graphs]") {
  const fs::path d = generated("ppi", "6");
  const fs::path summary = temp_dir() / "ppi_summary.json";
  const Result r = run_gat("train --dataset '" + d.string() + "' --epochs 2 --hidden 4 --heads 2 --output-heads 2 "
                           "--threads 1 --summary '" + summary.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(has(r.out, "6 graphs (2 train, 2 valid, 2 test)"));
  CHECK(has(r.out, "test micro-F1"));
  const auto s = nlohmann::json::parse(read_all(summary));
  CHECK(s["task"] == "multi_label");
  CHECK(s["epochs"] == 2);
  CHECK(s["batch_graphs"] == 2);
  CHECK(s["model"]["layers"] == 3);
  CHECK(s["model"]["residual"] == true);
  CHECK(s["test_micro_f1"].get<double>() >= 0);
}

TEST_CASE("train --task graph: k folds written out, accuracy mean and deviation, pooling weights", "[cli][many_graphs]") {
  const fs::path d = generated("tu", "30");
  const fs::path folds = temp_dir() / "folds.json", weights = temp_dir() / "weights.json";
  const Result r = run_gat("train --task graph --dataset '" + d.string() + "' --folds 3 --epochs 3 --threads 1 "
                           "--folds-out '" + folds.string() + "' --pooling-weights '" + weights.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(has(r.out, "3-fold accuracy:"));
  const auto f = nlohmann::json::parse(read_all(folds));
  REQUIRE(f["folds"].size() == 3);
  std::size_t graphs = 0;
  for (const auto& fold : f["folds"]) graphs += fold["test_graphs"].size();
  CHECK(graphs == 30);
  const auto w = nlohmann::json::parse(read_all(weights));
  REQUIRE(w["graphs"].size() == 30);
  for (const auto& g : w["graphs"]) {
    double sum = 0;
    for (double x : g["weights"]) sum += x;
    CHECK(sum == Approx(1.0).epsilon(1e-5));
  }
  CHECK(run_gat("train --task graph --dataset '" + d.string() + "' --readout max --pooling-weights '" +
                weights.string() + "'").code == 1);
  const Result no_dataset = run_gat("train --task graph");
  CHECK(no_dataset.code == 1);
  CHECK(has(no_dataset.err, "--task graph needs --dataset"));
}

TEST_CASE("bad many-graph files exit 2 naming the file and what is wrong", "[cli][many_graphs][hostile]") {
  const fs::path d = generated("ppi", "3");
  const std::string train = "train --epochs 1 --hidden 2 --heads 1 --output-heads 1 --threads 1 --dataset '" + d.string() + "'";
  const std::string class_map = read_all(d / "ppi-class_map.json");
  {
    auto j = nlohmann::json::parse(class_map);
    j["123456"] = j["0"];
    std::ofstream(d / "ppi-class_map.json") << j.dump();
    const Result r = run_gat(train);
    CHECK(r.code == 2);
    CHECK(has(r.err, "ppi-class_map.json"));
    CHECK(has(r.err, "names node 123456"));
  }
  {
    auto j = nlohmann::json::parse(class_map);
    j["1"].push_back(0);
    std::ofstream(d / "ppi-class_map.json") << j.dump();
    const Result r = run_gat(train);
    CHECK(r.code == 2);
    CHECK(has(r.err, "ppi-class_map.json"));
    CHECK(has(r.err, "node 1 has 122 labels, expected 121"));
  }
  std::ofstream(d / "ppi-class_map.json") << class_map;
  const std::string feats = read_all(d / "ppi-feats.npy");
  {
    std::string bad = feats;
    bad.replace(bad.find("<f4"), 3, "|O ");
    std::ofstream(d / "ppi-feats.npy", std::ios::binary) << bad;
    const Result r = run_gat(train);
    CHECK(r.code == 2);
    CHECK(has(r.err, "ppi-feats.npy"));
    CHECK(has(r.err, "pickled object"));
  }
  {
    std::string bad = feats;
    bad.replace(bad.find("fortran_order"), 5, "fortx");
    std::ofstream(d / "ppi-feats.npy", std::ios::binary) << bad;
    const Result r = run_gat(train);
    CHECK(r.code == 2);
    CHECK(has(r.err, "ppi-feats.npy"));
    CHECK(has(r.err, "no 'fortran_order' key"));
  }
  std::ofstream(d / "ppi-feats.npy", std::ios::binary) << feats;
  {
    std::ofstream(d / "ppi-G.json") << R"({"directed": false, "nodes": [], "links": []})";
    const Result r = run_gat(train);
    CHECK(r.code == 2);
    CHECK(has(r.err, "ppi-G.json"));
    CHECK(has(r.err, "no nodes"));
  }
  const fs::path tu = generated("tu", "4");
  std::ofstream(tu / "SYNTHETIC_graph_labels.txt", std::ios::app) << "1\n";
  const Result r = run_gat("train --task graph --folds 2 --epochs 1 --dataset '" + tu.string() + "'");
  CHECK(r.code == 2);
  CHECK(has(r.err, "SYNTHETIC_graph_indicator.txt"));
  CHECK(has(r.err, "graph 5 has no nodes"));
  const Result missing = run_gat("train --dataset ppi --data-root '" + (temp_dir() / "nowhere").string() + "'");
  CHECK(missing.code == 1);
  CHECK(has(missing.err, "ppi-synthetic"));
}
