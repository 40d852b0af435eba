// The graph store: every reader's dataset round-trips bit for bit, half-precision features are
// widened to the values they store, the streaming synthetic generator writes what it describes,
// and damaged files are refused with the file and the section named.
#include <catch2/catch.hpp>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "gat/core/parallel.hpp"
#include "gat/graph/graph.hpp"
#include "gat/io/linqs.hpp"
#include "gat/io/ogb.hpp"
#include "gat/io/planetoid.hpp"
#include "gat/store/graph_store.hpp"
#include "gat/store/synthetic_store.hpp"
#include "io/io_test_util.hpp"
#include "support/test_support.hpp"

using namespace gat;
using namespace gat::store;
using io_test::TempDir;
namespace fs = std::filesystem;

namespace {

// The dataset after a trip through a store; warnings are what a reader noticed, not data.
io::Dataset round_trip(const io::Dataset& d, const fs::path& path, FeatureType type = FeatureType::float32) {
  write_store(d, path, {.dense_features = type});
  return GraphStore::open(path).to_dataset();
}

std::string same(io::Dataset a, const io::Dataset& b) {
  a.warnings = b.warnings;
  std::string diff = io_test::compare(a, b);
  if (diff.empty() && a.name != b.name) diff = "names differ: " + a.name + " vs " + b.name;
  if (diff.empty() && a.node_names != b.node_names) diff = "node names differ";
  if (diff.empty() && !a.features.is_sparse() &&
      std::memcmp(a.features.dense().data(), b.features.dense().data(), sizeof(float) * a.features.dense().size()) != 0)
    diff = "dense feature bits differ";
  return diff;
}

std::string data_error(const fs::path& path, StoreCheck check = StoreCheck::full) {
  try {
    GraphStore::open(path, check);
  } catch (const DataError& e) {
    return e.what();
  }
  return "";
}

// Section `s`'s entry in the store's table.
SectionEntry entry(const std::string& bytes, Section s) {
  StoreHeader h;
  std::memcpy(&h, bytes.data(), sizeof h);
  for (std::uint32_t k = 0; k < h.section_count; ++k) {
    SectionEntry e;
    std::memcpy(&e, bytes.data() + sizeof h + k * sizeof e, sizeof e);
    if (e.kind == static_cast<std::uint32_t>(s)) return e;
  }
  FAIL("no section " << section_name(s));
  return {};
}

template <class T>
void poke(std::string& bytes, Section s, std::size_t index, T value) {
  std::memcpy(bytes.data() + entry(bytes, s).offset + index * sizeof(T), &value, sizeof value);
}

}  // namespace

TEST_CASE("store: every reader's dataset round-trips bit for bit", "[store]") {
  TempDir tmp("store");
  SECTION("synthetic (sparse bag-of-words), through the OGB reader too") {
    const io::Dataset d = io::make_synthetic_citation({.nodes = 600, .seed = 5});
    CHECK(same(round_trip(d, tmp / "syn.gstore"), d) == "");
    io::write_ogb(d, tmp / "ogb");
    const io::Dataset ogb = io::read_ogb(tmp / "ogb");
    CHECK(same(round_trip(ogb, tmp / "ogb.gstore"), ogb) == "");
  }
  SECTION("dense features, edges out of CSR order, self-loops and repeated edges") {
    io::Dataset d = io::make_synthetic_citation({.nodes = 80, .features = 12, .seed = 6});
    d.features = Features(gat_test::random_matrix<float>(80, 12, 3, 2.0));
    d.features.dense()(0, 0) = 1e-38f;
    d.edges.source.insert(d.edges.source.end(), {5, 5, 7});
    d.edges.target.insert(d.edges.target.end(), {0, 0, 7});
    d.test.clear();
    const io::Dataset back = round_trip(d, tmp / "dense.gstore");
    CHECK(same(back, d) == "");
    CHECK_FALSE(GraphStore::open(tmp / "dense.gstore").edge_ids().empty());
  }
  SECTION("LINQS: node names") {
    io_test::write_text(tmp / "toy.content", "p1\t1\t0\tTheory\np2\t0\t1\tAI\np3\t1\t1\tTheory\np4\t0\t0\tAI\n");
    io_test::write_text(tmp / "toy.cites", "p1\tp2\np3\tp1\np2\tp1\np4\tp4\n");
    const io::Dataset d = io::read_linqs(tmp.path(), "toy");
    const io::Dataset back = round_trip(d, tmp / "linqs.gstore");
    CHECK(same(back, d) == "");
    CHECK(GraphStore::open(tmp / "linqs.gstore").node_name(2) == "p3");
  }
  SECTION("the store's rows are Graph::from_edges' rows") {
    const io::Dataset d = io::make_synthetic_citation({.nodes = 300, .seed = 8});
    write_store(d, tmp / "g.gstore");
    const GraphStore s = GraphStore::open(tmp / "g.gstore");
    const Graph g = Graph::from_edges(d.edges);
    CHECK(std::equal(s.in_offsets().begin(), s.in_offsets().end(), g.in_offsets().begin(), g.in_offsets().end()));
    CHECK(std::equal(s.in_sources().begin(), s.in_sources().end(), g.in_sources().begin(), g.in_sources().end()));
    CHECK(s.name() == d.name);
  }
  SECTION("real datasets (GAT_DATA)") {
    const fs::path root = GAT_REQUIRE_DATASET("pubmed");
    if (root.empty()) return;
    for (const char* name : {"cora", "citeseer", "pubmed"}) {
      INFO(name);
      const io::Dataset ogb = io::read_ogb(root / name);
      CHECK(same(round_trip(ogb, tmp / "real.gstore"), ogb) == "");
      const io::Dataset pickles = io::read_planetoid(root / "planetoid" / "raw", name);
      CHECK(same(round_trip(pickles, tmp / "real.gstore"), pickles) == "");
    }
    if (fs::exists(root / "linqs" / "cora")) {
      const io::Dataset linqs = io::read_linqs(root / "linqs" / "cora", "cora");
      CHECK(same(round_trip(linqs, tmp / "real.gstore"), linqs) == "");
    }
  }
}

