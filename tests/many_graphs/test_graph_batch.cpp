// Batches of disjoint graphs: offsets, graph ids, edge ids per source graph, and a GAT layer
// over a batch computing exactly what it computes over each graph alone.
#include <catch2/catch.hpp>

#include "gat/graph/graph_batch.hpp"
#include "gat/graph/graph_dataset.hpp"
#include "gat/nn/gat_conv.hpp"
#include "support/test_support.hpp"

using namespace gat;

namespace {

EdgeList ring(std::int64_t n) {
  EdgeList e;
  e.num_nodes = n;
  for (std::int64_t v = 0; v < n; ++v) {
    e.source.push_back(static_cast<NodeId>(v));
    e.target.push_back(static_cast<NodeId>((v + 1) % n));
  }
  return e;
}

GraphDataset three_rings() {
  GraphDataset d;
  d.name = "rings";
  d.graphs = {ring(3), ring(5), ring(4)};
  d.node_offsets = {0, 3, 8, 12};
  d.features = gat_test::random_matrix<float>(12, 6, 3);
  d.targets = Matrix(12, 2);
  for (std::int64_t v = 0; v < 12; ++v) d.targets(v, v % 2) = 1;
  d.num_classes = 2;
  d.train = {0, 1};
  d.valid = {2};
  return d;
}

}  // namespace

TEST_CASE("a batch numbers the graphs' nodes and edges one after the other", "[many_graphs]") {
  const EdgeList a = ring(3), b = ring(5);
  const EdgeList* graphs[] = {&a, &b};
  const GraphBatch batch = batch_graphs(graphs);
  CHECK(batch.num_graphs() == 2);
  CHECK(batch.node_offsets == std::vector<std::int64_t>{0, 3, 8});
  CHECK(batch.edge_offsets == std::vector<std::int64_t>{0, 3, 8});
  CHECK(batch.graph.num_nodes() == 8);
  CHECK(batch.graph_of_nodes() == std::vector<std::int32_t>{0, 0, 0, 1, 1, 1, 1, 1});
  // Every stored edge stays inside its graph and maps back to that graph's own edge.
  for (EdgeIndex e = 0; e < batch.graph.num_edges(); ++e) {
    const NodeId s = batch.graph.in_sources()[e], t = batch.graph.in_targets()[e];
    const auto [g, local] = batch.source_edge(batch.graph.input_edge_ids()[e]);
    const EdgeList& source = g == 0 ? a : b;
    CHECK(source.source[local] + batch.node_offsets[g] == s);
    CHECK(source.target[local] + batch.node_offsets[g] == t);
  }
  CHECK_THROWS_WITH(batch.source_edge(8), Catch::Contains("outside the batch's 8 input edges"));
  EdgeList empty;
  const EdgeList* with_empty[] = {&a, &empty};
  CHECK_THROWS_WITH(batch_graphs(with_empty), Catch::Contains("graph 1 has no nodes"));
}

TEST_CASE("a GAT layer over a batch equals the layer over each graph alone", "[many_graphs]") {
  const GraphDataset d = three_rings();
  const std::int64_t ids[] = {0, 1, 2};
  const DatasetBatch batch(d, ids);
  nn::GATConv<double> conv({.in_channels = 6, .out_channels = 4, .heads = 2, .seed = 5});
  MatrixD x(12, 6);
  convert(d.features.view(), x.view());
  const nn::ForwardContext ctx{&batch.graph(), {}};
  const MatrixD whole = MatrixD::from_view(conv.forward(ctx, nn::LayerInput<double>::of(x.view())).dense);
  for (std::int64_t g = 0; g < 3; ++g) {
    const Graph alone = Graph::from_edges(d.graphs[g]);
    const std::int64_t b = d.node_offsets[g], n = d.node_offsets[g + 1] - b;
    const MatrixD part = MatrixD::from_view(x.view().block_rows(b, n));
    const MatrixD out = MatrixD::from_view(conv.forward({&alone, {}}, nn::LayerInput<double>::of(part.view())).dense);
    CHECK(gat_test::normalized_error(MatrixD::from_view(whole.view().block_rows(b, n)), out) < 1e-14);
  }
}

TEST_CASE("a batch of consecutive graphs reads the features in place, others gather them", "[many_graphs]") {
  const GraphDataset d = three_rings();
  const std::int64_t consecutive[] = {1, 2}, scattered[] = {2, 0};
  const DatasetBatch in_place(d, consecutive), gathered(d, scattered);
  CHECK(in_place.features().data() == d.features.row_ptr(3));
  CHECK(in_place.targets().data() == d.targets.row_ptr(3));
  CHECK(in_place.all_nodes().size() == 9);
  REQUIRE(gathered.features().rows() == 7);
  for (std::int64_t f = 0; f < 6; ++f) {
    CHECK(gathered.features()(0, f) == d.features(8, f));  // graph 2 first
    CHECK(gathered.features()(4, f) == d.features(0, f));  // then graph 0
  }
  CHECK(gathered.targets()(4, 0) == d.targets(0, 0));
}

TEST_CASE("validate names what is wrong with a data set of many graphs", "[many_graphs]") {
  GraphDataset d = three_rings();
  CHECK_NOTHROW(validate(d, "rings"));
  GraphDataset wrong_width = d;
  wrong_width.num_classes = 3;
  CHECK_THROWS_WITH(validate(wrong_width, "rings"), Catch::Contains("rings") && Catch::Contains("3 labels"));
  GraphDataset not_binary = d;
  not_binary.targets(4, 1) = 0.5f;
  CHECK_THROWS_WITH(validate(not_binary, "rings"), Catch::Contains("label 1 of node 4"));
  GraphDataset bad_split = d;
  bad_split.test = {7};
  CHECK_THROWS_WITH(validate(bad_split, "rings"), Catch::Contains("test graphs is graph 7"));
}
