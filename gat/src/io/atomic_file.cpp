#include "gat/io/atomic_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <mutex>
#include <string>
#include <system_error>

#include "gat/core/error.hpp"

namespace gat::io {

namespace {

// The temporaries being written, for the signal handler: a fixed table of atomic pointers (to
// each AtomicFile's own path string), which a handler may read safely. A file that finds the
// table full is still written; only an interrupt would leave its temporary behind.
std::array<std::atomic<const char*>, 64> g_temporaries{};

extern "C" void remove_temporaries_and_die(int signal_number) {
  for (auto& slot : g_temporaries)
    if (const char* path = slot.load()) ::unlink(path);
  // Die of the same signal, so the parent sees what happened (the signal stays blocked until
  // the handler returns, then the default action ends the process).
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

// SIGINT (Ctrl-C), SIGTERM and SIGHUP remove the temporaries, then end the process as before. A
// signal the program already handles or ignores is left alone.
void install_signal_cleanup() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (int s : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction current {};
      if (::sigaction(s, nullptr, &current) != 0 || current.sa_handler != SIG_DFL) continue;
      struct sigaction action {};
      action.sa_handler = remove_temporaries_and_die;
      sigemptyset(&action.sa_mask);
      ::sigaction(s, &action, nullptr);
    }
  });
}

void track(const char* path) {
  install_signal_cleanup();
  for (auto& slot : g_temporaries) {
    const char* empty = nullptr;
    if (slot.compare_exchange_strong(empty, path)) return;
  }
}

void untrack(const char* path) {
  for (auto& slot : g_temporaries) {
    const char* expected = path;
    if (slot.compare_exchange_strong(expected, nullptr)) return;
  }
}

}  // namespace

// A rename replaces a file whatever its mode; a file its owner made read-only is kept instead.
void AtomicFile::check_target(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;  // absent: it will be created
  if (S_ISDIR(st.st_mode)) throw DataError(path.string(), 0, "is a directory; give a file name to write to");
  if ((st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0 || ::access(path.c_str(), W_OK) != 0)
    throw DataError(path.string(), 0, "the file is read-only and was left as it is (make it writable or choose another name)");
}

AtomicFile::AtomicFile(std::filesystem::path path, std::ios::openmode mode)
    : path_(std::move(path)), tmp_(path_.string() + ".tmp-" + std::to_string(::getpid())) {
  check_target(path_);
  track(tmp_.c_str());
  out_.open(tmp_, mode | std::ios::out | std::ios::trunc);
  if (!out_) {
    untrack(tmp_.c_str());
    throw DataError(path_.string(), 0, "cannot open a temporary file next to it for writing");
  }
}

AtomicFile::~AtomicFile() {
  if (finished_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(tmp_, ignored);
  untrack(tmp_.c_str());
}

void AtomicFile::commit() {
  out_.flush();
  const bool written = static_cast<bool>(out_);
  out_.close();
  if (!written || out_.fail()) {
    std::error_code ignored;
    std::filesystem::remove(tmp_, ignored);
    untrack(tmp_.c_str());
    finished_ = true;
    throw DataError(path_.string(), 0, "writing failed (disk full?); the file was left as it was");
  }
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  finished_ = true;
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(tmp_, ignored);
    untrack(tmp_.c_str());
    throw DataError(path_.string(), 0, "cannot move the new file into place: " + ec.message());
  }
  untrack(tmp_.c_str());
}

void AtomicFile::write(const std::filesystem::path& path, std::string_view text) {
  AtomicFile file(path);
  file.stream() << text;
  file.commit();
}

}  // namespace gat::io
