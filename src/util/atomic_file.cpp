#include "jaams/util/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "jaams/util/error.hpp"

namespace jaams {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kTempMarker = ".tmp-";

// Most file systems allow 255 bytes per name.
constexpr std::size_t kMaxNameBytes = 255;

fs::path temp_path_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream suffix;
  suffix << kTempMarker << ::getpid() << "-" << counter++;
  const std::string stem = name_within_limit(path.filename().string(), 1 + suffix.str().size());
  return path.parent_path() / ("." + stem + suffix.str());
}

std::string os_error() { return io_error_text(errno); }
}  // namespace

std::string name_within_limit(const std::string& name, std::size_t extra_bytes) {
  if (name.size() + extra_bytes <= kMaxNameBytes) return name;
  // A hash of the whole name keeps shortened copies of different long names apart.
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : name) hash = (hash ^ c) * 1099511628211ull;
  std::ostringstream tail;
  tail << "~" << std::hex << hash;
  return name.substr(0, kMaxNameBytes - extra_bytes - tail.str().size()) + tail.str();
}

std::string io_error_text(int error) {
  const std::string text = std::strerror(error);
  if (error == ENOSPC || error == EDQUOT || error == EFBIG) return "disk full (" + text + ")";
  return text;
}

AtomicFileWriter::AtomicFileWriter(fs::path path) : path_(std::move(path)) {
  std::error_code ec;
  if (!path_.parent_path().empty()) fs::create_directories(path_.parent_path(), ec);
  if (ec) throw RuntimeFailure(path_.parent_path().string() + ": cannot create folder: " + ec.message());
  tmp_ = temp_path_for(path_);
  errno = 0;
  out_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!out_) throw RuntimeFailure(path_.string() + ": cannot open for writing: " + os_error());
  errno = 0;  // so that a later failed write reports its own cause
}

AtomicFileWriter::~AtomicFileWriter() {
  if (committed_) return;
  out_.close();
  std::error_code ec;
  fs::remove(tmp_, ec);
}

void AtomicFileWriter::commit() {
  out_.flush();
  if (!out_) throw RuntimeFailure(path_.string() + ": write failed: " + os_error());
  out_.close();
  if (!out_) throw RuntimeFailure(path_.string() + ": write failed: " + os_error());
  std::error_code ec;
  fs::rename(tmp_, path_, ec);
  if (ec) throw RuntimeFailure(path_.string() + ": cannot move into place: " + ec.message());
  committed_ = true;
}

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  AtomicFileWriter writer(path);
  write(writer.stream());
  writer.commit();
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  write_file_atomic(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
}

void require_writable_folder(const fs::path& dir, const std::string& what) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) throw Error(what + ": exists and is not a folder");
  fs::create_directories(dir, ec);
  if (ec) throw Error(what + ": cannot create the folder: " + ec.message());
  const fs::path probe = temp_path_for(dir / "write-check");
  {
    std::ofstream out(probe, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(what + ": cannot write into the folder: " + os_error());
  }
  fs::remove(probe, ec);
}

bool is_atomic_temp_name(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name[0] == '.' && name.find(kTempMarker) != std::string::npos;
}

std::size_t remove_atomic_temps(const fs::path& dir) {
  std::size_t removed = 0;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return 0;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_atomic_temp_name(it->path())) stale.push_back(it->path());
  }
  for (const auto& p : stale) removed += fs::remove(p, ec) ? 1 : 0;
  return removed;
}

}  // namespace jaams
