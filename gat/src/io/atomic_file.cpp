#include "gat/io/atomic_file.hpp"

#include <unistd.h>

#include <string>
#include <system_error>

#include "gat/core/error.hpp"

namespace gat::io {

AtomicFile::AtomicFile(std::filesystem::path path, std::ios::openmode mode)
    : path_(std::move(path)), tmp_(path_.string() + ".tmp-" + std::to_string(::getpid())) {
  out_.open(tmp_, mode | std::ios::out | std::ios::trunc);
  if (!out_) throw DataError(path_.string(), 0, "cannot open a temporary file next to it for writing");
}

AtomicFile::~AtomicFile() {
  if (finished_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(tmp_, ignored);
}

void AtomicFile::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail()) {
    std::error_code ignored;
    std::filesystem::remove(tmp_, ignored);
    finished_ = true;
    throw DataError(path_.string(), 0, "writing failed (disk full?); the file was left as it was");
  }
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  finished_ = true;
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp_, ignored);
    throw DataError(path_.string(), 0, "cannot move the new file into place: " + ec.message());
  }
}

void AtomicFile::write(const std::filesystem::path& path, std::string_view text) {
  AtomicFile file(path);
  file.stream() << text;
  file.commit();
}

}  // namespace gat::io
