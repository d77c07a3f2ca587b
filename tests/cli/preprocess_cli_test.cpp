// End-to-end tests of `jaams preprocess`: the real binary on real and broken files.
#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <set>
#include <sys/wait.h>
#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "jaams/data/image_cache.hpp"
#include "jaams/data/manifest.hpp"
#include "jaams/image/png.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

using test::slurp;

// Every regular file under `dir`, relative path -> contents.
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = slurp(e.path());
  }
  return files;
}

std::string jaams(const std::string& args, int* status) {
  std::string out;
  *status = test::run_command(test::jaams_binary() + " " + args, &out);
  return out;
}

TEST(PreprocessCli, GtzanMiniGivesOneImagePerSegmentAndKind) {
  JAAMS_REQUIRE_GTZAN_MINI();
  test::TempDir dir;
  int status = 0;
  const auto out = jaams("preprocess --input " + test::gtzan_mini().string() + " --output " + (dir / "out").string(), &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("63 files"), std::string::npos) << out;
  EXPECT_NE(out.find("x real time"), std::string::npos) << out;
  const auto rows = data::read_manifest(dir / "out" / "manifest.csv");
  std::map<std::string, std::size_t> per_kind;
  std::set<std::string> tracks;
  for (const auto& r : rows) {
    ++per_kind[r.kind];
    tracks.insert(r.track_id);
  }
  EXPECT_EQ(tracks.size(), 63u);
  ASSERT_EQ(per_kind.size(), 3u);
  // gtzan-mini clips are 15-20 s: one or two segments each, the same count for every kind.
  EXPECT_EQ(per_kind["mel"], per_kind["centroid"]);
  EXPECT_EQ(per_kind["mel"], per_kind["chroma"]);
  EXPECT_GE(per_kind["mel"], 63u);
  EXPECT_LE(per_kind["mel"], 126u);
  for (std::size_t i = 0; i < rows.size(); i += 17) {
    const auto img = image::read_png(dir / "out" / rows[i].image);
    EXPECT_EQ(img.height, 288);
    EXPECT_EQ(img.width, 432);
  }
  // The cache holds the same pixels as the PNG.
  const auto& first = rows.front();
  const auto cache = data::read_image_cache(dir / "out" / "cache" / first.kind / first.genre / (first.track_id + ".u8"));
  const auto png = image::read_png(dir / "out" / first.image);
  ASSERT_GT(cache.segments, first.segment);
  EXPECT_EQ(0, std::memcmp(cache.segment(first.segment), png.rgb.data(), png.rgb.size()));
}

TEST(PreprocessCli, BrokenFilesAreReportedAndGoodOnesProcessed) {
  test::TempDir dir;
  const fs::path in = dir / "in";
  fs::create_directories(in / "blues");
  fs::create_directories(in / "rock");
  test::write_audio(in / "blues" / "good.wav", test::sine(220.0, 12.0, 22050), 22050);
  // 96 kHz, 6 channels is unusual but valid: it is mixed down and resampled.
  std::vector<float> six(96000 * 11 * 6);
  for (std::size_t i = 0; i < six.size(); ++i) six[i] = 0.3f * std::sin(2 * M_PI * 330.0 * double(i / 6) / 96000.0);
  test::write_audio(in / "rock" / "surround.wav", six, 96000, 6);
  std::ofstream(in / "blues" / "zero.wav").close();
  const auto good = slurp(in / "blues" / "good.wav");
  std::ofstream(in / "blues" / "truncated.wav", std::ios::binary) << good.substr(0, 20);
  std::string noise(5000, '\0');
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<char>((i * 7919 + 13) % 251);
  std::ofstream(in / "blues" / "random.wav", std::ios::binary) << noise;
  fs::create_directories(in / "rock" / "x.wav");
  test::write_audio(in / "rock" / "short.wav", test::sine(440.0, 0.5, 22050), 22050);
  fs::create_symlink(in / "missing-target.wav", in / "rock" / "unreadable.wav");
  ASSERT_EQ(::mkfifo((in / "rock" / "pipe.wav").c_str(), 0644), 0);
  std::ofstream(in / "rock" / "notes.txt") << "not audio, not listed";

  int status = 0;
  const auto out = jaams("preprocess --input " + in.string() + " --output " + (dir / "out").string() + " --kinds mel", &status);
  EXPECT_EQ(status, 1) << out;
  const auto failures = slurp(dir / "out" / "failures.csv");
  for (const char* name : {"zero.wav", "truncated.wav", "random.wav", "x.wav", "short.wav", "unreadable.wav", "pipe.wav"}) {
    EXPECT_NE(failures.find(name), std::string::npos) << name << "\n" << failures;
  }
  EXPECT_EQ(std::count(failures.begin(), failures.end(), '\n'), 8) << failures;  // header + 7
  EXPECT_NE(failures.find("too short"), std::string::npos);
  EXPECT_NE(failures.find("empty"), std::string::npos);
  const auto rows = data::read_manifest(dir / "out" / "manifest.csv");
  std::set<std::string> tracks;
  for (const auto& r : rows) tracks.insert(r.track_id);
  EXPECT_EQ(tracks, (std::set<std::string>{"good", "surround"}));
}

