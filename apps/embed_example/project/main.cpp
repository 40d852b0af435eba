// Using gat as a library: load a checkpoint written by `gat train --save`, build a graph from an
// edge list held in memory, predict every node's class, and read one node's attention weights.
// Checks its own results (probabilities and attention weights sum to 1, one weight per incoming
// edge plus the added self-loop) and exits non-zero when one is wrong.
//
//   embed_example MODEL.safetensors
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include <gat/gat.hpp>

namespace {

// Rebuilds the model a checkpoint was saved from (its "gat_model" metadata) and loads it.
// (Models own their layers' buffers and are neither copied nor moved: hold them by pointer.)
std::unique_ptr<gat::nn::GatModel<float>> load_model(const std::string& path) {
  const gat::io::Checkpoint checkpoint = gat::io::read_checkpoint(path);
  const auto config = nlohmann::json::parse(checkpoint.metadata.at("gat_model"));
  auto model = std::make_unique<gat::nn::GatModel<float>>(gat::train::gat_model_options_from_json(config));
  gat::io::load_parameters(checkpoint, *model, path);
  return model;
}

int fail(const std::string& what) {
  std::cerr << "embed_example: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: embed_example MODEL.safetensors\n";
    return 1;
  }
  try {
    const std::unique_ptr<gat::nn::GatModel<float>> loaded = load_model(argv[1]);
    gat::nn::GatModel<float>& model = *loaded;
    const std::int64_t in_features = model.options().in_features;

    // Six papers citing each other, held in memory: edge i goes from source[i] to target[i].
    const gat::EdgeList edges{6, {0, 1, 2, 3, 4, 5, 1, 3}, {1, 2, 0, 4, 5, 3, 3, 1}};
    const gat::Graph graph = gat::Graph::from_edges(edges);

    // Bag-of-words features with the model's width: node v uses words v, v+7, v+14, ...
    gat::Matrix x(6, in_features, 0.0f);
    for (std::int64_t v = 0; v < 6; ++v)
      for (std::int64_t w = v; w < in_features; w += 7) x(v, w) = 1.0f;
    gat::Features features(std::move(x));
    features.normalize_rows();

    // Predict: logits of every node, their classes and softmax probabilities.
    const gat::Matrix logits = gat::train::predict_logits(model, graph, features);
    const auto classes = gat::train::predict_classes<float>(logits.view());
    for (std::int64_t v = 0; v < logits.rows(); ++v) {
      double max = logits(v, 0), sum = 0;
      for (std::int64_t c = 1; c < logits.cols(); ++c) max = std::max<double>(max, logits(v, c));
      for (std::int64_t c = 0; c < logits.cols(); ++c) sum += std::exp(logits(v, c) - max);
      const double p = 1.0 / sum;  // probability of the predicted class (its logit is the max)
      std::printf("node %lld: class %d (p = %.3f)\n", static_cast<long long>(v), classes[v], p);
      if (!(p > 0 && p <= 1)) return fail("a probability outside (0, 1]");
    }

    // Node 3's attention weights in the first layer: one per incoming edge (from 5 and 1) plus
    // the self-loop the layer adds, each with the input edge it belongs to.
    const gat::NodeId node = 3;
    const std::vector<gat::AttentionWeights<float>> layers = gat::io::attention_weights(model, graph, features);
    const gat::AttentionWeights<float>& w = layers.at(0);
    std::int64_t incoming = 0;
    std::vector<double> sums(static_cast<std::size_t>(w.heads), 0.0);
    for (std::int64_t e = 0; e < w.num_edges(); ++e) {
      if (w.target[e] != node) continue;
      ++incoming;
      std::printf("layer 0: %d -> %d (%s):", w.source[e], w.target[e],
                  w.input_edge_id[e] == gat::kAddedSelfLoop ? "self-loop"
                                                             : ("edge " + std::to_string(w.input_edge_id[e])).c_str());
      for (std::int64_t h = 0; h < w.heads; ++h) {
        std::printf(" %.3f", w.weights(e, h));
        sums[static_cast<std::size_t>(h)] += w.weights(e, h);
      }
      std::printf("\n");
    }
    if (incoming != graph.in_degree(node) + 1) return fail("node 3 should have 3 attention weights per head");
    for (double s : sums)
      if (std::abs(s - 1.0) > 1e-5) return fail("node 3's attention weights do not sum to 1");

    // The same as JSON, only the edges that reach node 3 through both layers.
    std::ostringstream json;
    const std::int64_t records =
        gat::io::write_attention_json(json, layers, {"in-memory", graph.num_nodes(), {}}, {.node = node});
    std::printf("attention JSON for node 3: %lld records, %zu bytes\n", static_cast<long long>(records),
                json.str().size());
    std::printf("embed_example: ok\n");
    return 0;
  } catch (const gat::Error& e) {
    return fail(e.what());
  }
}
