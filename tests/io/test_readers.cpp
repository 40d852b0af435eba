// Readers on tiny hand-made files, their error messages (file:line or file: byte N), the
// restricted pickle reader, the registry and the OGB writer.
#include <catch2/catch.hpp>

#include <cstring>

#include "gat/io/dataset.hpp"
#include "gat/io/linqs.hpp"
#include "gat/io/ogb.hpp"
#include "gat/io/pickle.hpp"
#include "gat/io/planetoid.hpp"
#include "gat/io/registry.hpp"
#include "io_test_util.hpp"
#include "support/test_support.hpp"

using namespace gat::io;
using io_test::TempDir;
using io_test::write_gz;
using io_test::write_text;
namespace fs = std::filesystem;

namespace {

// A 4-node OGB folder; `override` replaces one raw file's text (by stem).
void write_tiny_ogb(const fs::path& dir, const std::string& stem = "", const std::string& text = "") {
  const std::pair<const char*, const char*> files[] = {
      {"num-node-list", "4\n"},
      {"num-edge-list", "3\n"},
      {"edge", "0,1\n1,2\n2,3\n"},
      {"node-feat", "1,0,0\n0,1,0\n0,0,1\n1,1,0\n"},
      {"node-label", "0\n1\n0\n1\n"},
  };
  for (const auto& [name, content] : files) write_gz(dir / "raw" / (std::string(name) + ".csv.gz"), stem == name ? text : content);
  write_gz(dir / "split" / "public" / "train.csv.gz", "0\n");
  write_gz(dir / "split" / "public" / "valid.csv.gz", "1\n");
  write_gz(dir / "split" / "public" / "test.csv.gz", "3\n2\n");
}

// Runs f and returns the DataError message ("" when nothing is thrown).
template <class F>
std::string data_error(F&& f) {
  try {
    f();
  } catch (const gat::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("OGB reader: a tiny binary dataset loads sparse", "[io][ogb]") {
  TempDir tmp("ogb");
  write_tiny_ogb(tmp.path());
  const Dataset d = read_ogb(tmp.path());
  CHECK(d.num_nodes() == 4);
  CHECK(d.edges.source == std::vector<gat::NodeId>{0, 1, 2});
  CHECK(d.edges.target == std::vector<gat::NodeId>{1, 2, 3});
  REQUIRE(d.features.is_sparse());
  CHECK(d.features.sparse().columns == std::vector<std::int32_t>{0, 1, 2, 0, 1});
  CHECK(d.features.sparse().offsets == std::vector<std::int64_t>{0, 1, 2, 3, 5});
  CHECK(d.labels == std::vector<std::int32_t>{0, 1, 0, 1});
  CHECK(d.num_classes == 2);
  CHECK(d.train == std::vector<gat::NodeId>{0});
  CHECK(d.test == std::vector<gat::NodeId>{2, 3});
  const DatasetStats s = statistics(d);
  CHECK(s.feature_nonzeros == 5);
  CHECK(s.isolated_nodes == 0);
}

TEST_CASE("OGB reader: non-binary features are dense, plain .csv and CRLF are accepted", "[io][ogb]") {
  TempDir tmp("ogb-dense");
  write_tiny_ogb(tmp.path(), "node-feat", "0.5,0,0\r\n0,1,0\r\n0,0,-2e-3\r\n1,1,0\r\n");
  fs::remove(tmp / "raw/edge.csv.gz");
  write_text(tmp / "raw/edge.csv", "0,1\n1,2\n2,3\n");
  const Dataset d = read_ogb(tmp.path());
  REQUIRE_FALSE(d.features.is_sparse());
  CHECK(d.features.dense()(0, 0) == 0.5f);
  CHECK(d.features.dense()(2, 2) == -2e-3f);
  CHECK(d.edges.num_edges() == 3);
}

TEST_CASE("OGB reader: malformed files are DataErrors naming file and line", "[io][ogb]") {
  struct Case {
    const char* stem;
    const char* text;
    const char* where;
    const char* what;
  };
  const Case cases[] = {
      {"edge", "0,1\n1,9\n2,3\n", "edge.csv.gz:2: ", "out of range"},
      {"edge", "0,1\n1;2\n2,3\n", "edge.csv.gz:2: ", "source,target"},
      {"edge", "0,1\n1,2\n", "edge.csv.gz:2: ", "found 2 edges"},
      {"edge", "0,1\n1,2\n2,3\n3,0\n", "edge.csv.gz:4: ", "more edges"},
      {"node-feat", "1,0,0\n0,1,0\nnan,0,1\n1,1,0\n", "node-feat.csv.gz:3: ", "finite"},
      {"node-feat", "1,0,0\n0,1,0\ninf,0,1\n1,1,0\n", "node-feat.csv.gz:3: ", "finite"},
      {"node-feat", "1,0,0\n0,1\n0,0,1\n1,1,0\n", "node-feat.csv.gz:2: ", "2 values"},
      {"node-feat", "1,0,0\n0,1,0\n", "node-feat.csv.gz:2: ", "2 feature rows, but num-node-list.csv.gz says 4"},
      {"node-label", "0\n1\n0\n-1\n", "node-label.csv.gz:4: ", "out of range"},
      {"node-label", "0\n1\nx\n1\n", "node-label.csv.gz:3: ", "integer"},
      // Found by fuzzing: a float label past int64 was converted before its range was checked.
      {"node-label", "0\n1\n2.2e19\n1\n", "node-label.csv.gz:3: ", "class out of range"},
      {"num-node-list", "", "num-node-list.csv.gz: ", "empty"},
      {"num-node-list", "4\n5\n", "num-node-list.csv.gz:2: ", "single number"},
  };
  for (const Case& c : cases) {
    INFO(c.stem << ": " << c.text);
    TempDir tmp("ogb-bad");
    write_tiny_ogb(tmp.path(), c.stem, c.text);
    const std::string message = data_error([&] { read_ogb(tmp.path()); });
    CHECK_THAT(message, Catch::Contains(c.where) && Catch::Contains(c.what));
  }
  SECTION("a node count that disagrees with the other files names the count's file too") {
    TempDir tmp("ogb-bad-count");
    write_tiny_ogb(tmp.path(), "num-node-list", "5\n");
    const std::string message = data_error([&] { read_ogb(tmp.path()); });
    CHECK_THAT(message, Catch::Contains("node-label.csv.gz:4: found 4 labels, but num-node-list.csv.gz says 5 nodes"));
    write_gz(tmp / "raw/num-node-list.csv.gz", "2\n");
    CHECK_THAT(data_error([&] { read_ogb(tmp.path()); }),
               Catch::Contains("edge.csv.gz:2: ") && Catch::Contains("num-node-list.csv.gz says 2 nodes"));
    write_tiny_ogb(tmp.path(), "num-edge-list", "4\n");
    CHECK_THAT(data_error([&] { read_ogb(tmp.path()); }),
               Catch::Contains("edge.csv.gz:3: found 3 edges, but num-edge-list.csv.gz says 4 edges"));
  }
  SECTION("split index out of range") {
    TempDir tmp("ogb-bad-split");
    write_tiny_ogb(tmp.path());
    write_gz(tmp / "split/public/test.csv.gz", "2\n4\n");
    CHECK_THAT(data_error([&] { read_ogb(tmp.path()); }), Catch::Contains("test.csv.gz:2: ") && Catch::Contains("out of range"));
  }
  SECTION("truncated and corrupt gzip") {
    TempDir tmp("ogb-bad-gz");
    write_tiny_ogb(tmp.path());
    std::string bytes = io_test::read_bytes(tmp / "raw/edge.csv.gz");
    io_test::write_bytes(tmp / "raw/edge.csv.gz", bytes.substr(0, bytes.size() - 6));
    CHECK_THAT(data_error([&] { read_ogb(tmp.path()); }), Catch::Contains("edge.csv.gz"));
    bytes[bytes.size() - 5] ^= 0x40;  // the stored length / CRC no longer match
    io_test::write_bytes(tmp / "raw/edge.csv.gz", bytes);
    CHECK_THAT(data_error([&] { read_ogb(tmp.path()); }), Catch::Contains("edge.csv.gz"));
  }
  SECTION("missing file") {
    TempDir tmp("ogb-missing");
    write_tiny_ogb(tmp.path());
    fs::remove(tmp / "raw/node-label.csv.gz");
    CHECK_THAT(data_error([&] { read_ogb(tmp.path()); }), Catch::Contains("node-label.csv.gz") && Catch::Contains("missing"));
  }
}

TEST_CASE("OGB reader: split folder choice", "[io][ogb]") {
  TempDir tmp("ogb-split");
  write_tiny_ogb(tmp.path());
  fs::rename(tmp / "split/public", tmp / "split/random-a");
  CHECK(read_ogb(tmp.path()).test.size() == 2);  // the only one
  fs::create_directories(tmp / "split/random-b");
  write_gz(tmp / "split/random-b/train.csv.gz", "1\n");
  write_gz(tmp / "split/random-b/valid.csv.gz", "2\n");
  write_gz(tmp / "split/random-b/test.csv.gz", "3\n");
  CHECK_THROWS_WITH(read_ogb(tmp.path()), Catch::Contains("random-a random-b"));
  CHECK(read_ogb(tmp.path(), {"random-b"}).train == std::vector<gat::NodeId>{1});
  CHECK(load_dataset({.name_or_path = tmp.path().string(), .split = "random-b"}).train == std::vector<gat::NodeId>{1});
}

TEST_CASE("LINQS reader: ids, sorted class names, unknown citations, undirected edges", "[io][linqs]") {
  TempDir tmp("linqs");
  write_text(tmp / "toy.content", "p1\t1\t0\tTheory\np2\t0\t1\tAI\np3\t1\t1\tTheory\np4\t0\t0\tAI\n");
  write_text(tmp / "toy.cites", "p1\tp2\np3\tp1\nzz\tp1\np2\tp1\np4\tp4\n");
  const Dataset d = read_linqs(tmp.path(), "toy");
  CHECK(d.node_names == std::vector<std::string>{"p1", "p2", "p3", "p4"});
  CHECK(d.labels == std::vector<std::int32_t>{1, 0, 1, 0});  // AI = 0, Theory = 1
  CHECK(d.num_classes == 2);
  // p1-p2 (cited both ways: one pair) and p1-p3, both directions, ordered by (target, source).
  CHECK(d.edges.source == std::vector<gat::NodeId>{1, 2, 0, 0});
  CHECK(d.edges.target == std::vector<gat::NodeId>{0, 0, 1, 2});
  REQUIRE(d.warnings.size() == 1);
  CHECK_THAT(d.warnings[0], Catch::Contains("1 citations") && Catch::Contains("toy.cites:3"));
  CHECK(d.train.size() == 2);  // clipped: 1 per class... at most 20 per class
  CHECK(d.features.is_sparse());

  write_text(tmp / "toy.cites", "p1\tp2\np3\n");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "toy"); }), Catch::Contains("toy.cites:2: "));
  write_text(tmp / "toy.content", "p1\t1\t0\tTheory\np2\t0\tAI\n");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "toy"); }), Catch::Contains("toy.content:2: "));
  write_text(tmp / "toy.content", "p1\t1\t0\tTheory\np1\t0\t1\tAI\n");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "toy"); }), Catch::Contains("toy.content:2: ") && Catch::Contains("twice"));
  write_text(tmp / "toy.content", "");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "toy"); }), Catch::Contains("empty"));
}

