#pragma once
// The subcommands of `gat`; each registers itself on the app and runs when chosen.
#include <CLI/CLI.hpp>
#include <functional>

namespace gat::cli {

using Runner = std::function<int()>;

Runner add_train_command(CLI::App& app);
Runner add_eval_command(CLI::App& app);
Runner add_predict_command(CLI::App& app);
Runner add_attention_command(CLI::App& app);
Runner add_info_command(CLI::App& app);
Runner add_view_command(CLI::App& app);
Runner add_plot_command(CLI::App& app);
Runner add_convert_command(CLI::App& app);

}  // namespace gat::cli
