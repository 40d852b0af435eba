#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>

#include "gat/core/error.hpp"
#include "gat/io/atomic_file.hpp"
#include "gat/io/same_file.hpp"
#include "io_test_util.hpp"

using gat::io::AtomicFile;
namespace fs = std::filesystem;

namespace {

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

// A fresh folder holding out.txt with its old contents.
struct OldFile {
  io_test::TempDir dir{"atomic"};
  fs::path path = dir / "out.txt";
  OldFile() { io_test::write_text(path, "old contents\n"); }
  // Still the old contents, and nothing else in the folder (no temporary left behind).
  void check_unchanged() const {
    CHECK(io_test::read_bytes(path) == "old contents\n");
    CHECK(files_in(dir.path()) == 1);
  }
};

}  // namespace

TEST_CASE("an atomic file replaces the old one on commit and leaves nothing else behind", "[io]") {
  const OldFile f;
  {
    AtomicFile file(f.path);
    file.stream() << "new ";
    CHECK(io_test::read_bytes(f.path) == "old contents\n");  // not yet
    file.stream() << "contents\n";
    file.commit();
  }
  CHECK(io_test::read_bytes(f.path) == "new contents\n");
  CHECK(files_in(f.dir.path()) == 1);
  AtomicFile::write(f.path, "whole text\n");
  CHECK(io_test::read_bytes(f.path) == "whole text\n");
  CHECK(files_in(f.dir.path()) == 1);
}

TEST_CASE("an atomic file left without commit keeps the old file and removes its temporary", "[io]") {
  const OldFile f;
  try {
    AtomicFile file(f.path);
    file.stream() << "half a line";
    throw std::runtime_error("the writer fails half way");
  } catch (const std::runtime_error&) {
  }
  f.check_unchanged();
}

TEST_CASE("an atomic file whose writes failed refuses to commit and keeps the old file", "[io]") {
  const OldFile f;
  AtomicFile file(f.path);
  file.stream() << "new contents\n";
  file.stream().setstate(std::ios::badbit);  // as a full disk would leave it
  CHECK_THROWS_WITH(file.commit(), Catch::Contains(f.path.string()) && Catch::Contains("writing failed"));
  f.check_unchanged();
}

TEST_CASE("an atomic file in a missing folder is refused naming the file", "[io]") {
  io_test::TempDir dir("atomic");
  const fs::path path = dir / "no such folder" / "out.txt";
  CHECK_THROWS_AS(AtomicFile(path), gat::DataError);
  CHECK_THROWS_WITH(AtomicFile(path), Catch::Contains(path.string()));
}

TEST_CASE("an atomic file refuses a read-only target and a directory, leaving them as they were", "[io]") {
  OldFile f;
  fs::permissions(f.path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  CHECK_THROWS_WITH(AtomicFile(f.path), Catch::Contains(f.path.string()) && Catch::Contains("read-only"));
  CHECK_THROWS_AS(AtomicFile::write(f.path, "new\n"), gat::DataError);
  f.check_unchanged();
  fs::permissions(f.path, fs::perms::owner_write, fs::perm_options::add);
  CHECK_THROWS_WITH(AtomicFile(f.dir.path()), Catch::Contains("is a directory"));
}

TEST_CASE("same_file compares device and inode, or the normalised path of files not yet written", "[io]") {
  OldFile f;
  const fs::path link = f.dir / "link.txt", hard = f.dir / "hard.txt", other = f.dir / "other.txt";
  fs::create_symlink(f.path, link);
  fs::create_hard_link(f.path, hard);
  io_test::write_text(other, "old contents\n");
  CHECK(gat::io::same_file(f.path, link));
  CHECK(gat::io::same_file(hard, f.path));
  CHECK(gat::io::same_file(f.dir / "." / "out.txt", f.path));
  CHECK_FALSE(gat::io::same_file(f.path, other));
  CHECK(gat::io::same_file(f.dir / "new.txt", f.dir / "sub" / ".." / "new.txt"));
  CHECK_FALSE(gat::io::same_file(f.dir / "new.txt", f.path));
  CHECK_FALSE(gat::io::same_file(f.dir / "new.txt", f.dir / "new2.txt"));
}
