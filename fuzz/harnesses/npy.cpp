// The strict .npy reader: magic, version, header dictionary, dtype, shape, and the data's length.
#include "fuzz_input.hpp"
#include "gat/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = gat::fuzz::fresh_scratch_dir() / "fuzz.npy";
  gat::fuzz::write_piece(path, gat::fuzz::as_text(data, size), true);
  return gat::fuzz::expect_clean([&] { gat::io::read_npy(path); });
}
