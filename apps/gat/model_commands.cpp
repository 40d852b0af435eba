// gat eval, gat predict, gat attention: what a trained checkpoint does on a dataset.
#include <chrono>
#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "layerwise_commands.hpp"
#ifdef GAT_WITH_MPI
#include "distributed_commands.hpp"
#endif
#include "gat/attention/attention_statistics.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/train/loss.hpp"
#include "gat/train/metrics.hpp"
#include "gat/train/trainer.hpp"
#include "gat/viewer/attention_page.hpp"


namespace gat::cli {

namespace {

int run_eval(ModelFlags& f) {
  Loaded l = load(f);
  const auto& ds = l.data.dataset;
  const Matrix logits = train::predict_logits(*l.model.model, l.data.graph, ds.features);
  nlohmann::json out{{"dataset", ds.name}};
  for (auto [name, nodes] : {std::pair{"train", &ds.train}, std::pair{"valid", &ds.valid}, std::pair{"test", &ds.test}}) {
    if (nodes->empty()) continue;
    const bool labels_fit = logits.cols() >= ds.num_classes;
    if (!labels_fit) throw InvalidArgument("--dataset: its labels exceed the model's classes");
    out[name] = {{"accuracy", train::accuracy<float>(logits.view(), ds.labels, *nodes)},
                 {"loss", train::softmax_cross_entropy<float>(logits.view(), ds.labels, *nodes)},
                 {"nodes", nodes->size()}};
  }
  if (f.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    for (const char* name : {"train", "valid", "test"})
      if (out.contains(name))
        std::cout << name << ": accuracy " << std::fixed << std::setprecision(4)
                  << out[name]["accuracy"].get<double>() << "  loss " << out[name]["loss"].get<double>() << "  ("
                  << out[name]["nodes"].get<std::size_t>() << " nodes)\n";
  }
  return kSuccess;
}

struct PredictFlags : ModelFlags {
  std::string out, output_format = "csv";
  std::vector<std::string> nodes;  // only these, in this order (default: every node)
  LayerwiseFlags layerwise;
};

// The files a model command reads: its checkpoint and the dataset's files.
std::vector<NamedPath> model_inputs(const ModelFlags& f, const io::Dataset& dataset) {
  std::vector<NamedPath> inputs = dataset_inputs(dataset);
  inputs.push_back({"--checkpoint", f.checkpoint});
  return inputs;
}

int run_predict(PredictFlags& f) {
  if (f.json) f.output_format = "json";
  if (f.layerwise.on()) {
    if (!f.nodes.empty()) throw InvalidArgument("--node: not with --chunk-size (a few nodes use their receptive field)");
    return predict_layerwise(f, f.layerwise, f.out, f.output_format);
  }
  Loaded l = load(f);
  const auto& ds = l.data.dataset;
  check_outputs({{"--out", f.out}}, model_inputs(f, ds));
  std::vector<NodeId> nodes;
  for (const std::string& text : f.nodes) nodes.push_back(resolve_node(ds, text));
  // A few nodes are computed on their receptive field, not on the whole graph.
  const Matrix logits = f.nodes.empty() ? train::predict_logits(*l.model.model, l.data.graph, ds.features)
                                        : train::predict_logits(*l.model.model, l.data.graph, ds.features, nodes);
  std::unique_ptr<io::AtomicFile> file;
  if (!f.out.empty()) file = std::make_unique<io::AtomicFile>(f.out);
  std::ostream& out = file ? file->stream() : std::cout;
  PredictionWriter writer(out, f.output_format, logits.rows(), logits.cols());
  writer.write(logits.view(), [&](std::int64_t row) {
    return gat::cli::node_id(ds, nodes.empty() ? row : nodes[static_cast<std::size_t>(row)]);
  });
  writer.finish();
  if (file) {
    file->commit();
  } else {
    out.flush();
    if (!out) throw DataError("standard output", 0, "writing the predictions failed");
  }
  return kSuccess;
}

struct AttentionFlags : ModelFlags {
  std::string out;
  std::optional<std::string> node;
  std::optional<std::int64_t> top_k, layer, head;
  bool average_heads = false;
  bool stats = false;
  LayerwiseFlags layerwise;
};

// One line per layer and head: how far its attention is from uniform.
void print_statistics(const std::vector<HeadAttentionStatistics>& all, const io::Dataset& ds) {
  std::cout << "attention statistics of " << (ds.name.empty() ? "the graph" : ds.name) << " (" << ds.num_nodes()
            << " nodes; entropy in nats, means over the nodes with incoming edges):\n"
            << "layer head  nodes   mean H mean ln d  H/ln d      KL      TV self-loop     1/d\n";
  for (const auto& s : all) {
    char line[160];
    std::snprintf(line, sizeof line, "%5lld %4lld %6lld %8.4f %9.4f %7.4f %7.4f %7.4f %9.4f %7.4f\n",
                  static_cast<long long>(s.layer), static_cast<long long>(s.head), static_cast<long long>(s.nodes),
                  s.mean_entropy, s.mean_uniform_entropy,
                  s.mean_uniform_entropy > 0 ? s.mean_entropy / s.mean_uniform_entropy : 1.0, s.mean_kl_from_uniform,
                  s.mean_total_variation, s.mean_self_loop_weight, s.mean_uniform_self_loop);
    std::cout << line;
  }
}

int run_attention(AttentionFlags& f) {
  if (f.out.empty() && !f.stats) throw InvalidArgument("gat attention: give --out FILE, --stats or both");
  if (f.layerwise.on()) {
    if (f.stats) throw InvalidArgument("--stats: not with --chunk-size (the statistics need every layer at once)");
    if (f.node) throw InvalidArgument("--node: not with --chunk-size (one node's attention uses its receptive field)");
    return attention_layerwise(f, f.layerwise, f.out,
                               {.layer = f.layer, .head = f.head, .average_heads = f.average_heads, .top_k = f.top_k});
  }
  const auto start = std::chrono::steady_clock::now();
  Loaded l = load(f);
  const auto& ds = l.data.dataset;
  check_outputs({{"--out", f.out}}, model_inputs(f, ds));
  io::AttentionExportOptions options;
  options.layer = f.layer;
  options.head = f.head;
  options.top_k = f.top_k;
  options.average_heads = f.average_heads;
  if (f.node) options.node = resolve_node(ds, *f.node);
  const io::AttentionExportInfo info{ds.name, ds.num_nodes(), ds.node_names};
  // One node's attention: computed on its receptive field, not on the whole graph.
  const auto layers = options.node ? io::attention_weights(*l.model.model, l.data.graph, ds.features,
                                                           std::span<const NodeId>(&*options.node, 1))
                                   : io::attention_weights(*l.model.model, l.data.graph, ds.features);
  nlohmann::json summary = nlohmann::json::object();
  if (f.stats) {
    const auto statistics = attention_statistics(layers, ds.num_nodes());
    if (f.json)
      summary["statistics"] = viewer::attention_statistics_json(statistics);
    else
      print_statistics(statistics, ds);
  }
  if (!f.out.empty()) {
    const std::int64_t records = io::write_attention_json_file(f.out, layers, info, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto bytes = std::filesystem::file_size(f.out);
    summary.update({{"out", f.out}, {"layers", layers.size()}, {"records", records}, {"bytes", bytes}, {"seconds", seconds}});
    if (!f.json)
      std::cout << "attention: " << records << " records of " << layers.size() << " layer(s) written to " << f.out
                << " (" << bytes << " bytes, " << std::fixed << std::setprecision(2) << seconds << " s)\n";
  }
  if (f.json) std::cout << summary.dump() << "\n";
  return kSuccess;
}

}  // namespace

Runner add_eval_command(CLI::App& app) {
  auto f = std::make_shared<ModelFlags>();
  CLI::App* cmd = app.add_subcommand("eval", "accuracy and loss of a checkpoint on a dataset's splits");
  f->add_to(*cmd);
  cmd->add_flag("--json", f->json, "print JSON");
#ifdef GAT_WITH_MPI
  auto partitions = std::make_shared<std::string>();
  cmd->add_option("--partitions", *partitions,
                  "evaluate over MPI on the parts in DIR (written by gat partition; run with mpiexec -n PARTS) "
                  "instead of --dataset");
  return [cmd, f, partitions]() {
    if (!cmd->parsed()) return -1;
    if (partitions->empty()) return run_eval(*f);
    if (!f->data.dataset.empty()) throw InvalidArgument("--dataset: not available with --partitions");
    return run_distributed_eval(f->checkpoint, *partitions, f->json, f->threads);
  };
#else
  return [cmd, f]() { return cmd->parsed() ? run_eval(*f) : -1; };
#endif
}

Runner add_predict_command(CLI::App& app) {
  auto f = std::make_shared<PredictFlags>();
  CLI::App* cmd = app.add_subcommand("predict", "labels and class probabilities of every node, or of the nodes given");
  f->add_to(*cmd);
  cmd->add_option("--out", f->out, "write to FILE instead of standard output");
  cmd->add_option("--output-format", f->output_format, "csv (default) or json")->check(CLI::IsMember({"csv", "json"}));
  cmd->add_flag("--json", f->json, "the same as --output-format json");
  f->layerwise.add_to(*cmd);
  cmd->add_option("--node", f->nodes,
                  "only node ID (repeat for more; the dataset's own id where it has them, else the node index), "
                  "computed on its receptive field");
  return [cmd, f]() { return cmd->parsed() ? run_predict(*f) : -1; };
}

Runner add_attention_command(CLI::App& app) {
  auto f = std::make_shared<AttentionFlags>();
  CLI::App* cmd = app.add_subcommand("attention", "export the attention weights of every layer as JSON");
  f->add_to(*cmd);
  cmd->add_option("--out", f->out, "the JSON file to write");
  cmd->add_option("--node", f->node,
                 "only the edges through which node ID is reached in all layers (the dataset's own id where it "
                 "has them, else the node index)");
  cmd->add_option("--top-k", f->top_k, "keep the K largest weights per target node")->check(positive_number());
  cmd->add_option("--layer", f->layer, "only this layer (0-based)")->check(non_negative_number());
  cmd->add_option("--head", f->head, "only this head (0-based)")->check(non_negative_number());
  cmd->add_flag("--average-heads", f->average_heads, "one weight per edge: the mean over heads");
  cmd->add_flag("--stats", f->stats,
               "print per layer and head how far the attention is from uniform: mean entropy against ln(in-degree), "
               "KL and total variation from uniform, mean self-loop weight against 1/in-degree");
  cmd->add_flag("--json", f->json, "print what was written (records, bytes, seconds) and the statistics as JSON");
  f->layerwise.add_to(*cmd);
  return [cmd, f]() { return cmd->parsed() ? run_attention(*f) : -1; };
}

}  // namespace gat::cli
