// gat-fuzz-seeds OUT [DATA]: writes a seed corpus for every harness into OUT/<harness>/, made at
// build time and never committed. Small valid inputs come from gat's own writers on tiny
// synthetic datasets (so each reader's accepted layout is the starting point); where DATA (the
// real datasets, GAT_DATA) holds them, real Planetoid pickles and a slice of the LINQS Cora
// release are added as they are.
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz_input.hpp"
#include "gat/graph/graph.hpp"
#include "gat/io/attention_json.hpp"
#include "gat/io/checkpoint.hpp"
#include "gat/io/dataset.hpp"
#include "gat/io/npy.hpp"
#include "gat/io/ppi.hpp"
#include "gat/io/tu.hpp"
#include "gat/nn/gat_model.hpp"
#include "gat/store/graph_store.hpp"
#ifdef GAT_FUZZ_WITH_DIST
#include "gat/dist/partitioner.hpp"
#endif

namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A file's text, inflated when it is gzip (plain files pass through gzread unchanged).
std::string read_inflated(const fs::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open " + path.string());
  std::string text;
  char buffer[1 << 15];
  for (int n; (n = gzread(f, buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  gzclose(f);
  return text;
}

std::string gzip_bytes(const std::string& text, const fs::path& scratch) {
  const fs::path path = scratch / "seed.gz";
  gzFile f = gzopen(path.c_str(), "wb9");
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  return read_bytes(path);
}

class Corpus {
 public:
  explicit Corpus(fs::path root) : root_(std::move(root)) {}
  void add(const std::string& harness, const std::string& name, const std::string& bytes) {
    fs::create_directories(root_ / harness);
    std::ofstream(root_ / harness / name, std::ios::binary) << bytes;
    ++count_;
  }
  int count() const { return count_; }

 private:
  fs::path root_;
  int count_ = 0;
};

gat::io::Dataset tiny_citation(std::int64_t nodes, std::uint64_t seed) {
  return gat::io::make_synthetic_citation(
      {.nodes = nodes, .classes = 3, .average_degree = 3, .features = 12, .words_per_node = 3, .seed = seed});
}

gat::nn::GatModel<float> tiny_model(const gat::io::Dataset& d, gat::nn::ConvKind conv) {
  return gat::nn::GatModel<float>({.conv = conv, .in_features = d.features.cols(), .num_classes = d.num_classes,
                                   .hidden = 2, .heads = 2, .seed = 3});
}

void ogb_seeds(Corpus& corpus, const fs::path& scratch) {
  const char* const files[] = {"raw/num-node-list.csv.gz", "raw/num-edge-list.csv.gz", "raw/edge.csv.gz",
                               "raw/node-label.csv.gz",    "raw/node-feat.csv.gz",     "split/public/train.csv.gz",
                               "split/public/valid.csv.gz", "split/public/test.csv.gz"};
  for (std::int64_t nodes : {12, 40}) {
    const fs::path dir = scratch / ("ogb" + std::to_string(nodes));
    gat::io::write_ogb(tiny_citation(nodes, 1), dir);
    std::vector<std::string> texts;
    for (const char* f : files) texts.push_back(read_inflated(dir / f));
    corpus.add("ogb", "synthetic-" + std::to_string(nodes), gat::fuzz::join_files(texts));
  }
  corpus.add("gzip_lines", "three-labels", gzip_bytes("0\n1\n0\n", scratch));
  corpus.add("gzip_lines", "three-labels-crlf", gzip_bytes("2\r\n0\r\n1\r\n", scratch));
}

// LINQS text from a dataset: "<paper> <word>... <label>" and "<cited> <citing>" lines.
std::vector<std::string> linqs_files(const gat::io::Dataset& d) {
  const gat::Matrix x = d.features.to_dense();
  std::ostringstream content, cites;
  for (std::int64_t v = 0; v < d.num_nodes(); ++v) {
    content << "p" << v;
    for (std::int64_t f = 0; f < x.cols(); ++f) content << ' ' << (x(v, f) != 0 ? 1 : 0);
    content << " class" << d.labels[static_cast<std::size_t>(v)] << '\n';
  }
  for (std::size_t e = 0; e < d.edges.source.size(); ++e)
    cites << 'p' << d.edges.target[e] << " p" << d.edges.source[e] << '\n';
  return {content.str(), cites.str()};
}

// The first `papers` lines of a real .content and the citations among them.
std::vector<std::string> linqs_slice(const fs::path& dir, const std::string& name, std::size_t papers) {
  std::ifstream content(dir / (name + ".content")), cites(dir / (name + ".cites"));
  std::string line, content_text, cites_text;
  std::set<std::string> ids;
  while (ids.size() < papers && std::getline(content, line)) {
    ids.insert(line.substr(0, line.find_first_of(" \t")));
    content_text += line + '\n';
  }
  while (std::getline(cites, line)) {
    std::istringstream fields(line);
    std::string a, b;
    if (fields >> a >> b && ids.count(a) && ids.count(b)) cites_text += line + '\n';
  }
  return {content_text, cites_text};
}

void planetoid_seeds(Corpus& corpus, const fs::path& data) {
  const fs::path raw = data / "planetoid/raw";
  const char* const parts[] = {"x", "y", "tx", "ty", "allx", "ally", "graph", "test.index"};
  for (const char* name : {"cora", "citeseer"}) {
    std::vector<std::string> files;
    for (const char* part : parts) {
      const fs::path path = raw / ("ind." + std::string(name) + "." + part);
      if (!fs::is_regular_file(path)) return;
      files.push_back(read_bytes(path));
      if (std::string(part) != "test.index") corpus.add("pickle", std::string(name) + "." + part, files.back());
    }
    corpus.add("planetoid", name, gat::fuzz::join_files(files));
  }
}

void checkpoint_and_attention_seeds(Corpus& corpus, const fs::path& scratch) {
  const gat::io::Dataset d = tiny_citation(10, 2);
  const gat::Graph graph = gat::Graph::from_edges(d.edges);
  for (auto conv : {gat::nn::ConvKind::gat, gat::nn::ConvKind::gatv2}) {
    auto model = tiny_model(d, conv);
    const std::string tag = gat::nn::to_string(conv);
    const fs::path ckpt = scratch / (tag + ".safetensors");
    gat::io::save_checkpoint(ckpt, model, {{"format", "gat"}, {"conv", tag}, {"dataset", "tiny"}});
    corpus.add("safetensors", tag, read_bytes(ckpt));
    const fs::path json = scratch / (tag + ".json");
    gat::io::write_attention_json_file(json.string(), model, graph, d.features, {"tiny", d.num_nodes(), {}}, {});
    corpus.add("attention_json", tag, read_bytes(json));
    gat::io::write_attention_json_file(json.string(), model, graph, d.features, {"tiny", d.num_nodes(), {}},
                                       {.average_heads = true, .top_k = 2});
    corpus.add("attention_json", tag + "-top2-mean", read_bytes(json));
  }
}

void npy_seeds(Corpus& corpus, const fs::path& scratch) {
  gat::Matrix m(3, 4);
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = 0.5f * static_cast<float>(i);
  gat::io::write_npy(scratch / "m.npy", m.view());
  corpus.add("npy", "float32-3x4", read_bytes(scratch / "m.npy"));
  // Other dtypes as numpy writes them: a version 1.0 header padded to 64 bytes, then the data.
  auto npy = [](const std::string& dict, const std::string& payload) {
    std::string header = dict;
    while ((10 + header.size() + 1) % 64) header += ' ';
    header += '\n';
    std::string out = "\x93NUMPY\x01";
    out += '\0';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + payload;
  };
  corpus.add("npy", "int64-2", npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                                   std::string("\x01\0\0\0\0\0\0\0\x02\0\0\0\0\0\0\0", 16)));
  corpus.add("npy", "bool-2x1", npy("{'descr': '|b1', 'fortran_order': False, 'shape': (2, 1), }", std::string("\x01\0", 2)));
}

void graph_dataset_seeds(Corpus& corpus, const fs::path& scratch) {
  const fs::path tu = scratch / "tu";
  gat::io::write_tu(gat::io::make_synthetic_tu({.graphs = 6, .min_nodes = 3, .max_nodes = 6}), tu, "FUZZ");
  std::vector<std::string> tu_files;
  for (const char* part : {"A", "graph_indicator", "graph_labels", "node_labels", "node_attributes"}) {
    const fs::path path = tu / (std::string("FUZZ_") + part + ".txt");
    tu_files.push_back(fs::is_regular_file(path) ? read_bytes(path) : std::string());
  }
  corpus.add("tu", "synthetic-6", gat::fuzz::join_files(tu_files));

  const fs::path ppi = scratch / "ppi";
  gat::io::write_ppi(gat::io::make_synthetic_ppi({.graphs = 3, .min_nodes = 4, .max_nodes = 7, .average_degree = 3,
                                                  .features = 3, .labels = 2}),
                     ppi, "fuzz");
  std::vector<std::string> ppi_files;
  for (const char* suffix : {"-G.json", "-feats.npy", "-id_map.json", "-class_map.json"})
    ppi_files.push_back(read_bytes(ppi / (std::string("fuzz") + suffix)));
  corpus.add("ppi", "synthetic-3", gat::fuzz::join_files(ppi_files));
}

void store_seeds(Corpus& corpus, const fs::path& scratch) {
  gat::io::Dataset sparse = tiny_citation(9, 4);
  gat::io::Dataset dense = sparse;
  dense.features = gat::Features(sparse.features.to_dense());
  const fs::path path = scratch / "seed.gatstore";
  auto add = [&](const gat::io::Dataset& d, gat::store::FeatureType type, const std::string& tag) {
    gat::store::write_store(d, path, {.dense_features = type});
    const std::string file = read_bytes(path);
    corpus.add("store", tag, std::string(1, '\0') + file);           // as written
    corpus.add("store", tag + "-resealed", std::string(1, '\1') + file);  // checksums redone after mutation
  };
  add(sparse, gat::store::FeatureType::float32, "csr");
  add(dense, gat::store::FeatureType::float32, "float32");
  add(dense, gat::store::FeatureType::float16, "float16");
}

#ifdef GAT_FUZZ_WITH_DIST
void partition_seeds(Corpus& corpus, const fs::path& scratch) {
  const gat::io::Dataset d = tiny_citation(16, 5);
  const gat::Graph graph = gat::Graph::from_edges(d.edges);
  const gat::dist::PartitionInput input{"tiny", true, &graph, &d.features, d.labels, d.train, d.valid, d.test,
                                        gat::dist::dataset_checksum(d.edges.source, d.edges.target, d.features, d.labels)};
  for (std::int32_t parts : {1, 2}) {
    std::int64_t cut = 0;
    const auto part_of = gat::dist::metis_parts(graph, parts, &cut);
    const auto built = gat::dist::build_parts(input, part_of, parts);
    const fs::path dir = scratch / ("parts" + std::to_string(parts));
    gat::dist::write_partition(dir, input, built, gat::dist::partition_stats(built, cut, 0.0));
    corpus.add("partition", "tiny-" + std::to_string(parts),
               gat::fuzz::join_files({read_bytes(gat::dist::manifest_path(dir)), read_bytes(gat::dist::part_path(dir, 0))}));
  }
}
#endif

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: gat-fuzz-seeds OUT [DATA]\n";
    return 2;
  }
  const fs::path out = argv[1];
  // The GAT_DATA environment variable overrides the argument, as it does the CMake setting.
  const char* env_data = std::getenv("GAT_DATA");
  const fs::path data = env_data && *env_data ? fs::path(env_data) : argc == 3 ? fs::path(argv[2]) : fs::path();
  const fs::path scratch = out / ".scratch";
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  Corpus corpus(out);

  ogb_seeds(corpus, scratch);
  for (std::int64_t nodes : {6, 20}) corpus.add("linqs", "synthetic-" + std::to_string(nodes), gat::fuzz::join_files(linqs_files(tiny_citation(nodes, 6))));
  checkpoint_and_attention_seeds(corpus, scratch);
  npy_seeds(corpus, scratch);
  graph_dataset_seeds(corpus, scratch);
  store_seeds(corpus, scratch);
#ifdef GAT_FUZZ_WITH_DIST
  partition_seeds(corpus, scratch);
#endif
  if (!data.empty() && fs::is_directory(data)) {
    planetoid_seeds(corpus, data);
    if (fs::is_regular_file(data / "linqs/cora/cora.content"))
      corpus.add("linqs", "cora-slice", gat::fuzz::join_files(linqs_slice(data / "linqs/cora", "cora", 60)));
  } else {
    std::cerr << "gat-fuzz-seeds: no real datasets at '" << data.string()
              << "': the pickle and planetoid harnesses start from an empty corpus\n";
  }
  fs::remove_all(scratch);
  std::cout << "gat-fuzz-seeds: " << corpus.count() << " seeds in " << out.string() << "\n";
  return 0;
} catch (const std::exception& e) {
  std::cerr << "gat-fuzz-seeds: " << e.what() << "\n";
  return 1;
}