TEST_CASE("store: float16 and bfloat16 features are widened to the values they hold", "[store]") {
  TempDir tmp("store");
  io::Dataset d = io::make_synthetic_citation({.nodes = 300, .seed = 8});
  d.features = Features(gat_test::random_matrix<float>(300, 9, 4, 3.0));
  for (const FeatureType type : {FeatureType::float16, FeatureType::bfloat16}) {
    INFO(feature_type_name(type));
    const io::Dataset back = round_trip(d, tmp / "half.gstore", type);
    CHECK(GraphStore::open(tmp / "half.gstore").feature_type() == type);
    const Matrix& x = d.features.dense();
    const Matrix& y = back.features.dense();
    REQUIRE(y.rows() == 300);
    double worst = 0;
    for (std::int64_t i = 0; i < x.size(); ++i) {
      const float expected = type == FeatureType::float16 ? from_float16(to_float16(x.data()[i]))
                                                          : from_bfloat16(to_bfloat16(x.data()[i]));
      REQUIRE(y.data()[i] == expected);
      worst = std::max(worst, std::abs(double(y.data()[i]) - x.data()[i]) / std::max(1e-3, std::abs(double(x.data()[i]))));
    }
    CHECK(worst < (type == FeatureType::float16 ? 1.0 / 1024 : 1.0 / 128));
  }
  CHECK(from_bfloat16(to_bfloat16(1.0f + 1.0f / 256)) == 1.0f);  // a tie rounds to even
  CHECK(from_bfloat16(to_bfloat16(1.0f + 3.0f / 256)) == 1.0f + 4.0f / 256);
  CHECK(from_float16(to_float16(65504.0f)) == 65504.0f);
}

TEST_CASE("store: the streaming synthetic generator writes the graph it describes", "[store]") {
  TempDir tmp("store");
  SyntheticStoreOptions o{.nodes = 5000, .in_degree = 6, .features = 10, .classes = 4, .seed = 3};
  write_synthetic_store(o, tmp / "a.gstore");
  const GraphStore s = GraphStore::open(tmp / "a.gstore");
  CHECK(s.num_nodes() == 5000);
  CHECK(s.num_edges() == 30000);
  CHECK(s.num_features() == 10);
  std::int64_t same_class = 0;
  for (std::int64_t v = 0; v < s.num_nodes(); ++v) {
    REQUIRE(s.in_offsets()[v + 1] - s.in_offsets()[v] == 6);
    REQUIRE(s.labels()[v] == v % 4);
    for (std::int64_t e = s.in_offsets()[v]; e < s.in_offsets()[v + 1]; ++e) {
      if (e > s.in_offsets()[v]) REQUIRE(s.in_sources()[e - 1] <= s.in_sources()[e]);
      same_class += s.labels()[s.in_sources()[e]] == s.labels()[v];
    }
  }
  // 0.8 from the own class plus a quarter of the rest: 0.85, +- 5 standard deviations.
  CHECK(std::abs(double(same_class) / 30000 - 0.85) < 5 * std::sqrt(0.85 * 0.15 / 30000));
  CHECK(std::abs(double(s.train().size()) / 5000 - 0.1) < 0.02);
  // The same file whatever the thread count (values are functions of seed and node).
  set_num_threads(2);
  write_synthetic_store(o, tmp / "b.gstore");
  set_num_threads(1);
  CHECK(io_test::read_bytes(tmp / "a.gstore") == io_test::read_bytes(tmp / "b.gstore"));
  o.feature_type = FeatureType::bfloat16;
  write_synthetic_store(o, tmp / "c.gstore");
  const io::Dataset half = GraphStore::open(tmp / "c.gstore").to_dataset();
  const io::Dataset full = s.to_dataset();
  for (std::int64_t i = 0; i < full.features.dense().size(); ++i)
    REQUIRE(half.features.dense().data()[i] == from_bfloat16(to_bfloat16(full.features.dense().data()[i])));
}

