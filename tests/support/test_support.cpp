#include "test_support.hpp"

#include <sndfile.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <random>
#include <stdexcept>

namespace jaams::test {
namespace fs = std::filesystem;

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  std::random_device rd;
  path_ = fs::temp_directory_path() /
          ("jaams-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
  fs::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

fs::path gtzan_mini() {
  const fs::path p = JAAMS_GTZAN_MINI;
  std::error_code ec;
  return fs::is_directory(p / "blues", ec) ? fs::canonical(p) : fs::path();
}

std::vector<float> sine(double freq, double seconds, int sample_rate, float amp) {
  const auto n = static_cast<std::size_t>(std::llround(seconds * sample_rate));
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = amp * static_cast<float>(std::sin(2.0 * M_PI * freq * double(i) / sample_rate));
  return y;
}

void write_audio(const fs::path& path, const std::vector<float>& interleaved, int sample_rate, int channels,
                 int sndfile_format) {
  SF_INFO info{};
  info.samplerate = sample_rate;
  info.channels = channels;
  info.format = sndfile_format != 0 ? sndfile_format : (SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (f == nullptr) throw std::runtime_error(path.string() + ": " + sf_strerror(nullptr));
  const sf_count_t frames = static_cast<sf_count_t>(interleaved.size() / channels);
  if (sf_writef_float(f, interleaved.data(), frames) != frames) {
    sf_close(f);
    throw std::runtime_error(path.string() + ": short write");
  }
  sf_close(f);
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int run_command(const std::string& command, std::string* output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 4096> buf{};
  std::string text;
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) text.append(buf.data(), n);
  const int status = ::pclose(pipe);
  if (output != nullptr) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string jaams_binary() {
  // JAAMS_TEST_BINARY runs the suites against another build, e.g. an older one to see that a
  // regression test fails there.
  if (const char* other = std::getenv("JAAMS_TEST_BINARY"); other != nullptr && *other != '\0') return other;
  return JAAMS_BINARY;
}

std::string run_jaams(const std::string& args, int expected_status) {
  std::string out;
  const int status = run_command(jaams_binary() + " " + args, &out);
  EXPECT_EQ(status, expected_status) << args << "\n" << out;
  return out;
}

}  // namespace jaams::test
