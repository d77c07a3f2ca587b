// The rules docs/input-rules.md sets for inputs that were accepted but did the wrong thing.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "hostile_support.hpp"
#include "jaams/util/logging.hpp"
#include "predict_fixtures.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;
using predict::fixtures::read_csv;
using predict::fixtures::write_package;
using hostile::write_music;
using test::run_jaams;

TEST(HostileRules, AHopBelowATenthOfASecondIsRefused) {
  test::TempDir dir;
  write_music(dir / "audio/blues/a.wav", 11, 1);
  const auto out = run_jaams("preprocess --set audio.hop_seconds=0.0001 --input " + (dir / "audio").string() +
                                 " --output " + (dir / "images").string() + " --kinds mel --no-png",
                             2);
  EXPECT_NE(out.find("hop_seconds"), std::string::npos) << out;
  EXPECT_NE(out.find("at least 0.1"), std::string::npos) << out;
}

TEST(HostileRules, PredictFollowsLinkedFoldersOnceAndStopsAtLoops) {
  test::TempDir dir;
  write_package(dir / "model.jaams");
  write_music(dir / "elsewhere/linked.wav", 5, 1);
  write_music(dir / "library/own.wav", 5, 2);
  fs::create_directory_symlink(dir / "elsewhere", dir / "library/link");
  fs::create_directory_symlink(dir / "library", dir / "library/loop");  // points back up
  const auto out = run_jaams("predict --model " + (dir / "model.jaams").string() + " -o " + (dir / "rows.csv").string() +
                                 " " + (dir / "library").string(),
                             0);
  const auto rows = read_csv(dir / "rows.csv");
  ASSERT_EQ(rows.size(), 2u) << out;
  std::set<std::string> paths;
  for (const auto& r : rows) paths.insert(fs::path(r.at("path")).filename().string());
  EXPECT_EQ(paths, (std::set<std::string>{"linked.wav", "own.wav"}));
  EXPECT_NE(out.find("already searched"), std::string::npos) << out;
}

TEST(HostileRules, AnEmptySetValueResetsTheKeyAndSaysSo) {
  test::TempDir dir;
  const auto out = run_jaams("train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --set training.epochs= --data " +
                                 (dir / "none").string() + " --output " + (dir / "run").string(),
                             2);
  EXPECT_NE(out.find("--set training.epochs=: the value 200 is dropped"), std::string::npos) << out;
}

TEST(HostileRules, ResumingAnOutputWithAnotherModelIsRefused) {
  test::TempDir dir;
  write_package(dir / "a.jaams");
  predict::fixtures::PackageRecipe other;
  other.seed = 8;  // same classes and settings, other weights
  write_package(dir / "b.jaams", other);
  write_music(dir / "audio/one.wav", 5, 1);
  const std::string rows = (dir / "rows.csv").string();
  run_jaams("predict --model " + (dir / "a.jaams").string() + " -o " + rows + " " + (dir / "audio").string(), 0);
  write_music(dir / "audio/two.wav", 5, 2);
  const std::string before = test::slurp(rows);
  const auto out = run_jaams("predict --resume --model " + (dir / "b.jaams").string() + " -o " + rows + " " +
                                 (dir / "audio").string(),
                             2);
  EXPECT_NE(out.find("another model"), std::string::npos) << out;
  EXPECT_EQ(test::slurp(rows), before);
  run_jaams("predict --resume --model " + (dir / "a.jaams").string() + " -o " + rows + " " + (dir / "audio").string(), 0);
  EXPECT_EQ(read_csv(rows).size(), 2u);
}

TEST(HostileRules, NegativeValuesOfCountOptionsAreRefused) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  for (const std::string args : {"predict --model m.jaams --max-segments -1 " + d, "predict --model m.jaams -j -1 " + d,
                                 "predict --model m.jaams --batch-size -1 " + d, "predict --model m.jaams --top-k 0 " + d,
                                 "synth --out " + d + "/s --per-genre -1", "synth --out " + d + "/s --seed -1",
                                 "synth --out " + d + "/s --seconds -1", "preprocess --input " + d + " --output " + d + "/p -j -1",
                                 "train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --overfit -1 --output " + d + "/r",
                                 "train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --set training.seed=-1 --output " + d + "/r",
                                 "train --config " JAAMS_SOURCE_DIR "/configs/stats.yaml --set data.split_seed=-1 --output " + d + "/r"}) {
    const auto out = run_jaams(args, 2);
    EXPECT_LT(out.size(), 600u) << args << "\n" << out;
  }
  EXPECT_FALSE(fs::exists(dir / "s"));
}

TEST(HostileRules, DurationIsTheFilesLengthUnderMaxSegments) {
  test::TempDir dir;
  write_package(dir / "model.jaams");
  write_music(dir / "a.wav", 12, 1);
  run_jaams("predict --max-segments 1 --model " + (dir / "model.jaams").string() + " -o " + (dir / "rows.csv").string() +
                " " + (dir / "a.wav").string(),
            0);
  const auto rows = read_csv(dir / "rows.csv");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("segments"), "1");
  EXPECT_NEAR(predict::fixtures::number(rows[0], "duration_seconds"), 12.0, 0.01);
}

TEST(HostileRules, ControlCharactersInNamesAreEscapedInTheLog) {
  EXPECT_EQ(printable("a\nb\tc\x1b[31md\\e"), "a\\nb\\tc\\x1b[31md\\\\e");
  EXPECT_EQ(printable("blå.wav"), "blå.wav");  // UTF-8 stays readable

  test::TempDir dir;
  write_package(dir / "model.jaams");
  const fs::path bad = dir / "in/bad\n[00:00:00] [info] all good\x1b[2J.wav";
  fs::create_directories(bad.parent_path());
  std::ofstream(bad) << "not audio";
  const auto out = run_jaams("predict --model " + (dir / "model.jaams").string() + " -o " + (dir / "rows.csv").string() +
                                 " " + (dir / "in").string(),
                             1);
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_EQ(out.find("\n[00:00:00] [info] all good"), std::string::npos) << out;
  EXPECT_NE(out.find("bad\\n[00:00:00] [info] all good\\x1b[2J.wav"), std::string::npos) << out;
}

}  // namespace
}  // namespace jaams
