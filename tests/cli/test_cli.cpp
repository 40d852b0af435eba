// The gat command from the outside: every subcommand's --help, bad arguments (exit 1), bad files
// (exit 2) with the argument or file named on stderr, and a small end-to-end run on a tiny LINQS
// dataset written by the test (train --log/--save, eval, predict, attention, info).
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <tuple>
#include <vector>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

// From tests/support (its header would bring namespace gat, which the gat() helper here shadows).
namespace gat_test {
std::optional<std::filesystem::path> data_root();
}

namespace fs = std::filesystem;

namespace {

struct Run {
  int code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A scratch folder for this test process, removed at exit.
const fs::path& scratch() {
  static const fs::path dir = [] {
    fs::path d = fs::temp_directory_path() / ("gat_cli_test_" + std::to_string(::getpid()));
    fs::create_directories(d);
    std::atexit([] { std::error_code ec; fs::remove_all(fs::temp_directory_path() / ("gat_cli_test_" + std::to_string(::getpid())), ec); });
    return d;
  }();
  return dir;
}

// Runs `gat ARGS` (ARGS is shell text) with --threads 1 where it applies; stdin is /dev/null.
// `shell_prefix` runs first in the same shell (e.g. a memory cap).
Run gat(const std::string& args, const std::string& shell_prefix = "") {
  const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  const std::string cmd = shell_prefix + std::string("'") + GAT_CLI_PATH + "' " + args + " </dev/null >'" + out.string() +
                          "' 2>'" + err.string() + "'";
  const int status = std::system(cmd.c_str());
  Run r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  UNSCOPED_INFO("gat " << args << "\n exit " << r.code << "\n stdout: " << r.out.substr(0, 2000)
                       << "\n stderr: " << r.err.substr(0, 2000));
  return r;
}

bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// A LINQS dataset with 12 papers (ids p0..p11), 4 word attributes and 2 classes.
fs::path tiny_linqs() {
  static const fs::path dir = [] {
    const fs::path d = scratch() / "tiny";
    fs::create_directories(d);
    std::ofstream content(d / "tiny.content");
    for (int i = 0; i < 12; ++i)
      content << "p" << i << '\t' << (i % 2) << '\t' << (i % 3 == 0) << '\t' << 1 << '\t' << (i % 2 == 0) << '\t'
              << (i % 2 ? "Theory" : "Neural_Networks") << '\n';
    std::ofstream cites(d / "tiny.cites");
    for (int i = 0; i < 12; ++i) cites << "p" << i << "\tp" << (i + 1) % 12 << "\np" << i << "\tp" << (i + 5) % 12 << '\n';
    return d;
  }();
  return dir;
}

// Trains a tiny model once and returns its checkpoint.
fs::path tiny_checkpoint() {
  static const fs::path ckpt = [] {
    const fs::path p = scratch() / "tiny.safetensors";
    const Run r = gat("train --dataset '" + tiny_linqs().string() + "' --epochs 3 --heads 2 --hidden 4 --threads 1 --save '" +
                      p.string() + "'");
    REQUIRE(r.code == 0);
    return p;
  }();
  return ckpt;
}

std::string tiny_args() { return "--checkpoint '" + tiny_checkpoint().string() + "' --dataset '" + tiny_linqs().string() + "'"; }

}  // namespace

TEST_CASE("every subcommand has --help", "[cli]") {
  const Run top = gat("--help");
  CHECK(top.code == 0);
  for (const char* sub : {"train", "eval", "predict", "attention", "info", "view", "convert"}) {
    CHECK(contains(top.out, sub));
    const Run r = gat(std::string(sub) + " --help");
    CHECK(r.code == 0);
    CHECK(contains(r.out, "--threads"));
    CHECK(contains(r.out, "--json"));
  }
}

TEST_CASE("bad usage exits 1 and names the argument", "[cli]") {
  struct Case {
    std::string args, named;
  };
  const Case cases[] = {
      {"", "subcommand"},
      {"frobnicate", "frobnicate"},
      {"train --bogus", "--bogus"},
      {"train --epochs -3", "--epochs"},
      {"train --epochs many", "--epochs"},
      {"train --lr 0", "expected a positive number, got '0'"},
      {"train --threads -1", "--threads"},
      {"train --layer gcn", "--layer"},
      {"eval --dataset synthetic", "--checkpoint"},
      {"predict --checkpoint x.safetensors --output-format xml", "--output-format"},
      {"attention --checkpoint x.safetensors", "--out"},
      {"attention --checkpoint x.safetensors --out a.json --top-k 0", "--top-k"},
      {"info --format parquet", "--format"},
      {"info --dataset no-such-dataset --data-root '" + scratch().string() + "'", "no-such-dataset"},
      {"info --dataset '" + (scratch() / "missing" / "x.content").string() + "'", "missing"},
  };
  for (const auto& c : cases) {
    const Run r = gat(c.args);
    CHECK(r.code == 1);
    CHECK(contains(r.err, c.named));
  }
}

TEST_CASE("bad values found after parsing exit 1 and name the argument", "[cli]") {
  const std::string out = (scratch() / "a.json").string();
  for (const auto& [args, named] : std::vector<std::pair<std::string, std::string>>{
           {"attention " + tiny_args() + " --out '" + out + "' --layer 7", "--layer 7"},
           {"attention " + tiny_args() + " --out '" + out + "' --head 9", "--head 9"},
           {"attention " + tiny_args() + " --out '" + out + "' --node nobody", "--node nobody"},
           {"eval --checkpoint '" + tiny_checkpoint().string() + "'", "--dataset"},  // synthetic: 1433 features
       }) {
    const Run r = gat(args);
    CHECK(r.code == 1);
    CHECK(contains(r.err, named));
    CHECK(!fs::exists(out));
  }
}

TEST_CASE("bad files exit 2 and name the file", "[cli]") {
  // A malformed dataset file: the error names file and line.
  const fs::path bad = scratch() / "bad";
  fs::create_directories(bad);
  std::ofstream(bad / "bad.content") << "p0\t1\t0\tA\np1\t1\tA\n";
  std::ofstream(bad / "bad.cites") << "p0\tp1\n";
  Run r = gat("info --dataset '" + bad.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "bad.content:2"));
  for (const char* sub : {"train --epochs 1", "eval", "predict", "attention --out x.json"}) {
    const std::string checkpoint = std::string(sub).rfind("train", 0) == 0 ? "" : " --checkpoint '" + tiny_checkpoint().string() + "'";
    r = gat(std::string(sub) + checkpoint + " --dataset '" + bad.string() + "'");
    CHECK(r.code == 2);
    CHECK(contains(r.err, "bad.content:2"));
  }

