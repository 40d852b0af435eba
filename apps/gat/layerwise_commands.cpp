#include "layerwise_commands.hpp"

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "gat/io/atomic_file.hpp"
#include "gat/sampling/layerwise_inference.hpp"
#include "gat/store/graph_store.hpp"
#include "gat/train/metrics.hpp"

namespace gat::cli {

void LayerwiseFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--chunk-size", chunk_size,
                 "run layer by layer over chunks of N destination nodes, keeping one layer's input and output "
                 "(a graph store stays mapped; the output is written as it is computed)")
      ->check(positive_number());
  cmd.add_option("--scratch-dir", scratch_dir,
                 "with --chunk-size: keep hidden layers' outputs in a mapped temporary file in DIR, not in memory");
}

PredictionWriter::PredictionWriter(std::ostream& out, std::string format, std::int64_t rows, std::int64_t classes)
    : out_(out), format_(std::move(format)), rows_(rows) {
  if (format_ == "json") {
    out_ << "[\n";
    return;
  }
  out_.precision(6);
  out_ << "node,label";
  for (std::int64_t c = 0; c < classes; ++c) out_ << ",p" << c;
  out_ << '\n';
}

void PredictionWriter::write(MatrixView<const float> logits, const std::function<std::string(std::int64_t)>& node_id) {
  const auto classes = train::predict_classes<float>(logits);
  std::vector<double> p(static_cast<std::size_t>(logits.cols()));
  for (std::int64_t n = 0; n < logits.rows(); ++n) {
    double mx = logits(n, 0), sum = 0;
    for (std::int64_t c = 1; c < logits.cols(); ++c) mx = std::max<double>(mx, logits(n, c));
    for (std::int64_t c = 0; c < logits.cols(); ++c) sum += p[c] = std::exp(logits(n, c) - mx);
    for (auto& v : p) v /= sum;
    ++written_;
    if (format_ == "json") {
      out_ << nlohmann::json{{"node", node_id(n)}, {"label", classes[n]}, {"probabilities", p}}.dump()
           << (written_ < rows_ ? ",\n" : "\n");
    } else {
      out_ << node_id(n) << ',' << classes[n];
      for (double v : p) out_ << ',' << v;
      out_ << '\n';
    }
  }
}

void PredictionWriter::finish() {
  if (format_ == "json") out_ << "]\n";
}

namespace {

// The checkpoint's model and the dataset as the layers read it: a graph store mapped, anything
// else loaded and preprocessed as gat predict does.
struct LayerwiseInput {
  LoadedModel model;
  std::optional<store::GraphStore> mapped;
  PreparedData data;
  std::optional<sampling::FeatureSource> features;
  sampling::CsrView graph;
  std::vector<NamedPath> inputs;

  std::int64_t num_nodes() const { return graph.num_nodes; }
  std::string name() const { return mapped ? std::string(mapped->name()) : data.dataset.name; }
  std::string node_id(std::int64_t n) const {
    if (!mapped) return cli::node_id(data.dataset, n);
    return mapped->has_node_names() ? std::string(mapped->node_name(n)) : std::to_string(n);
  }
  std::vector<std::string> node_names() const {
    if (!mapped) return data.dataset.node_names;
    std::vector<std::string> names;
    if (mapped->has_node_names())
      for (std::int64_t n = 0; n < num_nodes(); ++n) names.emplace_back(mapped->node_name(n));
    return names;
  }
};

std::unique_ptr<LayerwiseInput> load_layerwise(ModelFlags& f) {
  apply_threads(f.threads);
  auto in = std::make_unique<LayerwiseInput>();
  in->model = load_model(f.checkpoint);
  auto it = in->model.checkpoint.metadata.find("normalize_features");
  if (it != in->model.checkpoint.metadata.end() && it->second == "false") f.data.raw_features = true;
  if (store::is_graph_store(f.data.dataset)) {
    in->mapped.emplace(store::GraphStore::open(f.data.dataset));
    in->features.emplace(*in->mapped, !f.data.raw_features);
    in->graph = sampling::CsrView::of(*in->mapped);
    in->inputs = {{"--dataset", f.data.dataset}};
  } else {
    in->data = prepare(f.data);
    in->features.emplace(in->data.dataset.features);
    in->graph = sampling::CsrView::of(in->data.graph);
    in->inputs = dataset_inputs(in->data.dataset);
  }
  in->inputs.push_back({"--checkpoint", f.checkpoint});
  const std::int64_t expected = in->model.model->options().in_features;
  if (in->features->cols() != expected)
    throw InvalidArgument("--dataset: it has " + std::to_string(in->features->cols()) +
                          " features but the checkpoint's model expects " + std::to_string(expected));
  return in;
}

sampling::LayerwiseOptions options_of(const LayerwiseFlags& flags) {
  return {.chunk_nodes = flags.chunk_size, .scratch_directory = flags.scratch_dir};
}

}  // namespace

