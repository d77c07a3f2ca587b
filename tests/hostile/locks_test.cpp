// Two runs on one output: the second stops with exit 2 naming the process that holds the output,
// before it writes anything. The test process plays the first run by holding the same lock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "hostile_support.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/file_lock.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;
using test::run_jaams;

const std::string kHolder = "process " + std::to_string(::getpid());

TEST(HostileLocks, ALockIsExclusiveAndEndsWithItsHolder) {
  test::TempDir dir;
  {
    FileLock first = lock_output_file(dir / "rows.csv", "--output 'rows.csv'");
    const std::string message = test::error_of([&] { FileLock second = lock_output_file(dir / "rows.csv", "--output 'rows.csv'"); });
    EXPECT_NE(message.find("in use by another jaams run"), std::string::npos) << message;
    EXPECT_NE(message.find(kHolder), std::string::npos) << message;
  }
  EXPECT_NO_THROW(FileLock again = lock_output_file(dir / "rows.csv", "--output 'rows.csv'"));
}

TEST(HostileLocks, ASecondPredictOnTheSameOutputStops) {
  test::TempDir dir;
  predict::fixtures::write_package(dir / "model.jaams");
  hostile::write_music(dir / "a.wav", 5, 1);
  const std::string rows = (dir / "rows.csv").string();
  std::ofstream(rows) << "rows of the first run\n";
  const FileLock first = lock_output_file(rows, "--output");
  const auto out = run_jaams("predict --resume --model " + (dir / "model.jaams").string() + " -o " + rows + " " +
                                 (dir / "a.wav").string(),
                             2);
  EXPECT_NE(out.find(kHolder), std::string::npos) << out;
  EXPECT_EQ(test::slurp(rows), "rows of the first run\n");
}

TEST(HostileLocks, AnOutputThatIsNotAFileNeedsNoLock) {
  test::TempDir dir;
  predict::fixtures::write_package(dir / "model.jaams");
  hostile::write_music(dir / "a.wav", 5, 1);
  // A pipe: there is no folder of its own to put a lock or a model record in.
  const auto out = run_jaams("predict --model " + (dir / "model.jaams").string() + " -o /dev/stdout " +
                                 (dir / "a.wav").string() + " | cat",
                             0);
  EXPECT_NE(out.find("a.wav,"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists("/dev/.stdout.lock"));
}

TEST(HostileLocks, ASecondTrainingInTheSameRunFolderStops) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  run_jaams("synth --out " + d + "/audio --per-genre 2 --seconds 11 --seed 3 --genres blues,rock", 0);
  const FileLock first = lock_folder(dir / "run", "run");
  const auto out = run_jaams("train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --set data.genres=[blues,rock] --data " + d +
                                 "/audio --output " + d + "/run",
                             2);
  EXPECT_NE(out.find(kHolder), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "run/config.yaml"));
}

TEST(HostileLocks, ASecondPreprocessIntoTheSameFolderStops) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  run_jaams("synth --out " + d + "/audio --per-genre 1 --seconds 11 --seed 3 --genres blues", 0);
  const FileLock first = lock_folder(dir / "images", "images");
  // A partial file of the first run: the second must not clean it up.
  std::ofstream(dir / "images/.x.u8.tmp-1-0") << "partial";
  const auto out = run_jaams("preprocess --input " + d + "/audio --output " + d + "/images --kinds mel --no-png", 2);
  EXPECT_NE(out.find(kHolder), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(dir / "images/.x.u8.tmp-1-0"));
  EXPECT_FALSE(fs::exists(dir / "images/manifest.csv"));
}

}  // namespace
}  // namespace jaams
