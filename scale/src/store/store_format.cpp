#include "gat/store/store_format.hpp"

#include <zlib.h>

#include <cstring>
#include <ostream>

#include "gat/core/error.hpp"
#include "gat/io/atomic_file.hpp"

namespace gat::store {

const char* section_name(Section s) noexcept {
  switch (s) {
    case Section::name: return "name";
    case Section::in_offsets: return "in_offsets";
    case Section::in_sources: return "in_sources";
    case Section::edge_ids: return "edge_ids";
    case Section::features: return "features";
    case Section::feature_offsets: return "feature_offsets";
    case Section::feature_columns: return "feature_columns";
    case Section::labels: return "labels";
    case Section::train: return "train";
    case Section::valid: return "valid";
    case Section::test: return "test";
    case Section::name_offsets: return "name_offsets";
    case Section::name_bytes: return "name_bytes";
  }
  return "unknown";
}

std::uint64_t element_size(ElementType t) noexcept {
  switch (t) {
    case ElementType::u8: return 1;
    case ElementType::f16:
    case ElementType::bf16: return 2;
    case ElementType::i32:
    case ElementType::f32: return 4;
    case ElementType::i64: return 8;
  }
  return 0;
}

const char* feature_type_name(FeatureType t) noexcept {
  switch (t) {
    case FeatureType::float32: return "float32";
    case FeatureType::float16: return "float16";
    case FeatureType::bfloat16: return "bfloat16";
    case FeatureType::csr_float32: return "csr_float32";
  }
  return "unknown";
}

#ifdef __FLT16_MAX__  // the compiler has _Float16 (g++ 12 on x86-64 does; clang 14 does not)
std::uint16_t to_float16(float x) noexcept {
  const _Float16 h = static_cast<_Float16>(x);
  return std::bit_cast<std::uint16_t>(h);
}

float from_float16(std::uint16_t h) noexcept { return static_cast<float>(std::bit_cast<_Float16>(h)); }
#else
// IEEE binary16 by hand, rounding to nearest even as the _Float16 conversion does.
std::uint16_t to_float16(float x) noexcept {
  std::uint32_t f = std::bit_cast<std::uint32_t>(x);
  const auto sign = static_cast<std::uint16_t>((f >> 16) & 0x8000u);
  f &= 0x7fffffffu;
  if (f >= 0x7f800000u) return sign | (f > 0x7f800000u ? 0x7e00u : 0x7c00u);  // NaN, infinity
  if (f >= 0x477ff000u) return sign | 0x7c00u;                                   // rounds past 65504
  if (f < 0x38800000u) {
    // Below 2^-14 the half is subnormal: adding 0.5 puts the value's bits where the half's
    // mantissa goes, and the float addition rounds them to nearest even.
    const float shifted = std::bit_cast<float>(f) + 0.5f;
    return sign | static_cast<std::uint16_t>(std::bit_cast<std::uint32_t>(shifted) - 0x3f000000u);
  }
  const std::uint32_t odd = (f >> 13) & 1u;
  f += 0xc8000fffu + odd;  // rebias the exponent by -112 and round the 13 dropped bits to even
  return sign | static_cast<std::uint16_t>(f >> 13);
}

float from_float16(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t exponent = (h >> 10) & 0x1fu, mantissa = h & 0x3ffu;
  if (exponent == 0) {
    const float magnitude = static_cast<float>(mantissa) * 0x1p-24f;  // exact
    return std::bit_cast<float>(sign | std::bit_cast<std::uint32_t>(magnitude));
  }
  if (exponent == 31) return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13));
  return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
}
#endif

std::uint16_t to_bfloat16(float x) noexcept {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
  if ((u & 0x7fffffffU) > 0x7f800000U) return static_cast<std::uint16_t>((u >> 16) | 0x40U);  // NaN stays NaN
  const std::uint32_t rounding = 0x7fffU + ((u >> 16) & 1U);
  return static_cast<std::uint16_t>((u + rounding) >> 16);
}

float from_bfloat16(std::uint16_t h) noexcept { return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16); }

