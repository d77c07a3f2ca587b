#pragma once
// Writes that never leave a half-written file behind: data goes to a temporary file in the same
// folder, which is then renamed over the target (rename is atomic on POSIX file systems). An
// interrupted run therefore leaves either the old file, the new file, or a stray
// `.<name>.tmp-*` that later runs ignore and clean up.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

namespace jaams {

// Calls `write` with a stream on a temporary file, then renames it to `path`. Parent folders
// are created. Throws jaams::RuntimeFailure naming `path` and the system's reason on any failure
// ("disk full" when the file system or the file size limit is reached); the temporary file is
// removed. Temporary names stay within 255 bytes, however long `path`'s is.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(std::ostream&)>& write);

void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// The same, for a file written piece by piece over a longer time (a track's image cache while
// its segments are made): stream() writes into the temporary file, commit() moves it into place.
// A writer destroyed without commit() removes its temporary file.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::filesystem::path path);
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  std::ostream& stream() { return out_; }
  // Throws jaams::RuntimeFailure as write_file_atomic does.
  void commit();

 private:
  std::filesystem::path path_;
  std::filesystem::path tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// Creates `dir` (and its parents) when needed and checks that files can be created in it; throws
// jaams::Error naming `what` (e.g. "--output 'runs/x'") and the reason otherwise: a folder that
// cannot be used is a bad argument, found before any work is done.
void require_writable_folder(const std::filesystem::path& dir, const std::string& what);

// True for the temporary names write_file_atomic uses, so directory scans can skip them.
bool is_atomic_temp_name(const std::filesystem::path& path);

// Removes leftover temporaries of write_file_atomic under `dir` (recursively); returns how many.
std::size_t remove_atomic_temps(const std::filesystem::path& dir);

// `name`, shortened when needed so that `extra_bytes` more still fit the usual 255-byte limit
// on file names (for temporary and lock files beside it).
std::string name_within_limit(const std::string& name, std::size_t extra_bytes);

// The system's text for errno `error`, with "disk full" in front for the errors a full file
// system or the file size limit give (ENOSPC, EDQUOT, EFBIG), so users see the cause at once.
std::string io_error_text(int error);

}  // namespace jaams
