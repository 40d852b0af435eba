#pragma once
// A file that takes its name only once it is complete. What is written goes to a temporary file
// next to it (NAME.tmp-PID); commit() renames that over NAME. Without commit() (an error on the
// way, an exception) the temporary is removed and whatever NAME held before is left as it was.
// Checkpoints, attention exports, predictions, training summaries and logs are written this way.
// A read-only NAME is refused (a rename would replace it whatever its mode), and SIGINT, SIGTERM
// or SIGHUP remove the temporaries being written before the process ends (unless the program
// handles or ignores those signals itself).
#include <filesystem>
#include <fstream>
#include <ios>
#include <ostream>
#include <string_view>

namespace gat::io {

class AtomicFile {
 public:
  // Throws DataError naming `path` when it is read-only or a directory, or when the temporary
  // file cannot be created.
  explicit AtomicFile(std::filesystem::path path, std::ios::openmode mode = std::ios::out);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  std::ostream& stream() noexcept { return out_; }
  const std::filesystem::path& path() const noexcept { return path_; }
  // Flushes, checks that every write succeeded and renames the temporary over the file. Throws
  // DataError naming the file (a failed write, e.g. a full disk, or a failed rename), after
  // removing the temporary.
  void commit();
  // The whole of `text` as the file, the same way.
  static void write(const std::filesystem::path& path, std::string_view text);
  // Throws the DataError the constructor would for a read-only file or a directory, so that a
  // command can refuse its outputs before it starts working.
  static void check_target(const std::filesystem::path& path);

 private:
  std::filesystem::path path_, tmp_;
  std::ofstream out_;
  bool finished_ = false;  // committed, or its temporary already removed
};

}  // namespace gat::io
