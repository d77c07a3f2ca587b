// Inputs the hostile run threw at jaams that it already handled, kept so they keep holding: a
// library of odd files through predict and preprocess. Every input gets exactly one row (its
// genre or its error), nothing crashes, no probability is NaN, memory stays under 1 GB.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <set>

#include "hostile_support.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

// Writes the odd library into `dir`; returns how many files should classify.
int write_odd_library(const fs::path& dir) {
  fs::create_directories(dir);
  const auto music = predict::fixtures::music(11, 44100, 3);
  int good = 0;
  test::write_audio(dir / "stereo 44k.wav", predict::fixtures::interleave(music, 2), 44100, 2), ++good;
  test::write_audio(dir / "six channels.wav", predict::fixtures::interleave(music, 6), 44100, 6), ++good;
  test::write_audio(dir / "low rate 8k.flac", predict::fixtures::music(11, 8000, 4), 8000, 1,
                    SF_FORMAT_FLAC | SF_FORMAT_PCM_16), ++good;
  test::write_audio(dir / "comma, \"quote\" and blå ♪.wav", predict::fixtures::music(11, 22050, 5), 22050), ++good;
  // Float samples that are not numbers, or infinite: decoded, then failed or scored - never NaN rows.
  auto broken = predict::fixtures::music(11, 22050, 6);
  for (std::size_t i = 0; i < broken.size(); i += 97) broken[i] = std::numeric_limits<float>::quiet_NaN();
  test::write_audio(dir / "not a number samples.wav", broken, 22050, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  for (std::size_t i = 0; i < broken.size(); i += 97) broken[i] = std::numeric_limits<float>::infinity();
  test::write_audio(dir / "inf samples.wav", broken, 22050, 1, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  std::ofstream(dir / "empty.wav");
  std::ofstream(dir / "text.mp3") << "this is not audio\n";
  test::write_audio(dir / "too short.wav", predict::fixtures::music(0.3, 22050, 7), 22050);
  test::write_audio(dir / "silent.wav", std::vector<float>(22050 * 5, 0.0f), 22050);
  const std::string whole = test::slurp(dir / "stereo 44k.wav");
  std::ofstream(dir / "truncated.wav", std::ios::binary) << whole.substr(0, 60);
  return good;
}

TEST(HostileHeldCases, AnOddLibraryGivesOneRowPerFileAndNoNaN) {
  test::TempDir dir;
  write_odd_library(dir / "library/blues");
  predict::fixtures::write_package(dir / "model.jaams");
  const auto run = hostile::run_jaams_measured("predict --model " + (dir / "model.jaams").string() + " -o " +
                                               (dir / "rows.csv").string() + " " + (dir / "library").string());
  EXPECT_EQ(run.status, 1) << run.output;  // some files failed, the others were classified
  EXPECT_LT(run.max_rss_mb, 1024) << run.output;
  const auto rows = predict::fixtures::read_csv(dir / "rows.csv");
  std::set<std::string> names;
  int classified = 0;
  for (const auto& row : rows) {
    names.insert(fs::path(row.at("path")).filename().string());
    if (row.at("error").empty()) {
      ++classified;
      const double p = predict::fixtures::number(row, "probability");
      EXPECT_TRUE(std::isfinite(p) && p > 0.0 && p <= 1.0) << row.at("path");
    }
  }
  EXPECT_EQ(names.size(), 11u);
  EXPECT_EQ(rows.size(), 11u);
  EXPECT_GE(classified, 4);  // the four good files at least (NaN/Inf files may be scored or refused)
  EXPECT_EQ(test::slurp(dir / "rows.csv").find("nan"), std::string::npos) << test::slurp(dir / "rows.csv");
}

TEST(HostileHeldCases, PreprocessListsEveryOddFileItCannotUse) {
  test::TempDir dir;
  write_odd_library(dir / "library/blues");
  const auto run = hostile::run_jaams_measured("preprocess --input " + (dir / "library").string() + " --output " +
                                               (dir / "images").string() + " --kinds mel --no-png");
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_LT(run.max_rss_mb, 1024) << run.output;
  const std::string failures = test::slurp(dir / "images/failures.csv");
  for (const char* name : {"empty.wav", "text.mp3", "too short.wav", "truncated.wav"}) {
    EXPECT_NE(failures.find(name), std::string::npos) << name << "\n" << failures;
  }
  EXPECT_NE(test::slurp(dir / "images/manifest.csv").find("stereo 44k"), std::string::npos) << failures;
}

}  // namespace
}  // namespace jaams
