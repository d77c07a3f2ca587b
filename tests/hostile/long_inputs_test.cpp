// Inputs that once cost gigabytes: a header claiming 1 Hz (the resampler expanded each block
// 22050-fold) and a two-hour track (preprocess held all its segments). Each goes through
// preprocess and predict with the jaams process's peak memory measured: it must stay under 1 GB.
#include <gtest/gtest.h>

#include "hostile_support.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

constexpr long kMaxRssMb = 1024;

TEST(HostileLongInputs, AOneHertzHeaderIsRefusedWithinTheMemoryLimit) {
  test::TempDir dir;
  fs::create_directories(dir / "audio/blues");
  hostile::write_wav_with_claimed_rate(dir / "audio/blues/one_hertz.wav", 12, 1);
  predict::fixtures::write_package(dir / "model.jaams");

  auto run = hostile::run_jaams_measured("preprocess --input " + (dir / "audio").string() + " --output " +
                                         (dir / "images").string() + " --kinds mel --no-png");
  EXPECT_EQ(run.status, 1) << run.output;  // the file failed, the run finished
  EXPECT_NE(run.output.find("sample rate"), std::string::npos) << run.output;
  EXPECT_LT(run.max_rss_mb, kMaxRssMb) << run.output;

  run = hostile::run_jaams_measured("predict --model " + (dir / "model.jaams").string() + " " +
                                    (dir / "audio/blues/one_hertz.wav").string());
  EXPECT_EQ(run.status, 1) << run.output;
  EXPECT_NE(run.output.find("sample rate"), std::string::npos) << run.output;
  EXPECT_LT(run.max_rss_mb, kMaxRssMb) << run.output;
}

TEST(HostileLongInputs, ATwoHourTrackStaysUnderOneGigabyte) {
  test::TempDir dir;
  fs::create_directories(dir / "audio/blues");
  // 8 kHz keeps the file at 115 MB; jaams resamples it to 22050 Hz as it reads.
  const fs::path track = dir / "audio/blues/two_hours.wav";
  hostile::write_long_wav(track, 7200, 8000);
  predict::fixtures::write_package(dir / "model.jaams");

  // The report's three image kinds at full size: 720 segments of 3 x 288 x 432 x 3 bytes would be
  // 800 MB held at once.
  auto run = hostile::run_jaams_measured("preprocess --input " + (dir / "audio").string() + " --output " +
                                         (dir / "images").string() + " --kinds mel,centroid,chroma --no-png");
  EXPECT_EQ(run.status, 0) << run.output;
  EXPECT_NE(run.output.find("720 segments"), std::string::npos) << run.output;
  EXPECT_LT(run.max_rss_mb, kMaxRssMb) << run.output;
  std::printf("preprocess of a 2-hour track: peak RSS %ld MB\n", run.max_rss_mb);

  run = hostile::run_jaams_measured("predict -j 2 --model " + (dir / "model.jaams").string() + " -o " +
                                    (dir / "rows.csv").string() + " " + track.string());
  EXPECT_EQ(run.status, 0) << run.output;
  const auto rows = predict::fixtures::read_csv(dir / "rows.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("segments"), "3600");
  EXPECT_LT(run.max_rss_mb, kMaxRssMb) << run.output;
  std::printf("predict of a 2-hour track: peak RSS %ld MB\n", run.max_rss_mb);
}

}  // namespace
}  // namespace jaams
