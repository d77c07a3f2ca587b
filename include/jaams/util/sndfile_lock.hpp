#pragma once

#include <mutex>

namespace jaams {

// libsndfile reports why sf_open (or sf_open_virtual) failed through one process-wide error
// variable, which every other open and every sf_command(nullptr, ...) overwrites. Decoding and
// writing run on several threads, so each open and the read of its failure reason hold this lock
// together; otherwise a thread can report another thread's "No Error." for a file it could not open.
inline std::mutex& sndfile_global_state_mutex() {
  static std::mutex mutex;
  return mutex;
}

}  // namespace jaams
