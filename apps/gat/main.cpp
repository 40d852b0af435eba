// gat: train graph attention networks, evaluate and apply them, export their attention.
// Exit codes: 0 success, 1 bad usage, 2 bad input data, 3 internal error.
#include <iostream>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  using namespace gat::cli;
  CLI::App app{"gat: graph attention networks on the CPU"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gat 0.1.0");
  std::vector<Runner> runners{add_train_command(app), add_eval_command(app), add_predict_command(app),
                              add_attention_command(app), add_info_command(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kSuccess : kBadUsage;
  }
  try {
    for (auto& run : runners)
      if (int code = run(); code >= 0) return code;
    return kBadUsage;
  } catch (const gat::InvalidArgument& e) {
    std::cerr << "gat: error: " << e.what() << "\n";
    return kBadUsage;
  } catch (const gat::DataError& e) {
    std::cerr << "gat: error: " << e.what() << "\n";
    return kBadData;
  } catch (const std::exception& e) {
    std::cerr << "gat: internal error: " << e.what() << "\n";
    return kInternal;
  }
}
