#include "jaams/util/data_files.hpp"

#include <cstdlib>
#include <vector>

#include "jaams/util/error.hpp"

namespace jaams {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> candidates(const std::string& relative) {
  std::vector<fs::path> out;
  if (const char* dir = std::getenv("JAAMS_DATA_DIR"); dir != nullptr && *dir != '\0') out.push_back(fs::path(dir) / relative);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path();
    out.push_back(dir.parent_path() / "share" / "jaams" / relative);
    for (int up = 0; up <= 4 && !dir.empty(); ++up, dir = dir.parent_path()) {
      out.push_back(dir / relative);
      if (dir == dir.root_path()) break;
    }
  }
  return out;
}

}  // namespace

fs::path find_data_file(const std::string& relative) {
  std::error_code ec;
  for (const auto& c : candidates(relative)) {
    if (fs::exists(c, ec)) return c;
  }
  return {};
}

fs::path require_data_file(const std::string& relative, const std::string& what) {
  const fs::path found = find_data_file(relative);
  if (!found.empty()) return found;
  std::string searched;
  for (const auto& c : candidates(relative)) searched += "\n  " + c.string();
  throw Error(what + ": '" + relative + "' not found; set JAAMS_DATA_DIR to the folder holding it. Searched:" + searched);
}

}  // namespace jaams
