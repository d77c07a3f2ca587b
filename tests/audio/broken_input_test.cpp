// Files a user may point jaams at by mistake: each must give a jaams::Error that names the file,
// promptly, through every entry point (Decoder, load_mono, SegmentStream).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <future>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "jaams/audio/decoder.hpp"
#include "jaams/audio/segmenter.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::audio {
namespace {

namespace fs = std::filesystem;
using jaams::test::TempDir;

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `open` on a worker thread and expects a jaams::Error naming `path` within a few seconds.
// If it blocks instead, the test fails and `unblock` (e.g. opening a FIFO's write end) frees the
// worker so the suite can go on.
void expect_error_naming(const fs::path& path, const std::string& reason, const std::function<void()>& open,
                         const std::function<void()>& unblock = {}) {
  auto result = std::async(std::launch::async, [&]() -> std::string {
    try {
      open();
    } catch (const Error& e) {
      return e.what();
    } catch (const std::exception& e) {
      return std::string("wrong exception type: ") + e.what();
    }
    return "no error";
  });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    ADD_FAILURE() << path << ": opening blocked for 5 s";
    if (unblock) unblock();
  }
  const std::string message = result.get();
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find(reason), std::string::npos) << "expected \"" << reason << "\" in: " << message;
}

void expect_rejected(const fs::path& path, const std::string& reason, const std::function<void()>& unblock = {}) {
  SCOPED_TRACE(path.string());
  expect_error_naming(
      path, reason, [&] { Decoder d(path); }, unblock);
  expect_error_naming(
      path, reason, [&] { load_mono(path, 22050); }, unblock);
  expect_error_naming(
      path, reason, [&] { SegmentStream s(path, 22050, SegmentConfig{}); }, unblock);
}

TEST(BrokenInput, AbsurdSampleRateInTheHeaderIsRefusedAtOnce) {
  TempDir dir;
  // 12 s of samples that the header says were taken at 1 Hz: resampling them to 22050 Hz would
  // need gigabytes.
  jaams::test::write_audio(dir / "one_hertz.wav", jaams::test::sine(440, 12, 22050), 1);
  expect_rejected(dir / "one_hertz.wav", "sample rate 1 Hz is outside 1000..768000 Hz");
}

TEST(BrokenInput, MissingFile) {
  TempDir dir;
  expect_rejected(dir / "absent.wav", "cannot decode");
}

TEST(BrokenInput, ZeroByteFile) {
  TempDir dir;
  write_bytes(dir / "empty.wav", "");
  expect_rejected(dir / "empty.wav", "empty file");
}

TEST(BrokenInput, TruncatedWavHeader) {
  TempDir dir;
  jaams::test::write_audio(dir / "ok.wav", jaams::test::sine(440, 0.5, 22050), 22050);
  write_bytes(dir / "cut.wav", read_bytes(dir / "ok.wav").substr(0, 20));
  expect_rejected(dir / "cut.wav", "cannot decode");
}

TEST(BrokenInput, RandomBytesNamedWav) {
  TempDir dir;
  std::mt19937 rng(1234);
  std::string noise(8192, '\0');
  for (char& c : noise) c = static_cast<char>(rng() & 0xff);
  write_bytes(dir / "noise.wav", noise);
  expect_rejected(dir / "noise.wav", "cannot decode");
}

TEST(BrokenInput, TextFileNamedWav) {
  TempDir dir;
  write_bytes(dir / "notes.wav", "these are not the samples you are looking for\n");
  expect_rejected(dir / "notes.wav", "cannot decode");
}

TEST(BrokenInput, DirectoryNamedWav) {
  TempDir dir;
  fs::create_directory(dir / "x.wav");
  expect_rejected(dir / "x.wav", "is a directory");
}

TEST(BrokenInput, FifoNamedWavDoesNotBlock) {
  TempDir dir;
  const fs::path fifo = dir / "y.wav";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_rejected(fifo, "FIFO", [&] {
    // A reader blocked in open() returns once a writer appears; closing it gives the reader EOF.
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  });
}

// Stands in for an unreadable file: tests run as root, so permission bits do not stop a read.
TEST(BrokenInput, DanglingSymlink) {
  TempDir dir;
  fs::create_symlink(dir / "gone.wav", dir / "link.wav");
  expect_rejected(dir / "link.wav", "dangling symbolic link");
}

TEST(BrokenInput, SymlinkToGoodFileIsFollowed) {
  TempDir dir;
  jaams::test::write_audio(dir / "real.wav", jaams::test::sine(440, 0.5, 22050), 22050);
  fs::create_symlink(dir / "real.wav", dir / "link.wav");
  EXPECT_EQ(load_mono(dir / "link.wav", 22050).size(), 11025u);
}

// libsndfile keeps the reason an open failed in one process-wide variable; predict decodes on
// several threads, so a failed open must still report its own reason while good files open
// beside it.
TEST(BrokenInput, ReasonSurvivesOpensOnOtherThreads) {
  TempDir dir;
  write_bytes(dir / "notes.wav", "these are not the samples you are looking for\n");
  jaams::test::write_audio(dir / "ok.wav", jaams::test::sine(440, 0.1, 22050), 22050);
  std::atomic<bool> stop{false};
  std::vector<std::thread> openers;
  for (int t = 0; t < 3; ++t) {
    openers.emplace_back([&] {
      while (!stop) Decoder d(dir / "ok.wav");
    });
  }
  std::vector<std::string> reasons;
  for (int i = 0; i < 300; ++i) {
    try {
      Decoder d(dir / "notes.wav");
      reasons.emplace_back("no error");
    } catch (const Error& e) {
      reasons.emplace_back(e.what());
    }
  }
  stop = true;
  for (auto& t : openers) t.join();
  for (const std::string& reason : reasons) {
    ASSERT_NE(reason.find("Format not recognised"), std::string::npos) << reason;
  }
}

TEST(BrokenInput, BadTargetRate) {
  TempDir dir;
  jaams::test::write_audio(dir / "ok.wav", jaams::test::sine(440, 0.5, 22050), 22050);
  EXPECT_THROW(load_mono(dir / "ok.wav", 0), Error);
  EXPECT_THROW(SegmentStream(dir / "ok.wav", -1, SegmentConfig{}), Error);
}

}  // namespace
}  // namespace jaams::audio
