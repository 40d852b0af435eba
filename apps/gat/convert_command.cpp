// gat convert: any dataset gat reads, or a synthetic graph generated block by block, as a graph
// store (docs/store-format.md) that train, eval, predict, attention and info then map.
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"
#include "gat/store/graph_store.hpp"
#include "gat/store/synthetic_store.hpp"

namespace gat::cli {

namespace {

struct ConvertFlags {
  DatasetFlags data;
  std::string out, feature_type = "float32";
  std::optional<std::int64_t> synthetic_nodes;
  store::SyntheticStoreOptions synthetic;
  bool json = false;
  int threads = 0;
};

store::FeatureType feature_type_from_string(const std::string& s) {
  if (s == "float16") return store::FeatureType::float16;
  if (s == "bfloat16") return store::FeatureType::bfloat16;
  return store::FeatureType::float32;
}

int run_convert(ConvertFlags& f) {
  apply_threads(f.threads);
  const auto start = std::chrono::steady_clock::now();
  const store::FeatureType type = feature_type_from_string(f.feature_type);
  if (f.synthetic_nodes) {
    if (!f.data.dataset.empty()) throw InvalidArgument("--synthetic-nodes: give either it or --dataset, not both");
    f.synthetic.nodes = *f.synthetic_nodes;
    f.synthetic.feature_type = type;
    store::write_synthetic_store(f.synthetic, f.out);
  } else {
    store::write_store(f.data.load(), f.out, {.dense_features = type});
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Reopened with every check: what was written is what train and the other commands will map.
  const store::GraphStore s = store::GraphStore::open(f.out);
  const auto bytes = std::filesystem::file_size(f.out);
  if (f.json)
    std::cout << nlohmann::json{{"out", f.out},          {"dataset", s.name()},   {"nodes", s.num_nodes()},
                                {"edges", s.num_edges()}, {"features", s.num_features()},
                                {"feature_type", store::feature_type_name(s.feature_type())},
                                {"bytes", bytes},         {"seconds", seconds}}
                     .dump()
              << "\n";
  else
    std::cout << "graph store: " << s.name() << ": " << s.num_nodes() << " nodes, " << s.num_edges() << " edges, "
              << s.num_features() << " features (" << store::feature_type_name(s.feature_type()) << ") written to "
              << f.out << " (" << bytes << " bytes, " << std::fixed << std::setprecision(2) << seconds << " s)\n";
  return kSuccess;
}

}  // namespace

Runner add_convert_command(CLI::App& app) {
  auto f = std::make_shared<ConvertFlags>();
  CLI::App* cmd = app.add_subcommand("convert", "write a dataset, or a generated synthetic graph, as a graph store");
  f->data.add_to(*cmd);
  cmd->add_option("--out", f->out, "the graph store to write")->required();
  cmd->add_option("--feature-type", f->feature_type,
                  "storage of dense features: float32 (default), float16 or bfloat16 (widened when read)")
      ->check(CLI::IsMember({"float32", "float16", "bfloat16"}));
  cmd->add_option("--synthetic-nodes", f->synthetic_nodes,
                  "instead of --dataset: generate a synthetic graph of N nodes block by block (bounded memory)")
      ->check(positive_number());
  cmd->add_option("--in-degree", f->synthetic.in_degree, "synthetic: in-edges per node (default 16)")
      ->check(positive_number());
  cmd->add_option("--features", f->synthetic.features, "synthetic: features per node (default 128)")
      ->check(positive_number());
  cmd->add_option("--classes", f->synthetic.classes, "synthetic: classes (default 8)")->check(positive_number());
  cmd->add_option("--homophily", f->synthetic.homophily, "synthetic: share of in-edges from the same class (default 0.8)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--seed", f->synthetic.seed, "synthetic: seed (default 0)");
  cmd->add_flag("--json", f->json, "print what was written as JSON");
  add_threads_flag(*cmd, f->threads);
  return [cmd, f]() { return cmd->parsed() ? run_convert(*f) : -1; };
}

}  // namespace gat::cli
