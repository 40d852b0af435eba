// The OGB reader on a gzip file as it is on disk: the fuzzer mutates the compressed bytes, so
// truncated streams, bad checksums and garbage after the end reach zlib and the line reader.
#include "fuzz_input.hpp"
#include "gat/io/ogb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  gat::fuzz::write_piece(dir / "raw/num-node-list.csv", "3\n");
  gat::fuzz::write_piece(dir / "raw/num-edge-list.csv", "2\n");
  gat::fuzz::write_piece(dir / "raw/edge.csv", "0,1\n1,2\n");
  gat::fuzz::write_piece(dir / "raw/node-label.csv.gz", gat::fuzz::as_text(data, size), true);
  return gat::fuzz::expect_clean([&] { gat::io::read_ogb(dir); });
}
