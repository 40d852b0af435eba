// gat view: the attention viewer page (viewer/) from a checkpoint and a dataset, or from an
// attention JSON export; gat plot: the training curve of a gat train --log file as SVG.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/train/trainer.hpp"
#include "gat/viewer/attention_page.hpp"
#include "gat/viewer/training_curve.hpp"

namespace gat::cli {

namespace {

struct ViewFlags : ModelFlags {
  std::string attention, out, log, embed = "auto";
  std::vector<std::string> nodes;
};

// Each row's predicted class and its probability.
void add_predictions(const Matrix& logits, viewer::PageInput& page) {
  for (std::int64_t n = 0; n < logits.rows(); ++n) {
    std::int64_t best = 0;
    for (std::int64_t c = 1; c < logits.cols(); ++c)
      if (logits(n, c) > logits(n, best)) best = c;
    double sum = 0;
    for (std::int64_t c = 0; c < logits.cols(); ++c) sum += std::exp(static_cast<double>(logits(n, c) - logits(n, best)));
    page.predictions.push_back(static_cast<std::int32_t>(best));
    page.confidence.push_back(static_cast<float>(1.0 / sum));
  }
}

// A node of the page that is not in the graph is bad input data (exit 2), as a bad record is.
std::vector<NodeId> page_nodes(const ViewFlags& f, const viewer::PageInput& page) {
  std::vector<NodeId> nodes;
  for (const std::string& text : f.nodes) {
    try {
      nodes.push_back(resolve_node(page.node_names, page.num_nodes, page.dataset, text));
    } catch (const InvalidArgument& e) {
      throw DataError(e.what());
    }
  }
  return nodes;
}

int run_view(ViewFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  viewer::PageInput page;
  std::vector<AttentionWeights<float>> layers;
  if (!f.attention.empty()) {
    apply_threads(f.threads);
    io::AttentionDocument doc = io::read_attention_json(f.attention);
    layers = std::move(doc.layers);
    page.dataset = doc.info.dataset;
    page.num_nodes = doc.info.num_nodes;
    page.node_names = std::move(doc.info.node_names);
    page.note = "Attention read from " + std::filesystem::path(f.attention).filename().string() + " (" +
                doc.weights_per_record + " weights" + (doc.filtered() ? ", a filtered export: sums may be below 1" : "") +
                ").";
    if (!f.data.dataset.empty()) {
      io::Dataset ds = f.data.load();
      if (ds.num_nodes() != page.num_nodes)
        throw DataError(f.attention, 0, "the export has " + std::to_string(page.num_nodes) + " nodes but --dataset " +
                                            f.data.dataset + " has " + std::to_string(ds.num_nodes()));
      page.labels = std::move(ds.labels);
      if (page.node_names.empty()) page.node_names = std::move(ds.node_names);
    }
  } else {
    Loaded l = load(f);
    io::Dataset& ds = l.data.dataset;
    layers = io::attention_weights(*l.model.model, l.data.graph, ds.features);
    add_predictions(train::predict_logits(*l.model.model, l.data.graph, ds.features), page);
    page.dataset = ds.name;
    page.num_nodes = ds.num_nodes();
    page.node_names = std::move(ds.node_names);
    page.labels = std::move(ds.labels);
    page.note = "Attention of " + std::filesystem::path(f.checkpoint).filename().string() +
                " (evaluation mode, no dropout); classes predicted by the same model.";
  }
  page.layers = &layers;
  if (!f.log.empty())
    page.training_curve_svg = viewer::training_curve_svg(viewer::read_training_log(f.log),
                                                         std::filesystem::path(f.log).filename().string());
  viewer::PageOptions options;
  options.embed = f.embed == "all" ? viewer::Embed::all : f.embed == "picked" ? viewer::Embed::picked : viewer::Embed::automatic;
  options.nodes = page_nodes(f, page);
  viewer::PageSummary summary;
  const std::string html = viewer::attention_page(page, options, &summary);
  io::AtomicFile::write(f.out, html);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (f.json) {
    std::cout << nlohmann::json{{"out", f.out},         {"bytes", html.size()},   {"complete", summary.complete},
                                {"embedded_targets", summary.embedded_targets}, {"first_node", summary.first_node},
                                {"seconds", seconds}}
                     .dump()
              << "\n";
  } else {
    std::cout << "view: " << f.out << " (" << html.size() << " bytes; "
              << (summary.complete ? "every node's" : std::to_string(summary.embedded_targets) + " nodes'")
              << " attention embedded; " << std::fixed << std::setprecision(2) << seconds << " s)\n";
  }
  return kSuccess;
}

struct PlotFlags {
  std::string log, out, title;
};

int run_plot(const PlotFlags& f) {
  const auto points = viewer::read_training_log(f.log);
  io::AtomicFile::write(f.out, viewer::training_curve_svg(points, f.title.empty()
                                                                       ? std::filesystem::path(f.log).filename().string()
                                                                       : f.title));
  std::cout << "plot: " << points.size() << " epochs from " << f.log << " drawn to " << f.out << "\n";
  return kSuccess;
}

}  // namespace

Runner add_view_command(CLI::App& app) {
  auto f = std::make_shared<ViewFlags>();
  CLI::App* cmd = app.add_subcommand(
      "view", "write the attention viewer: one self-contained HTML page to open in a browser (docs/attention-viewer.md)");
  CLI::Option* checkpoint = f->add_to(*cmd, false);
  CLI::Option* attention = cmd->add_option("--attention", f->attention, "read the weights from this gat attention export instead");
  checkpoint->excludes(attention);
  cmd->add_option("--out", f->out, "the HTML file to write")->required();
  cmd->add_option("--node", f->nodes,
                  "show node ID first and embed its neighbourhood (repeat for more; the dataset's own id where it has "
                  "them, else the node index)");
  cmd->add_option("--log", f->log, "also draw this gat train --log file's training curve");
  cmd->add_option("--embed", f->embed,
                  "whose neighbourhoods the page holds: all, picked (the pickers' lists and --node) or auto (all up "
                  "to 10^6 weights; the default)")
      ->check(CLI::IsMember({"auto", "all", "picked"}));
  cmd->add_flag("--json", f->json, "print what was written as JSON");
  return [cmd, f]() {
    if (!cmd->parsed()) return -1;
    if (f->checkpoint.empty() && f->attention.empty())
      throw InvalidArgument("gat view: give --checkpoint FILE (with --dataset) or --attention FILE");
    return run_view(*f);
  };
}

Runner add_plot_command(CLI::App& app) {
  auto f = std::make_shared<PlotFlags>();
  CLI::App* cmd = app.add_subcommand("plot", "draw the training curve of a gat train --log file as SVG");
  cmd->add_option("--log", f->log, "the JSON lines gat train --log wrote")->required();
  cmd->add_option("--out", f->out, "the SVG file to write")->required();
  cmd->add_option("--title", f->title, "the picture's title (default: the log's file name)");
  return [cmd, f]() { return cmd->parsed() ? run_plot(*f) : -1; };
}

}  // namespace gat::cli
