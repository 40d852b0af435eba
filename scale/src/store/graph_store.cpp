#include "gat/store/graph_store.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "gat/core/check.hpp"
#include "gat/core/checked_size.hpp"
#include "gat/core/parallel.hpp"
#include "gat/graph/graph.hpp"

namespace gat::store {

struct GraphStore::Mapping {
  const char* base = nullptr;
  std::uint64_t size = 0;
  ~Mapping() {
    if (base) ::munmap(const_cast<char*>(base), size);
  }
};

GraphStore::GraphStore(GraphStore&&) noexcept = default;
GraphStore& GraphStore::operator=(GraphStore&&) noexcept = default;
GraphStore::~GraphStore() = default;

namespace {

// Reads the header region and the sections it describes, failing with the section's name.
class SectionTable {
 public:
  SectionTable(const std::filesystem::path& path, const char* base, std::uint64_t size)
      : file_(path.string()), base_(base), size_(size) {}

  [[noreturn]] void fail(const std::string& where, const std::string& message) const {
    throw DataError(file_, 0, where + ": " + message);
  }
  [[noreturn]] void fail(Section s, const std::string& message) const {
    fail(std::string("section '") + section_name(s) + "'", message);
  }

  StoreHeader read_header() {
    if (size_ < kStoreAlignment)
      fail("header", "truncated: the file has " + std::to_string(size_) + " bytes, a store's header region has " +
                         std::to_string(kStoreAlignment) + " (is this a graph store? see docs/store-format.md)");
    StoreHeader h;
    std::memcpy(&h, base_, sizeof h);
    if (std::memcmp(h.magic, kStoreMagic, sizeof h.magic) != 0)
      fail("header", "wrong magic: this is not a gat graph store (expected the file to start with GATSTORE)");
    if (h.version != kStoreVersion)
      fail("header", "version " + std::to_string(h.version) + "; this gat reads version " + std::to_string(kStoreVersion));
    if (h.section_count > kMaxSections)
      fail("header", std::to_string(h.section_count) + " sections; at most " + std::to_string(kMaxSections));
    entries_.resize(h.section_count);
    // A table of no sections is refused further on; memcpy must not see its null pointer.
    if (h.section_count) std::memcpy(entries_.data(), base_ + sizeof h, h.section_count * sizeof(SectionEntry));
    StoreHeader zeroed = h;
    zeroed.header_crc = 0;
    uLong crc = crc32_z(0L, Z_NULL, 0);
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(&zeroed), sizeof zeroed);
    crc = crc32_z(crc, reinterpret_cast<const Bytef*>(entries_.data()), entries_.size() * sizeof(SectionEntry));
    if (static_cast<std::uint32_t>(crc) != h.header_crc) fail("header", "checksum mismatch: the header is corrupt");
    if (h.num_nodes <= 0 || h.num_nodes > std::numeric_limits<std::int32_t>::max())
      fail("header", "number of nodes " + std::to_string(h.num_nodes) +
                         " out of range [1, 2^31 - 1] (gat's graphs use 32-bit node ids)");
    if (h.num_edges < 0 || h.num_features < 0 || h.num_classes <= 0)
      fail("header", "negative edge or feature count, or no classes");
    // Dense features are num_nodes x num_features values: a product that overflows is no shape.
    if (!checked_product({h.num_nodes, h.num_features}))
      fail("header", std::to_string(h.num_nodes) + " nodes x " + std::to_string(h.num_features) +
                         " features overflows a 64-bit count");
    if (h.feature_type < 1 || h.feature_type > 4) fail("header", "unknown feature type " + std::to_string(h.feature_type));
    for (const SectionEntry& e : entries_) {
      const auto kind = static_cast<Section>(e.kind);
      if (e.kind < 1 || e.kind > static_cast<std::uint32_t>(Section::name_bytes))
        fail("section table", "unknown section kind " + std::to_string(e.kind));
      if (std::count_if(entries_.begin(), entries_.end(), [&](const SectionEntry& o) { return o.kind == e.kind; }) > 1)
        fail(kind, "listed twice in the section table");
      const std::uint64_t width = element_size(static_cast<ElementType>(e.element_type));
      if (width == 0) fail(kind, "unknown element type " + std::to_string(e.element_type));
      if (e.offset % kStoreAlignment != 0 || e.offset < kStoreAlignment)
        fail(kind, "bad offset " + std::to_string(e.offset) + " (sections start on 4096-byte boundaries after the header)");
      if (e.count > (size_ - std::min(size_, e.offset)) / width)
        fail(kind, "truncated: " + std::to_string(e.count) + " elements of " + std::to_string(width) +
                       " bytes from byte " + std::to_string(e.offset) + " end past the file's " + std::to_string(size_) +
                       " bytes");
    }
    return h;
  }

