// The partitioner and the part format: METIS balance, the halo and send lists every rank's
// exchange relies on, and the refusal of damaged or mismatched parts.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "gat/core/error.hpp"
#include "gat/dist/partitioner.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::dist;

namespace {

// A side x side grid, edges both ways, dense features (node id, 1), two classes.
struct GridData {
  Graph graph;
  Features features;
  std::vector<std::int32_t> labels;
  std::vector<NodeId> train, valid, test;
  EdgeList edges;

  explicit GridData(int side) {
    const int n = side * side;
    edges.num_nodes = n;
    for (int r = 0; r < side; ++r)
      for (int c = 0; c < side; ++c) {
        const NodeId v = r * side + c;
        for (NodeId u : {c + 1 < side ? v + 1 : -1, r + 1 < side ? v + side : -1})
          if (u >= 0) {
            edges.source.insert(edges.source.end(), {u, v});
            edges.target.insert(edges.target.end(), {v, u});
          }
      }
    graph = Graph::from_edges(edges);
    Matrix x(n, 2);
    for (int v = 0; v < n; ++v) x(v, 0) = static_cast<float>(v), x(v, 1) = 1;
    features = Features(std::move(x));
    for (int v = 0; v < n; ++v) {
      labels.push_back(v % 2);
      (v % 3 == 0 ? train : v % 3 == 1 ? valid : test).push_back(v);
    }
  }
  PartitionInput input() const {
    return {"grid", true, &graph, &features, labels, train, valid, test,
            dataset_checksum(edges.source, edges.target, features, labels)};
  }
};

std::filesystem::path fresh_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / ("gat_test_dist_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

}  // namespace

TEST_CASE("METIS balances the nodes of a grid over 4 parts and cuts few edges") {
  const GridData d(20);
  std::int64_t cut = 0;
  const auto part_of = metis_parts(d.graph, 4, &cut);
  std::vector<int> count(4, 0);
  for (auto p : part_of) ++count[static_cast<std::size_t>(p)];
  for (int c : count) CHECK(c <= 110);  // 100 each, METIS's default 3% tolerance plus slack
  CHECK(cut > 0);
  CHECK(cut <= 80);  // four 10 x 10 squares cut 40 edges; 760 edges in all
  CHECK(metis_parts(d.graph, 4) == part_of);  // fixed seed
  CHECK_THROWS_AS(metis_parts(d.graph, 0), InvalidArgument);
}

TEST_CASE("Parts own every node once and their halos are exactly the remote sources") {
  const GridData d(12);
  const auto part_of = metis_parts(d.graph, 3);
  const auto parts = build_parts(d.input(), part_of, 3);
  std::set<NodeId> seen;
  for (const GraphPart& p : parts) {
    for (NodeId v : p.owned) CHECK(seen.insert(v).second);
    std::set<NodeId> remote;
    for (NodeId u : p.in_sources)
      if (!std::binary_search(p.owned.begin(), p.owned.end(), u)) remote.insert(u);
    CHECK(std::set<NodeId>(p.halo.begin(), p.halo.end()) == remote);
    CHECK(static_cast<std::size_t>(p.num_halo()) == remote.size());
    for (std::int32_t q = 0; q < 3; ++q)
      for (std::int64_t k = p.halo_offsets[static_cast<std::size_t>(q)]; k < p.halo_offsets[static_cast<std::size_t>(q) + 1]; ++k)
        CHECK(part_of[static_cast<std::size_t>(p.halo[static_cast<std::size_t>(k)])] == q);
  }
  CHECK(seen.size() == 144);
  // Owner r's send block for q lists, in order, the rows of q's halo block owned by r.
  for (std::int32_t r = 0; r < 3; ++r)
    for (std::int32_t q = 0; q < 3; ++q) {
      const GraphPart& owner = parts[static_cast<std::size_t>(r)];
      const GraphPart& reader = parts[static_cast<std::size_t>(q)];
      std::vector<NodeId> sent, wanted;
      for (std::int64_t k = owner.send_offsets[static_cast<std::size_t>(q)]; k < owner.send_offsets[static_cast<std::size_t>(q) + 1]; ++k)
        sent.push_back(owner.owned[static_cast<std::size_t>(owner.send[static_cast<std::size_t>(k)])]);
      for (std::int64_t k = reader.halo_offsets[static_cast<std::size_t>(r)]; k < reader.halo_offsets[static_cast<std::size_t>(r) + 1]; ++k)
        wanted.push_back(reader.halo[static_cast<std::size_t>(k)]);
      CHECK(sent == wanted);
    }
  // Splits and features follow their nodes.
  std::size_t train = 0;
  for (const GraphPart& p : parts) {
    train += p.train.size();
    for (std::int32_t row : p.train) CHECK(p.owned[static_cast<std::size_t>(row)] % 3 == 0);
    for (std::int64_t i = 0; i < p.num_owned(); ++i)
      CHECK(p.features.dense()(i, 0) == static_cast<float>(p.owned[static_cast<std::size_t>(i)]));
  }
  CHECK(train == d.train.size());
  const PartitionStats stats = partition_stats(parts, 0, 0);
  CHECK(stats.cut_in_edges > 0);
  const HaloSizes sizes = halo_sizes(d.graph, part_of, 3);  // the same counts without the parts
  CHECK(sizes.halo == stats.halo);
  CHECK(sizes.owned == stats.owned);
  CHECK(sizes.in_edges == stats.in_edges);
  CHECK(stats.node_imbalance >= 1.0);
}

TEST_CASE("A written partition reads back, and mismatches are refused naming the file") {
  const GridData d(8);
  const auto parts = build_parts(d.input(), metis_parts(d.graph, 2), 2);
  const auto dir = fresh_dir("roundtrip");
  write_partition(dir, d.input(), parts, partition_stats(parts, 0, 0));
  const PartitionManifest m = read_manifest(dir);
  CHECK(m.dataset == "grid");
  CHECK(m.identity == parts[0].identity);
  const GraphPart back = read_checked_part(dir, m, 1, 2);
  CHECK(back.owned == parts[1].owned);
  CHECK(back.in_sources == parts[1].in_sources);
  CHECK(back.send == parts[1].send);
  CHECK(back.halo == parts[1].halo);
  CHECK(back.features.dense()(0, 0) == parts[1].features.dense()(0, 0));

  const std::string manifest = manifest_path(dir).string();
  CHECK_THROWS_WITH(read_checked_part(dir, m, 0, 3), Catch::Contains(manifest) && Catch::Contains("2 parts but 3 ranks"));
  // A part of another partitioning (here: of a 3-way one) is refused, naming the part.
  const auto other = build_parts(d.input(), metis_parts(d.graph, 3), 3);
  write_part(part_path(dir, 1), other[1]);
  CHECK_THROWS_WITH(read_checked_part(dir, m, 1, 2), Catch::Contains(part_path(dir, 1).string()));
  // A truncated part.
  const auto path = part_path(dir, 0);
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  CHECK_THROWS_WITH(read_part(path), Catch::Contains(path.string()) && Catch::Contains("truncated"));
  std::ofstream(path, std::ios::binary) << "not a part";
  CHECK_THROWS_WITH(read_part(path), Catch::Contains("not a gat partition file"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("A manifest whose counts are floats or out of range is refused naming the field") {
  const GridData d(4);
  const auto parts = build_parts(d.input(), metis_parts(d.graph, 1), 1);
  const auto dir = fresh_dir("manifest-numbers");
  write_partition(dir, d.input(), parts, partition_stats(parts, 0, 0));
  const auto path = manifest_path(dir);
  std::ifstream in(path);
  const nlohmann::json good = nlohmann::json::parse(in);
  in.close();
  // A checksum of 6.3e19 (a float; converting it to an integer is undefined), 2^40 parts, a
  // negative node count: each names its field instead of reading a wrapped number.
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"dataset_checksum", 6.33808e19}, {"parts", std::int64_t{1} << 40}, {"num_nodes", 2.5}}) {
    nlohmann::json bad = good;
    bad[field] = value;
    std::ofstream(path) << bad.dump();
    CHECK_THROWS_WITH(read_manifest(dir), Catch::Contains(path.string()) && Catch::Contains("\"" + field + "\" must be an integer"));
  }
  std::filesystem::remove_all(dir);
}
