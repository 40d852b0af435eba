#pragma once
// What the harnesses share. A multi-file format is fuzzed as one input holding all its files,
// joined by kFileSeparator, so that the fuzzer mutates any file and the disagreements between
// them (counts, ids, shapes) as freely as each file's own bytes. The files are written to a
// private scratch directory and handed to the reader under test, which must end in success or in
// a gat::Error: any other exception escapes the harness and libFuzzer reports it as a crash, as
// it does a sanitizer report, a hang or an allocation above -malloc_limit_mb.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "gat/core/error.hpp"

namespace gat::fuzz {

inline constexpr std::string_view kFileSeparator = "\n--gat-fuzz-next-file--\n";

// The first `count` pieces of `input` split at kFileSeparator; missing pieces are empty.
std::vector<std::string_view> split_files(std::string_view input, std::size_t count);
// The inverse: a seed for a harness that reads these files in this order.
std::string join_files(const std::vector<std::string>& files);

// The harness's own directory (under TMPDIR, else /dev/shm, else the system's temporary
// directory), emptied on every call and removed when the process ends.
const std::filesystem::path& fresh_scratch_dir();

// Writes `bytes` to `path`, creating its parent directories. An empty piece is written only when
// `keep_empty`: multi-file harnesses let the fuzzer delete an optional file by emptying it.
void write_piece(const std::filesystem::path& path, std::string_view bytes, bool keep_empty = false);

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The reader's last refusal (empty after a success), for the replayer's --expect-accepted.
std::string& last_refusal();

// Runs one reader call: a gat::Error is a clean refusal; anything else propagates.
template <class Read>
int expect_clean(Read&& read) {
  last_refusal().clear();
  try {
    read();
  } catch (const gat::Error& e) {
    last_refusal() = e.what();
  }
  return 0;
}

}  // namespace gat::fuzz