  const SectionEntry* find(Section s) const {
    for (const SectionEntry& e : entries_)
      if (e.kind == static_cast<std::uint32_t>(s)) return &e;
    return nullptr;
  }
  const SectionEntry& require(Section s) const {
    const SectionEntry* e = find(s);
    if (!e) fail(s, "missing");
    return *e;
  }
  // The section as an array of `type` with `count` elements (count < 0: any).
  template <class T>
  std::span<const T> typed(Section s, ElementType type, std::int64_t count, bool optional = false) const {
    const SectionEntry* e = optional ? find(s) : &require(s);
    if (!e) return {};
    if (static_cast<ElementType>(e->element_type) != type)
      fail(s, "element type " + std::to_string(e->element_type) + ", expected " +
                  std::to_string(static_cast<std::uint32_t>(type)));
    if (count >= 0 && e->count != static_cast<std::uint64_t>(count))
      fail(s, std::to_string(e->count) + " elements, expected " + std::to_string(count));
    return {reinterpret_cast<const T*>(base_ + e->offset), static_cast<std::size_t>(e->count)};
  }

  void verify_checksums() const {
    for (const SectionEntry& e : entries_) {
      const std::uint64_t bytes = e.count * element_size(static_cast<ElementType>(e.element_type));
      const uLong crc = crc32_z(crc32_z(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(base_ + e.offset), bytes);
      if (static_cast<std::uint32_t>(crc) != e.crc) fail(static_cast<Section>(e.kind), "checksum mismatch: the data is corrupt");
    }
  }

  // Row offsets of `rows` rows over `total` entries: start at 0, never decrease, end at total.
  void check_offsets(Section s, std::span<const std::int64_t> offsets, std::int64_t total) const {
    if (offsets.front() != 0) fail(s, "the first offset is " + std::to_string(offsets.front()) + ", not 0");
    for (std::size_t v = 1; v < offsets.size(); ++v)
      if (offsets[v] < offsets[v - 1])
        fail(s, "offset " + std::to_string(v) + " (" + std::to_string(offsets[v]) + ") is below the one before (" +
                    std::to_string(offsets[v - 1]) + ")");
    if (offsets.back() != total)
      fail(s, "the last offset is " + std::to_string(offsets.back()) + " but there are " + std::to_string(total) +
                  " entries");
  }

  template <class T>
  void check_range(Section s, std::span<const T> values, std::int64_t limit, const char* what) const {
    for (std::size_t i = 0; i < values.size(); ++i)
      if (values[i] < 0 || values[i] >= limit)
        fail(s, "entry " + std::to_string(i) + " is " + std::to_string(values[i]) + ", outside the " + what + " [0, " +
                    std::to_string(limit) + ")");
  }

 private:
  std::string file_;
  const char* base_;
  std::uint64_t size_;
  std::vector<SectionEntry> entries_;
};

template <class Convert>
void widen_rows(std::span<const std::int32_t> rows, const std::uint16_t* values, std::int64_t cols, Matrix& out,
                Convert convert) {
  const auto n = static_cast<std::int64_t>(rows.size());
#pragma omp parallel for schedule(static) num_threads(num_threads())
  for (std::int64_t k = 0; k < n; ++k) {
    const std::uint16_t* in = values + static_cast<std::int64_t>(rows[static_cast<std::size_t>(k)]) * cols;
    float* o = out.row_ptr(k);
    for (std::int64_t j = 0; j < cols; ++j) o[j] = convert(in[j]);
  }
}

}  // namespace

GraphStore GraphStore::open(const std::filesystem::path& path, StoreCheck check) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw DataError(path.string(), 0, std::string("cannot open the graph store: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw DataError(path.string(), 0, "cannot stat the graph store");
  }
  auto mapping = std::make_unique<Mapping>();
  mapping->size = static_cast<std::uint64_t>(st.st_size);
  if (mapping->size > 0) {
    void* p = ::mmap(nullptr, mapping->size, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      throw DataError(path.string(), 0, std::string("cannot map the graph store: ") + std::strerror(errno));
    }
    mapping->base = static_cast<const char*>(p);
  }
  ::close(fd);

  GraphStore s;
  s.path_ = path;
  SectionTable table(path, mapping->base, mapping->size);
  s.header_ = table.read_header();
  const StoreHeader& h = s.header_;
  const std::int64_t n = h.num_nodes, m = h.num_edges, f = h.num_features;

  const auto name = table.typed<char>(Section::name, ElementType::u8, -1);
  s.name_ = std::string_view(name.data(), name.size());
  s.in_offsets_ = table.typed<std::int64_t>(Section::in_offsets, ElementType::i64, n + 1);
  s.in_sources_ = table.typed<std::int32_t>(Section::in_sources, ElementType::i32, m);
  s.edge_ids_ = table.typed<std::int64_t>(Section::edge_ids, ElementType::i64, m, true);
  s.labels_ = table.typed<std::int32_t>(Section::labels, ElementType::i32, n);
  s.train_ = table.typed<std::int32_t>(Section::train, ElementType::i32, -1);
  s.valid_ = table.typed<std::int32_t>(Section::valid, ElementType::i32, -1);
  s.test_ = table.typed<std::int32_t>(Section::test, ElementType::i32, -1);
  const auto feature_type = static_cast<FeatureType>(h.feature_type);
  if (feature_type == FeatureType::csr_float32) {
    s.feature_offsets_ = table.typed<std::int64_t>(Section::feature_offsets, ElementType::i64, n + 1);
    s.feature_columns_ = table.typed<std::int32_t>(Section::feature_columns, ElementType::i32, -1);
    const auto nnz = static_cast<std::int64_t>(s.feature_columns_.size());
    s.feature_values_ = table.typed<float>(Section::features, ElementType::f32, nnz).data();
    table.check_offsets(Section::feature_offsets, s.feature_offsets_, nnz);
  } else {
    const ElementType type = feature_type == FeatureType::float32   ? ElementType::f32
                             : feature_type == FeatureType::float16 ? ElementType::f16
                                                                    : ElementType::bf16;
    s.feature_values_ = table.typed<char>(Section::features, type, n * f).data();
  }
  s.name_offsets_ = table.typed<std::int64_t>(Section::name_offsets, ElementType::i64, n + 1, true);
  const auto name_bytes = table.typed<char>(Section::name_bytes, ElementType::u8, -1, !s.name_offsets_.empty() ? false : true);
  s.name_bytes_ = name_bytes;
  table.check_offsets(Section::in_offsets, s.in_offsets_, m);
  if (!s.name_offsets_.empty())
    table.check_offsets(Section::name_offsets, s.name_offsets_, static_cast<std::int64_t>(name_bytes.size()));

  if (check == StoreCheck::full) {
    // Ranges before checksums: an id out of range is reported as what it is.
    table.check_range(Section::in_sources, s.in_sources_, n, "node ids");
    table.check_range(Section::edge_ids, s.edge_ids_, m, "edge ids");
    table.check_range(Section::labels, s.labels_, h.num_classes, "classes");
    for (const auto& [sec, split] : {std::pair{Section::train, s.train_}, std::pair{Section::valid, s.valid_},
                                     std::pair{Section::test, s.test_}})
      table.check_range(sec, split, n, "node ids");
    if (feature_type == FeatureType::csr_float32)
      table.check_range(Section::feature_columns, s.feature_columns_, f, "feature columns");
    if (feature_type == FeatureType::float32 || feature_type == FeatureType::csr_float32) {
      const float* values = static_cast<const float*>(s.feature_values_);
      const std::int64_t count = feature_type == FeatureType::float32 ? n * f
                                                                      : static_cast<std::int64_t>(s.feature_columns_.size());
      for (std::int64_t i = 0; i < count; ++i)
        if (!std::isfinite(values[i]))
          table.fail(Section::features, "value " + std::to_string(i) + " is not finite (" + std::to_string(values[i]) + ")");
    }
    table.verify_checksums();
  }
  s.mapping_ = std::move(mapping);
  return s;
}

std::string_view GraphStore::node_name(std::int64_t v) const {
  GAT_REQUIRE(has_node_names(), "graph store ", path_.string(), " has no node names");
  GAT_REQUIRE(v >= 0 && v < num_nodes(), "graph store: node ", v, " outside [0, ", num_nodes(), ")");
  const auto begin = name_offsets_[static_cast<std::size_t>(v)], end = name_offsets_[static_cast<std::size_t>(v) + 1];
  return {name_bytes_.data() + begin, static_cast<std::size_t>(end - begin)};
}

void GraphStore::gather_features(std::span<const std::int32_t> rows, Features& out) const {
  const std::int64_t n = num_nodes(), f = num_features();
  for (std::size_t k = 0; k < rows.size(); ++k)
    GAT_REQUIRE(rows[k] >= 0 && rows[k] < n, "graph store: feature row ", k, " is node ", rows[k], ", outside [0, ", n, ")");
  const auto count = static_cast<std::int64_t>(rows.size());
  if (sparse_features()) {
    if (!out.is_sparse()) out = Features(CsrMatrix{});
    CsrMatrix& m = out.sparse();
    const float* values = static_cast<const float*>(feature_values_);
    m.rows = count;
    m.cols = f;
    m.offsets.resize(rows.size() + 1);
    m.offsets[0] = 0;
    for (std::size_t k = 0; k < rows.size(); ++k)
      m.offsets[k + 1] = m.offsets[k] + feature_offsets_[rows[k] + 1] - feature_offsets_[rows[k]];
    m.columns.resize(static_cast<std::size_t>(m.offsets.back()));
    m.values.resize(static_cast<std::size_t>(m.offsets.back()));
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const std::int64_t begin = feature_offsets_[rows[k]], len = feature_offsets_[rows[k] + 1] - begin;
      std::copy_n(feature_columns_.data() + begin, len, m.columns.data() + m.offsets[k]);
      std::copy_n(values + begin, len, m.values.data() + m.offsets[k]);
    }
    return;
  }
  if (out.is_sparse()) out = Features(Matrix{});
  Matrix& m = out.dense();
  m.resize_uninitialized(count, f);
  switch (feature_type()) {
    case FeatureType::float32: {
      const float* values = static_cast<const float*>(feature_values_);
#pragma omp parallel for schedule(static) num_threads(num_threads())
      for (std::int64_t k = 0; k < count; ++k)
        std::copy_n(values + static_cast<std::int64_t>(rows[static_cast<std::size_t>(k)]) * f, f, m.row_ptr(k));
      break;
    }
    case FeatureType::float16:
      widen_rows(rows, static_cast<const std::uint16_t*>(feature_values_), f, m, from_float16);
      break;
    case FeatureType::bfloat16:
      widen_rows(rows, static_cast<const std::uint16_t*>(feature_values_), f, m, from_bfloat16);
      break;
    case FeatureType::csr_float32: break;
  }
}

