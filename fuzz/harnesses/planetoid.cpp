// The Planetoid reader: the eight ind.<name>.* files (seven pickles and the test index) together,
// so that their shapes and the test index can disagree.
#include "fuzz_input.hpp"
#include "gat/io/planetoid.hpp"

namespace {
const char* const kParts[] = {"x", "y", "tx", "ty", "allx", "ally", "graph", "test.index"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  const auto pieces = gat::fuzz::split_files(gat::fuzz::as_text(data, size), std::size(kParts));
  for (std::size_t i = 0; i < pieces.size(); ++i)
    gat::fuzz::write_piece(dir / (std::string("ind.fuzz.") + kParts[i]), pieces[i]);
  return gat::fuzz::expect_clean([&] { gat::io::read_planetoid(dir, "fuzz"); });
}
