// Replays saved inputs through a harness without libFuzzer, so that any compiler builds it and
// ctest can run the regression inputs under tests/fuzz (a finding stays fixed). Arguments are
// files or directories of files; an input that crashes or throws anything but gat::Error ends
// the process as it would under the fuzzer. With --expect-accepted every input must also be
// read without a refusal (the seed corpora: valid files of each format); with --skip-missing a
// directory that does not exist skips (exit 77, ctest's SKIP_RETURN_CODE) instead of failing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  bool expect_accepted = false, skip_missing = false;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--expect-accepted") {
      expect_accepted = true;
    } else if (arg == "--skip-missing") {
      skip_missing = true;
    } else if (fs::is_directory(arg)) {
      for (const auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file()) inputs.push_back(entry.path());
    } else if (fs::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else if (skip_missing) {
      std::cout << arg << ": no such directory (no seeds of this kind without the real datasets): skipped\n";
      return 77;
    } else {
      std::cerr << arg << ": no such file or directory\n";
      return 2;
    }
  }
  std::sort(inputs.begin(), inputs.end());
  if (inputs.empty()) {
    std::cerr << "replay: no inputs given\n";
    return 2;
  }
  int refused = 0;
  for (const auto& path : inputs) {
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    if (!gat::fuzz::last_refusal().empty()) {
      ++refused;
      if (expect_accepted) std::cerr << path.string() << ": refused: " << gat::fuzz::last_refusal() << "\n";
    }
  }
  std::cout << "replayed " << inputs.size() << " inputs without a crash (" << refused << " refused cleanly)\n";
  return expect_accepted && refused ? 1 : 0;
}
