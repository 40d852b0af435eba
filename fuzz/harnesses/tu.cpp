// The TU graph-classification layout: edges, graph indicator and graph labels, and the optional
// node labels and attributes (an empty piece deletes an optional file).
#include "fuzz_input.hpp"
#include "gat/io/tu.hpp"

namespace {
const char* const kParts[] = {"A", "graph_indicator", "graph_labels", "node_labels", "node_attributes"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  const auto pieces = gat::fuzz::split_files(gat::fuzz::as_text(data, size), std::size(kParts));
  for (std::size_t i = 0; i < pieces.size(); ++i)
    gat::fuzz::write_piece(dir / (std::string("FUZZ_") + kParts[i] + ".txt"), pieces[i], i < 3);
  return gat::fuzz::expect_clean([&] { gat::io::read_tu(dir, "FUZZ"); });
}