  // A corrupt checkpoint, a missing one, and one without gat's model metadata.
  const fs::path corrupt = scratch() / "corrupt.safetensors";
  std::ofstream(corrupt) << "this is not a safetensors file at all";
  r = gat("eval --checkpoint '" + corrupt.string() + "' --dataset '" + tiny_linqs().string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "corrupt.safetensors"));

  r = gat("predict --checkpoint '" + (scratch() / "absent.safetensors").string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "absent.safetensors"));

  // A truncated copy of a good checkpoint.
  const std::string good = slurp(tiny_checkpoint());
  const fs::path truncated = scratch() / "truncated.safetensors";
  std::ofstream(truncated, std::ios::binary) << good.substr(0, good.size() / 2);
  r = gat("attention --checkpoint '" + truncated.string() + "' --dataset '" + tiny_linqs().string() + "' --out '" +
          (scratch() / "t.json").string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "truncated.safetensors"));
}

TEST_CASE("train, eval, predict, attention and info on a tiny dataset", "[cli]") {
  const fs::path log = scratch() / "log.jsonl", summary = scratch() / "summary.json", ckpt = scratch() / "e2e.safetensors";
  Run r = gat("train --dataset '" + tiny_linqs().string() + "' --epochs 4 --patience 0 --heads 2 --hidden 4 --json --threads 2 --log '" +
              log.string() + "' --summary '" + summary.string() + "' --save '" + ckpt.string() + "'");
  REQUIRE(r.code == 0);
  const auto printed = nlohmann::json::parse(r.out);
  CHECK(printed["dataset"] == "tiny");
  CHECK(nlohmann::json::parse(slurp(summary)) == printed);
  {
    std::istringstream lines(slurp(log));
    std::string line;
    int epochs = 0;
    while (std::getline(lines, line)) {
      const auto j = nlohmann::json::parse(line);
      CHECK(j["epoch"] == ++epochs);
      for (const char* key : {"train_loss", "train_accuracy", "val_loss", "val_accuracy", "seconds", "run", "seed"})
        CHECK(j.contains(key));
    }
    CHECK(epochs == 4);
  }

  const std::string args = "--checkpoint '" + ckpt.string() + "' --dataset '" + tiny_linqs().string() + "' --threads 1";
  r = gat("eval " + args + " --json");
  REQUIRE(r.code == 0);
  const auto eval = nlohmann::json::parse(r.out);
  CHECK(eval["train"]["nodes"] == 2);
  CHECK(eval.contains("test"));

  r = gat("predict " + args);
  REQUIRE(r.code == 0);
  std::istringstream csv(r.out);
  std::string line;
  std::getline(csv, line);
  CHECK(line == "node,label,p0,p1");
  int rows = 0;
  while (std::getline(csv, line)) {
    CHECK(line.rfind("p" + std::to_string(rows) + ",", 0) == 0);
    ++rows;
  }
  CHECK(rows == 12);

  r = gat("predict " + args + " --json");
  REQUIRE(r.code == 0);
  const auto predictions = nlohmann::json::parse(r.out);
  REQUIRE(predictions.size() == 12);
  CHECK(predictions[3]["node"] == "p3");
  CHECK(predictions[3]["probabilities"][0].get<double>() + predictions[3]["probabilities"][1].get<double>() ==
        Approx(1.0));
  // a few nodes, in the order asked, from their receptive field: the same as their rows above
  r = gat("predict " + args + " --json --node p7 --node p3 --node p7");
  REQUIRE(r.code == 0);
  const auto some = nlohmann::json::parse(r.out);
  REQUIRE(some.size() == 3);
  for (const auto& [k, node] : {std::pair{0, 7}, std::pair{1, 3}, std::pair{2, 7}}) {
    CHECK(some[k]["node"] == "p" + std::to_string(node));
    CHECK(some[k]["label"] == predictions[node]["label"]);
    CHECK(some[k]["probabilities"][0].get<double>() ==
          Approx(predictions[node]["probabilities"][0].get<double>()).margin(1e-6));
  }
  r = gat("predict " + args + " --node p99");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "--node p99"));

  const fs::path att = scratch() / "attention.json";
  r = gat("attention " + args + " --out '" + att.string() + "' --json");
  REQUIRE(r.code == 0);
  const auto stats = nlohmann::json::parse(r.out);
  const auto doc = nlohmann::json::parse(slurp(att));
  CHECK(stats["records"] == doc["records"].size());
  CHECK(stats["bytes"] == fs::file_size(att));
  // 12 papers, 24 citations both ways = 48 edges, + 12 self-loops, in each of 2 layers.
  CHECK(doc["records"].size() == 2 * (48 + 12));
  CHECK(doc["records"][0]["source_id"].is_string());

  r = gat("attention " + args + " --out '" + att.string() + "' --node p5 --top-k 2 --average-heads");
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "records"));
  const auto focused = nlohmann::json::parse(slurp(att));
  for (const auto& rec : focused["records"]) {
    CHECK(rec["weights"].size() == 1);
    if (rec["layer"] == 1) CHECK(rec["target_id"] == "p5");
  }
  // Layer 1: the 2 strongest edges into p5; layer 0: 2 into each node of p5's receptive field
  // (p5, its 4 neighbours).
  CHECK(focused["records"].size() == 2 + 2 * 5);

  r = gat("info --dataset '" + tiny_linqs().string() + "' --json --threads 1");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["nodes"] == 12);
}

