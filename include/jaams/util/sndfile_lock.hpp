#pragma once

#include <sndfile.h>

#include <mutex>
#include <string>

namespace jaams {

// libsndfile reports why sf_open (or sf_open_virtual) failed through one process-wide error
// variable, which every other open and every sf_command(nullptr, ...) overwrites. Decoding and
// writing run on several threads, so each open and the read of its failure reason hold this lock
// together; otherwise a thread can report another thread's "No Error." for a file it could not open.
inline std::mutex& sndfile_global_state_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Runs `open` (a call of sf_open or sf_open_virtual) under the lock; when it returns no file,
// `reason` gets libsndfile's explanation of that very failure.
template <class Open>
SNDFILE* open_sndfile(Open&& open, std::string& reason) {
  const std::lock_guard<std::mutex> lock(sndfile_global_state_mutex());
  SNDFILE* file = open();
  if (file == nullptr) reason = sf_strerror(nullptr);
  return file;
}

}  // namespace jaams
