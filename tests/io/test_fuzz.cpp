// Mutation fuzzing of the real Cora files in all three formats: truncation, byte flips, deleted
// and duplicated lines, deleted byte ranges, in a seeded loop. Every load must either throw
// gat::DataError or return a dataset that passes validate(): never a crash, a hang, another
// exception, or a silently invalid dataset. (Run under -DGAT_SANITIZE=ON as well.)
#include <catch2/catch.hpp>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>

#include "gat/core/random.hpp"
#include "gat/io/linqs.hpp"
#include "gat/io/ogb.hpp"
#include "gat/io/planetoid.hpp"
#include "io_test_util.hpp"
#include "support/test_support.hpp"

using namespace gat::io;
namespace fs = std::filesystem;

namespace {

std::string gunzip(const fs::path& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  std::string out;
  char buf[1 << 16];
  int got;
  while ((got = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(got));
  gzclose(f);
  return out;
}

std::vector<fs::path> files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir));
  std::sort(files.begin(), files.end());
  return files;
}

// Applies one seeded mutation to `file`; returns a description.
std::string mutate(const fs::path& file, const gat::RandomKey& key) {
  const bool gz = file.extension() == ".gz";
  const bool text = gz || file.extension() != "" && file.string().find("ind.") == std::string::npos;
  const bool pickled = file.filename().string().rfind("ind.", 0) == 0 && file.extension() != ".index";
  std::string bytes = io_test::read_bytes(file);
  auto pick = [&](std::uint64_t i, std::size_t n) { return n ? static_cast<std::size_t>(key.bits(i) % n) : 0; };
  const int kind = static_cast<int>(key.bits(0) % 5);
  if (kind == 0) {  // truncate
    const std::size_t at = pick(1, bytes.size() + 1);
    io_test::write_bytes(file, bytes.substr(0, at));
    return "truncate at " + std::to_string(at);
  }
  if (kind == 1 || (kind >= 3 && pickled)) {  // flip bytes (compressed bytes for .gz)
    const int flips = 1 + static_cast<int>(key.bits(2) % 4);
    std::string what = "flip";
    for (int k = 0; k < flips && !bytes.empty(); ++k) {
      const std::size_t at = pick(10 + k, bytes.size());
      bytes[at] = static_cast<char>(bytes[at] ^ (1 + key.bits(20 + k) % 255));
      what += " " + std::to_string(at);
    }
    io_test::write_bytes(file, bytes);
    return what;
  }
  if (kind == 2) {  // delete a byte range
    const std::size_t at = pick(3, bytes.size());
    const std::size_t len = 1 + pick(4, 64);
    bytes.erase(at, len);
    io_test::write_bytes(file, bytes);
    return "erase " + std::to_string(len) + " bytes at " + std::to_string(at);
  }
  // Line edits on the (decompressed) text: delete, duplicate, or garble a line.
  std::string content = gz ? gunzip(file) : bytes;
  std::vector<std::size_t> starts{0};
  for (std::size_t i = 0; i + 1 < content.size(); ++i)
    if (content[i] == '\n') starts.push_back(i + 1);
  const std::size_t line = pick(5, starts.size());
  const std::size_t begin = starts[line];
  const std::size_t end = line + 1 < starts.size() ? starts[line + 1] : content.size();
  std::string what;
  if (kind == 3) {
    content.erase(begin, end - begin);
    what = "delete line " + std::to_string(line + 1);
  } else {
    const std::string garbage[] = {"nan", "-1", "999999999", "1e39", "", ",", "x", "2147483648"};
    const std::size_t at = begin + pick(6, end - begin);
    content.insert(at, garbage[key.bits(7) % 8]);
    what = "insert at line " + std::to_string(line + 1);
  }
  (void)text;
  if (gz)
    io_test::write_gz(file, content);
  else
    io_test::write_bytes(file, content);
  return what;
}

}  // namespace

TEST_CASE("mutated Cora files (OGB, Planetoid, LINQS) give a DataError or a valid dataset", "[io][fuzz]") {
  auto root = GAT_REQUIRE_DATASET("cora");
  if (root.empty()) return;
  io_test::TempDir tmp("fuzz");
  const fs::path work = tmp / "work";
  fs::create_directories(work / "planetoid");
  fs::copy(root / "cora", work / "cora", fs::copy_options::recursive);
  for (const char* part : {"x", "y", "tx", "ty", "allx", "ally", "graph", "test.index"})
    fs::copy(root / "planetoid/raw" / (std::string("ind.cora.") + part), work / "planetoid");
  fs::copy(root / "linqs/cora", work / "linqs", fs::copy_options::recursive);
  for (const auto& p : files_under(work)) fs::permissions(work / p, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
  const fs::path pristine = tmp / "pristine";
  fs::copy(work, pristine, fs::copy_options::recursive);

  const char* sources[] = {"cora", "planetoid", "linqs"};
  int errors = 0, valid = 0;
  std::string samples;
  // GAT_FUZZ_ITERATIONS / GAT_FUZZ_SEED run longer or different loops by hand.
  const char* env_iterations = std::getenv("GAT_FUZZ_ITERATIONS");
  const char* env_seed = std::getenv("GAT_FUZZ_SEED");
  const int iterations = env_iterations ? std::max(1, std::atoi(env_iterations)) : 200;
  const std::uint64_t seed = env_seed ? std::strtoull(env_seed, nullptr, 10) : 20251121;
  for (int it = 0; it < iterations; ++it) {
    const gat::RandomKey key{seed, static_cast<std::uint64_t>(it)};
    const std::string source = sources[it % 3];
    auto files = files_under(work / source);
    files.erase(std::remove_if(files.begin(), files.end(),
                               [](const fs::path& p) { return p.filename() == "RELEASE_v1.txt" || p.filename() == "README"; }),
                files.end());
    const fs::path file = work / source / files[key.bits(99) % files.size()];
    const std::string what = mutate(file, key.child(1));
    INFO("iteration " << it << ": " << file.filename().string() << ": " << what);
    try {
      Dataset d;
      if (source == "cora") d = read_ogb(work / "cora");
      if (source == "planetoid") d = read_planetoid(work / "planetoid", "cora");
      if (source == "linqs") d = read_linqs(work / "linqs", "cora");
      CHECK_NOTHROW(validate(d, "mutated"));
      ++valid;
    } catch (const gat::DataError& e) {
      // The message names the file (or the folder, for whole-dataset invariants).
      CHECK_THAT(std::string(e.what()), Catch::Contains(file.filename().string()) || Catch::Contains(source));
      if (errors % 25 == 0) samples += std::string("\n  ") + e.what();
      ++errors;
    } catch (const std::exception& e) {
      FAIL("not a DataError: " << e.what());
    }
    fs::copy_file(pristine / source / files[key.bits(99) % files.size()], file, fs::copy_options::overwrite_existing);
  }
  WARN("mutation fuzz: " << errors << " DataErrors, " << valid << " valid datasets in " << iterations << " iterations; some messages:" << samples);
  CHECK(errors > iterations / 3);
}
