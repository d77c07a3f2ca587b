#pragma once
// Helpers shared by the test suites: temporary folders, the gtzan-mini clips, small WAV writers.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "jaams/util/error.hpp"

namespace jaams::test {

// A fresh folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// ../shared/data/gtzan-mini, or an empty path when it is absent.
std::filesystem::path gtzan_mini();

// A sine of `freq` Hz, amplitude `amp`, `seconds` long.
std::vector<float> sine(double freq, double seconds, int sample_rate, float amp = 0.5f);

// Writes interleaved float samples as 16-bit PCM WAV (or another libsndfile major format given
// as SF_FORMAT_* | subtype) to `path`.
void write_audio(const std::filesystem::path& path, const std::vector<float>& interleaved, int sample_rate,
                 int channels = 1, int sndfile_format = 0);

// The whole file as bytes ("" when it cannot be read).
std::string slurp(const std::filesystem::path& path);

// Runs a shell command; returns its exit status and fills `output` with stdout+stderr.
int run_command(const std::string& command, std::string* output = nullptr);

// The built jaams binary (for end-to-end tests), or the one $JAAMS_TEST_BINARY names.
std::string jaams_binary();

// Runs `jaams ARGS`; fails the test unless it exits with `expected_status`. Returns stdout+stderr.
std::string run_jaams(const std::string& args, int expected_status = 0);

// The message of the jaams::Error that `fn` throws; fails the test when it throws nothing.
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a jaams::Error";
  return {};
}

}  // namespace jaams::test

// Skips the current test when gtzan-mini is not beside the checkout.
#define JAAMS_REQUIRE_GTZAN_MINI()                                                   \
  do {                                                                               \
    if (::jaams::test::gtzan_mini().empty()) GTEST_SKIP() << "gtzan-mini not found"; \
  } while (0)