TEST_CASE("attention --stats, view and plot on a tiny dataset, and bad exports and nodes exit 2", "[cli][viewer]") {
  const std::string args = tiny_args() + " --threads 1";
  Run r = gat("attention " + args + " --stats");
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "attention statistics of tiny (12 nodes"));
  CHECK(contains(r.out, "H/ln d"));
  r = gat("attention " + args + " --stats --json");
  REQUIRE(r.code == 0);
  const auto stats = nlohmann::json::parse(r.out)["statistics"];
  REQUIRE(stats.size() == 3);  // 2 heads, then the output layer's one
  for (const auto& s : stats) {
    CHECK(s["nodes"] == 12);
    CHECK(s["entropy"].get<double>() <= s["uniform_entropy"].get<double>() + 1e-9);
    CHECK(s["uniform_self_loop"].get<double>() == Approx(1.0 / 5));  // every paper: 4 neighbours and itself
  }

  const fs::path page = scratch() / "view.html", att = scratch() / "view.json", log = scratch() / "view.jsonl";
  REQUIRE(gat("attention " + args + " --out '" + att.string() + "'").code == 0);
  REQUIRE(gat("train --dataset '" + tiny_linqs().string() + "' --epochs 3 --heads 2 --hidden 4 --threads 1 --log '" +
              log.string() + "'").code == 0);
  r = gat("view " + args + " --node p3 --log '" + log.string() + "' --out '" + page.string() + "' --json");
  REQUIRE(r.code == 0);
  const auto written = nlohmann::json::parse(r.out);
  CHECK(written["complete"] == true);
  CHECK(written["first_node"] == 3);
  CHECK(written["bytes"] == fs::file_size(page));
  const std::string html = slurp(page);
  CHECK(contains(html, "\"page_version\":1"));
  CHECK(contains(html, "\"names\":[\"p0\",\"p1\""));
  CHECK(contains(html, "class='training-curve'"));
  CHECK(!contains(html, "/*GAT_DATA*/"));

  r = gat("view --attention '" + att.string() + "' --dataset '" + tiny_linqs().string() + "' --out '" + page.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(contains(slurp(page), "view.json (per_head weights)"));

  const fs::path curve = scratch() / "curve.svg";
  r = gat("plot --log '" + log.string() + "' --out '" + curve.string() + "'");
  REQUIRE(r.code == 0);
  const std::string svg = slurp(curve);
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK(contains(svg, "data-series='val_accuracy'"));

  // An export of another version, a node that is not in the graph, a log that is not one: exit 2.
  std::string text = slurp(att);
  text.replace(text.find("\"version\":1"), 11, "\"version\":2");
  const fs::path other = scratch() / "version2.json";
  std::ofstream(other) << text;
  r = gat("view --attention '" + other.string() + "' --out '" + page.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "version2.json: attention export of format version 2; this gat reads version 1"));
  r = gat("view " + args + " --node p99 --out '" + page.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "--node p99: no node of tiny has this id"));
  r = gat("view --attention '" + att.string() + "' --node 12 --out '" + page.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "--node 12"));
  r = gat("plot --log '" + att.string() + "' --out '" + curve.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "view.json:1: not a training log record"));
  r = gat("view --out '" + page.string() + "'");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "--checkpoint"));
}

