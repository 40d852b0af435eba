#pragma once
// The on-disk layout of a graph store (docs/store-format.md), and a writer that fills it section
// by section without holding a section in memory: a 10^7-node graph's 5 GB of features are
// written from a buffer of a few rows.
//
// A store is a 4096-byte header region (StoreHeader, then the section table of SectionEntry),
// then the sections, each starting on a 4096-byte boundary so that a mapped section is aligned
// for any element type. All integers and floats are little-endian.
#include <bit>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace gat::store {

static_assert(std::endian::native == std::endian::little, "graph stores are little-endian files mapped as they are");

inline constexpr char kStoreMagic[8] = {'G', 'A', 'T', 'S', 'T', 'O', 'R', 'E'};
inline constexpr std::uint32_t kStoreVersion = 1;
inline constexpr std::uint64_t kStoreAlignment = 4096;
inline constexpr std::uint32_t kMaxSections = 16;

enum class Section : std::uint32_t {
  name = 1,         // u8: the dataset's name
  in_offsets,       // i64 x (N + 1): incoming CSR row offsets
  in_sources,       // i32 x E (i64 when N > 2^31 - 1): source of each stored edge
  edge_ids,         // i64 x E, optional: input edge id of each stored edge
  features,         // N x F values (dense) or nnz values (CSR), type StoreHeader::feature_type
  feature_offsets,  // i64 x (N + 1), CSR features only
  feature_columns,  // i32 x nnz, CSR features only
  labels,           // i32 x N, in [0, num_classes)
  train,            // i32, sorted node ids
  valid,
  test,
  name_offsets,     // i64 x (N + 1), optional: node v's name is name_bytes[off[v], off[v+1])
  name_bytes,       // u8
};
const char* section_name(Section s) noexcept;

enum class ElementType : std::uint32_t { u8 = 1, i32, i64, f32, f16, bf16 };
std::uint64_t element_size(ElementType t) noexcept;

enum class FeatureType : std::uint32_t {
  float32 = 1,
  float16,
  bfloat16,
  csr_float32,  // feature_offsets, feature_columns and float32 values
};
const char* feature_type_name(FeatureType t) noexcept;

struct StoreHeader {
  char magic[8];
  std::uint32_t version;
  std::uint32_t section_count;
  std::int64_t num_nodes;
  std::int64_t num_edges;
  std::int64_t num_features;
  std::int32_t num_classes;
  std::uint32_t feature_type;  // FeatureType
  std::uint32_t header_crc;    // CRC-32 of the header and section table with this field zero
  std::uint32_t reserved[3];
};
static_assert(sizeof(StoreHeader) == 64);

struct SectionEntry {
  std::uint32_t kind;          // Section
  std::uint32_t element_type;  // ElementType
  std::uint64_t offset;        // from the start of the file, a multiple of kStoreAlignment
  std::uint64_t count;         // elements
  std::uint32_t crc;           // CRC-32 (zlib) of the section's count * element_size bytes
  std::uint32_t reserved;
};
static_assert(sizeof(SectionEntry) == 32);

// Float storage of dense features.
std::uint16_t to_float16(float x) noexcept;
std::uint16_t to_bfloat16(float x) noexcept;  // round to nearest even
float from_float16(std::uint16_t h) noexcept;
float from_bfloat16(std::uint16_t h) noexcept;

// Writes a store: the shapes first, then each section in turn (begin, append as often as
// needed, end), then commit(), which writes the header and section table and renames the
// temporary file over `path`. Without commit() the temporary is removed.
class StoreWriter {
 public:
  StoreWriter(const std::filesystem::path& path, std::int64_t num_nodes, std::int64_t num_edges,
              std::int64_t num_features, std::int32_t num_classes, FeatureType feature_type);
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  void begin(Section section, ElementType type);
  void append(const void* data, std::uint64_t bytes);
  template <class T>
  void append(std::span<const T> values) {
    append(values.data(), values.size_bytes());
  }
  // Throws InternalError when the section's bytes are not a whole number of elements.
  void end();
  // A whole section at once.
  template <class T>
  void section(Section s, ElementType type, std::span<const T> values) {
    begin(s, type);
    append(values);
    end();
  }
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gat::store
