// The OGB raw layout: streaming reader and writer.
//
// Reading keeps at most one decompression buffer of text in memory. Features are parsed into a
// CSR of their nonzeros while streaming (what a bag-of-words needs) and converted to dense at
// the end only when some value is not 1; dense inputs briefly cost 8 bytes per nonzero.
#include "gat/io/ogb.hpp"

#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <system_error>

#include "io/text_reader.hpp"

namespace gat::io {

namespace fs = std::filesystem;
using detail::LineReader;

namespace {

// raw/<stem>.csv.gz, else raw/<stem>.csv; empty when neither exists.
fs::path find_csv(const fs::path& dir, const std::string& stem) {
  std::error_code ec;
  for (const char* ext : {".csv.gz", ".csv"}) {
    fs::path p = dir / (stem + ext);
    if (fs::is_regular_file(p, ec)) return p;
  }
  return {};
}

fs::path require_csv(const fs::path& dir, const std::string& stem) {
  fs::path p = find_csv(dir, stem);
  if (p.empty()) throw DataError((dir / (stem + ".csv.gz")).string(), 0, "missing file (also looked for .csv)");
  return p;
}

// A count read from one file and checked against another: messages about a mismatch name both,
// since either file can be the wrong one.
struct Count {
  std::int64_t value;
  fs::path file;
  std::string says(const char* what) const {
    return file.filename().string() + " says " + std::to_string(value) + " " + what;
  }
};

std::int64_t read_single_count(const fs::path& path) {
  LineReader in(path);
  std::string_view line;
  std::int64_t value = -1;
  bool seen = false;
  while (in.next(line)) {
    if (line.empty()) continue;
    if (seen) in.fail("expected a single number, found a second line " + detail::quote(line));
    if (!detail::parse_int(line, value) || value < 0) in.fail("expected a non-negative integer, found " + detail::quote(line));
    seen = true;
  }
  if (!seen) throw DataError(path.string(), 0, "empty file (expected one number)");
  return value;
}

EdgeList read_edges(const fs::path& path, const Count& nodes, const Count& edge_count) {
  const std::int64_t num_nodes = nodes.value, num_edges = edge_count.value;
  EdgeList edges;
  edges.num_nodes = num_nodes;
  // Reserve only what a small file surely has: a corrupt count must not allocate gigabytes.
  edges.source.reserve(static_cast<std::size_t>(std::min<std::int64_t>(num_edges, 1 << 22)));
  edges.target.reserve(edges.source.capacity());
  LineReader in(path);
  std::string_view line;
  while (in.next(line)) {
    const auto comma = line.find(',');
    std::int64_t s = -1, t = -1;
    if (comma == std::string_view::npos || !detail::parse_int(line.substr(0, comma), s) ||
        !detail::parse_int(line.substr(comma + 1), t))
      in.fail("expected \"source,target\", found " + detail::quote(line));
    if (s < 0 || s >= num_nodes || t < 0 || t >= num_nodes)
      in.fail("node id out of range [0, " + std::to_string(num_nodes) + ") (" + nodes.says("nodes") +
              "): " + detail::quote(line));
    if (edges.num_edges() >= num_edges) in.fail("more edges than " + edge_count.says("edges"));
    edges.source.push_back(static_cast<NodeId>(s));
    edges.target.push_back(static_cast<NodeId>(t));
  }
  if (edges.num_edges() != num_edges)
    throw DataError(path.string(), in.line_number(),
                    "found " + std::to_string(edges.num_edges()) + " edges, but " + edge_count.says("edges") +
                        " (one of the two files is wrong; truncated?)");
  return edges;
}

Features read_features(const fs::path& path, const Count& nodes) {
  const std::int64_t num_nodes = nodes.value;
  CsrMatrix csr;
  csr.rows = 0;
  csr.cols = -1;
  csr.offsets.assign(1, 0);
  csr.offsets.reserve(static_cast<std::size_t>(std::min<std::int64_t>(num_nodes, 1 << 22)) + 1);
  LineReader in(path);
  std::string_view line;
  while (in.next(line)) {
    if (csr.rows >= num_nodes) in.fail("more feature rows than " + nodes.says("nodes"));
    std::int64_t col = 0;
    std::size_t pos = 0;
    for (;;) {
      std::size_t comma = line.find(',', pos);
      const std::string_view field = line.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      if (field.size() == 1 && field[0] == '0') {
        // the common case: a zero
      } else if (field.size() == 1 && field[0] == '1') {
        csr.columns.push_back(static_cast<std::int32_t>(col));
        csr.values.push_back(1.0f);
      } else {
        float v = 0;
        if (!detail::parse_float(field, v))
          in.fail("column " + std::to_string(col + 1) + ": expected a finite number, found " + detail::quote(field));
        if (v != 0.0f) {
          csr.columns.push_back(static_cast<std::int32_t>(col));
          csr.values.push_back(v);
        }
      }
      ++col;
      if (col > (std::int64_t{1} << 30)) in.fail("too many columns");
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
    if (csr.cols < 0)
      csr.cols = col;
    else if (col != csr.cols)
      in.fail("row has " + std::to_string(col) + " values, the first row has " + std::to_string(csr.cols));
    ++csr.rows;
    csr.offsets.push_back(static_cast<std::int64_t>(csr.values.size()));
  }
  if (csr.rows != num_nodes)
    throw DataError(path.string(), in.line_number(),
                    "found " + std::to_string(csr.rows) + " feature rows, but " + nodes.says("nodes") +
                        " (one of the two files is wrong; truncated?)");
  if (csr.cols < 0) csr.cols = 0;
  return choose_feature_storage(std::move(csr));
}

std::vector<std::int32_t> read_labels(const fs::path& path, const Count& nodes) {
  const std::int64_t num_nodes = nodes.value;
  std::vector<std::int32_t> labels;
  labels.reserve(static_cast<std::size_t>(std::min<std::int64_t>(num_nodes, 1 << 22)));
  LineReader in(path);
  std::string_view line;
  while (in.next(line)) {
    std::int64_t v = -1;
    if (!detail::parse_int(line, v)) {
      // OGB writes float labels ("3.0") for some datasets: accept integral floats.
      float f = 0;
      if (!detail::parse_float(line, f) || f != std::floor(f)) in.fail("expected an integer class, found " + detail::quote(line));
      // Converting a float such as 2e19 to an integer is undefined: out of range becomes -1,
      // which the range check below refuses.
      v = f >= 0 && f < (1 << 24) ? static_cast<std::int64_t>(f) : -1;
    }
    if (v < 0 || v >= (1 << 24)) in.fail("class out of range: " + detail::quote(line));
    if (static_cast<std::int64_t>(labels.size()) >= num_nodes)
      in.fail("more labels than " + nodes.says("nodes"));
    labels.push_back(static_cast<std::int32_t>(v));
  }
  if (static_cast<std::int64_t>(labels.size()) != num_nodes)
    throw DataError(path.string(), in.line_number(),
                    "found " + std::to_string(labels.size()) + " labels, but " + nodes.says("nodes") +
                        " (one of the two files is wrong; truncated?)");
  return labels;
}

std::vector<NodeId> read_index_list(const fs::path& path, const Count& nodes) {
  const std::int64_t num_nodes = nodes.value;
  std::vector<NodeId> ids;
  LineReader in(path);
  std::string_view line;
  while (in.next(line)) {
    if (line.empty()) continue;
    std::int64_t v = -1;
    if (!detail::parse_int(line, v)) in.fail("expected a node index, found " + detail::quote(line));
    if (v < 0 || v >= num_nodes) in.fail("node index out of range [0, " + std::to_string(num_nodes) + ") (" + nodes.says("nodes") +
              "): " + detail::quote(line));
    ids.push_back(static_cast<NodeId>(v));
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end())
    throw DataError(path.string(), 0, "node " + std::to_string(*std::adjacent_find(ids.begin(), ids.end())) + " is listed twice");
  return ids;
}

fs::path choose_split(const fs::path& dir, const std::string& wanted) {
  const fs::path split_root = dir / "split";
  std::error_code ec;
  if (!wanted.empty()) {
    if (!fs::is_directory(split_root / wanted, ec))
      throw DataError((split_root / wanted).string(), 0, "split folder not found");
    return split_root / wanted;
  }
  if (!fs::is_directory(split_root, ec)) return {};
  if (fs::is_directory(split_root / "public", ec)) return split_root / "public";
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(split_root, ec))
    if (entry.is_directory()) found.push_back(entry.path());
  if (found.size() == 1) return found[0];
  if (found.empty()) return {};
  std::string names;
  std::sort(found.begin(), found.end());
  for (const auto& p : found) names += " " + p.filename().string();
  throw InvalidArgument(split_root.string() + ": several splits (" + names.substr(1) +
                        "), none named 'public'; choose one with the split option (--split)");
}

}  // namespace

bool is_ogb_dir(const fs::path& dir) { return !find_csv(dir / "raw", "edge").empty(); }

Dataset read_ogb(const fs::path& dir, const OgbOptions& options) {
  const fs::path raw = dir / "raw";
  Dataset d;
  d.name = fs::path(dir).lexically_normal().filename().string();
  if (d.name.empty()) d.name = fs::path(dir).lexically_normal().parent_path().filename().string();

  const fs::path node_count_file = require_csv(raw, "num-node-list");
  const Count n{read_single_count(node_count_file), node_count_file};
  if (n.value <= 0 || n.value > std::int64_t{2147483647})
    throw DataError(node_count_file.string(), 1, "number of nodes out of range: " + std::to_string(n.value));
  const fs::path edge_count_file = require_csv(raw, "num-edge-list");
  const Count e{read_single_count(edge_count_file), edge_count_file};
  d.edges = read_edges(require_csv(raw, "edge"), n, e);

  const fs::path label_path = require_csv(raw, "node-label");
  d.labels = read_labels(label_path, n);
  d.num_classes = d.labels.empty() ? 0 : *std::max_element(d.labels.begin(), d.labels.end()) + 1;

  if (fs::path feat = find_csv(raw, "node-feat"); !feat.empty()) {
    d.features = read_features(feat, n);
  } else {
    d.features = Features(CsrMatrix{n.value, 0, std::vector<std::int64_t>(static_cast<std::size_t>(n.value) + 1, 0), {}, {}});
  }
  if (const fs::path split = choose_split(dir, options.split); !split.empty()) {
    d.train = read_index_list(require_csv(split, "train"), n);
    d.valid = read_index_list(require_csv(split, "valid"), n);
    d.test = read_index_list(require_csv(split, "test"), n);
    for (const char* part : {"train", "valid", "test"}) d.files.push_back(require_csv(split, part));
  }
  for (const char* part : {"num-node-list", "num-edge-list", "edge", "node-label", "node-feat"})
    if (fs::path p = find_csv(raw, part); !p.empty()) d.files.push_back(p);
  validate(d, dir.string());
  return d;
}

// ---------------------------------------------------------------------------------------------
// Writer

namespace {

class GzWriter {
 public:
  explicit GzWriter(const fs::path& path) : path_(path), temp_(path.string() + ".tmp") {
    file_ = gzopen(temp_.c_str(), "wb");
    if (!file_) throw Error(ErrorKind::internal, temp_.string() + ": cannot create the file");
    buffer_.reserve(1 << 16);
  }
  ~GzWriter() {
    if (file_) {
      gzclose(file_);
      std::error_code ec;
      fs::remove(temp_, ec);
    }
  }
  void put(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= (1 << 16)) flush();
  }
  void put(char c) { buffer_.push_back(c); }
  void put_int(std::int64_t v) {
    char tmp[24];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);
    buffer_.append(tmp, p);
  }
  void put_float(float v) {
    if (v == 0.0f) {
      buffer_.push_back('0');
      return;
    }
    if (v == 1.0f) {
      buffer_.push_back('1');
      return;
    }
    char tmp[48];
    auto [p, ec] = std::to_chars(tmp, tmp + sizeof tmp, v);  // shortest round-trip form
    buffer_.append(tmp, p);
  }
  void close() {
    flush();
    const int rc = gzclose(file_);
    file_ = nullptr;
    if (rc != Z_OK) throw Error(ErrorKind::internal, temp_.string() + ": write failed");
    std::error_code ec;
    fs::rename(temp_, path_, ec);
    if (ec) throw Error(ErrorKind::internal, path_.string() + ": cannot rename from .tmp: " + ec.message());
  }