TEST_CASE("pickle reader: arrays and dicts of lists, anything else refused with its byte offset", "[io][pickle]") {
  using namespace std::string_literals;
  // numpy int32 array [[1, 2], [3, -1]] as Python 2 pickles it.
  const std::string array =
      "\x80\x02"
      "cnumpy.core.multiarray\n_reconstruct\nq\x01"
      "cnumpy\nndarray\nq\x02"
      "K\x00\x85U\x01" "b\x87R"
      "(K\x01K\x02K\x02\x86"
      "cnumpy\ndtype\nU\x02i4K\x00K\x01\x87R(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb"
      "\x89T\x10\x00\x00\x00"
      "\x01\x00\x00\x00\x02\x00\x00\x00\x03\x00\x00\x00\xff\xff\xff\xff"
      "tb."s;
  const pickle::Object a = pickle::parse(array, "a.pkl");
  const auto* arr = std::get_if<pickle::Array>(&a);
  REQUIRE(arr);
  CHECK(arr->shape == std::vector<std::int64_t>{2, 2});
  CHECK(arr->as_int(1) == 2);
  CHECK(arr->as_int(3) == -1);

  const std::string graph =
      "\x80\x02" "ccollections\ndefaultdict\nc__builtin__\nlist\n\x85R"
      "(K\x00]q\x01(K\x01M\x00\x01" "eK\x01]K\x00" "au."s;
  const pickle::Object g = pickle::parse(graph, "g.pkl");
  const auto* adj = std::get_if<pickle::Adjacency>(&g);
  REQUIRE(adj);
  REQUIRE(adj->lists.size() == 2);
  CHECK(adj->lists[0].second == std::vector<std::int64_t>{1, 256});
  CHECK(adj->lists[1].second == std::vector<std::int64_t>{0});

  auto message = [](const std::string& bytes) { return data_error([&] { pickle::parse(bytes, "x.pkl"); }); };
  CHECK_THAT(message("\x80\x02" "cos\nsystem\nU\x02lsR."s), Catch::Contains("x.pkl: byte 2: ") && Catch::Contains("os.system"));
  CHECK_THAT(message("\x80\x02" "c__builtin__\neval\n."s), Catch::Contains("byte 2: ") && Catch::Contains("__builtin__.eval"));
  CHECK_THAT(message("\x80\x02" "K\x01" "\x94."s), Catch::Contains("byte 4: ") && Catch::Contains("opcode 0x94"));
  CHECK_THAT(message("\x80\x04K\x01."s), Catch::Contains("byte 0: ") && Catch::Contains("protocol 4"));
  CHECK_THAT(message(array.substr(0, array.size() - 10)), Catch::Contains("truncated"));
  CHECK_THAT(message(""), Catch::Contains("empty"));
  CHECK_THAT(message("\x80\x02h\x05."s), Catch::Contains("byte 2: ") && Catch::Contains("memo"));
  CHECK_THAT(message("\x80\x02K\x01K\x02."s), Catch::Contains("STOP"));
  // the array's byte string one element short
  std::string short_data = array;
  const auto at = short_data.find("\x89T\x10"s);
  short_data.replace(at, 3, "\x89T\x0c"s);
  short_data.erase(at + 6 + 12, 4);
  CHECK_THAT(message(short_data), Catch::Contains("need 16"));
}