TEST_CASE("train runs on receptive fields unless --whole-graph and the checkpoint evaluates the same", "[cli]") {
  const fs::path ckpt = scratch() / "field.safetensors";
  double accuracy[2] = {};
  for (bool whole : {false, true}) {
    INFO("--whole-graph " << whole);
    Run r = gat(std::string("train --epochs 60 --patience 0 --json --threads 1 --save '") + ckpt.string() + "'" +
                (whole ? " --whole-graph" : ""));
    REQUIRE(r.code == 0);
    const auto trained = nlohmann::json::parse(r.out);
    CHECK(trained["receptive_field"] == !whole);
    // the built-in graph has 2,708 nodes; its 140 training nodes' field is smaller
    if (whole)
      CHECK(trained["runs"][0]["step_nodes"] == 2708);
    else
      CHECK(trained["runs"][0]["step_nodes"].get<int>() < 2708);
    accuracy[whole] = trained["runs"][0]["test_accuracy"].get<double>();
    r = gat("eval --checkpoint '" + ckpt.string() + "' --json --threads 1");
    REQUIRE(r.code == 0);
    CHECK(nlohmann::json::parse(r.out)["test"]["accuracy"].get<double>() == accuracy[whole]);
  }
  CHECK(accuracy[0] > 0.7);  // the built-in dataset is learnt either way (7 classes)
  CHECK(accuracy[1] > 0.7);
}

TEST_CASE("a failed training run leaves an earlier log and summary as they were", "[cli]") {
  const fs::path log = scratch() / "kept.jsonl", summary = scratch() / "kept.json";
  {
    std::ofstream(log) << "{\"earlier\": true}\n";
    std::ofstream(summary) << "{\"earlier\": true}\n";
  }
  const Run r = gat("train --epochs 20 --patience 0 --lr 1e30 --threads 1 --log '" + log.string() + "' --summary '" +
                    summary.string() + "'");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "training diverged"));
  CHECK(slurp(log) == "{\"earlier\": true}\n");
  CHECK(slurp(summary) == "{\"earlier\": true}\n");
  std::size_t leftovers = 0;
  for (const auto& entry : fs::directory_iterator(scratch()))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) ++leftovers;
  CHECK(leftovers == 0);
}

TEST_CASE("a model trained on a locality order evaluates the same on the dataset as given", "[cli]") {
  const fs::path ckpt = scratch() / "reordered.safetensors";
  for (const char* order : {"rcm", "degree"}) {
    INFO("--reorder " << order);
    Run r = gat(std::string("train --reorder ") + order + " --epochs 15 --patience 0 --json --threads 1 --save '" +
                ckpt.string() + "'");
    REQUIRE(r.code == 0);
    const auto trained = nlohmann::json::parse(r.out);
    CHECK(trained["reorder"] == order);
    r = gat("eval --checkpoint '" + ckpt.string() + "' --json --threads 1");
    REQUIRE(r.code == 0);
    const auto eval = nlohmann::json::parse(r.out);
    // Same parameters on the same graph with other node numbers: only summation order differs.
    CHECK(eval["test"]["accuracy"].get<double>() ==
          Approx(trained["runs"][0]["test_accuracy"].get<double>()).margin(0.002));
  }
  CHECK(gat("train --reorder sideways").code == 1);
}

TEST_CASE("train --profile prints where the epochs' time went, per phase, and the same results", "[cli]") {
  const std::string base = "train --dataset '" + tiny_linqs().string() + "' --epochs 4 --patience 0 --heads 2 --hidden 4 "
                           "--threads 1 --runs 2 --json";
  const Run plain = gat(base);
  const Run profiled = gat(base + " --profile");
  REQUIRE(plain.code == 0);
  REQUIRE(profiled.code == 0);
  CHECK(contains(profiled.err, "profile over 8 epochs"));
  for (const char* phase : {"projection", "attention", "backward: attention", "optimizer", "validation"})
    CHECK(contains(profiled.err, phase));
  CHECK_FALSE(contains(plain.err, "profile over"));
  // Profiling observes: the models and their numbers are those of the plain run.
  const auto a = nlohmann::json::parse(plain.out)["runs"], b = nlohmann::json::parse(profiled.out)["runs"];
  REQUIRE(a.size() == 2);
  REQUIRE(b.size() == 2);
  for (std::size_t k = 0; k < a.size(); ++k)
    for (const char* key : {"seed", "test_accuracy", "val_accuracy", "val_loss", "epochs", "best_epoch"})
      CHECK(a[k][key] == b[k][key]);
}

// ---------------------------------------------------------------------------------------------
// Hostile input: every case exits 0, 1 (options) or 2 (files) naming what is at fault, within
// seconds and under a memory cap, and leaves every existing file as it was.

