// The strict .npy reader, GraphSAGE's PPI layout and the TU layout, on small files the tests
// write, and the generators written through the readers.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "gat/io/npy.hpp"
#include "gat/io/ppi.hpp"
#include "gat/io/tu.hpp"

using namespace gat;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("gat_many_" + std::to_string(::getpid())) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// A .npy file with the given version, header dict and raw data.
void write_npy_raw(const fs::path& p, int version, std::string header, const std::string& data) {
  const std::size_t prefix = version == 1 ? 10 : 12;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(version);
  out += '\0';
  const std::size_t len = header.size();
  for (std::size_t i = 0; i < prefix - 8; ++i) out += static_cast<char>((len >> (8 * i)) & 0xff);
  out += header + data;
  write_text(p, out);
}

template <class T>
std::string raw(std::initializer_list<T> values) {
  std::string s;
  for (T v : values) s.append(reinterpret_cast<const char*>(&v), sizeof v);
  return s;
}

io::SyntheticPpiOptions small_ppi() {
  return {.graphs = 6, .min_nodes = 20, .max_nodes = 30, .average_degree = 6, .features = 5, .labels = 7, .seed = 3};
}

}  // namespace

TEST_CASE("the .npy reader reads versions 1 and 2 and the numeric dtypes", "[many_graphs][npy]") {
  const fs::path d = scratch("npy");
  write_npy_raw(d / "f8.npy", 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
                raw<double>({1, 2, 3, 4, 5, 6.5}));
  const Matrix m = io::read_npy_matrix(d / "f8.npy");
  REQUIRE(m.rows() == 2);
  REQUIRE(m.cols() == 3);
  CHECK(m(1, 2) == 6.5f);
  write_npy_raw(d / "i8.npy", 2, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", raw<std::int64_t>({7, -2, 9}));
  const io::NpyArray a = io::read_npy(d / "i8.npy");
  CHECK(a.shape == std::vector<std::int64_t>{3});
  CHECK(a.values == std::vector<double>{7, -2, 9});
  write_npy_raw(d / "u1.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2), }", raw<std::uint8_t>({0, 200}));
  CHECK(io::read_npy_matrix(d / "u1.npy")(0, 1) == 200.0f);
  // write_npy round-trips.
  io::write_npy(d / "out.npy", m.view());
  CHECK(io::read_npy_matrix(d / "out.npy")(1, 2) == 6.5f);
}

TEST_CASE("the .npy reader refuses object arrays, wrong headers and short data, naming the file", "[many_graphs][npy]") {
  const fs::path d = scratch("npy_bad");
  const auto refuses = [&](const std::string& name, const std::string& header, const std::string& data,
                           const std::string& why, int version = 1) {
    write_npy_raw(d / name, version, header, data);
    CHECK_THROWS_AS(io::read_npy(d / name), DataError);
    CHECK_THROWS_WITH(io::read_npy(d / name), Catch::Contains(name) && Catch::Contains(why));
  };
  refuses("object.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", "\x80\x02]q\x00.", "pickled object");
  refuses("fortran.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", raw<float>({1}), "Fortran order");
  refuses("big.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", raw<float>({1}), "big-endian");
  refuses("short.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", raw<float>({1, 2}), "the file has 8");
  refuses("nodescr.npy", "{'fortran_order': False, 'shape': (1,), }", raw<float>({1}), "no 'descr' key");
  refuses("complex.npy", "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", raw<float>({1, 2}), "not one of");
  refuses("v9.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", raw<float>({1}), "version 9", 9);
  // Found by the npy fuzz harness: an entry past int64 made std::stoll throw out_of_range.
  refuses("huge.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,44444444444444444444 1), }", raw<float>({1}),
          "past 2^63");
  refuses("spaced.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1 2,), }", raw<float>({1, 2}), "malformed entry");
  refuses("dtype.npy", "{'descr': '<f4x', 'fortran_order': False, 'shape': (1,), }", raw<float>({1}), "not understood");
  write_text(d / "text.npy", "just text, not numpy");
  CHECK_THROWS_WITH(io::read_npy(d / "text.npy"), Catch::Contains("text.npy") && Catch::Contains("NUMPY"));
}

TEST_CASE("the synthetic PPI set goes through GraphSAGE's file layout unchanged", "[many_graphs][ppi]") {
  const GraphDataset made = io::make_synthetic_ppi(small_ppi());
  CHECK(made.num_graphs() == 6);
  CHECK(made.train.size() == 2);
  CHECK(made.valid == std::vector<std::int64_t>{2, 3});
  CHECK(made.test == std::vector<std::int64_t>{4, 5});
  // The planted labels are neither all 0 nor all 1.
  double positives = 0;
  for (std::int64_t i = 0; i < made.targets.size(); ++i) positives += made.targets.data()[i];
  const double rate = positives / static_cast<double>(made.targets.size());
  CHECK(rate > 0.1);
  CHECK(rate < 0.6);
  const fs::path d = scratch("ppi");
  io::write_ppi(made, d);
  REQUIRE(io::is_ppi_dir(d));
  const GraphDataset read = io::read_ppi(d);
  CHECK(read.num_graphs() == made.num_graphs());
  CHECK(read.node_offsets == made.node_offsets);
  CHECK(read.train == made.train);
  CHECK(read.valid == made.valid);
  CHECK(read.test == made.test);
  CHECK(std::memcmp(read.features.data(), made.features.data(), sizeof(float) * made.features.size()) == 0);
  CHECK(std::memcmp(read.targets.data(), made.targets.data(), sizeof(float) * made.targets.size()) == 0);
  for (std::int64_t g = 0; g < made.num_graphs(); ++g) {
    const Graph a = Graph::from_edges(made.graphs[g], {.duplicates = Duplicates::remove});
    const Graph b = Graph::from_edges(read.graphs[g], {.duplicates = Duplicates::remove});
    CHECK(std::vector<NodeId>(a.in_sources().begin(), a.in_sources().end()) ==
          std::vector<NodeId>(b.in_sources().begin(), b.in_sources().end()));
  }
}

TEST_CASE("PPI files without graph ids group nodes by connected component within a split", "[many_graphs][ppi]") {
  const fs::path d = scratch("ppi_components");
  // Nodes 0-1-2 (train), 3-4 (train, another component), 5-6 (test).
  nlohmann::json nodes = nlohmann::json::array(), links = nlohmann::json::array();
  for (int v = 0; v < 7; ++v) nodes.push_back({{"id", v}, {"val", false}, {"test", v >= 5}});
  for (auto [s, t] : {std::pair{0, 1}, {1, 2}, {3, 4}, {5, 6}}) links.push_back({{"source", s}, {"target", t}});
  write_text(d / "ppi-G.json", nlohmann::json{{"directed", false}, {"nodes", nodes}, {"links", links}}.dump());
  nlohmann::json ids, classes;
  for (int v = 0; v < 7; ++v) {
    ids[std::to_string(v)] = 6 - v;
    classes[std::to_string(v)] = {v % 2, 1};
  }
  write_text(d / "ppi-id_map.json", ids.dump());
  write_text(d / "ppi-class_map.json", classes.dump());
  Matrix feats(7, 2);
  for (std::int64_t r = 0; r < 7; ++r) feats(r, 0) = static_cast<float>(r);
  io::write_npy(d / "ppi-feats.npy", feats.view());
  const GraphDataset read = io::read_ppi(d);
  CHECK(read.node_offsets == std::vector<std::int64_t>{0, 3, 5, 7});
  CHECK(read.train == std::vector<std::int64_t>{0, 1});
  CHECK(read.test == std::vector<std::int64_t>{2});
  CHECK(read.features(0, 0) == 6.0f);  // node 0's row is 6 in the id map
  CHECK(read.targets(1, 0) == 1.0f);
  CHECK(read.graphs[0].num_edges() == 4);  // both directions

  SECTION("a split flag that is not a boolean (found by fuzzing: a JSON type error escaped)") {
    nodes[2]["val"] = 1;
    write_text(d / "ppi-G.json", nlohmann::json{{"directed", false}, {"nodes", nodes}, {"links", links}}.dump());
    CHECK_THROWS_WITH(io::read_ppi(d), Catch::Contains("ppi-G.json") && Catch::Contains("node 2: \"val\" must be true or false"));
  }
  SECTION("a class map naming an unknown node") {
    classes["99"] = {0, 1};
    write_text(d / "ppi-class_map.json", classes.dump());
    CHECK_THROWS_WITH(io::read_ppi(d), Catch::Contains("ppi-class_map.json") && Catch::Contains("names node 99"));
  }
  SECTION("a label list of the wrong width") {
    classes["4"] = {0, 1, 1};
    write_text(d / "ppi-class_map.json", classes.dump());
    CHECK_THROWS_WITH(io::read_ppi(d), Catch::Contains("ppi-class_map.json") && Catch::Contains("node 4 has 3 labels"));
  }
  SECTION("a graph without nodes") {
    write_text(d / "ppi-G.json", nlohmann::json{{"nodes", nlohmann::json::array()}, {"links", nlohmann::json::array()}}.dump());
    CHECK_THROWS_WITH(io::read_ppi(d), Catch::Contains("ppi-G.json") && Catch::Contains("no nodes"));
  }
  SECTION("a link between splits") {
    links.push_back({{"source", 2}, {"target", 5}});
    write_text(d / "ppi-G.json", nlohmann::json{{"nodes", nodes}, {"links", links}}.dump());
    CHECK_THROWS_WITH(io::read_ppi(d), Catch::Contains("ppi-G.json") && Catch::Contains("joins two graphs"));
  }
}

TEST_CASE("the TU reader builds graphs, one-hot node labels and attributes", "[many_graphs][tu]") {
  const fs::path d = scratch("tu");
  // Graph 1: nodes 1-3 (a path), graph 2: nodes 4-5.
  write_text(d / "T_A.txt", "1, 2\n2, 1\n2, 3\n3, 2\n4, 5\n5, 4\n");
  write_text(d / "T_graph_indicator.txt", "1\n1\n1\n2\n2\n");
  write_text(d / "T_graph_labels.txt", "-1\n1\n");
  write_text(d / "T_node_labels.txt", "0\n2\n0\n2\n2\n");
  write_text(d / "T_node_attributes.txt", "0.5, 1\n1, 1\n2, 0\n3, 0\n4, 1.5\n");
  CHECK(io::tu_name(d) == "T");
  const GraphDataset g = io::read_tu(d, "T");
  CHECK(g.num_graphs() == 2);
  CHECK(g.node_offsets == std::vector<std::int64_t>{0, 3, 5});
  CHECK(g.graph_labels == std::vector<std::int32_t>{0, 1});
  REQUIRE(g.features.cols() == 4);  // 2 attributes + 2 distinct node labels
  CHECK(g.features(0, 0) == 0.5f);
  CHECK(g.features(1, 3) == 1.0f);
  CHECK(g.features(0, 2) == 1.0f);
  CHECK(g.graphs[1].num_edges() == 2);
  CHECK(g.graphs[1].source[0] == 0);  // local ids

  SECTION("an edge between graphs") {
    write_text(d / "T_A.txt", "1, 2\n3, 4\n");
    CHECK_THROWS_WITH(io::read_tu(d, "T"), Catch::Contains("T_A.txt:2") && Catch::Contains("joins graphs 1 and 2"));
  }
  SECTION("a graph without nodes") {
    write_text(d / "T_graph_labels.txt", "1\n2\n1\n");
    CHECK_THROWS_WITH(io::read_tu(d, "T"), Catch::Contains("T_graph_indicator.txt") && Catch::Contains("graph 3 has no nodes"));
  }
  SECTION("a node label file of the wrong length") {
    write_text(d / "T_node_labels.txt", "0\n1\n");
    CHECK_THROWS_WITH(io::read_tu(d, "T"), Catch::Contains("T_node_labels.txt") && Catch::Contains("2 lines for 5 nodes"));
  }
  SECTION("a node attribute file of the wrong length names the indicator it disagrees with") {
    write_text(d / "T_node_attributes.txt", "0.5, 1\n1, 2\n");
    CHECK_THROWS_WITH(io::read_tu(d, "T"), Catch::StartsWith((d / "T_node_attributes.txt").string()) &&
                                               Catch::Contains("2 lines for the 5 nodes of") &&
                                               Catch::Contains("T_graph_indicator.txt"));
  }
  SECTION("a malformed line") {
    write_text(d / "T_graph_indicator.txt", "1\n1\nx\n2\n2\n");
    CHECK_THROWS_WITH(io::read_tu(d, "T"), Catch::Contains("T_graph_indicator.txt:3"));
  }
}

TEST_CASE("the synthetic TU set goes through the TU layout unchanged", "[many_graphs][tu]") {
  const GraphDataset made = io::make_synthetic_tu({.graphs = 20, .seed = 4});
  const fs::path d = scratch("tu_synthetic");
  io::write_tu(made, d, "SYN");
  const GraphDataset read = io::read_tu(d, "SYN");
  CHECK(read.node_offsets == made.node_offsets);
  CHECK(read.graph_labels == made.graph_labels);
  REQUIRE(read.features.cols() == made.features.cols());
  CHECK(std::memcmp(read.features.data(), made.features.data(), sizeof(float) * made.features.size()) == 0);
  for (std::int64_t g = 0; g < made.num_graphs(); ++g) CHECK(read.graphs[g].num_edges() == made.graphs[g].num_edges());
}