io::Dataset GraphStore::to_dataset() const {
  const std::int64_t n = num_nodes(), m = num_edges();
  io::Dataset d;
  d.name = std::string(name_);
  d.num_classes = num_classes();
  d.edges.num_nodes = n;
  d.edges.source.resize(static_cast<std::size_t>(m));
  d.edges.target.resize(static_cast<std::size_t>(m));
  std::vector<char> placed(edge_ids_.empty() ? 0 : static_cast<std::size_t>(m), 0);
  for (std::int64_t v = 0; v < n; ++v)
    for (std::int64_t e = in_offsets_[static_cast<std::size_t>(v)]; e < in_offsets_[static_cast<std::size_t>(v) + 1]; ++e) {
      std::int64_t at = e;
      if (!edge_ids_.empty()) {
        at = edge_ids_[static_cast<std::size_t>(e)];
        if (at < 0 || at >= m || placed[static_cast<std::size_t>(at)])
          throw DataError(path_.string(), 0, "section 'edge_ids': entry " + std::to_string(e) + " (" +
                                                 std::to_string(at) + ") is out of range or repeated");
        placed[static_cast<std::size_t>(at)] = 1;
      }
      d.edges.source[static_cast<std::size_t>(at)] = in_sources_[static_cast<std::size_t>(e)];
      d.edges.target[static_cast<std::size_t>(at)] = static_cast<NodeId>(v);
    }
  std::vector<std::int32_t> all(static_cast<std::size_t>(n));
  for (std::int64_t v = 0; v < n; ++v) all[static_cast<std::size_t>(v)] = static_cast<std::int32_t>(v);
  gather_features(all, d.features);
  d.labels.assign(labels_.begin(), labels_.end());
  d.train.assign(train_.begin(), train_.end());
  d.valid.assign(valid_.begin(), valid_.end());
  d.test.assign(test_.begin(), test_.end());
  if (has_node_names()) {
    d.node_names.reserve(static_cast<std::size_t>(n));
    for (std::int64_t v = 0; v < n; ++v) d.node_names.emplace_back(node_name(v));
  }
  io::validate(d, path_.string());
  return d;
}

