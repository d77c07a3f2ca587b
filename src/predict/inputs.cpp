#include "jaams/predict/inputs.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <set>

#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;

namespace {

// Adds the audio files under `dir` to `files`. Symbolic links to folders are followed, each real
// folder at most once (`visited` holds their canonical paths), so a link back up the tree or two
// links to one folder cannot loop or list files twice.
void add_audio_files_under(const fs::path& dir, std::set<fs::path>& visited, std::vector<fs::path>& files) {
  std::error_code ec;
  const fs::path real = fs::canonical(dir, ec);
  if (ec) throw Error(dir.string() + ": cannot resolve folder: " + ec.message());
  if (!visited.insert(real).second) {
    spdlog::warn("{}: links to a folder already searched ({}), skipped", dir.string(), real.string());
    return;
  }
  fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
  if (ec) throw Error(dir.string() + ": cannot list folder: " + ec.message());
  std::vector<fs::path> folders;
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) throw Error(dir.string() + ": cannot list folder: " + ec.message());
    const fs::path& p = it->path();
    std::error_code type_ec;
    if (it->is_directory(type_ec)) {
      folders.push_back(p);
    } else if (pipeline::has_audio_extension(p) && !is_atomic_temp_name(p)) {
      files.push_back(p);
    }
  }
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) add_audio_files_under(folder, visited, files);
}

std::vector<fs::path> audio_files_under(const fs::path& dir) {
  std::vector<fs::path> files;
  std::set<fs::path> visited;
  add_audio_files_under(dir, visited, files);
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