namespace {

// The shell prefix that caps the address space of the gat it runs (3 GB: a tiny model needs far
// less; the unchecked sizes asked for terabytes).
const std::string kMemoryCap = "ulimit -v 3000000; exec ";

// A copy of the tiny checkpoint with its header (and data section) changed by `alter`.
fs::path altered_checkpoint(const std::string& name,
                            const std::function<void(nlohmann::json& header, std::string& data)>& alter) {
  const std::string bytes = slurp(tiny_checkpoint());
  std::uint64_t n = 0;
  for (int i = 0; i < 8; ++i) n |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  nlohmann::json header = nlohmann::json::parse(bytes.substr(8, n));
  std::string data = bytes.substr(8 + n);
  alter(header, data);
  const std::string text = header.dump();
  std::string length(8, '\0');
  for (int i = 0; i < 8; ++i) length[i] = static_cast<char>(text.size() >> (8 * i));
  const fs::path p = scratch() / (name + ".safetensors");
  std::ofstream(p, std::ios::binary) << length << text << data;
  return p;
}

// The tiny checkpoint with fields of its model configuration replaced.
fs::path checkpoint_with_model(const std::string& name, const nlohmann::json& fields) {
  return altered_checkpoint(name, [&](nlohmann::json& header, std::string&) {
    nlohmann::json model = nlohmann::json::parse(header["__metadata__"]["gat_model"].get<std::string>());
    model.update(fields);
    header["__metadata__"]["gat_model"] = model.dump();
  });
}

std::string on_tiny(const fs::path& checkpoint, const std::string& threads = "1") {
  return "eval --threads " + threads + " --checkpoint '" + checkpoint.string() + "' --dataset '" + tiny_linqs().string() + "'";
}

}  // namespace

TEST_CASE("sizes and thread counts past the stated bounds exit 1 naming the option", "[cli][hostile]") {
  for (const auto& [args, named] : std::vector<std::pair<std::string, std::string>>{
           {"train --heads 100000000 --hidden 100000000 --epochs 1 --threads 1", "--hidden"},
           {"train --heads 100000 --hidden 100000 --epochs 1 --threads 1", "--hidden"},
           {"train --heads 100000 --epochs 1 --threads 1", "--heads"},
           {"train --hidden 100000 --epochs 1 --threads 1", "--hidden"},
           {"train --layers 1000000000 --epochs 1 --threads 1", "--layers"},
           {"train --heads 1024 --hidden 1024 --epochs 1 --threads 1", "1024 heads x 1024 channels"},
           {"train --concurrent-runs 100000 --epochs 1", "--concurrent-runs"},
           {on_tiny(tiny_checkpoint(), "100000"), "--threads"},
           {"train --dropout nan --epochs 1 --threads 1", "--dropout"},
           {"train --attention-dropout inf --epochs 1 --threads 1", "--attention-dropout"},
       }) {
    const Run r = gat(args, kMemoryCap);
    CHECK(r.code == 1);
    CHECK(contains(r.err, named));
    CHECK(!contains(r.err, "GATConv"));
  }
}

TEST_CASE("a checkpoint whose model configuration is unusable exits 2 naming it", "[cli][hostile]") {
  for (const auto& [name, fields] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"huge", {{"heads", 100000000}, {"hidden", 100000000}}},  // rows x cols overflow int64
           {"deep", {{"layers", 1000000000}}},                        // was minutes of model building
           {"deep_float", {{"layers", 1e9}}},
           {"no_heads", {{"heads", 0}}},
           {"negative_heads", {{"heads", -3}}},
           {"no_classes", {{"num_classes", 0}}},
           {"dropout5", {{"attention_dropout", 5}}},
       }) {
    const fs::path ckpt = checkpoint_with_model(name, fields);
    const Run r = gat(on_tiny(ckpt), kMemoryCap);
    CHECK(r.code == 2);
    CHECK(contains(r.err, ckpt.string() + ": "));
  }
}

TEST_CASE("checkpoints with wrapped, overlapping, unknown or non-finite tensors exit 2 naming file and tensor", "[cli][hostile]") {
  const auto offsets = [](const nlohmann::json& header, const char* tensor) { return header[tensor]["data_offsets"]; };
  const std::vector<std::tuple<std::string, std::function<void(nlohmann::json&, std::string&)>, std::string>> cases{
      {"wrapped", [](nlohmann::json& h, std::string&) {
         h["wrapped"] = {{"dtype", "F32"}, {"shape", {(std::int64_t{1} << 62) + 64}}, {"data_offsets", {0, 256}}};
       }, "tensor 'wrapped'"},
      {"overlapping", [&](nlohmann::json& h, std::string&) { h["conv1.att_dst"]["data_offsets"] = offsets(h, "conv1.att_src"); },
       "overlap"},
      {"residual", [](nlohmann::json& h, std::string& d) {
         h["conv1.res.weight"] = {{"dtype", "F32"}, {"shape", {1}}, {"data_offsets", {d.size(), d.size() + 4}}};
         d += std::string(4, '\0');
       }, "tensor 'conv1.res.weight'"},
      {"nan", [&](nlohmann::json& h, std::string& d) {
         const float v = std::nanf("");
         std::memcpy(&d[offsets(h, "conv1.lin.weight")[0].get<std::size_t>()], &v, 4);
       }, "tensor 'conv1.lin.weight'"},
      {"inf", [&](nlohmann::json& h, std::string& d) {
         const float v = INFINITY;
         std::memcpy(&d[offsets(h, "conv2.bias")[0].get<std::size_t>()], &v, 4);
       }, "tensor 'conv2.bias'"},
  };
  for (const auto& [name, alter, named] : cases) {
    const fs::path ckpt = altered_checkpoint(name, alter);
    const Run r = gat(on_tiny(ckpt), kMemoryCap);
    CHECK(r.code == 2);
    CHECK(contains(r.err, ckpt.string()));
    CHECK(contains(r.err, named));
  }
  const Run r = gat(on_tiny(scratch()));
  CHECK(r.code == 2);
  CHECK(contains(r.err, "is a directory"));
}

