#include "gat/dist/graph_part.hpp"

#include <cstring>
#include <fstream>
#include <span>

#include "gat/core/error.hpp"
#include "gat/io/atomic_file.hpp"

namespace gat::dist {

namespace {

constexpr char kMagic[8] = {'G', 'A', 'T', 'P', 'A', 'R', 'T', '1'};
constexpr std::int64_t kVersion = 1;

class Writer {
 public:
  explicit Writer(std::ostream& out) : out_(out) {}
  void i64(std::int64_t v) { out_.write(reinterpret_cast<const char*>(&v), sizeof v); }
  template <class T>
  void array(std::span<const T> a) {
    i64(static_cast<std::int64_t>(a.size()));
    out_.write(reinterpret_cast<const char*>(a.data()), static_cast<std::streamsize>(a.size_bytes()));
  }
  template <class T>
  void array(const std::vector<T>& a) { array(std::span<const T>(a)); }

 private:
  std::ostream& out_;
};

// Reads the whole file, then hands out its fields with bounds checks: a truncated or foreign file
// is a DataError naming it, never a read past the end.
class Reader {
 public:
  explicit Reader(const std::filesystem::path& path) : path_(path.string()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(path_, 0, "cannot open the partition file");
    bytes_.assign(std::istreambuf_iterator<char>(in), {});
  }
  void magic() {
    if (bytes_.size() < sizeof kMagic || std::memcmp(bytes_.data(), kMagic, sizeof kMagic) != 0)
      fail("not a gat partition file (no GATPART1 header)");
    at_ = sizeof kMagic;
  }
  std::int64_t i64() {
    std::int64_t v;
    take(&v, sizeof v);
    return v;
  }
  template <class T>
  std::vector<T> array(std::int64_t expected, const char* what) {
    const std::int64_t n = i64();
    if (n < 0 || (expected >= 0 && n != expected))
      fail(std::string(what) + " has " + std::to_string(n) + " entries, expected " + std::to_string(expected));
    if (static_cast<std::uint64_t>(n) > (bytes_.size() - at_) / sizeof(T)) fail(std::string(what) + " is truncated");
    std::vector<T> out(static_cast<std::size_t>(n));
    take(out.data(), out.size() * sizeof(T));
    return out;
  }
  void end() {
    if (at_ != bytes_.size()) fail("has " + std::to_string(bytes_.size() - at_) + " bytes after its last array");
  }
  [[noreturn]] void fail(const std::string& message) const { throw DataError(path_, 0, message); }

