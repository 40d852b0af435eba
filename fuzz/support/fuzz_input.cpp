#include "fuzz_input.hpp"

#include <cstdlib>
#include <fstream>
#include <system_error>
#include <unistd.h>

namespace gat::fuzz {

namespace fs = std::filesystem;

std::vector<std::string_view> split_files(std::string_view input, std::size_t count) {
  std::vector<std::string_view> pieces;
  pieces.reserve(count);
  while (pieces.size() + 1 < count) {
    const std::size_t at = input.find(kFileSeparator);
    if (at == std::string_view::npos) break;
    pieces.push_back(input.substr(0, at));
    input.remove_prefix(at + kFileSeparator.size());
  }
  pieces.push_back(input);
  pieces.resize(count);
  return pieces;
}

std::string join_files(const std::vector<std::string>& files) {
  std::string joined;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (i) joined += kFileSeparator;
    joined += files[i];
  }
  return joined;
}

namespace {

fs::path scratch_root() {
  if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp) return tmp;
  std::error_code ec;
  if (fs::is_directory("/dev/shm", ec)) return "/dev/shm";  // tmpfs: no disk write per input
  return fs::temp_directory_path();
}

struct ScratchDir {
  fs::path path = scratch_root() / ("gat-fuzz-" + std::to_string(::getpid()));
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

std::string& last_refusal() {
  static std::string message;
  return message;
}

const fs::path& fresh_scratch_dir() {
  static ScratchDir dir;
  std::error_code ec;
  fs::remove_all(dir.path, ec);
  fs::create_directories(dir.path);
  return dir.path;
}

void write_piece(const fs::path& path, std::string_view bytes, bool keep_empty) {
  if (bytes.empty() && !keep_empty) return;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("fuzz harness: cannot write " + path.string());
}

}  // namespace gat::fuzz