TEST_CASE("registry: synthetic by default, paths recognised by content, clear errors", "[io][registry]") {
  CHECK(load_dataset({}).name == "synthetic");
  CHECK(load_dataset({.name_or_path = "synthetic"}).num_nodes() == 2708);
  TempDir tmp("registry");
  write_tiny_ogb(tmp / "toy");
  write_text(tmp / "linqs/toy/toy.content", "p1\t1\tA\np2\t0\tB\n");
  write_text(tmp / "linqs/toy/toy.cites", "p1\tp2\n");
  CHECK(load_dataset({.name_or_path = "toy", .data_root = tmp.path()}).num_nodes() == 4);  // OGB first
  CHECK(load_dataset({.name_or_path = "toy", .data_root = tmp.path(), .format = Format::linqs}).num_nodes() == 2);
  CHECK(load_dataset({.name_or_path = (tmp / "toy").string()}).num_nodes() == 4);
  CHECK(load_dataset({.name_or_path = (tmp / "linqs/toy").string()}).num_nodes() == 2);
  CHECK_THROWS_WITH(load_dataset({.name_or_path = "toy", .data_root = tmp.path(), .format = Format::planetoid}),
                    Catch::Contains("ind.toy.graph") && Catch::Contains("--data-root"));
  CHECK_THROWS_AS(load_dataset({.name_or_path = (tmp / "nothing-here").string()}), gat::InvalidArgument);
  CHECK(parse_format("OGB") == Format::ogb);
  CHECK_FALSE(parse_format("csv"));
}

