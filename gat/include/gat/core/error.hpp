#pragma once
// The one exception family of gat. Every message says what was wrong, where, and how to fix it.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace gat {

enum class ErrorKind {
  invalid_argument,  // the caller passed something wrong (shape, option, id): exit code 1 in the CLI
  invalid_data,      // a file or dataset is malformed: exit code 2 in the CLI
  internal,          // a bug or a failure of a dependency: exit code 3 in the CLI
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

class InvalidArgument : public Error {
 public:
  explicit InvalidArgument(const std::string& message) : Error(ErrorKind::invalid_argument, message) {}
};

// A malformed input file. The message starts with "file:line: " (or "file: byte N: ") so that
// editors and users can jump to the fault.
class DataError : public Error {
 public:
  DataError(const std::string& file, std::int64_t line, const std::string& message)
      : Error(ErrorKind::invalid_data, locate(file, line) + message), file_(file), line_(line) {}
  explicit DataError(const std::string& message) : Error(ErrorKind::invalid_data, message) {}

  const std::string& file() const noexcept { return file_; }
  std::int64_t line() const noexcept { return line_; }

 private:
  static std::string locate(const std::string& file, std::int64_t line) {
    if (line > 0) return file + ":" + std::to_string(line) + ": ";
    return file + ": ";
  }
  std::string file_;
  std::int64_t line_ = 0;
};

class InternalError : public Error {
 public:
  explicit InternalError(const std::string& message) : Error(ErrorKind::internal, message) {}
};

}  // namespace gat
