// The OGB raw layout: counts, edges, labels, features and the public split, as plain CSV (the
// reader takes .csv beside .csv.gz; the gzip layer is fuzzed by the gzip_lines harness).
#include "fuzz_input.hpp"
#include "gat/io/ogb.hpp"

namespace {
const char* const kFiles[] = {"raw/num-node-list.csv", "raw/num-edge-list.csv", "raw/edge.csv",
                              "raw/node-label.csv",    "raw/node-feat.csv",     "split/public/train.csv",
                              "split/public/valid.csv", "split/public/test.csv"};
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& dir = gat::fuzz::fresh_scratch_dir();
  const auto pieces = gat::fuzz::split_files(gat::fuzz::as_text(data, size), std::size(kFiles));
  for (std::size_t i = 0; i < pieces.size(); ++i) gat::fuzz::write_piece(dir / kFiles[i], pieces[i]);
  return gat::fuzz::expect_clean([&] { gat::io::read_ogb(dir); });
}