TEST_CASE("write_ogb then read_ogb gives the identical dataset", "[io][writer]") {
  TempDir tmp("writer");
  SECTION("sparse (synthetic)") {
    const Dataset d = make_synthetic_citation({.nodes = 500, .seed = 3});
    write_ogb(d, tmp / "syn");
    CHECK(io_test::compare(read_ogb(tmp / "syn"), d) == "");
    CHECK_FALSE(fs::exists(tmp / "syn/raw/edge.csv.gz.tmp"));
  }
  SECTION("dense floats round-trip exactly") {
    Dataset d = make_synthetic_citation({.nodes = 200, .features = 30, .seed = 4});
    d.features = gat::Features(gat_test::random_matrix<float>(200, 30, 9, 3.0));
    d.features.dense()(0, 0) = 1e-30f;
    d.features.dense()(1, 1) = 0.0f;
    write_ogb(d, tmp / "dense");
    CHECK(io_test::compare(read_ogb(tmp / "dense"), d) == "");
  }
  SECTION("real Cora and Pubmed") {
    auto root = GAT_REQUIRE_DATASET("pubmed");
    if (root.empty()) return;
    for (const char* name : {"cora", "pubmed"}) {
      const Dataset d = read_ogb(root / name);
      write_ogb(d, tmp / name);
      CHECK(io_test::compare(read_ogb(tmp / name), d) == "");
    }
  }
}

