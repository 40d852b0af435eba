// Checkpoints (.safetensors): the header length, the JSON header, tensor byte ranges and shapes.
#include "fuzz_input.hpp"
#include "gat/io/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = gat::fuzz::fresh_scratch_dir() / "fuzz.safetensors";
  gat::fuzz::write_piece(path, gat::fuzz::as_text(data, size), true);
  return gat::fuzz::expect_clean([&] { gat::io::read_checkpoint(path); });
}
