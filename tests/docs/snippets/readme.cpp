// README.md, "The C++ API in a few lines". Compiled, not run (it trains on Cora).
#include <gat/gat.hpp>

void snippet_readme() {
  // [doc]
  #include <gat/gat.hpp>

  gat::io::Dataset data = gat::io::load_dataset({.name_or_path = "cora", .data_root = "../shared/datasets"});
  data.features.normalize_rows();
  gat::Graph graph = gat::Graph::from_edges(data.edges);

  // The paper's model and training, as `gat train` runs them (GatModelOptions alone follow PyG).
  auto [model_options, train_options] = gat::train::paper_preset("cora", data.features.cols(), data.num_classes);
  gat::nn::GatModel<float> model(model_options);
  auto result = gat::train::train_node_classifier(
      model, {&graph, &data.features, data.labels, data.train, data.valid, data.test}, train_options);
  // result.test_accuracy, result.epochs ...

  // Every layer's attention weights: edges x heads, each edge with its source, target and input edge id.
  std::vector<gat::AttentionWeights<float>> layers = gat::io::attention_weights(model, graph, data.features);
  gat::io::write_attention_json_file("attention.json", layers, {"cora", graph.num_nodes(), data.node_names}, {.top_k = 3});
  // [/doc]
  (void)result;
}
