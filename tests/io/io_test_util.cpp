#include "io_test_util.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace io_test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  path_ = fs::temp_directory_path() / ("gat-io-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

void write_gz(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  gzFile f = gzopen(path.c_str(), "wb");
  if (!f) throw std::runtime_error("cannot write " + path.string());
  if (!text.empty()) gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string compare(const gat::io::Dataset& a, const gat::io::Dataset& b) {
  std::ostringstream out;
  if (a.num_nodes() != b.num_nodes()) return "num_nodes differ";
  if (a.edges.num_edges() != b.edges.num_edges()) {
    out << "edge counts differ: " << a.edges.num_edges() << " vs " << b.edges.num_edges();
    return out.str();
  }
  for (std::int64_t i = 0; i < a.edges.num_edges(); ++i)
    if (a.edges.source[i] != b.edges.source[i] || a.edges.target[i] != b.edges.target[i]) {
      out << "edge " << i << " differs: " << a.edges.source[i] << "->" << a.edges.target[i] << " vs " << b.edges.source[i]
          << "->" << b.edges.target[i];
      return out.str();
    }
  if (a.features.is_sparse() != b.features.is_sparse()) return "feature storage differs (sparse vs dense)";
  if (a.features.rows() != b.features.rows() || a.features.cols() != b.features.cols()) return "feature shapes differ";
  if (a.features.is_sparse()) {
    const auto &x = a.features.sparse(), &y = b.features.sparse();
    if (x.offsets != y.offsets) return "sparse feature row offsets differ";
    if (x.columns != y.columns) return "sparse feature columns differ";
    if (x.values != y.values) return "sparse feature values differ";
  } else {
    const auto &x = a.features.dense(), &y = b.features.dense();
    for (std::int64_t i = 0; i < x.size(); ++i)
      if (x.data()[i] != y.data()[i]) {
        out << "dense feature " << i / x.cols() << "," << i % x.cols() << " differs: " << x.data()[i] << " vs " << y.data()[i];
        return out.str();
      }
  }
  if (a.num_classes != b.num_classes) return "num_classes differ";
  if (a.labels != b.labels) return "labels differ";
  if (a.train != b.train) return "train splits differ";
  if (a.valid != b.valid) return "valid splits differ";
  if (a.test != b.test) return "test splits differ";
  return "";
}

}  // namespace io_test
