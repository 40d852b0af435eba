// MPI partitions: a manifest and the part of rank 0, read as `gat train --partitions` reads them
// (the part checked against the manifest), and the part file on its own.
#include "fuzz_input.hpp"
#include "gat/dist/partitioner.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  const auto pieces = gat::fuzz::split_files(gat::fuzz::as_text(data, size), 2);
  gat::fuzz::write_piece(gat::dist::manifest_path(dir), pieces[0], true);
  gat::fuzz::write_piece(gat::dist::part_path(dir, 0), pieces[1], true);
  gat::fuzz::expect_clean([&] { gat::dist::read_part(gat::dist::part_path(dir, 0)); });
  return gat::fuzz::expect_clean([&] {
    const auto manifest = gat::dist::read_manifest(dir);
    gat::dist::read_checked_part(dir, manifest, 0, manifest.identity.parts);
  });
}