TEST_CASE("an output that is an input or another output is refused before anything is written", "[cli][hostile]") {
  const fs::path ckpt = scratch() / "kept.safetensors";
  fs::copy_file(tiny_checkpoint(), ckpt, fs::copy_options::overwrite_existing);
  const std::string kept = slurp(ckpt), content = slurp(tiny_linqs() / "tiny.content");
  const std::string model = "--threads 1 --checkpoint '" + ckpt.string() + "' --dataset '" + tiny_linqs().string() + "'";
  for (const auto& [args, named] : std::vector<std::pair<std::string, std::string>>{
           {"predict " + model + " --out '" + ckpt.string() + "'", "--checkpoint"},
           {"attention " + model + " --out '" + (scratch() / "." / "kept.safetensors").string() + "'", "--checkpoint"},
           {"predict " + model + " --out '" + (tiny_linqs() / "tiny.content").string() + "'", "--dataset"},
           {"train --epochs 1 --threads 1 --dataset '" + tiny_linqs().string() + "' --log '" +
                (tiny_linqs() / "tiny.content").string() + "'", "--dataset"},
           {"train --epochs 1 --threads 1 --dataset '" + tiny_linqs().string() + "' --save '" +
                (scratch() / "twice").string() + "' --summary '" + (scratch() / "twice").string() + "'", "--save"},
       }) {
    const Run r = gat(args);
    CHECK(r.code == 1);
    CHECK(contains(r.err, named));
  }
  CHECK(slurp(ckpt) == kept);
  CHECK(slurp(tiny_linqs() / "tiny.content") == content);
  CHECK(!fs::exists(scratch() / "twice"));

  // A read-only target is left as it is (a rename would replace it whatever its mode).
  const fs::path read_only = scratch() / "read_only.csv";
  std::ofstream(read_only) << "keep\n";
  fs::permissions(read_only, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const Run r = gat("predict " + model + " --out '" + read_only.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, read_only.string()));
  CHECK(contains(r.err, "read-only"));
  CHECK(slurp(read_only) == "keep\n");
  fs::permissions(read_only, fs::perms::owner_write, fs::perm_options::add);
}

TEST_CASE("SIGINT or SIGTERM during training removes the log's temporary and keeps the old log", "[cli][hostile]") {
  const fs::path log = scratch() / "signalled.jsonl";
  for (const int sig : {SIGINT, SIGTERM}) {
    INFO("signal " << sig);
    std::ofstream(log) << "{\"earlier\": true}\n";
    const std::string log_arg = log.string();
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      const char* argv[] = {GAT_CLI_PATH, "train", "--epochs", "100000", "--patience", "0", "--threads", "1",
                            "--log", log_arg.c_str(), nullptr};
      // Default dispositions whatever the test runner inherited (a background shell ignores SIGINT).
      std::signal(SIGINT, SIG_DFL);
      std::signal(SIGTERM, SIG_DFL);
      if (!std::freopen("/dev/null", "w", stdout) || !std::freopen("/dev/null", "w", stderr)) ::_exit(126);
      ::execv(GAT_CLI_PATH, const_cast<char* const*>(argv));
      ::_exit(127);
    }
    const fs::path tmp = log.string() + ".tmp-" + std::to_string(child);
    for (int i = 0; i < 1200 && !fs::exists(tmp); ++i) ::usleep(50000);  // training starts within a minute
    CHECK(fs::exists(tmp));
    ::kill(child, sig);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == sig);
    CHECK(!fs::exists(tmp));
    CHECK(slurp(log) == "{\"earlier\": true}\n");
  }
}

TEST_CASE("reader warnings reach info --json, the training summary and stderr", "[cli][hostile]") {
  const fs::path dir = scratch() / "warned";
  fs::create_directories(dir);
  fs::copy_file(tiny_linqs() / "tiny.content", dir / "warned.content", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "warned.cites") << slurp(tiny_linqs() / "tiny.cites") << "p0\tnobody\n";
  Run r = gat("info --json --threads 1 --dataset '" + dir.string() + "'");
  REQUIRE(r.code == 0);
  const auto info = nlohmann::json::parse(r.out);
  REQUIRE(info["warnings"].size() == 1);
  CHECK(contains(info["warnings"][0].get<std::string>(), "1 citations name a paper missing"));
  const fs::path summary = scratch() / "warned.json";
  r = gat("train --json --epochs 2 --heads 2 --hidden 4 --threads 1 --dataset '" + dir.string() + "' --summary '" +
          summary.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["warnings"] == info["warnings"]);
  CHECK(nlohmann::json::parse(slurp(summary))["warnings"] == info["warnings"]);
  CHECK(contains(r.err, "warning: 1 citations name a paper missing"));
  // Without warnings the list is there and empty.
  r = gat("info --json --threads 1 --dataset '" + tiny_linqs().string() + "'");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["warnings"].empty());
}

