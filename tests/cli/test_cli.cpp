// The gat command from the outside: every subcommand's --help, bad arguments (exit 1), bad files
// (exit 2) with the argument or file named on stderr, and a small end-to-end run on a tiny LINQS
// dataset written by the test (train --log/--save, eval, predict, attention, info).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

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
Run gat(const std::string& args) {
  const fs::path out = scratch() / "stdout", err = scratch() / "stderr";
  const std::string cmd = std::string("'") + GAT_CLI_PATH + "' " + args + " </dev/null >'" + out.string() + "' 2>'" +
                          err.string() + "'";
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
  for (const char* sub : {"train", "eval", "predict", "attention", "info", "convert"}) {
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
