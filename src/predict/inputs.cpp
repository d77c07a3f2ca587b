#include "jaams/predict/inputs.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> audio_files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error(dir.string() + ": cannot list folder: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) throw Error(dir.string() + ": cannot list folder: " + ec.message());
    const fs::path& p = it->path();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) continue;
    if (pipeline::has_audio_extension(p) && !is_atomic_temp_name(p)) files.push_back(p);
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string trim(std::string line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
  std::size_t start = 0;
  while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
  return line.substr(start);
}

// `required`: a missing path is a usage error (typed on the command line) rather than a row.
void expand(const fs::path& path, bool required, std::vector<fs::path>& out) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    const auto files = audio_files_under(path);
    out.insert(out.end(), files.begin(), files.end());
  } else if (required && !fs::exists(fs::symlink_status(path, ec))) {
    throw Error(path.string() + ": no such file or folder");
  } else {
    out.push_back(path);
  }
}

}  // namespace

std::vector<fs::path> collect_inputs(const std::vector<std::string>& arguments) {
  std::vector<fs::path> all;
  for (const auto& arg : arguments) {
    if (arg.size() > 1 && arg[0] == '@') {
      const fs::path list = arg.substr(1);
      std::ifstream in(list);
      if (!in) throw Error(list.string() + ": cannot read the list of paths");
      std::string line;
      while (std::getline(in, line)) {
        line = trim(line);
        if (line.empty() || line[0] == '#') continue;
        expand(line, /*required=*/false, all);
      }
      if (in.bad()) throw Error(list.string() + ": read error");
    } else {
      expand(arg, /*required=*/true, all);
    }
  }
  std::vector<fs::path> unique;
  std::set<std::string> seen;
  for (auto& p : all) {
    if (seen.insert(p.string()).second) unique.push_back(std::move(p));
  }
  return unique;
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  auto parse = [&](const std::string& part) -> std::uint64_t {
    if (part.empty() || part.size() > 9 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      throw Error("--shard '" + text + "': expected I/N, e.g. 2/4 (I from 1 to N)");
    }
    return std::stoull(part);
  };
  if (slash == std::string::npos) throw Error("--shard '" + text + "': expected I/N, e.g. 2/4 (I from 1 to N)");
  Shard s{parse(text.substr(0, slash)), parse(text.substr(slash + 1))};
  if (s.count < 1 || s.index < 1 || s.index > s.count) {
    throw Error("--shard '" + text + "': I must be between 1 and N, and N at least 1");
  }
  return s;
}

std::uint64_t fnv1a64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;
  }
  return hash;
}

bool in_shard(const fs::path& path, const Shard& shard) {
  return fnv1a64(path.string()) % shard.count == shard.index - 1;
}

std::vector<fs::path> select_shard(const std::vector<fs::path>& paths, const Shard& shard) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    if (in_shard(p, shard)) out.push_back(p);
  }
  return out;
}

}  // namespace jaams::predict
