// docs/api-guide.md, "Training": the paper's preset over several seeds.
#include <gat/gat.hpp>

#include "check.hpp"

void snippet_paper_runs() {
  gat::io::Dataset data = gat::io::make_synthetic_citation({.nodes = 300, .features = 100});
  data.features.normalize_rows();
  gat::Graph graph = gat::Graph::from_edges(data.edges);
  // [doc]
  // The paper's model and training for a dataset ("cora", "citeseer", "pubmed"; others: Cora's).
  gat::train::PaperPreset preset = gat::train::paper_preset("cora", data.features.cols(), data.num_classes);
  preset.train.max_epochs = 20;  // any field can still be changed

  // Seeds 0, 1, 2 for initialisation and dropout; with 2 threads two runs go side by side.
  gat::set_num_threads(2);
  gat::train::RepeatedRunsResult runs = gat::train::train_repeated(
      preset.model, preset.train, {&graph, &data.features, data.labels, data.train, data.valid, data.test},
      {.runs = 3, .first_seed = 0});
  // runs.test_accuracy_mean, runs.test_accuracy_std, runs.runs[r].result,
  // runs.best_model (the highest validation accuracy)
  // [/doc]
  gat::set_num_threads(1);
  DOC_CHECK(runs.runs.size() == 3);
  DOC_CHECK(runs.best_model != nullptr);
  DOC_CHECK(runs.test_accuracy_mean > 0 && runs.test_accuracy_mean <= 1);
}
