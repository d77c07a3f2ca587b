#pragma once
// Exclusive locks that keep two jaams runs from writing the same output at once (two
// `predict --resume` on one file, two trainings into one run folder). A lock is a flock(2) on a
// small lock file that holds the owner's process id while it runs (and is emptied when the lock is
// released); the kernel releases the lock when the process ends, however it ends (kill -9
// included), so a stale lock file never blocks a later run.
#include <filesystem>
#include <string>

namespace jaams {

class FileLock {
 public:
  // Locks `lock_file` (created, with its folder, when needed) without waiting. `what` names the
  // protected output in the error, e.g. "--output 'rows.csv'". Throws jaams::Error ("... is in
  // use by another jaams run (process 1234)") when another process holds the lock, and
  // jaams::Error with the system's reason when the lock file cannot be created.
  FileLock(std::filesystem::path lock_file, const std::string& what);
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// The lock for a folder jaams writes (a run, a preprocess output, a cv folder): `dir`/.jaams.lock.
FileLock lock_folder(const std::filesystem::path& dir, const std::string& what);

// The lock for one output file: `.NAME.lock` beside it.
FileLock lock_output_file(const std::filesystem::path& file, const std::string& what);

}  // namespace jaams
