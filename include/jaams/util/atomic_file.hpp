#pragma once
// Writes that never leave a half-written file behind: data goes to a temporary file in the same
// folder, which is then renamed over the target (rename is atomic on POSIX file systems). An
// interrupted run therefore leaves either the old file, the new file, or a stray
// `.<name>.tmp-*` that later runs ignore and clean up.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace jaams {

// Calls `write` with a stream on a temporary file, then renames it to `path`. Parent folders
// are created. Throws jaams::RuntimeFailure naming `path` and the system's reason on any failure;
// the temporary file is removed. Temporary names stay within 255 bytes, however long `path`'s is.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Creates `dir` (and its parents) when needed and checks that files can be created in it; throws
// jaams::Error naming `what` (e.g. "--output 'runs/x'") and the reason otherwise: a folder that
// cannot be used is a bad argument, found before any work is done.
void require_writable_folder(const std::filesystem::path& dir, const std::string& what);

// True for the temporary names write_file_atomic uses, so directory scans can skip them.
bool is_atomic_temp_name(const std::filesystem::path& path);

// Removes leftover temporaries of write_file_atomic under `dir` (recursively); returns how many.
std::size_t remove_atomic_temps(const std::filesystem::path& dir);

}  // namespace jaams