TEST_CASE("errors in datasets point at the right file and line", "[cli][hostile]") {
  const fs::path dir = scratch() / "shortfirst";
  fs::create_directories(dir);
  std::ofstream(dir / "shortfirst.content") << "p0\t1\tA\np1\t1\t0\tB\np2\t0\t1\tA\n";
  std::ofstream(dir / "shortfirst.cites") << "p0\tp1\n";
  Run r = gat("info --dataset '" + dir.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "shortfirst.content:1: "));
  const fs::path bare = scratch() / "bare";
  fs::create_directories(bare);
  std::ofstream(bare / "bare.content") << "p0\tA\np1\tB\n";
  std::ofstream(bare / "bare.cites") << "p0\tp1\n";
  r = gat("train --epochs 1 --threads 1 --dataset '" + bare.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "bare.content:1: "));
}

TEST_CASE("real Planetoid Cora, damaged: a shared memoised list, allx replaced by ally, a short first row", "[cli][hostile][realdata]") {
  const auto found = gat_test::data_root();
  if (!found || !fs::exists(*found / "planetoid" / "raw" / "ind.cora.graph")) {
    WARN("skipped: Planetoid Cora not found; set GAT_DATA to the datasets folder");
    return;
  }
  const fs::path root = *found;
  const fs::path dir = scratch() / "cora_planetoid";
  fs::create_directories(dir);
  for (const char* part : {"x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"})
    fs::copy_file(root / "planetoid" / "raw" / (std::string("ind.cora.") + part), dir / (std::string("ind.cora.") + part),
                  fs::copy_options::overwrite_existing);
  for (const auto& entry : fs::directory_iterator(dir)) fs::permissions(entry.path(), fs::perms::owner_write, fs::perm_options::add);
  const std::string graph = slurp(dir / "ind.cora.graph");

  // One 200k-int list memoised once, referenced from 200k keys: 2.4 MB asking for 320 GB.
  {
    std::string bytes = std::string("\x80\x02}(K\x00]r\x01\x00\x00\x00(", 14);
    for (int i = 0; i < 200000; ++i) bytes += std::string("K") + static_cast<char>(i % 256);
    bytes += "e";
    for (std::uint32_t k = 1; k < 200000; ++k) {
      bytes += "J" + std::string(reinterpret_cast<const char*>(&k), 4);
      const std::uint32_t memo = 1;
      bytes += "j" + std::string(reinterpret_cast<const char*>(&memo), 4);
    }
    bytes += "u.";
    std::ofstream(dir / "ind.cora.graph", std::ios::binary) << bytes;
  }
  Run r = gat("info --dataset '" + (dir / "ind.cora.graph").string() + "'", kMemoryCap);
  CHECK(r.code == 2);
  CHECK(contains(r.err, "ind.cora.graph: "));
  std::ofstream(dir / "ind.cora.graph", std::ios::binary) << graph;

  const std::string allx = slurp(dir / "ind.cora.allx");
  fs::copy_file(dir / "ind.cora.ally", dir / "ind.cora.allx", fs::copy_options::overwrite_existing);
  r = gat("info --dataset '" + (dir / "ind.cora.graph").string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "ind.cora.allx: "));
  std::ofstream(dir / "ind.cora.allx", std::ios::binary) << allx;
  r = gat("info --json --dataset '" + (dir / "ind.cora.graph").string() + "'");
  CHECK(r.code == 0);

  // cora.content with one attribute dropped from its first row
  const fs::path linqs = root / "linqs" / "cora";
  if (!fs::exists(linqs / "cora.content")) return;
  const fs::path short_dir = scratch() / "cora_linqs";
  fs::create_directories(short_dir);
  std::string content = slurp(linqs / "cora.content");
  const auto tab = content.find('\t');
  content.erase(tab, 2);  // "\t0" or "\t1": the first attribute
  std::ofstream(short_dir / "cora.content") << content;
  fs::copy_file(linqs / "cora.cites", short_dir / "cora.cites", fs::copy_options::overwrite_existing);
  r = gat("info --dataset '" + short_dir.string() + "'");
  CHECK(r.code == 2);
  CHECK(contains(r.err, "cora.content:1: "));
}