struct StoreWriter::Impl {
  io::AtomicFile file;
  StoreHeader header{};
  std::vector<SectionEntry> table;
  std::uint64_t position = 0;  // bytes written so far
  bool open_section = false;

  explicit Impl(const std::filesystem::path& path) : file(path, std::ios::out | std::ios::binary) {}

  void write(const void* data, std::uint64_t bytes) {
    file.stream().write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
    position += bytes;
  }
  void pad_to_alignment() {
    static const char zeros[kStoreAlignment] = {};
    const std::uint64_t pad = (kStoreAlignment - position % kStoreAlignment) % kStoreAlignment;
    write(zeros, pad);
  }
};

StoreWriter::StoreWriter(const std::filesystem::path& path, std::int64_t num_nodes, std::int64_t num_edges,
                         std::int64_t num_features, std::int32_t num_classes, FeatureType feature_type)
    : impl_(std::make_unique<Impl>(path)) {
  StoreHeader& h = impl_->header;
  std::memcpy(h.magic, kStoreMagic, sizeof h.magic);
  h.version = kStoreVersion;
  h.num_nodes = num_nodes;
  h.num_edges = num_edges;
  h.num_features = num_features;
  h.num_classes = num_classes;
  h.feature_type = static_cast<std::uint32_t>(feature_type);
  static const char zeros[kStoreAlignment] = {};
  impl_->write(zeros, kStoreAlignment);  // the header region, filled in by commit()
}

StoreWriter::~StoreWriter() = default;

void StoreWriter::begin(Section section, ElementType type) {
  if (impl_->open_section) throw InternalError("StoreWriter: begin() while a section is open");
  if (impl_->table.size() >= kMaxSections) throw InternalError("StoreWriter: more than 16 sections");
  impl_->pad_to_alignment();
  SectionEntry e{};
  e.kind = static_cast<std::uint32_t>(section);
  e.element_type = static_cast<std::uint32_t>(type);
  e.offset = impl_->position;
  e.crc = static_cast<std::uint32_t>(crc32_z(0L, Z_NULL, 0));
  impl_->table.push_back(e);
  impl_->open_section = true;
}

void StoreWriter::append(const void* data, std::uint64_t bytes) {
  if (!impl_->open_section) throw InternalError("StoreWriter: append() outside a section");
  SectionEntry& e = impl_->table.back();
  e.crc = static_cast<std::uint32_t>(crc32_z(e.crc, static_cast<const Bytef*>(data), bytes));
  impl_->write(data, bytes);
}

void StoreWriter::end() {
  if (!impl_->open_section) throw InternalError("StoreWriter: end() outside a section");
  SectionEntry& e = impl_->table.back();
  const std::uint64_t bytes = impl_->position - e.offset;
  const std::uint64_t size = element_size(static_cast<ElementType>(e.element_type));
  if (size == 0 || bytes % size != 0)
    throw InternalError(std::string("StoreWriter: section ") + section_name(static_cast<Section>(e.kind)) +
                        " is not a whole number of elements");
  e.count = bytes / size;
  impl_->open_section = false;
}

void StoreWriter::commit() {
  if (impl_->open_section) throw InternalError("StoreWriter: commit() while a section is open");
  impl_->pad_to_alignment();
  StoreHeader& h = impl_->header;
  h.section_count = static_cast<std::uint32_t>(impl_->table.size());
  h.header_crc = 0;
  uLong crc = crc32_z(0L, Z_NULL, 0);
  crc = crc32_z(crc, reinterpret_cast<const Bytef*>(&h), sizeof h);
  crc = crc32_z(crc, reinterpret_cast<const Bytef*>(impl_->table.data()), impl_->table.size() * sizeof(SectionEntry));
  h.header_crc = static_cast<std::uint32_t>(crc);
  std::ostream& out = impl_->file.stream();
  out.seekp(0);
  out.write(reinterpret_cast<const char*>(&h), sizeof h);
  out.write(reinterpret_cast<const char*>(impl_->table.data()),
            static_cast<std::streamsize>(impl_->table.size() * sizeof(SectionEntry)));
  out.seekp(0, std::ios::end);
  impl_->file.commit();
}

}  // namespace gat::store
