#include "gat/graph/graph_dataset.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "gat/core/check.hpp"

namespace gat {

std::int64_t GraphDataset::num_edges() const noexcept {
  std::int64_t e = 0;
  for (const EdgeList& g : graphs) e += g.num_edges();
  return e;
}

namespace {

[[noreturn]] void fail(const std::string& source, const std::string& what) { throw DataError(source, 0, what); }

void validate_split(const GraphDataset& d, const std::string& source, const char* name,
                    const std::vector<std::int64_t>& split) {
  for (std::size_t k = 0; k < split.size(); ++k)
    if (split[k] < 0 || split[k] >= d.num_graphs())
      fail(source, detail::concat("entry ", k, " of the ", name, " graphs is graph ", split[k], ", outside the ",
                                  d.num_graphs(), " graphs"));
}

}  // namespace

void validate(const GraphDataset& d, const std::string& source) {
  if (d.graphs.empty()) fail(source, "no graphs");
  if (d.node_offsets.size() != d.graphs.size() + 1 || d.node_offsets.front() != 0)
    fail(source, detail::concat(d.node_offsets.size(), " node offsets for ", d.graphs.size(), " graphs"));
  for (std::size_t g = 0; g < d.graphs.size(); ++g) {
    const EdgeList& e = d.graphs[g];
    if (e.num_nodes <= 0) fail(source, detail::concat("graph ", g, " has no nodes"));
    if (d.node_offsets[g + 1] - d.node_offsets[g] != e.num_nodes)
      fail(source, detail::concat("graph ", g, " has ", e.num_nodes, " nodes but rows [", d.node_offsets[g], ", ",
                                  d.node_offsets[g + 1], ") of the features"));
    if (e.source.size() != e.target.size()) fail(source, detail::concat("graph ", g, ": sources and targets differ in length"));
    for (std::int64_t i = 0; i < e.num_edges(); ++i)
      if (e.source[i] < 0 || e.source[i] >= e.num_nodes || e.target[i] < 0 || e.target[i] >= e.num_nodes)
        fail(source, detail::concat("graph ", g, ": edge ", i, " (", e.source[i], " -> ", e.target[i],
                                    ") leaves the graph's ", e.num_nodes, " nodes"));
  }
  const std::int64_t n = d.num_nodes();
  if (d.features.rows() != n || d.features.cols() == 0)
    fail(source, detail::concat("features are ", d.features.rows(), "x", d.features.cols(), " for ", n, " nodes"));
  for (std::int64_t i = 0; i < d.features.size(); ++i)
    if (!std::isfinite(d.features.data()[i]))
      fail(source, detail::concat("feature ", i % d.features.cols(), " of node ", i / d.features.cols(),
                                  " is not finite"));
  if (d.multi_label()) {
    if (d.targets.rows() != n || d.targets.cols() != d.num_classes)
      fail(source, detail::concat("targets are ", d.targets.rows(), "x", d.targets.cols(), " for ", n, " nodes and ",
                                  d.num_classes, " labels"));
    for (std::int64_t i = 0; i < d.targets.size(); ++i)
      if (d.targets.data()[i] != 0.0f && d.targets.data()[i] != 1.0f)
        fail(source, detail::concat("label ", i % d.targets.cols(), " of node ", i / d.targets.cols(), " is ",
                                    d.targets.data()[i], ", not 0 or 1"));
  } else {
    if (static_cast<std::int64_t>(d.graph_labels.size()) != d.num_graphs())
      fail(source, detail::concat(d.graph_labels.size(), " graph labels for ", d.num_graphs(), " graphs"));
    for (std::size_t g = 0; g < d.graph_labels.size(); ++g)
      if (d.graph_labels[g] < 0 || d.graph_labels[g] >= d.num_classes)
        fail(source, detail::concat("graph ", g, " has class ", d.graph_labels[g], ", outside [0, ", d.num_classes, ")"));
  }
  validate_split(d, source, "training", d.train);
  validate_split(d, source, "validation", d.valid);
  validate_split(d, source, "test", d.test);
}

DatasetBatch::DatasetBatch(const GraphDataset& d, std::span<const std::int64_t> ids, const GraphOptions& options) {
  std::vector<const EdgeList*> graphs;
  for (std::int64_t g : ids) {
    GAT_REQUIRE(g >= 0 && g < d.num_graphs(), "DatasetBatch: graph ", g, " is outside the data set's ", d.num_graphs(),
                " graphs");
    graphs.push_back(&d.graphs[static_cast<std::size_t>(g)]);
    if (!d.graph_labels.empty()) labels_.push_back(d.graph_labels[static_cast<std::size_t>(g)]);
  }
  batch_ = batch_graphs(graphs, options);
  const std::int64_t n = batch_.node_offsets.back();
  nodes_.resize(static_cast<std::size_t>(n));
  std::iota(nodes_.begin(), nodes_.end(), 0);
  bool consecutive = true;
  for (std::size_t k = 1; k < ids.size(); ++k) consecutive = consecutive && ids[k] == ids[k - 1] + 1;
  const std::int64_t first = d.node_offsets[static_cast<std::size_t>(ids.front())];
  auto place = [&](const Matrix& all, Matrix& gathered) -> MatrixView<const float> {
    if (all.rows() == 0) return {};
    if (consecutive) return all.view().block_rows(first, n);
    gathered.resize_uninitialized(n, all.cols());
    for (std::size_t k = 0; k < ids.size(); ++k) {
      const auto rows = d.rows_of_graph(all, ids[k]);
      std::copy(rows.data(), rows.data() + rows.size(), gathered.row_ptr(batch_.node_offsets[k]));
    }
    return gathered.view();
  };
  features_ = place(d.features, gathered_features_);
  targets_ = place(d.targets, gathered_targets_);
}

}  // namespace gat
