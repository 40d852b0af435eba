// GraphSAGE's PPI files: the graph JSON, the features (.npy), the id map and the class map.
#include "fuzz_input.hpp"
#include "gat/io/ppi.hpp"

namespace {
const char* const kSuffixes[] = {"-G.json", "-feats.npy", "-id_map.json", "-class_map.json"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  const auto pieces = gat::fuzz::split_files(gat::fuzz::as_text(data, size), std::size(kSuffixes));
  for (std::size_t i = 0; i < pieces.size(); ++i)
    gat::fuzz::write_piece(dir / (std::string("fuzz") + kSuffixes[i]), pieces[i], true);
  return gat::fuzz::expect_clean([&] { gat::io::read_ppi(dir, "fuzz"); });
}
