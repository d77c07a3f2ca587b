#include "jaams/util/file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams {
namespace fs = std::filesystem;

namespace {
// The holder's pid as written in the lock file ("" when unreadable or empty).
std::string read_holder(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}
}  // namespace

FileLock::FileLock(fs::path lock_file, const std::string& what) : path_(std::move(lock_file)) {
  std::error_code ec;
  if (!path_.parent_path().empty()) fs::create_directories(path_.parent_path(), ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(what + ": cannot create the lock file " + path_.string() + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    const std::string holder = read_holder(fd_);
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK) {
      throw Error(what + ": is in use by another jaams run (" +
                  (holder.empty() ? std::string("process unknown") : "process " + holder) + ", lock " + path_.string() +
                  "); wait for it to finish or stop it");
    }
    throw Error(what + ": cannot lock " + path_.string() + ": " + std::strerror(error));
  }
  // Ours now: record who holds it for the message a second run shows.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) {
    [[maybe_unused]] const ssize_t written = ::pwrite(fd_, pid.data(), pid.size(), 0);
  }
}

FileLock::FileLock(FileLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) { other.fd_ = -1; }

FileLock::~FileLock() {
  if (fd_ < 0) return;
  // Emptied while still held, so a finished run leaves the same (empty) file whichever process
  // it was. The file itself stays: removing it would race with a run that has just opened it and
  // is about to lock it. Closing releases the lock.
  [[maybe_unused]] const int emptied = ::ftruncate(fd_, 0);
  ::close(fd_);
}

FileLock lock_folder(const fs::path& dir, const std::string& what) { return FileLock(dir / ".jaams.lock", what); }

FileLock lock_output_file(const fs::path& file, const std::string& what) {
  const std::string name = name_within_limit(file.filename().string(), 6);
  return FileLock(file.parent_path() / ("." + name + ".lock"), what);
}

}  // namespace jaams