 private:
  void flush() {
    if (buffer_.empty()) return;
    if (gzwrite(file_, buffer_.data(), static_cast<unsigned>(buffer_.size())) != static_cast<int>(buffer_.size()))
      throw Error(ErrorKind::internal, temp_.string() + ": write failed (disk full?)");
    buffer_.clear();
  }
  fs::path path_, temp_;
  gzFile file_ = nullptr;
  std::string buffer_;
};

void write_ids(const fs::path& path, const std::vector<NodeId>& ids) {
  GzWriter out(path);
  for (NodeId v : ids) {
    out.put_int(v);
    out.put('\n');
  }
  out.close();
}

}  // namespace

void write_ogb(const Dataset& d, const fs::path& dir) {
  validate(d, d.name.empty() ? "dataset" : d.name);
  const fs::path raw = dir / "raw";
  const fs::path split = dir / "split" / "public";
  fs::create_directories(raw);
  fs::create_directories(split);
  const std::int64_t n = d.num_nodes();
  {
    GzWriter out(raw / "num-node-list.csv.gz");
    out.put_int(n);
    out.put('\n');
    out.close();
  }
  {
    GzWriter out(raw / "num-edge-list.csv.gz");
    out.put_int(d.edges.num_edges());
    out.put('\n');
    out.close();
  }
  {
    GzWriter out(raw / "edge.csv.gz");
    for (std::int64_t i = 0; i < d.edges.num_edges(); ++i) {
      out.put_int(d.edges.source[i]);
      out.put(',');
      out.put_int(d.edges.target[i]);
      out.put('\n');
    }
    out.close();
  }
  if (d.features.cols() > 0) {
    GzWriter out(raw / "node-feat.csv.gz");
    const std::int64_t f = d.features.cols();
    std::vector<float> row(static_cast<std::size_t>(f));
    for (std::int64_t r = 0; r < n; ++r) {
      if (d.features.is_sparse()) {
        std::fill(row.begin(), row.end(), 0.0f);
        const auto& s = d.features.sparse();
        for (std::int64_t k = s.offsets[r]; k < s.offsets[r + 1]; ++k) row[s.columns[k]] = s.values[k];
      } else {
        std::copy_n(d.features.dense().row_ptr(r), f, row.begin());
      }
      for (std::int64_t c = 0; c < f; ++c) {
        if (c) out.put(',');
        out.put_float(row[c]);
      }
      out.put('\n');
    }
    out.close();
  }
  {
    GzWriter out(raw / "node-label.csv.gz");
    for (std::int32_t y : d.labels) {
      out.put_int(y);
      out.put('\n');
    }
    out.close();
  }
  write_ids(split / "train.csv.gz", d.train);
  write_ids(split / "valid.csv.gz", d.valid);
  write_ids(split / "test.csv.gz", d.test);
  std::ofstream(dir / "RELEASE_v1.txt") << "# OGB raw layout written by gat::io::write_ogb\n";
}

}  // namespace gat::io
