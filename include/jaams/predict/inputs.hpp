#pragma once
// Which files a predict run reads: command-line PATHs expanded to audio files, and the share of
// them one machine takes when a library is split across several (--shard I/N).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace jaams::predict {

// Expands each argument, keeping the order given:
//   a file       -> itself (whatever its ending: it was named explicitly);
//   a folder     -> its audio files (pipeline::has_audio_extension, any letter case), recursively,
//                   sorted by path; symbolic links to folders are followed, each real folder
//                   once (a link to a folder already searched is skipped with a warning, so
//                   loops end);
//   @list.txt    -> each line taken as a PATH of the kinds above (blank lines and lines starting
//                   with '#' skipped, trailing CR and spaces removed; relative paths are relative
//                   to the current folder). A listed path that does not exist is kept, so that it
//                   gets an error row instead of vanishing.
// A path met twice is kept once (first place). Throws jaams::Error for a command-line PATH that
// does not exist or an unreadable list.
std::vector<std::filesystem::path> collect_inputs(const std::vector<std::string>& arguments);

struct Shard {
  std::uint64_t index = 1;  // 1..count
  std::uint64_t count = 1;
};

// "I/N" with 1 <= I <= N; throws jaams::Error otherwise.
Shard parse_shard(const std::string& text);

// FNV-1a, 64 bit: stable across machines, compilers and runs (unlike std::hash).
std::uint64_t fnv1a64(std::string_view bytes);

// True when `path` belongs to `shard`: fnv1a64(path as written) % N == I - 1. It depends only on
// the path string, so shards never overlap, together cover every input, and do not change with
// the order of the inputs or between re-runs. Give every shard the same PATH arguments.
bool in_shard(const std::filesystem::path& path, const Shard& shard);

std::vector<std::filesystem::path> select_shard(const std::vector<std::filesystem::path>& paths, const Shard& shard);

}  // namespace jaams::predict
