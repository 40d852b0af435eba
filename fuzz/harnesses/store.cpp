// The memory-mapped graph store, opened with the full check and then read back whole. A store's
// sections carry CRC-32s that almost every mutation breaks; when the input's first byte is odd
// the harness first recomputes them (and the header's), so the mutations reach the structural
// checks behind the checksums: shapes, offsets, id ranges.
#include <zlib.h>

#include <cstring>
#include <string>

#include "fuzz_input.hpp"
#include "gat/store/graph_store.hpp"

namespace {

using gat::store::SectionEntry;
using gat::store::StoreHeader;

std::uint32_t crc_of(const void* p, std::uint64_t n) {
  return static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), static_cast<const Bytef*>(p), n));
}

void reseal(std::string& file) {
  if (file.size() < sizeof(StoreHeader)) return;
  StoreHeader h;
  std::memcpy(&h, file.data(), sizeof h);
  if (h.section_count > gat::store::kMaxSections) return;
  const std::size_t table_end = sizeof h + h.section_count * sizeof(SectionEntry);
  if (file.size() < table_end) return;
  for (std::uint32_t i = 0; i < h.section_count; ++i) {
    char* at = file.data() + sizeof h + i * sizeof(SectionEntry);
    SectionEntry e;
    std::memcpy(&e, at, sizeof e);
    const std::uint64_t width = gat::store::element_size(static_cast<gat::store::ElementType>(e.element_type));
    if (width == 0 || e.count > file.size() / width || e.offset > file.size() - e.count * width) continue;
    e.crc = crc_of(file.data() + e.offset, e.count * width);
    std::memcpy(at, &e, sizeof e);
  }
  h.header_crc = 0;
  std::memcpy(file.data(), &h, sizeof h);
  uLong crc = crc32_z(0L, Z_NULL, 0);
  crc = crc32_z(crc, reinterpret_cast<const Bytef*>(file.data()), table_end);
  h.header_crc = static_cast<std::uint32_t>(crc);
  std::memcpy(file.data(), &h, sizeof h);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string file(gat::fuzz::as_text(data + 1, size - 1));
  if (data[0] & 1) reseal(file);
  const auto path = gat::fuzz::fresh_scratch_dir() / "fuzz.gatstore";
  gat::fuzz::write_piece(path, file, true);
  return gat::fuzz::expect_clean([&] {
    const auto store = gat::store::GraphStore::open(path, gat::store::StoreCheck::full);
    store.to_dataset();
  });
}
