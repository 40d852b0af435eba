#pragma once
// Helpers of the io tests: temporary folders and small files.
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "gat/io/dataset.hpp"

namespace io_test {

// A fresh folder under the system temporary directory, removed on destruction.
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void write_text(const std::filesystem::path& path, const std::string& text);
void write_gz(const std::filesystem::path& path, const std::string& text);
std::string read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

// Field-by-field equality with a message naming the first difference ("" when equal).
std::string compare(const gat::io::Dataset& a, const gat::io::Dataset& b);

}  // namespace io_test