TEST(PreprocessCli, KilledRunResumesToTheSameBytes) {
  test::TempDir dir;
  const fs::path in = dir / "in";
  for (const char* genre : {"blues", "metal"}) {
    fs::create_directories(in / genre);
    for (int i = 0; i < 8; ++i) {
      auto y = test::sine(110.0 * (i + 1), 30.0, 22050, 0.3f);
      for (std::size_t k = 0; k < y.size(); k += 5000) y[k] += 0.2f;  // clicks: some texture
      test::write_audio(in / genre / (std::string(genre) + ".0000" + std::to_string(i) + ".wav"), y, 22050);
    }
  }
  int status = 0;
  const std::string args = "preprocess --threads 1 --input " + in.string() + " --output ";
  jaams(args + (dir / "straight").string(), &status);
  ASSERT_EQ(status, 0);

  // Start, kill hard once a few tracks are done, start again.
  const fs::path out = dir / "killed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const std::string bin = test::jaams_binary();
    ::execl(bin.c_str(), bin.c_str(), "--quiet", "preprocess", "--threads", "1", "--input", in.c_str(), "--output",
            out.c_str(), nullptr);
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  auto records = [&] {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(out / "tracks", ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      n += it->path().extension() == ".json";
    }
    return n;
  };
  while (records() < 3 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ::kill(pid, SIGKILL);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  ASSERT_TRUE(WIFSIGNALED(wstatus)) << "the run finished before it could be killed";
  EXPECT_LT(records(), 16u);

  const auto resumed = jaams(args + out.string(), &status);
  ASSERT_EQ(status, 0) << resumed;
  EXPECT_NE(resumed.find("already complete"), std::string::npos) << resumed;
  const auto a = tree(dir / "straight");
  const auto b = tree(out);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [name, bytes] : a) {
    ASSERT_TRUE(b.count(name)) << name;
    EXPECT_TRUE(b.at(name) == bytes) << name << " differs";
  }
}

TEST(PreprocessCli, BadConfigKeyIsNamedAndNothingIsWritten) {
  test::TempDir dir;
  std::ofstream(dir / "bad.yaml") << "features:\n  n_mel: 64\n";
  fs::create_directories(dir / "in" / "blues");
  int status = 0;
  const auto out = jaams("preprocess --config " + (dir / "bad.yaml").string() + " --input " + (dir / "in").string() +
                             " --output " + (dir / "out").string(),
                         &status);
  EXPECT_EQ(status, 2) << out;
  EXPECT_NE(out.find("features.n_mel"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(Cli, VersionNamesLibTorchAndDevice) {
  int status = 0;
  const auto out = jaams("--version", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("jaams "), std::string::npos);
  EXPECT_NE(out.find("LibTorch"), std::string::npos);
  EXPECT_NE(out.find("CUDA"), std::string::npos);
}

}  // namespace
}  // namespace jaams
