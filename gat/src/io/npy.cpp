#include "gat/io/npy.hpp"

#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>

#include "gat/core/check.hpp"
#include "gat/io/atomic_file.hpp"

namespace gat::io {

namespace {

struct DtypeInfo {
  char kind;  // f, i, u, b
  int size;
};

[[noreturn]] void bad(const std::filesystem::path& path, const std::string& what) {
  throw DataError(path.string(), 0, "not a .npy file gat reads: " + what);
}

// The value of `key` in the header dict: the text after "'key':" up to the next top-level comma
// or closing brace (a shape tuple's commas are inside parentheses).
std::string header_value(const std::filesystem::path& path, const std::string& header, const std::string& key) {
  const std::string quoted = "'" + key + "'";
  const auto at = header.find(quoted);
  if (at == std::string::npos) bad(path, "the header has no " + quoted + " key: " + header);
  auto pos = header.find(':', at + quoted.size());
  if (pos == std::string::npos) bad(path, "the header's " + quoted + " has no value");
  ++pos;
  int depth = 0;
  std::string value;
  for (; pos < header.size(); ++pos) {
    const char c = header[pos];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && (c == ',' || c == '}')) break;
    value += c;
  }
  const auto b = value.find_first_not_of(' '), e = value.find_last_not_of(' ');
  return b == std::string::npos ? std::string() : value.substr(b, e - b + 1);
}

DtypeInfo parse_descr(const std::filesystem::path& path, const std::string& descr) {
  if (descr.size() < 4 || descr.front() != '\'' || descr.back() != '\'')
    bad(path, "dtype " + descr + " is not a simple type string (structured dtypes are not supported)");
  const std::string d = descr.substr(1, descr.size() - 2);
  if (d.find('O') != std::string::npos)
    bad(path, "dtype '" + d + "' is a pickled object array; only numeric arrays are read (save with a numeric dtype)");
  if (d.size() < 3) bad(path, "dtype '" + d + "' is not understood");
  const char order = d[0], kind = d[1];
  int size = 0;
  if (const auto [ptr, ec] = std::from_chars(d.data() + 2, d.data() + d.size(), size);
      ec != std::errc() || ptr != d.data() + d.size())
    bad(path, "dtype '" + d + "' is not understood");
  if (order == '>') bad(path, "dtype '" + d + "' is big-endian; only little-endian data is read");
  if (order != '<' && order != '|' && order != '=') bad(path, "dtype '" + d + "' has an unknown byte order");
  const bool ok = (kind == 'f' && (size == 4 || size == 8)) ||
                  ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8)) ||
                  (kind == 'b' && size == 1);
  if (!ok) bad(path, "dtype '" + d + "' is not one of the numeric types read (f4 f8 i1-i8 u1-u8 b1)");
  return {kind, size};
}

std::vector<std::int64_t> parse_shape(const std::filesystem::path& path, const std::string& text) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')') bad(path, "shape " + text + " is not a tuple");
  std::vector<std::int64_t> shape;
  std::string item;
  // One entry: digits between optional spaces, within int64 (std::stoll would throw past it).
  const auto take = [&] {
    const auto first = item.find_first_not_of(' ');
    if (first == std::string::npos) return;
    const auto last = item.find_last_not_of(' ');
    std::int64_t v = 0;
    const char* begin = item.data() + first;
    const char* end = item.data() + last + 1;
    const auto [ptr, ec] = std::from_chars(begin, end, v);
    if (ec == std::errc::result_out_of_range) bad(path, "shape " + text + " has an entry past 2^63");
    if (ec != std::errc() || ptr != end) bad(path, "shape " + text + " has a malformed entry");
    shape.push_back(v);
  };
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c == ',') {
      take();
      item.clear();
    } else if (c == ' ' || (c >= '0' && c <= '9')) {
      item += c;
    } else {
      bad(path, "shape " + text + " has a non-integer entry");
    }
  }
  take();
  return shape;
}

template <class S>
double load(const char* p) {
  S v;
  std::memcpy(&v, p, sizeof v);
  return static_cast<double>(v);
}

double convert(const char* p, DtypeInfo t) {
  switch (t.kind) {
    case 'f': return t.size == 4 ? load<float>(p) : load<double>(p);
    case 'b': return p[0] != 0 ? 1.0 : 0.0;
    case 'i':
      switch (t.size) {
        case 1: return load<std::int8_t>(p);
        case 2: return load<std::int16_t>(p);
        case 4: return load<std::int32_t>(p);
        default: return load<std::int64_t>(p);
      }
    default:
      switch (t.size) {
        case 1: return load<std::uint8_t>(p);
        case 2: return load<std::uint16_t>(p);
        case 4: return load<std::uint32_t>(p);
        default: return load<std::uint64_t>(p);
      }
  }
}

}  // namespace

NpyArray read_npy(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError(path.string(), 0, "cannot open the file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) bad(path, "it does not start with \\x93NUMPY");
  const int major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, start = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) bad(path, "the header is cut short");
    for (int i = 0; i < 4; ++i) header_len |= static_cast<std::size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    start = 12;
  } else {
    bad(path, "format version " + std::to_string(major) + " is not 1, 2 or 3");
  }
  if (start + header_len > bytes.size()) bad(path, "the header is cut short");
  const std::string header = bytes.substr(start, header_len);
  if (header.find('{') == std::string::npos || header.find('}') == std::string::npos)
    bad(path, "the header is not a dict: " + header);
  const DtypeInfo dtype = parse_descr(path, header_value(path, header, "descr"));
  const std::string fortran = header_value(path, header, "fortran_order");
  if (fortran == "True") bad(path, "the array is in Fortran order; save it in C order (np.ascontiguousarray)");
  if (fortran != "False") bad(path, "fortran_order is '" + fortran + "', not True or False");
  NpyArray out;
  out.shape = parse_shape(path, header_value(path, header, "shape"));
  std::int64_t count = 1;
  for (std::int64_t s : out.shape) {
    if (s > 0 && count > (std::int64_t{1} << 40) / s) bad(path, "the shape is too large");
    count *= s;
  }
  const std::size_t data = start + header_len;
  const std::size_t expected = static_cast<std::size_t>(count) * static_cast<std::size_t>(dtype.size);
  if (bytes.size() - data != expected)
    bad(path, "the shape says " + std::to_string(expected) + " bytes of data but the file has " +
                  std::to_string(bytes.size() - data));
  out.values.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) out.values[i] = convert(bytes.data() + data + i * dtype.size, dtype);
  return out;
}

Matrix read_npy_matrix(const std::filesystem::path& path) {
  const NpyArray a = read_npy(path);
  if (a.shape.size() != 1 && a.shape.size() != 2)
    throw DataError(path.string(), 0, "expected a 1-d or 2-d array, got " + std::to_string(a.shape.size()) + " dimensions");
  const std::int64_t rows = a.shape[0], cols = a.shape.size() == 2 ? a.shape[1] : 1;
  Matrix m(rows, cols);
  for (std::int64_t i = 0; i < m.size(); ++i) m.data()[i] = static_cast<float>(a.values[i]);
  return m;
}

void write_npy(const std::filesystem::path& path, MatrixView<const float> m) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(m.rows()) + ", " +
                       std::to_string(m.cols()) + "), }";
  // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  for (std::int64_t r = 0; r < m.rows(); ++r)
    out.append(reinterpret_cast<const char*>(m.row_ptr(r)), static_cast<std::size_t>(m.cols()) * sizeof(float));
  AtomicFile::write(path, out);
}

}  // namespace gat::io
