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
  std::string stem = path.filename().string();
  // A long file name would make its temporary name too long to create: shorten the copy (a
  // hash of the whole name keeps temporaries of different long names apart).
  if (1 + stem.size() + suffix.str().size() > kMaxNameBytes) {
    std::uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : stem) hash = (hash ^ c) * 1099511628211ull;
    std::ostringstream tail;
    tail << "~" << std::hex << hash;
    stem = stem.substr(0, kMaxNameBytes - 1 - suffix.str().size() - tail.str().size()) + tail.str();
  }
  return path.parent_path() / ("." + stem + suffix.str());
}

std::string os_error() { return std::strerror(errno); }
}  // namespace

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw RuntimeFailure(path.parent_path().string() + ": cannot create folder: " + ec.message());
  const fs::path tmp = temp_path_for(path);
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw RuntimeFailure(path.string() + ": cannot open for writing: " + os_error());
      write(out);
      out.flush();
      if (!out) throw RuntimeFailure(path.string() + ": write failed: " + os_error());
    }
    fs::rename(tmp, path, ec);
    if (ec) throw RuntimeFailure(path.string() + ": cannot move into place: " + ec.message());
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
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
