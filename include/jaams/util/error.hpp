#pragma once
// jaams::Error is the one exception type for problems a user can fix (a bad file, a bad config
// key, a missing model). Its message names the file or key and says what is wrong; the CLI prints
// it without a stack trace and exits with status 2 (3 for a RuntimeFailure).
#include <stdexcept>
#include <string>

namespace jaams {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A failure of the run itself rather than of what the user gave: a write that fails half-way,
// a full disk. The CLI exits with status 3 for it (README, "Exit status").
class RuntimeFailure : public Error {
 public:
  using Error::Error;
};

}  // namespace jaams
