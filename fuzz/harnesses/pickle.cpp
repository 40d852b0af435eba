// The restricted unpickler of the Planetoid files, on bytes in memory.
#include "fuzz_input.hpp"
#include "gat/io/pickle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return gat::fuzz::expect_clean([&] { gat::io::pickle::parse(gat::fuzz::as_text(data, size), "fuzz.pkl"); });
}
