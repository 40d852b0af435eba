// Checks against the real datasets (skipped with a message when GAT_DATA is absent): the verified
// statistics of datasets/README.md, Planetoid == OGB identity, the larger graphs, LINQS Cora.
#include <catch2/catch.hpp>

#include <chrono>

#include "gat/io/dataset.hpp"
#include "gat/io/linqs.hpp"
#include "gat/io/ogb.hpp"
#include "gat/io/planetoid.hpp"
#include "io_test_util.hpp"
#include "support/test_support.hpp"

using namespace gat::io;

namespace {

struct Expected {
  const char* name;
  std::int64_t nodes, directed_edges, features, nonzeros, classes, train, valid, test, isolated;
  bool sparse;
};

// datasets/README.md, "Verified statistics".
const Expected kPlanetoid[] = {
    {"cora", 2708, 10556, 1433, 49216, 7, 140, 500, 1000, 0, true},
    {"citeseer", 3327, 9104, 3703, 105165, 6, 120, 500, 1000, 48, true},
    {"pubmed", 19717, 88648, 500, 988031, 3, 60, 500, 1000, 0, false},
};

void check_stats(const Dataset& d, const Expected& e) {
  INFO(e.name);
  const DatasetStats s = statistics(d);
  CHECK(s.nodes == e.nodes);
  CHECK(s.directed_edges == e.directed_edges);
  CHECK(s.features == e.features);
  CHECK(s.feature_nonzeros == e.nonzeros);
  CHECK(s.classes == e.classes);
  CHECK(s.train == e.train);
  CHECK(s.valid == e.valid);
  CHECK(s.test == e.test);
  CHECK(s.isolated_nodes == e.isolated);
  CHECK(s.sparse_features == e.sparse);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("Planetoid statistics match the verified table, from the OGB copies and the pickles", "[io][data]") {
  auto root = GAT_REQUIRE_DATASET("cora");
  if (root.empty()) return;
  for (const Expected& e : kPlanetoid) {
    if (!std::filesystem::exists(root / e.name)) {
      WARN("skipped: " << e.name << " absent");
      continue;
    }
    check_stats(read_ogb(root / e.name), e);
    check_stats(read_planetoid(root / "planetoid" / "raw", e.name), e);
  }
}

TEST_CASE("Planetoid pickles give exactly the OGB copies (edges in order, features, labels, splits)", "[io][data]") {
  auto root = GAT_REQUIRE_DATASET("planetoid");
  if (root.empty()) return;
  for (const Expected& e : kPlanetoid) {
    INFO(e.name);
    const Dataset ogb = read_ogb(root / e.name);
    const Dataset planetoid = read_planetoid(root / "planetoid" / "raw", e.name);
    CHECK(io_test::compare(planetoid, ogb) == "");
  }
}

TEST_CASE("Citeseer's padded test-range nodes have zero features, label 0 and no split", "[io][data]") {
  auto root = GAT_REQUIRE_DATASET("planetoid");
  if (root.empty()) return;
  const Dataset d = read_planetoid(root / "planetoid" / "raw", "citeseer");
  const auto& x = d.features.sparse();
  for (gat::NodeId v : {2407, 2489, 2553, 2682, 2781, 2953, 3042, 3063, 3212, 3214, 3250, 3292, 3305, 3306, 3309}) {
    CHECK(x.offsets[v + 1] == x.offsets[v]);
    CHECK(d.labels[v] == 0);
    CHECK_FALSE(std::binary_search(d.test.begin(), d.test.end(), v));
  }
}

TEST_CASE("load_dataset finds the real datasets by name in every format", "[io][data]") {
  auto root = GAT_REQUIRE_DATASET("cora");
  if (root.empty()) return;
  const Dataset a = load_dataset({.name_or_path = "cora", .data_root = root});
  const Dataset b = load_dataset({.name_or_path = "cora", .data_root = root, .format = Format::planetoid});
  CHECK(io_test::compare(a, b) == "");
  const Dataset c = load_dataset({.name_or_path = "Cora", .data_root = root, .format = Format::linqs});
  CHECK(c.node_names.size() == 2708);
  CHECK(load_dataset({.name_or_path = (root / "cora").string()}).num_nodes() == 2708);
  CHECK(load_dataset({.name_or_path = (root / "linqs" / "cora" / "cora.content").string()}).num_nodes() == 2708);
  CHECK_THROWS_AS(load_dataset({.name_or_path = "no-such-dataset", .data_root = root}), gat::InvalidArgument);
  CHECK_THROWS_WITH(load_dataset({.name_or_path = "no-such-dataset", .data_root = root}), Catch::Contains("planetoid") && Catch::Contains("linqs"));
}

TEST_CASE("LINQS Cora: the same graph as Planetoid Cora, named classes sorted", "[io][data]") {
  auto root = GAT_REQUIRE_DATASET("linqs");
  if (root.empty()) return;
  const Dataset d = read_linqs(root / "linqs" / "cora", "cora");
  const DatasetStats s = statistics(d);
  CHECK(s.nodes == 2708);
  CHECK(s.directed_edges == 10556);
  CHECK(s.features == 1433);
  CHECK(s.feature_nonzeros == 49216);
  CHECK(s.classes == 7);
  CHECK(s.sparse_features);
  CHECK(s.train == 140);
  CHECK(s.valid == 500);
  CHECK(s.test == 1000);
  CHECK(d.warnings.empty());
  // Class sizes by sorted name: Case_Based 298, Genetic_Algorithms 418, Neural_Networks 818,
  // Probabilistic_Methods 426, Reinforcement_Learning 217, Rule_Learning 180, Theory 351.
  std::vector<int> sizes(7, 0);
  for (auto y : d.labels) ++sizes[y];
  CHECK(sizes == std::vector<int>{298, 418, 818, 426, 217, 180, 351});
}

TEST_CASE("Amazon and Coauthor CS graphs load sparse with the published sizes", "[io][data]") {
  auto root = GAT_REQUIRE_DATASET("amazon-photo");
  if (root.empty()) return;
  struct Big {
    const char* name;
    std::int64_t nodes, edges, features, nonzeros, classes, train, valid, test, isolated;
  };
  const Big graphs[] = {
      {"amazon-computers", 13752, 491722, 767, 3675081, 10, 200, 300, 13252, 281},
      {"amazon-photo", 7650, 238162, 745, 1979909, 8, 160, 240, 7250, 115},
      {"coauthor-cs", 18333, 163788, 6805, 1092079, 15, 300, 450, 17583, 0},
  };
  for (const Big& g : graphs) {
    INFO(g.name);
    const auto t0 = std::chrono::steady_clock::now();
    const Dataset d = read_ogb(root / g.name);
    WARN(g.name << " loaded in " << seconds_since(t0) << " s");
    const DatasetStats s = statistics(d);
    CHECK(s.nodes == g.nodes);
    CHECK(s.directed_edges == g.edges);
    CHECK(s.features == g.features);
    CHECK(s.feature_nonzeros == g.nonzeros);
    CHECK(s.classes == g.classes);
    CHECK(s.train == g.train);
    CHECK(s.valid == g.valid);
    CHECK(s.test == g.test);
    CHECK(s.isolated_nodes == g.isolated);
    CHECK(s.sparse_features);
  }
}

TEST_CASE("Coauthor Physics loads sparse (never dense) in seconds", "[io][data][.slow]") {
  auto root = GAT_REQUIRE_DATASET("coauthor-physics");
  if (root.empty()) return;
  const auto t0 = std::chrono::steady_clock::now();
  const Dataset d = read_ogb(root / "coauthor-physics");
  WARN("coauthor-physics loaded in " << seconds_since(t0) << " s");
  const DatasetStats s = statistics(d);
  CHECK(s.nodes == 34493);
  CHECK(s.directed_edges == 495924);
  CHECK(s.features == 8415);
  CHECK(s.feature_nonzeros == 1137311);
  CHECK(s.classes == 5);
  CHECK(s.train == 100);
  CHECK(s.valid == 150);
  CHECK(s.test == 34243);
  CHECK(s.sparse_features);
}
