// Hostile labels CSVs (data.labels) and launcher variables of distributed training, through the
// binary: each is refused with the file, line or variable named and the documented exit status,
// before any run folder content is written.
#include <gtest/gtest.h>

#include <fstream>

#include "hostile_support.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;
using test::run_jaams;

std::string train_with_labels(const fs::path& dir, const fs::path& csv, int expected_status) {
  return run_jaams("--quiet train --set data.labels=" + csv.string() + " --set training.epochs=1 -o " + (dir / "run").string(),
                   expected_status);
}

TEST(HostileLabels, BrokenCsvsAreRefusedNamingTheFileAndLine) {
  test::TempDir dir;
  hostile::write_music(dir / "audio/a.wav", 3, 1);
  fs::create_directories(dir / "folder.wav");
  const std::pair<std::string, std::string> cases[] = {
      {"", "empty"},
      {std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "no 'path' column"},
      {"path,label\naudio/a.wav,rock\n", "no 'genre' column"},
      {"path,genre\naudio/a.wav,rock,extra\n", "labels.csv:2: 3 fields, the header has 2"},
      {"path,genre\n,rock\n", "labels.csv:2: empty path or genre"},
      {"path,genre\nfolder.wav,rock\n", "labels.csv:2: 'folder.wav' is a folder"},
      {"path,genre\n\"audio/a.wav,rock\n", "labels.csv"},  // a quote never closed
      {"path,genre\n", "no rows after the header"},
  };
  for (const auto& [text, expected] : cases) {
    std::ofstream(dir / "labels.csv", std::ios::binary) << text;
    const auto out = train_with_labels(dir.path(), dir / "labels.csv", 2);
    EXPECT_NE(out.find(expected), std::string::npos) << "for " << expected << ": " << out;
    EXPECT_FALSE(fs::exists(dir / "run" / "checkpoint.pt"));
  }
  const auto missing = train_with_labels(dir.path(), dir / "absent.csv", 2);
  EXPECT_NE(missing.find("absent.csv': cannot open"), std::string::npos) << missing;
}

TEST(HostileRanks, MalformedLauncherVariablesAreNamedAndAnAbsentRankZeroTimesOut) {
  test::TempDir dir;
  const std::string train = test::jaams_binary() + " --quiet train --set training.dist_timeout=2 -o " + (dir / "run").string();
  std::string out;
  EXPECT_EQ(test::run_command("env RANK=one WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=29999 " + train, &out), 2) << out;
  EXPECT_NE(out.find("RANK='one'"), std::string::npos) << out;
  EXPECT_EQ(test::run_command("env RANK=0 WORLD_SIZE=2 MASTER_PORT=29999 " + train, &out), 2) << out;
  EXPECT_NE(out.find("MASTER_ADDR is not set"), std::string::npos) << out;
  // Rank 1 waiting for a rank 0 that never starts: a RuntimeFailure after the timeout, not a hang.
  EXPECT_EQ(test::run_command("env RANK=1 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=9 timeout 120 " + train, &out), 3) << out;
  EXPECT_NE(out.find("could not join the group at 127.0.0.1:9"), std::string::npos) << out;
  EXPECT_FALSE(fs::exists(dir / "run" / "config.yaml"));
}

}  // namespace
}  // namespace jaams
