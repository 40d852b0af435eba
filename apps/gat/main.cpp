// gat: train graph attention networks, evaluate and apply them, export and view their attention.
// Exit codes: 0 success, 1 bad usage, 2 bad input data, 3 internal error.
#include <iostream>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "many_graphs.hpp"
#ifdef GAT_WITH_MPI
#include "distributed_commands.hpp"
#endif

int main(int argc, char** argv) {
  using namespace gat::cli;
  CLI::App app{"gat: graph attention networks on the CPU"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "gat 0.1.0");
  app.footer("Run 'gat SUBCOMMAND --help' for a subcommand's options. Exit codes: 0 success, 1 bad usage,\n"
             "2 bad input data, 3 internal error; errors name the option, or the file and line, at fault.");
  std::vector<Runner> runners{add_train_command(app), add_eval_command(app), add_predict_command(app),
                              add_attention_command(app), add_info_command(app), add_view_command(app),
                              add_plot_command(app), add_convert_command(app),
                              add_generate_command(app)};
#ifdef GAT_WITH_MPI
  runners.push_back(add_partition_command(app));
#endif
  // CLI11 reports an unknown first word only as "a subcommand is required"; name it.
  const auto is_subcommand = [&](const std::string& word) {
    for (const CLI::App* sub : app.get_subcommands({}))
      if (sub->get_name() == word) return true;
    return false;
  };
  if (argc > 1 && argv[1][0] != '-' && !is_subcommand(argv[1])) {
    std::cerr << "gat: error: unknown subcommand '" << argv[1]
              << "' (expected train, eval, predict, attention, info, view, plot, convert, generate or, with MPI, partition; see gat --help)\n";
    return kBadUsage;
  }
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