namespace {

// A minimal writer of the Python 2 pickles the Planetoid files hold (same opcodes).
struct PickleWriter {
  static std::string i32(std::int32_t v) {
    std::string out = "J";
    for (int k = 0; k < 4; ++k) out += static_cast<char>((static_cast<std::uint32_t>(v) >> (8 * k)) & 0xff);
    return out;
  }
  static std::string str(const std::string& s) { return "U" + std::string(1, static_cast<char>(s.size())) + s; }
  static std::string bin(const std::string& bytes) {
    std::string out = "T";
    for (int k = 0; k < 4; ++k) out += static_cast<char>((bytes.size() >> (8 * k)) & 0xff);
    return out + bytes;
  }
  template <class T>
  static std::string array(const std::vector<std::int32_t>& shape, const std::string& dtype, const std::vector<T>& values) {
    std::string data(values.size() * sizeof(T), '\0');
    std::memcpy(data.data(), values.data(), data.size());
    std::string out = "cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n" + i32(0) + "\x85" + str("b") + "\x87R(" + i32(1) + "(";
    for (auto s : shape) out += i32(s);
    out += "tcnumpy\ndtype\n" + str(dtype) + i32(0) + i32(1) + "\x87R(" + i32(3) + str("<") + "NNN" + i32(-1) + i32(-1) + i32(0) +
           "tb\x89" + bin(data) + "tb";
    return out;
  }
  // A binary CSR matrix from its rows' column lists.
  static std::string csr(std::int32_t cols, const std::vector<std::vector<std::int32_t>>& rows) {
    std::vector<std::int32_t> indptr{0}, indices;
    for (const auto& r : rows) {
      indices.insert(indices.end(), r.begin(), r.end());
      indptr.push_back(static_cast<std::int32_t>(indices.size()));
    }
    const std::vector<float> data(indices.size(), 1.0f);
    return "cscipy.sparse.csr\ncsr_matrix\n)\x81}(" + str("_shape") + "(" + i32(static_cast<std::int32_t>(rows.size())) + i32(cols) +
           "t" + str("indptr") + array({static_cast<std::int32_t>(indptr.size())}, "i4", indptr) + str("indices") +
           array({static_cast<std::int32_t>(indices.size())}, "i4", indices) + str("data") +
           array({static_cast<std::int32_t>(data.size())}, "f4", data) + str("format") + str("csr") + "ub";
  }
  static std::string one_hot(std::int32_t classes, const std::vector<std::int32_t>& labels) {
    std::vector<std::int32_t> v(labels.size() * static_cast<std::size_t>(classes), 0);
    for (std::size_t i = 0; i < labels.size(); ++i) v[i * classes + labels[i]] = 1;
    return array({static_cast<std::int32_t>(labels.size()), classes}, "i4", v);
  }
  static std::string graph(const std::vector<std::pair<std::int32_t, std::vector<std::int32_t>>>& lists) {
    std::string out = "ccollections\ndefaultdict\nc__builtin__\nlist\n\x85R(";
    for (const auto& [key, list] : lists) {
      out += i32(key) + "](";
      for (auto v : list) out += i32(v);
      out += "e";
    }
    return out + "u";
  }
  static void file(const fs::path& path, const std::string& object) { io_test::write_bytes(path, "\x80\x02" + object + "."); }
};

}  // namespace

