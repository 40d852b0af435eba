#pragma once
// Internal: line-by-line streaming of text files through zlib (plain files are read as they are,
// gzread passes them through), and strict number parsing with file:line errors.
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "gat/core/error.hpp"

namespace gat::io::detail {

class LineReader {
 public:
  explicit LineReader(const std::filesystem::path& path, std::string display = {})
      : name_(display.empty() ? path.string() : std::move(display)) {
    file_ = gzopen(path.c_str(), "rb");
    if (!file_) throw DataError(name_, 0, "cannot open the file");
    gzbuffer(file_, 1 << 17);
    buffer_.resize(1 << 20);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;
  ~LineReader() {
    if (file_) gzclose(file_);
  }

  // The next line without its end-of-line ("\n" or "\r\n"); false at the end of the file.
  bool next(std::string_view& line) {
    for (;;) {
      const char* begin = buffer_.data() + start_;
      const char* end = buffer_.data() + filled_;
      if (const void* nl = std::memchr(begin, '\n', static_cast<std::size_t>(end - begin))) {
        const char* p = static_cast<const char*>(nl);
        std::size_t len = static_cast<std::size_t>(p - begin);
        if (len && begin[len - 1] == '\r') --len;
        line = std::string_view(begin, len);
        start_ = static_cast<std::size_t>(p - buffer_.data()) + 1;
        ++line_;
        return true;
      }
      if (eof_) {
        if (start_ == filled_) return false;
        std::size_t len = filled_ - start_;
        if (len && begin[len - 1] == '\r') --len;
        line = std::string_view(begin, len);
        start_ = filled_;
        ++line_;
        return true;
      }
      refill();
    }
  }

  std::int64_t line_number() const noexcept { return line_; }
  const std::string& name() const noexcept { return name_; }
  [[noreturn]] void fail(const std::string& message) const { throw DataError(name_, line_, message); }

 private:
  // zlib's message, without the "path: " prefix it adds.
  std::string zlib_message() const {
    int code = 0;
    const char* message = gzerror(file_, &code);
    std::string text = message ? message : "gzread failed";
    const auto colon = text.rfind(": ");
    return colon == std::string::npos ? text : text.substr(colon + 2);
  }

  void refill() {
    // Move the partial line to the front, grow if one line fills the buffer.
    const std::size_t rest = filled_ - start_;
    if (start_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + start_, rest);
      start_ = 0;
      filled_ = rest;
    }
    if (filled_ == buffer_.size()) {
      if (buffer_.size() >= (std::size_t{1} << 31)) throw DataError(name_, line_ + 1, "line longer than 2 GiB");
      buffer_.resize(buffer_.size() * 2);
    }
    const unsigned want = static_cast<unsigned>(std::min<std::size_t>(buffer_.size() - filled_, 1u << 30));
    const int got = gzread(file_, buffer_.data() + filled_, want);
    if (got < 0) throw DataError(name_, line_ + 1, "corrupt compressed data: " + zlib_message());
    if (got == 0) {
      int code = 0;
      gzerror(file_, &code);
      if (code != Z_OK && code != Z_STREAM_END)
        throw DataError(name_, line_ + 1, "corrupt or truncated compressed data: " + zlib_message());
      eof_ = true;
    }
    filled_ += static_cast<std::size_t>(got);
  }

  std::string name_;
  gzFile file_ = nullptr;
  std::string buffer_;
  std::size_t start_ = 0, filled_ = 0;
  bool eof_ = false;
  std::int64_t line_ = 0;
};

// Parses a whole field as a decimal integer; false when it is not one.
template <class Int>
inline bool parse_int(std::string_view text, Int& value) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Parses a whole field as a finite float; false when it is not one (NaN and inf are refused).
inline bool parse_float(std::string_view text, float& value) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(value);
}

inline std::string quote(std::string_view text) {
  std::string out = "'";
  out.append(text.substr(0, 40));
  if (text.size() > 40) out += "...";
  return out + "'";
}

}  // namespace gat::io::detail
