// gat info: a dataset's statistics.
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli_common.hpp"
#include "commands.hpp"

namespace gat::cli {

namespace {
struct InfoFlags {
  DatasetFlags data;
  bool json = false;
  int threads = 0;
};

int run_info(InfoFlags& f) {
  apply_threads(f.threads);
  const io::Dataset ds = f.data.load();
  const io::DatasetStats s = io::statistics(ds);
  nlohmann::json j{{"dataset", ds.name},
                   {"nodes", s.nodes},
                   {"directed_edges", s.directed_edges},
                   {"features", s.features},
                   {"classes", s.classes},
                   {"feature_nonzeros", s.feature_nonzeros},
                   {"feature_density", s.density},
                   {"sparse_features", s.sparse_features},
                   {"isolated_nodes", s.isolated_nodes},
                   {"train", s.train},
                   {"valid", s.valid},
                   {"test", s.test},
                   {"warnings", ds.warnings}};
  if (f.json) {
    std::cout << j.dump(2) << "\n";
    return kSuccess;
  }
  std::cout << "dataset          " << ds.name << "\n"
            << "nodes            " << s.nodes << "\n"
            << "directed edges   " << s.directed_edges << "\n"
            << "features         " << s.features << (s.sparse_features ? " (sparse)" : " (dense)") << "\n"
            << "classes          " << s.classes << "\n"
            << "feature density  " << std::setprecision(4) << 100 * s.density << " % (" << s.feature_nonzeros
            << " nonzeros)\n"
            << "isolated nodes   " << s.isolated_nodes << "\n"
            << "split            " << s.train << " train / " << s.valid << " valid / " << s.test << " test\n";
  for (const auto& w : ds.warnings) std::cout << "warning: " << w << "\n";
  return kSuccess;
}
}  // namespace

Runner add_info_command(CLI::App& app) {
  auto f = std::make_shared<InfoFlags>();
  CLI::App* cmd = app.add_subcommand("info", "print a dataset's statistics");
  f->data.add_to(*cmd);
  cmd->add_flag("--json", f->json, "print JSON");
  add_threads_flag(*cmd, f->threads);
  return [cmd, f]() { return cmd->parsed() ? run_info(*f) : -1; };
}

}  // namespace gat::cli