TEST_CASE("Planetoid reader: a tiny hand-made set with a test-range gap, a self loop and a duplicate", "[io][planetoid]") {
  TempDir tmp("planetoid");
  using P = PickleWriter;
  // allx: nodes 0-3; tx rows go to test.index = [6, 5]; node 4 has no row (like Citeseer's gaps).
  P::file(tmp / "ind.toy.allx", P::csr(4, {{0}, {1}, {2, 3}, {}}));
  P::file(tmp / "ind.toy.x", P::csr(4, {{0}, {1}}));
  P::file(tmp / "ind.toy.tx", P::csr(4, {{3}, {0, 1}}));
  P::file(tmp / "ind.toy.ally", P::one_hot(3, {0, 1, 2, 1}));
  P::file(tmp / "ind.toy.y", P::one_hot(3, {0, 1}));
  P::file(tmp / "ind.toy.ty", P::one_hot(3, {2, 0}));
  P::file(tmp / "ind.toy.graph", P::graph({{0, {1, 1, 0}}, {1, {0}}, {2, {3}}, {5, {6}}, {6, {5, 2}}}));
  write_text(tmp / "ind.toy.test.index", "6\n5\n");
  const Dataset d = load_dataset({.name_or_path = (tmp / "ind.toy.graph").string()});
  CHECK(d.name == "toy");
  CHECK(d.num_nodes() == 7);
  CHECK(d.edges.source == std::vector<gat::NodeId>{1, 0, 3, 6, 2, 6, 2, 5});
  CHECK(d.edges.target == std::vector<gat::NodeId>{0, 1, 2, 2, 3, 5, 6, 6});
  REQUIRE(d.features.is_sparse());
  CHECK(d.features.sparse().offsets == std::vector<std::int64_t>{0, 1, 2, 4, 4, 4, 6, 7});
  CHECK(d.features.sparse().columns == std::vector<std::int32_t>{0, 1, 2, 3, 0, 1, 3});
  CHECK(d.labels == std::vector<std::int32_t>{0, 1, 2, 1, 0, 0, 2});
  CHECK(d.num_classes == 3);
  CHECK(d.train == std::vector<gat::NodeId>{0, 1});
  CHECK(d.valid == std::vector<gat::NodeId>{2, 3});
  CHECK(d.test == std::vector<gat::NodeId>{5, 6});

  // Errors name the file: a neighbour out of range, a refused class, a label row count.
  P::file(tmp / "ind.toy.graph", P::graph({{0, {9}}}));
  CHECK_THAT(data_error([&] { read_planetoid(tmp.path(), "toy"); }), Catch::Contains("ind.toy.graph") && Catch::Contains("out of range"));
  io_test::write_bytes(tmp / "ind.toy.graph", "\x80\x02" "csubprocess\nPopen\n.");
  CHECK_THAT(data_error([&] { read_planetoid(tmp.path(), "toy"); }),
             Catch::Contains("ind.toy.graph: byte 2: ") && Catch::Contains("subprocess.Popen"));
  P::file(tmp / "ind.toy.graph", P::graph({{0, {1}}}));
  P::file(tmp / "ind.toy.ty", P::one_hot(3, {2}));
  // Files that disagree are named together: ty against tx, then a ty of another width against ally.
  CHECK_THAT(data_error([&] { read_planetoid(tmp.path(), "toy"); }),
             Catch::StartsWith((tmp / "ind.toy.ty").string()) && Catch::Contains("but ind.toy.tx has 2 rows"));
  P::file(tmp / "ind.toy.ty", P::one_hot(4, {2, 3}));
  CHECK_THAT(data_error([&] { read_planetoid(tmp.path(), "toy"); }),
             Catch::StartsWith((tmp / "ind.toy.ty").string()) && Catch::Contains("4 columns (classes), but ind.toy.ally has 3"));
}