TEST_CASE("store: damaged files are refused naming the file and the section", "[store]") {
  TempDir tmp("store");
  const io::Dataset d = io::make_synthetic_citation({.nodes = 300, .seed = 8});
  const fs::path path = tmp / "good.gstore", bad = tmp / "bad.gstore";
  write_store(d, path);
  const std::string good = io_test::read_bytes(path);
  const auto expect = [&](const std::string& bytes, const std::string& what, StoreCheck check = StoreCheck::full) {
    io_test::write_bytes(bad, bytes);
    const std::string message = data_error(bad, check);
    CHECK_THAT(message, Catch::Contains(bad.string()) && Catch::Contains(what));
  };
  SECTION("truncated") {
    expect(good.substr(0, 100), "header: truncated");
    expect(good.substr(0, good.size() - 5000), "truncated");
    expect(good.substr(0, entry(good, Section::in_sources).offset + 8), "section 'in_sources': truncated");
  }
  SECTION("wrong magic, version, header checksum") {
    std::string b = good;
    b[0] = 'X';
    expect(b, "wrong magic");
    b = good;
    b[8] = 2;
    expect(b, "version 2");
    b = good;
    b[16] ^= 1;  // num_nodes
    expect(b, "header: checksum mismatch");
  }
  SECTION("bad offsets") {
    std::string b = good;
    poke<std::int64_t>(b, Section::in_offsets, 3, 1000000);
    expect(b, "section 'in_offsets': offset 4", StoreCheck::structure);
    b = good;
    poke<std::int64_t>(b, Section::in_offsets, 0, 1);
    expect(b, "section 'in_offsets': the first offset is 1");
  }
  SECTION("ids out of range") {
    std::string b = good;
    poke<std::int32_t>(b, Section::in_sources, 7, 300);
    expect(b, "section 'in_sources': entry 7 is 300, outside the node ids [0, 300)");
    b = good;
    poke<std::int32_t>(b, Section::labels, 2, -1);
    expect(b, "section 'labels': entry 2 is -1");
    b = good;
    poke<std::int32_t>(b, Section::train, 0, 999);
    expect(b, "section 'train'");
  }
  SECTION("flipped data bits: the checksum") {
    std::string b = good;
    b[entry(good, Section::features).offset] ^= 0x40;
    expect(b, "section 'features': checksum mismatch");
    // The structural check does not read the features.
    io_test::write_bytes(bad, b);
    CHECK(data_error(bad, StoreCheck::structure) == "");
  }
  SECTION("a header whose nodes x features overflows (found by fuzzing), its checksum redone") {
    std::string b = good;
    StoreHeader h;
    std::memcpy(&h, b.data(), sizeof h);
    h.num_features = std::int64_t{1} << 62;
    h.header_crc = 0;
    std::memcpy(b.data(), &h, sizeof h);
    const auto covered = sizeof h + h.section_count * sizeof(SectionEntry);
    h.header_crc = static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(b.data()), covered));
    std::memcpy(b.data(), &h, sizeof h);
    expect(b, "header: 300 nodes x 4611686018427387904 features overflows a 64-bit count", StoreCheck::structure);
  }
  SECTION("not a store, or missing") {
    CHECK_FALSE(is_graph_store(tmp / "missing.gstore"));
    CHECK(is_graph_store(path));
    CHECK_THAT(data_error(tmp / "missing.gstore"), Catch::Contains("cannot open"));
  }
}
