#pragma once
// jaams::Error is the one exception type for problems a user can fix (a bad file, a bad config
// key, a missing model). Its message names the file or key and says what is wrong; the CLI prints
// it without a stack trace and exits with status 2.
#include <stdexcept>
#include <string>

namespace jaams {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace jaams