 private:
  void take(void* out, std::size_t n) {
    if (n > bytes_.size() - at_) fail("is truncated");
    if (n == 0) return;  // an empty array's data() may be null, which memcpy must not see
    std::memcpy(out, bytes_.data() + at_, n);
    at_ += n;
  }
  std::string path_;
  std::vector<char> bytes_;
  std::size_t at_ = 0;
};

void require_rows_in(const Reader& r, std::span<const std::int32_t> rows, std::int64_t n, const char* what) {
  for (std::int32_t v : rows)
    if (v < 0 || v >= n) r.fail(std::string(what) + " lists row " + std::to_string(v) + ", outside [0, " + std::to_string(n) + ")");
}

void require_offsets(const Reader& r, std::span<const std::int64_t> offsets, std::int64_t total, const char* what) {
  if (offsets.front() != 0 || offsets.back() != total) r.fail(std::string(what) + " offsets do not span their array");
  for (std::size_t k = 1; k < offsets.size(); ++k)
    if (offsets[k] < offsets[k - 1]) r.fail(std::string(what) + " offsets decrease at entry " + std::to_string(k));
}

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

}  // namespace

std::filesystem::path part_path(const std::filesystem::path& dir, std::int32_t rank) {
  return dir / ("part-" + std::to_string(rank) + ".bin");
}

std::filesystem::path manifest_path(const std::filesystem::path& dir) { return dir / "manifest.json"; }

std::uint64_t dataset_checksum(std::span<const std::int32_t> sources, std::span<const std::int32_t> targets,
                               const Features& features, std::span<const std::int32_t> labels) {
  std::uint64_t h = 14695981039346656037ULL;
  h = fnv1a(h, sources.data(), sources.size_bytes());
  h = fnv1a(h, targets.data(), targets.size_bytes());
  h = fnv1a(h, labels.data(), labels.size_bytes());
  if (features.is_sparse()) {
    const auto& s = features.sparse();
    h = fnv1a(h, s.offsets.data(), s.offsets.size() * sizeof(std::int64_t));
    h = fnv1a(h, s.columns.data(), s.columns.size() * sizeof(std::int32_t));
    h = fnv1a(h, s.values.data(), s.values.size() * sizeof(float));
  } else {
    h = fnv1a(h, features.dense().data(), static_cast<std::size_t>(features.dense().size()) * sizeof(float));
  }
  return h;
}

std::uint64_t assignment_checksum(std::span<const std::int32_t> part_of) {
  return fnv1a(14695981039346656037ULL, part_of.data(), part_of.size_bytes());
}

void write_part(const std::filesystem::path& path, const GraphPart& p) {
  io::AtomicFile file(path, std::ios::out | std::ios::binary);
  std::ostream& out = file.stream();
  out.write(kMagic, sizeof kMagic);
  Writer w(out);
  const PartitionIdentity& id = p.identity;
  for (std::int64_t v : {kVersion, std::int64_t{p.rank}, std::int64_t{id.parts}, id.num_nodes, id.num_edges,
                         id.num_features, id.num_classes, static_cast<std::int64_t>(id.dataset_checksum),
                         static_cast<std::int64_t>(id.assignment_checksum)})
    w.i64(v);
  w.array(p.owned);
  w.array(p.in_offsets);
  w.array(p.in_sources);
  w.array(p.labels);
  w.array(p.train);
  w.array(p.valid);
  w.array(p.test);
  w.array(p.halo);
  w.array(p.halo_offsets);
  w.array(p.send);
  w.array(p.send_offsets);
  w.i64(p.features.is_sparse() ? 1 : 0);
  if (p.features.is_sparse()) {
    const auto& s = p.features.sparse();
    w.array(s.offsets);
    w.array(s.columns);
    w.array(s.values);
  } else {
    const auto& d = p.features.dense();
    w.array(std::span<const float>(d.data(), static_cast<std::size_t>(d.size())));
  }
  file.commit();
}

GraphPart read_part(const std::filesystem::path& path) {
  Reader r(path);
  r.magic();
  GraphPart p;
  if (const std::int64_t v = r.i64(); v != kVersion)
    r.fail("is format version " + std::to_string(v) + "; this gat reads version " + std::to_string(kVersion));
  PartitionIdentity& id = p.identity;
  p.rank = static_cast<std::int32_t>(r.i64());
  id.parts = static_cast<std::int32_t>(r.i64());
  id.num_nodes = r.i64();
  id.num_edges = r.i64();
  id.num_features = r.i64();
  id.num_classes = r.i64();
  id.dataset_checksum = static_cast<std::uint64_t>(r.i64());
  id.assignment_checksum = static_cast<std::uint64_t>(r.i64());
  if (id.parts < 1 || p.rank < 0 || p.rank >= id.parts) r.fail("names rank " + std::to_string(p.rank) + " of " + std::to_string(id.parts) + " parts");
  p.owned = r.array<std::int32_t>(-1, "the owned node list");
  const std::int64_t n = p.num_owned();
  p.in_offsets = r.array<std::int64_t>(n + 1, "the in-edge offsets");
  p.in_sources = r.array<std::int32_t>(p.in_offsets.back(), "the in-edge sources");
  require_offsets(r, p.in_offsets, static_cast<std::int64_t>(p.in_sources.size()), "the in-edge");
  p.labels = r.array<std::int32_t>(n, "the labels");
  p.train = r.array<std::int32_t>(-1, "the training split");
  p.valid = r.array<std::int32_t>(-1, "the validation split");
  p.test = r.array<std::int32_t>(-1, "the test split");
  p.halo = r.array<std::int32_t>(-1, "the halo");
  p.halo_offsets = r.array<std::int64_t>(id.parts + 1, "the halo offsets");
  require_offsets(r, p.halo_offsets, p.num_halo(), "the halo");
  p.send = r.array<std::int32_t>(-1, "the send lists");
  p.send_offsets = r.array<std::int64_t>(id.parts + 1, "the send offsets");
  require_offsets(r, p.send_offsets, static_cast<std::int64_t>(p.send.size()), "the send");
  for (const auto* split : {&p.train, &p.valid, &p.test}) require_rows_in(r, *split, n, "a split");
  require_rows_in(r, p.send, n, "a send list");
  require_rows_in(r, p.owned, id.num_nodes, "the owned node list");
  require_rows_in(r, p.halo, id.num_nodes, "the halo");
  require_rows_in(r, p.in_sources, id.num_nodes, "the in-edge sources");
  for (std::int32_t label : p.labels)
    if (label < 0 || label >= id.num_classes) r.fail("has label " + std::to_string(label) + " outside its classes");
  const std::int64_t kind = r.i64();
  if (kind == 1) {
    CsrMatrix s;
    s.rows = n;
    s.cols = id.num_features;
    s.offsets = r.array<std::int64_t>(n + 1, "the feature offsets");
    s.columns = r.array<std::int32_t>(s.offsets.back(), "the feature columns");
    s.values = r.array<float>(s.offsets.back(), "the feature values");
    require_offsets(r, s.offsets, s.nnz(), "the feature");
    try {
      s.validate();
    } catch (const Error& e) {
      r.fail(std::string("has invalid sparse features: ") + e.what());
    }
    p.features = Features(std::move(s));
  } else if (kind == 0) {
    const auto values = r.array<float>(n * id.num_features, "the features");
    Matrix d(n, id.num_features);
    std::copy(values.begin(), values.end(), d.data());
    p.features = Features(std::move(d));
  } else {
    r.fail("has feature kind " + std::to_string(kind) + " (expected 0, dense, or 1, sparse)");
  }
  r.end();
  return p;
}

}  // namespace gat::dist
