// Attention exports read back (gat view, gat attention --check): header, layers and records.
#include "fuzz_input.hpp"
#include "gat/io/attention_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = gat::fuzz::fresh_scratch_dir() / "fuzz.json";
  gat::fuzz::write_piece(path, gat::fuzz::as_text(data, size), true);
  return gat::fuzz::expect_clean([&] { gat::io::read_attention_json(path.string()); });
}