bool is_graph_store(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  std::ifstream in(path, std::ios::binary);
  char magic[sizeof kStoreMagic] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == sizeof magic && std::memcmp(magic, kStoreMagic, sizeof magic) == 0;
}

namespace {

template <class T>
std::span<const T> as_span(const std::vector<T>& v) {
  return v;
}

void write_dense_features(StoreWriter& w, const Matrix& x, FeatureType type) {
  if (type == FeatureType::float32) {
    w.section(Section::features, ElementType::f32, std::span<const float>(x.data(), static_cast<std::size_t>(x.size())));
    return;
  }
  w.begin(Section::features, type == FeatureType::float16 ? ElementType::f16 : ElementType::bf16);
  std::vector<std::uint16_t> row(static_cast<std::size_t>(x.cols()));
  for (std::int64_t r = 0; r < x.rows(); ++r) {
    const float* in = x.row_ptr(r);
    for (std::int64_t j = 0; j < x.cols(); ++j)
      row[static_cast<std::size_t>(j)] = type == FeatureType::float16 ? to_float16(in[j]) : to_bfloat16(in[j]);
    w.append(as_span(row));
  }
  w.end();
}

}  // namespace

void write_store(const io::Dataset& d, const std::filesystem::path& path, const StoreWriteOptions& options) {
  GAT_REQUIRE(options.dense_features != FeatureType::csr_float32,
              "write_store: dense features are stored as float32, float16 or bfloat16");
  const Graph g = Graph::from_edges(d.edges);
  const FeatureType type = d.features.is_sparse() ? FeatureType::csr_float32 : options.dense_features;
  StoreWriter w(path, d.num_nodes(), g.num_edges(), d.features.cols(), d.num_classes, type);
  w.section(Section::name, ElementType::u8, std::span<const char>(d.name.data(), d.name.size()));
  w.section(Section::in_offsets, ElementType::i64, g.in_offsets());
  w.section(Section::in_sources, ElementType::i32, g.in_sources());
  const auto ids = g.input_edge_ids();
  bool identity = true;
  for (std::size_t e = 0; e < ids.size() && identity; ++e) identity = ids[e] == static_cast<std::int64_t>(e);
  if (!identity) w.section(Section::edge_ids, ElementType::i64, ids);
  if (d.features.is_sparse()) {
    const CsrMatrix& x = d.features.sparse();
    w.section(Section::features, ElementType::f32, as_span(x.values));
    w.section(Section::feature_offsets, ElementType::i64, as_span(x.offsets));
    w.section(Section::feature_columns, ElementType::i32, as_span(x.columns));
  } else {
    write_dense_features(w, d.features.dense(), type);
  }
  w.section(Section::labels, ElementType::i32, as_span(d.labels));
  w.section(Section::train, ElementType::i32, as_span(d.train));
  w.section(Section::valid, ElementType::i32, as_span(d.valid));
  w.section(Section::test, ElementType::i32, as_span(d.test));
  if (!d.node_names.empty()) {
    std::vector<std::int64_t> offsets{0};
    std::string bytes;
    for (const std::string& s : d.node_names) {
      bytes += s;
      offsets.push_back(static_cast<std::int64_t>(bytes.size()));
    }
    w.section(Section::name_offsets, ElementType::i64, as_span(offsets));
    w.section(Section::name_bytes, ElementType::u8, std::span<const char>(bytes.data(), bytes.size()));
  }
  w.commit();
}

}  // namespace gat::store
