#pragma once
// Writes that never leave a half-written file behind: data goes to a temporary file in the same
// folder, which is then renamed over the target (rename is atomic on POSIX file systems). An
// interrupted run therefore leaves either the old file, the new file, or a stray
// `.<name>.tmp-*` that later runs ignore and clean up.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string_view>

namespace jaams {

// Calls `write` with a stream on a temporary file, then renames it to `path`. Parent folders
// are created. Throws jaams::Error naming `path` on any failure; the temporary file is removed.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// True for the temporary names write_file_atomic uses, so directory scans can skip them.
bool is_atomic_temp_name(const std::filesystem::path& path);

// Removes leftover temporaries of write_file_atomic under `dir` (recursively); returns how many.
std::size_t remove_atomic_temps(const std::filesystem::path& dir);

}  // namespace jaams
