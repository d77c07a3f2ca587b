// `jaams audit` end to end: a copy of a clip under another name and gain is reported, and with
// --run the group is flagged when the two sit in different splits of that run.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "jaams/eval/audit_record.hpp"
#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

TEST(AuditCli, FlagsACopyThatCrossesTheRunsSplits) {
  JAAMS_REQUIRE_GTZAN_MINI();
  if (test::run_command("sox --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "sox not installed";
  test::TempDir dir;
  for (const std::string genre : {"blues", "classical", "metal"}) {
    fs::create_directories(dir / "data" / genre);
    fs::copy_file(test::gtzan_mini() / genre / (genre + ".00000.wav"), dir / "data" / genre / (genre + ".00000.wav"));
  }
  const fs::path copy = dir / "data" / "blues" / "blues.09999.wav";
  ASSERT_EQ(test::run_command("sox -q '" + (test::gtzan_mini() / "blues" / "blues.00000.wav").string() + "' '" +
                              copy.string() + "' gain -6"),
            0);
  // A run whose test split holds the copy while the original trained.
  fs::create_directories(dir / "run");
  std::ofstream(dir / "run" / "splits.csv") << "track_id,segment,subset\nblues.00000,0,train\nblues.00000,1,train\n"
                                               "blues.09999,0,test\nclassical.00000,0,train\nmetal.00000,0,val\n";

  const std::string out = test::run_jaams("--quiet audit '" + (dir / "data").string() + "' --run '" +
                                          (dir / "run").string() + "' --output '" + (dir / "pairs.csv").string() + "'");
  EXPECT_NE(out.find("group 1:"), std::string::npos) << out;
  EXPECT_EQ(out.find("group 2:"), std::string::npos) << out;
  EXPECT_NE(out.find("blues.09999.wav (test)"), std::string::npos) << out;
  EXPECT_NE(out.find("CROSSES SPLITS: test+train"), std::string::npos) << out;
  const std::string csv = test::slurp(dir / "pairs.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "group,file_a,file_b,offset_seconds,bit_error_rate,overlap_seconds,split_a,split_b,crosses_splits");
  EXPECT_NE(csv.find(",0.000,"), std::string::npos) << csv;  // no shift
  EXPECT_NE(csv.find(",train,test,true\n"), std::string::npos) << csv;
  // Kept beside the run for the report.
  const eval::AuditRecord record = eval::read_audit_record(dir / "run" / eval::kAuditFile);
  EXPECT_EQ(record.files, 4u);
  EXPECT_EQ(record.pairs, 1u);
  ASSERT_EQ(record.groups.size(), 1u);
  EXPECT_TRUE(record.groups[0].crosses_splits);
  EXPECT_EQ(record.groups[0].splits, (std::vector<std::string>{"test", "train"}));

  // Without --run: the pair, no split columns.
  const std::string plain = test::run_jaams("--quiet audit '" + (dir / "data").string() + "' --output '" +
                                            (dir / "plain.csv").string() + "'");
  EXPECT_EQ(plain.find("CROSSES"), std::string::npos) << plain;
  const std::string plain_csv = test::slurp(dir / "plain.csv");
  EXPECT_EQ(std::count(plain_csv.begin(), plain_csv.end(), '\n'), 2) << plain_csv;  // header + the pair
  EXPECT_EQ(plain_csv.find("crosses_splits"), std::string::npos);
}

}  // namespace
}  // namespace jaams