int predict_layerwise(ModelFlags& f, const LayerwiseFlags& layerwise, const std::string& out, const std::string& format) {
  const auto in = load_layerwise(f);
  check_outputs({{"--out", out}}, in->inputs);
  std::unique_ptr<io::AtomicFile> file;
  if (!out.empty()) file = std::make_unique<io::AtomicFile>(out);
  std::ostream& stream = file ? file->stream() : std::cout;
  PredictionWriter writer(stream, format, in->num_nodes(), in->model.model->options().num_classes);
  sampling::layerwise_forward(*in->model.model, in->graph, *in->features, options_of(layerwise),
                              [&](NodeId first, MatrixView<const float> logits) {
                                writer.write(logits, [&](std::int64_t k) { return in->node_id(first + k); });
                              });
  writer.finish();
  if (file) {
    file->commit();
  } else {
    stream.flush();
    if (!stream) throw DataError("standard output", 0, "writing the predictions failed");
  }
  return kSuccess;
}

int attention_layerwise(ModelFlags& f, const LayerwiseFlags& layerwise, const std::string& out,
                        const io::AttentionExportOptions& options) {
  if (out.empty()) throw InvalidArgument("gat attention --chunk-size: give --out FILE (--stats needs the whole graph)");
  if (options.node) throw InvalidArgument("--node: not with --chunk-size (one node's attention uses its receptive field)");
  const auto start = std::chrono::steady_clock::now();
  const auto in = load_layerwise(f);
  check_outputs({{"--out", out}}, in->inputs);
  nn::GatModel<float>& model = *in->model.model;
  const std::int64_t edges = sampling::attended_edges(model, in->graph);
  std::vector<io::AttentionJsonWriter::LayerShape> shapes;
  for (std::size_t l = 0; l < model.num_attention_layers(); ++l) {
    const bool last = l + 1 == model.num_attention_layers();
    shapes.push_back({last ? model.options().output_heads : model.options().heads, edges});
  }
  io::AtomicFile file(out);
  io::AttentionJsonWriter writer(file.stream(), shapes, {in->name(), in->num_nodes(), in->node_names()}, options);
  sampling::layerwise_forward(model, in->graph, *in->features, options_of(layerwise),
                              [](NodeId, MatrixView<const float>) {},
                              [&](std::int64_t l, const AttentionWeights<float>& chunk) { writer.write(l, chunk); });
  const std::int64_t records = writer.finish();
  file.commit();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto bytes = std::filesystem::file_size(out);
  if (f.json)
    std::cout << nlohmann::json{{"out", out}, {"layers", shapes.size()}, {"records", records}, {"bytes", bytes},
                                {"seconds", seconds}}
                     .dump()
              << "\n";
  else
    std::cout << "attention: " << records << " records of " << shapes.size() << " layer(s) written to " << out << " ("
              << bytes << " bytes, " << std::fixed << std::setprecision(2) << seconds << " s)\n";
  return kSuccess;
}

}  // namespace gat::cli
