// Layer-wise inference: the logits and attention of a whole-graph forward pass (within 1e-5) for
// every chunk size, the same bits for any thread count and scratch location.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "gat/core/parallel.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/io/dataset.hpp"
#include "gat/sampling/layerwise_inference.hpp"
#include "gat/sampling/minibatch_trainer.hpp"
#include "gat/train/trainer.hpp"

#include "support/model_support.hpp"

using namespace gat;
using namespace gat::sampling;

namespace {

// Layer-wise and whole-graph passes sum the same terms in the same order, but through products of
// other heights (a chunk's rows, not the graph's), which oneDNN may round differently in the last
// place: they agree this close (the differences seen are ~1e-9).
constexpr float kTolerance = 1e-5f;

struct Prepared {
  io::Dataset data;
  Graph graph;
};

Prepared synthetic(std::int64_t nodes, bool sparse) {
  Prepared p{io::make_synthetic_citation({.nodes = nodes, .features = 300, .seed = 7}), {}};
  p.data.features.normalize_rows();
  if (sparse) p.data.features.sparsify();
  p.graph = Graph::from_edges(p.data.edges);
  return p;
}

// Self-loops, repeated edges and a node without in-edges.
Prepared awkward() {
  Prepared p;
  p.data.edges = {7, {0, 1, 1, 2, 2, 3, 4, 5, 6, 0, 3}, {1, 2, 2, 2, 0, 4, 4, 6, 1, 3, 0}};
  Matrix x(7, 5);
  for (std::int64_t i = 0; i < 7; ++i)
    for (std::int64_t j = 0; j < 5; ++j) x(i, j) = static_cast<float>(std::sin(1.0 + 3.0 * i + 0.7 * j));
  p.data.features = Features(std::move(x));
  p.data.num_classes = 3;
  p.graph = Graph::from_edges(p.data.edges);
  return p;
}

nn::GatModelOptions options_for(const Prepared& p, nn::ConvKind conv, std::int64_t layers) {
  nn::GatModelOptions o = gat_test::model_options(p.data);
  o.conv = conv;
  o.layers = layers;
  o.output_heads = 2;
  return o;
}

bool same_bits(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), static_cast<std::size_t>(a.size()) * sizeof(float)) == 0;
}

float max_difference(const Matrix& a, const Matrix& b) {
  float d = 0;
  for (std::int64_t i = 0; i < a.rows(); ++i)
    for (std::int64_t j = 0; j < a.cols(); ++j) d = std::max(d, std::abs(a(i, j) - b(i, j)));
  return d;
}

Matrix layerwise(nn::GatModel<float>& model, const Prepared& p, std::int64_t chunk,
                 const std::filesystem::path& scratch = {}) {
  const FeatureSource features(p.data.features);
  return layerwise_logits(model, CsrView::of(p.graph), features, {.chunk_nodes = chunk, .scratch_directory = scratch});
}

}  // namespace

TEST_CASE("layer-wise logits are the whole-graph forward pass's", "[sampling][layerwise]") {
  for (const bool sparse : {false, true})
    for (const auto conv : {nn::ConvKind::gat, nn::ConvKind::gatv2})
      for (const std::int64_t layers : {1, 2, 3}) {
        CAPTURE(sparse, nn::to_string(conv), layers);
        const Prepared p = synthetic(500, sparse);
        nn::GatModel<float> model(options_for(p, conv, layers));
        const Matrix whole = train::predict_logits(model, p.graph, p.data.features);
        const Matrix by_layer = layerwise(model, p, 64);
        REQUIRE(by_layer.rows() == whole.rows());
        REQUIRE(by_layer.cols() == whole.cols());
        CHECK(max_difference(by_layer, whole) <= kTolerance);
      }
}

TEST_CASE("layer-wise logits on self-loops, repeated edges and zero in-degree", "[sampling][layerwise]") {
  const Prepared p = awkward();
  nn::GatModel<float> model(options_for(p, nn::ConvKind::gat, 2));
  const Matrix whole = train::predict_logits(model, p.graph, p.data.features);
  for (const std::int64_t chunk : {1, 2, 3, 7, 100}) {
    CAPTURE(chunk);
    CHECK(max_difference(layerwise(model, p, chunk), whole) <= kTolerance);
  }
}

TEST_CASE("layer-wise bits do not depend on the threads or the scratch file", "[sampling][layerwise]") {
  const Prepared p = synthetic(700, false);
  nn::GatModel<float> model(options_for(p, nn::ConvKind::gat, 2));
  const int threads = num_threads();
  for (const std::int64_t chunk : {1, 33, 256, 700}) {
    CAPTURE(chunk);
    set_num_threads(1);
    const Matrix reference = layerwise(model, p, chunk);
    set_num_threads(2);
    CHECK(same_bits(layerwise(model, p, chunk), reference));
    CHECK(same_bits(layerwise(model, p, chunk, std::filesystem::temp_directory_path()), reference));
    // Another chunk size: the same up to rounding.
    CHECK(max_difference(layerwise(model, p, 700), reference) <= kTolerance);
  }
  set_num_threads(threads);
}

