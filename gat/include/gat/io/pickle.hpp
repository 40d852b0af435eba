#pragma once
// A restricted reader for the Python 2 pickles (protocol 2) of the Planetoid datasets.
//
// It is a small stack machine that understands only the opcodes those files use and only these
// globals, which it never calls but recognises by name:
//   numpy.core.multiarray _reconstruct + numpy ndarray + numpy dtype   -> a numpy array
//   scipy.sparse.csr csr_matrix                                         -> a CSR matrix
//   collections defaultdict + __builtin__ list                          -> an adjacency dict
// Anything else (another class, another opcode, a malformed structure, a truncated file) is a
// gat::DataError "file: byte N: ..." naming the byte offset and, for a global, the class.
// Nothing is ever executed. Strings are bytes (Python 2 str, latin-1). An adjacency dict may hold
// at most as many list entries in all as the pickle has bytes (one list memoised and referenced
// from many keys is refused instead of copied for each).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gat::io::pickle {

// A numpy array: C-order, little-endian, of kind 'f' (float), 'i' (signed), 'u' (unsigned) or
// 'b' (bool) and itemsize bytes per element.
struct Array {
  std::vector<std::int64_t> shape;
  char kind = 'f';
  int itemsize = 4;
  std::string bytes;

  std::int64_t size() const noexcept {
    std::int64_t n = 1;
    for (auto s : shape) n *= s;
    return n;
  }
  double as_double(std::int64_t i) const noexcept;
  std::int64_t as_int(std::int64_t i) const noexcept;
  bool is_integral() const noexcept { return kind != 'f'; }
};

// A scipy.sparse.csr_matrix as pickled: its attributes, not yet validated.
struct Csr {
  std::int64_t rows = 0, cols = 0;
  Array indptr, indices, data;
};

// A dict (or defaultdict) of int -> list of ints, in pickle order.
struct Adjacency {
  std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> lists;
};

using Object = std::variant<Array, Csr, Adjacency>;

// Parses `bytes` (the whole pickle); `file` names it in error messages.
Object parse(std::string_view bytes, const std::string& file);
// Reads and parses a file.
Object load(const std::filesystem::path& path);

}  // namespace gat::io::pickle
