#include "jaams/util/atomic_file.hpp"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

#include "jaams/util/error.hpp"

namespace jaams {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kTempMarker = ".tmp-";

fs::path temp_path_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  std::ostringstream name;
  name << "." << path.filename().string() << kTempMarker << ::getpid() << "-" << counter++;
  return path.parent_path() / name.str();
}
}  // namespace

void write_file_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  std::error_code ec;
  if (!path.parent_path().empty()) fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(path.parent_path().string() + ": cannot create folder: " + ec.message());
  const fs::path tmp = temp_path_for(path);
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw Error(path.string() + ": cannot open for writing");
      write(out);
      out.flush();
      if (!out) throw Error(path.string() + ": write failed (disk full?)");
    }
    fs::rename(tmp, path, ec);
    if (ec) throw Error(path.string() + ": cannot move into place: " + ec.message());
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

void write_file_atomic(const fs::path& path, std::string_view bytes) {
  write_file_atomic(path, [&](std::ostream& out) { out.write(bytes.data(), static_cast<std::streamsize>(bytes.size())); });
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
