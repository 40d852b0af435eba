// The LINQS reader: <name>.content and <name>.cites together (citations of unknown papers,
// duplicate ids, ragged feature rows).
#include "fuzz_input.hpp"
#include "gat/io/linqs.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  const auto pieces = gat::fuzz::split_files(gat::fuzz::as_text(data, size), 2);
  gat::fuzz::write_piece(dir / "fuzz.content", pieces[0], true);
  gat::fuzz::write_piece(dir / "fuzz.cites", pieces[1], true);
  return gat::fuzz::expect_clean([&] { gat::io::read_linqs(dir, "fuzz"); });
}