TEST_CASE("pickle reader: a list memoised once and referenced from many keys is refused, not copied", "[io][pickle]") {
  using namespace std::string_literals;
  // {0: L, 1: L, ..., 2999: L} with L one list of 3000 ints: 36 kB that would expand to 9 million
  // entries (a 1.2 MB file of this shape asked for 320 GB).
  const int n = 3000;
  std::string bytes = "\x80\x02}(K\x00]r\x01\x00\x00\x00("s;
  for (int i = 0; i < n; ++i) bytes += "K"s + static_cast<char>(i % 256);
  bytes += "e";
  auto u32 = [](std::uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
  for (int k = 1; k < n; ++k) bytes += "J" + u32(static_cast<std::uint32_t>(k)) + "j" + u32(1);
  bytes += "u.";
  CHECK_THAT(data_error([&] { pickle::parse(bytes, "shared.pkl"); }),
             Catch::Contains("shared.pkl") && Catch::Contains("referenced from many keys"));
  // The same list under two keys of a small pickle is within the bound and read as two lists.
  const std::string twice = "\x80\x02}(K\x00]r\x01\x00\x00\x00(K\x05K\x06" "eK\x01j\x01\x00\x00\x00u."s;
  const pickle::Object g = pickle::parse(twice, "twice.pkl");
  const auto* adj = std::get_if<pickle::Adjacency>(&g);
  REQUIRE(adj);
  REQUIRE(adj->lists.size() == 2);
  CHECK(adj->lists[1].second == std::vector<std::int64_t>{5, 6});
}

TEST_CASE("LINQS reader: a short first row is blamed at line 1, no attributes at all is refused", "[io][linqs]") {
  TempDir tmp("linqs_rows");
  write_text(tmp / "short.content", "a\t1\tX\nb\t0\t1\tY\nc\t1\t1\tX\n");
  write_text(tmp / "short.cites", "a\tb\n");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "short"); }),
             Catch::Contains("short.content:1: ") && Catch::Contains("line has 1 attributes, 2 of the 3 lines have 2"));
  // A short row further down is still reported at its own line.
  write_text(tmp / "short.content", "a\t1\t0\tX\nb\t0\t1\tY\nc\t1\tX\n");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "short"); }), Catch::Contains("short.content:3: "));
  write_text(tmp / "bare.content", "a\tX\nb\tY\n");
  write_text(tmp / "bare.cites", "a\tb\n");
  CHECK_THAT(data_error([&] { read_linqs(tmp.path(), "bare"); }),
             Catch::Contains("bare.content:1: ") && Catch::Contains("no word attributes"));
}

TEST_CASE("readers list the files they read", "[io]") {
  TempDir tmp("files");
  write_text(tmp / "two.content", "a\t1\tX\nb\t0\tY\n");
  write_text(tmp / "two.cites", "a\tb\n");
  const Dataset d = read_linqs(tmp.path(), "two");
  CHECK(d.files == std::vector<fs::path>{tmp / "two.content", tmp / "two.cites"});
  write_tiny_ogb(tmp / "ogb");
  CHECK(read_ogb(tmp / "ogb").files.size() == 8);
  CHECK(load_dataset({}).files.empty());
}

TEST_CASE("Planetoid reader: allx replaced by a label file is blamed on allx", "[io][planetoid]") {
  TempDir tmp("planetoid_cols");
  using P = PickleWriter;
  P::file(tmp / "ind.toy.allx", P::one_hot(3, {0, 1, 2, 1}));  // ally's contents in allx
  P::file(tmp / "ind.toy.x", P::csr(4, {{0}, {1}}));
  P::file(tmp / "ind.toy.tx", P::csr(4, {{3}, {0, 1}}));
  P::file(tmp / "ind.toy.ally", P::one_hot(3, {0, 1, 2, 1}));
  P::file(tmp / "ind.toy.y", P::one_hot(3, {0, 1}));
  P::file(tmp / "ind.toy.ty", P::one_hot(3, {2, 0}));
  P::file(tmp / "ind.toy.graph", P::graph({{0, {1}}}));
  write_text(tmp / "ind.toy.test.index", "5\n4\n");
  CHECK_THAT(data_error([&] { read_planetoid(tmp.path(), "toy"); }),
             Catch::Contains("ind.toy.allx: ") && Catch::Contains("different numbers of columns (4, 4, 3)"));
  P::file(tmp / "ind.toy.allx", P::csr(4, {{0}, {1}, {2, 3}, {}}));
  P::file(tmp / "ind.toy.tx", P::one_hot(3, {2, 0}));
  CHECK_THAT(data_error([&] { read_planetoid(tmp.path(), "toy"); }), Catch::Contains("ind.toy.tx: "));
}