TEST_CASE("layer-wise attention is the whole graph's, streamed as the same JSON", "[sampling][layerwise][export]") {
  const Prepared p = synthetic(300, false);
  nn::GatModel<float> model(options_for(p, nn::ConvKind::gat, 2));
  const auto whole = io::attention_weights(model, p.graph, p.data.features);
  const CsrView graph = CsrView::of(p.graph);
  const io::AttentionExportInfo info{"synthetic", p.graph.num_nodes(), {}};
  const io::AttentionExportOptions export_options{.top_k = 3};
  std::vector<io::AttentionJsonWriter::LayerShape> shapes;
  for (std::size_t l = 0; l < model.num_attention_layers(); ++l)
    shapes.push_back({whole[l].heads, attended_edges(model, graph)});
  std::ostringstream streamed;
  io::AttentionJsonWriter writer(streamed, shapes, info, export_options);
  std::vector<AttentionWeights<float>> collected(whole.size());
  const FeatureSource features(p.data.features);
  layerwise_forward(model, graph, features, {.chunk_nodes = 41}, [](NodeId, MatrixView<const float>) {},
                    [&](std::int64_t l, const AttentionWeights<float>& chunk) {
                      writer.write(l, chunk);
                      auto& all = collected[static_cast<std::size_t>(l)];
                      all.heads = chunk.heads;
                      all.source.insert(all.source.end(), chunk.source.begin(), chunk.source.end());
                      all.target.insert(all.target.end(), chunk.target.begin(), chunk.target.end());
                      all.input_edge_id.insert(all.input_edge_id.end(), chunk.input_edge_id.begin(),
                                               chunk.input_edge_id.end());
                      const Matrix previous = all.weights;
                      all.weights.resize(previous.rows() + chunk.num_edges(), chunk.heads);
                      std::copy_n(previous.data(), previous.size(), all.weights.data());
                      std::copy_n(chunk.weights.data(), chunk.weights.size(), all.weights.row_ptr(previous.rows()));
                    });
  writer.finish();
  for (std::size_t l = 0; l < whole.size(); ++l) {
    CAPTURE(l);
    REQUIRE(whole[l].num_edges() == attended_edges(model, graph));
    CHECK(collected[l].source == whole[l].source);
    CHECK(collected[l].target == whole[l].target);
    CHECK(collected[l].input_edge_id == whole[l].input_edge_id);
    REQUIRE(collected[l].weights.rows() == whole[l].weights.rows());
    CHECK(max_difference(collected[l].weights, whole[l].weights) <= kTolerance);
  }
  // As many records: the top 3 of every target (which 3 may differ only on near-ties).
  std::ostringstream reference;
  io::write_attention_json(reference, whole, info, export_options);
  const std::string ours = streamed.str(), theirs = reference.str();
  const auto header = [](const std::string& s) { return s.substr(0, s.find('\n')); };
  CHECK(header(ours) == header(theirs));
  CHECK(std::count(ours.begin(), ours.end(), '\n') == std::count(theirs.begin(), theirs.end(), '\n'));
}

TEST_CASE("layer-wise inference refuses bad shapes and chunk sizes", "[sampling][layerwise]") {
  const Prepared p = synthetic(100, false);
  nn::GatModel<float> model(options_for(p, nn::ConvKind::gat, 2));
  CHECK_THROWS_WITH(layerwise(model, p, 0), Catch::Contains("chunk size must be positive"));
  const Prepared other = synthetic(120, false);
  const FeatureSource features(other.data.features);
  CHECK_THROWS_WITH(layerwise_logits(model, CsrView::of(p.graph), features), Catch::Contains("120 feature rows"));
}

TEST_CASE("layer-wise evaluation scores a split as exact mini-batch evaluation does", "[sampling][layerwise][train]") {
  const Prepared p = synthetic(600, false);
  nn::GatModel<float> model(options_for(p, nn::ConvKind::gat, 2));
  const FeatureSource features(p.data.features);
  const MiniBatchTask task{CsrView::of(p.graph), features, p.data.labels, p.data.train, p.data.valid, p.data.test};
  const SplitEvaluation exact = evaluate_minibatch(model, task, p.data.valid, 128);
  const SplitEvaluation by_layer = evaluate_layerwise(model, task, p.data.valid, {.chunk_nodes = 100});
  CHECK(by_layer.accuracy == Approx(exact.accuracy).margin(1e-12));
  CHECK(by_layer.loss == Approx(exact.loss).epsilon(1e-5));
  CHECK(evaluate_layerwise(model, task, {}, {}).accuracy == 0);
}