TEST_CASE("convert writes a graph store that every command accepts as a dataset", "[cli][store]") {
  const fs::path store = scratch() / "tiny.gstore", ckpt = scratch() / "store.safetensors";
  Run r = gat("convert --dataset '" + tiny_linqs().string() + "' --out '" + store.string() + "' --json");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["nodes"] == 12);
  r = gat("info --dataset '" + store.string() + "' --json");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["directed_edges"] == nlohmann::json::parse(gat("info --json --dataset '" + tiny_linqs().string() + "'").out)["directed_edges"]);
  // Full-batch and mini-batch training on the store; the checkpoint evaluates on it.
  REQUIRE(gat("train --dataset '" + store.string() + "' --epochs 2 --heads 2 --hidden 4 --threads 1").code == 0);
  r = gat("train --dataset '" + store.string() + "' --epochs 3 --heads 2 --hidden 4 --threads 1 --batch-size 4 "
          "--fan-out 3,2 --save '" + ckpt.string() + "'");
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "sampled edges"));
  REQUIRE(gat("eval --checkpoint '" + ckpt.string() + "' --dataset '" + store.string() + "'").code == 0);
  r = gat("predict --checkpoint '" + ckpt.string() + "' --dataset '" + store.string() + "' --node p3");
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "p3,"));
  CHECK(gat("attention --checkpoint '" + ckpt.string() + "' --dataset '" + store.string() + "' --out '" +
            (scratch() / "store_attention.json").string() + "'")
            .code == 0);
  // A synthetic graph generated straight into the layout, in half precision.
  const fs::path synthetic = scratch() / "synthetic.gstore";
  r = gat("convert --synthetic-nodes 3000 --in-degree 5 --features 16 --feature-type bfloat16 --out '" +
          synthetic.string() + "' --json");
  REQUIRE(r.code == 0);
  CHECK(nlohmann::json::parse(r.out)["edges"] == 15000);
  CHECK(nlohmann::json::parse(r.out)["feature_type"] == "bfloat16");
  REQUIRE(gat("train --dataset '" + synthetic.string() + "' --raw-features --epochs 1 --heads 2 --hidden 4 "
              "--threads 1 --batch-size 100 --fan-out 5,5")
              .code == 0);

  // Bad options exit 1; a damaged store exits 2 naming the file and the section.
  r = gat("train --dataset '" + store.string() + "' --batch-size 4 --fan-out 3,0 --epochs 1");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "fan-out 1 is 0"));
  r = gat("train --dataset '" + store.string() + "' --batch-size 4 --fan-out 3 --epochs 1");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "1 fan-outs for a model of 2"));
  const std::string good = slurp(store);
  const fs::path damaged = scratch() / "damaged.gstore";
  std::ofstream(damaged, std::ios::binary) << good.substr(0, good.size() / 2);
  for (const char* sub : {"info", "train --epochs 1", "train --epochs 1 --batch-size 4"}) {
    r = gat(std::string(sub) + " --dataset '" + damaged.string() + "'");
    CHECK(r.code == 2);
    CHECK(contains(r.err, "damaged.gstore"));
    CHECK(contains(r.err, "truncated"));
  }
  std::string flipped = good;
  flipped[0] = 'X';  // no longer recognised as a store: read as a dataset path, which it is not
  std::ofstream(damaged, std::ios::binary) << flipped;
  CHECK(gat("info --dataset '" + damaged.string() + "'").code != 0);
}

TEST_CASE("predict and attention --chunk-size: layer by layer, the whole-graph outputs", "[cli][layerwise]") {
  const fs::path ckpt = scratch() / "layerwise.safetensors";
  REQUIRE(gat("train --dataset '" + tiny_linqs().string() + "' --epochs 3 --patience 0 --heads 2 --hidden 4 --threads 1 " +
              "--save '" + ckpt.string() + "'")
              .code == 0);
  const std::string args = "--checkpoint '" + ckpt.string() + "' --dataset '" + tiny_linqs().string() + "' --threads 1";
  const Run whole = gat("predict " + args);
  REQUIRE(whole.code == 0);
  for (const char* chunk : {"1", "5", "100"}) {
    CAPTURE(chunk);
    const Run by_layer = gat("predict " + args + " --chunk-size " + chunk + " --scratch-dir '" + scratch().string() + "'");
    REQUIRE(by_layer.code == 0);
    CHECK(by_layer.out == whole.out);
  }
  const fs::path a = scratch() / "whole.json", b = scratch() / "layerwise.json";
  REQUIRE(gat("attention " + args + " --out '" + a.string() + "' --top-k 2").code == 0);
  const Run streamed = gat("attention " + args + " --out '" + b.string() + "' --top-k 2 --chunk-size 5 --json");
  REQUIRE(streamed.code == 0);
  const auto whole_doc = nlohmann::json::parse(slurp(a)), streamed_doc = nlohmann::json::parse(slurp(b));
  CHECK(streamed_doc["layers"] == whole_doc["layers"]);
  REQUIRE(streamed_doc["records"].size() == whole_doc["records"].size());
  CHECK(nlohmann::json::parse(streamed.out)["records"] == streamed_doc["records"].size());
  for (std::size_t k = 0; k < whole_doc["records"].size(); ++k) {
    CHECK(streamed_doc["records"][k]["edge"] == whole_doc["records"][k]["edge"]);
    CHECK(streamed_doc["records"][k]["weights"][0].get<double>() ==
          Approx(whole_doc["records"][k]["weights"][0].get<double>()).margin(1e-5));
  }
  Run r = gat("attention " + args + " --out '" + b.string() + "' --chunk-size 5 --stats");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "--stats"));
  r = gat("predict " + args + " --chunk-size 0");
  CHECK(r.code == 1);
  CHECK(contains(r.err, "--chunk-size"));
}
