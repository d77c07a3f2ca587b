#include "jaams/eval/run_files.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::eval {
namespace {

RunInfo sample_info() {
  RunInfo info;
  info.name = "cnn-mel";
  info.model = "cnn";
  info.kind = "mel";
  info.split = "track";
  info.jaams_version = "0.1.0";
  info.classes = {"blues", "rock"};
  info.epochs_run = 12;
  info.best_epoch = 9;
  info.train_seconds = 321.5;
  info.accuracy["train"] = {0.99, 1.0};
  info.accuracy["test"] = {0.6796, kMissing};
  return info;
}

using test::error_of;

TEST(RunFiles, RunInfoRoundTrip) {
  test::TempDir dir;
  write_run_info(dir.path(), sample_info());
  const RunInfo back = read_run_info(dir.path());
  EXPECT_EQ(back.name, "cnn-mel");
  EXPECT_EQ(back.model, "cnn");
  EXPECT_EQ(back.kind, "mel");
  EXPECT_EQ(back.split, "track");
  EXPECT_FALSE(back.random_backbone);
  EXPECT_EQ(back.classes, (std::vector<std::string>{"blues", "rock"}));
  EXPECT_EQ(back.epochs_run, 12);
  EXPECT_EQ(back.best_epoch, 9);
  EXPECT_DOUBLE_EQ(back.train_seconds, 321.5);
  ASSERT_EQ(back.accuracy.size(), 2u);  // no "val": the split is absent, not zero
  EXPECT_DOUBLE_EQ(back.accuracy.at("test").segment, 0.6796);
  EXPECT_TRUE(std::isnan(back.accuracy.at("test").track));
  EXPECT_EQ(back.accuracy.count("val"), 0u);
}

TEST(RunFiles, MissingRunJsonNamesTheFolder) {
  test::TempDir dir;
  const std::string msg = error_of([&] { read_run_info(dir.path()); });
  EXPECT_NE(msg.find(dir.path().string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("run.json"), std::string::npos) << msg;
  const std::string gone = error_of([&] { read_run_info(dir / "nowhere"); });
  EXPECT_NE(gone.find("nowhere"), std::string::npos) << gone;
}

TEST(RunFiles, BadRunJsonNamesFileAndKey) {
  test::TempDir dir;
  nlohmann::json j = to_json(sample_info());
  j["model"] = "resnet";
  write_file_atomic(dir / "run.json", j.dump());
  std::string msg = error_of([&] { read_run_info(dir.path()); });
  EXPECT_NE(msg.find("run.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'model'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("alexcnn"), std::string::npos) << msg;  // lists the choices

  j = to_json(sample_info());
  j["accuracy"]["val"] = {{"segment", "high"}};
  write_file_atomic(dir / "run.json", j.dump());
  msg = error_of([&] { read_run_info(dir.path()); });
  EXPECT_NE(msg.find("accuracy.val.segment"), std::string::npos) << msg;

  j = to_json(sample_info());
  j.erase("kind");
  write_file_atomic(dir / "run.json", j.dump());
  msg = error_of([&] { read_run_info(dir.path()); });
  EXPECT_NE(msg.find("'kind'"), std::string::npos) << msg;

  write_file_atomic(dir / "run.json", std::string_view("{ not json"));
  msg = error_of([&] { read_run_info(dir.path()); });
  EXPECT_NE(msg.find("not valid JSON"), std::string::npos) << msg;
}

TEST(RunFiles, HistoryRoundTripKeepsMissingValidation) {
  test::TempDir dir;
  std::vector<EpochRecord> history = {{1, 2.1, 0.3, 2.2, 0.25, 10.5}, {2, 1.4, 0.55, kMissing, kMissing, 9.75}};
  write_history(dir.path(), history);
  std::ifstream in(dir / "history.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, kHistoryHeader);
  const auto back = read_history(dir.path());
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].epoch, 2);
  EXPECT_DOUBLE_EQ(back[0].val_accuracy, 0.25);
  EXPECT_DOUBLE_EQ(back[1].train_accuracy, 0.55);
  EXPECT_TRUE(std::isnan(back[1].val_loss));
  EXPECT_TRUE(std::isnan(back[1].val_accuracy));
  EXPECT_DOUBLE_EQ(back[1].seconds, 9.75);
}

TEST(RunFiles, HistoryErrorsNameFileAndLine) {
  const std::string header = std::string(kHistoryHeader) + "\n";
  EXPECT_EQ(parse_history_csv(header + "1,1,0.5,,,2\r\n\n", "h.csv").size(), 1u);
  std::string msg = error_of([&] { parse_history_csv(header + "1,1,0.5,1,0.4,2\n2,1,abc,1,0.4,2\n", "h.csv"); });
  EXPECT_NE(msg.find("h.csv:3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("abc"), std::string::npos) << msg;
  msg = error_of([&] { parse_history_csv(header + "1,1,0.5\n", "h.csv"); });
  EXPECT_NE(msg.find("h.csv:2"), std::string::npos) << msg;
  msg = error_of([&] { parse_history_csv("epoch,loss\n", "h.csv"); });
  EXPECT_NE(msg.find("header"), std::string::npos) << msg;
  test::TempDir dir;
  msg = error_of([&] { read_history(dir.path()); });
  EXPECT_NE(msg.find("history.csv"), std::string::npos) << msg;
}

TEST(RunFiles, SplitMetricsLiveUnderEval) {
  test::TempDir dir;
  const Metrics m = metrics_from_confusion({"a", "b"}, {{3, 1}, {0, 4}}, {{1, 0}, {0, 2}});
  write_split_metrics(dir.path(), "val", m);
  EXPECT_TRUE(std::filesystem::exists(dir / "eval" / "val.json"));
  EXPECT_EQ(read_split_metrics(dir.path(), "val").confusion, m.confusion);
  EXPECT_THROW(read_split_metrics(dir.path(), "test"), Error);
}

}  // namespace
}  // namespace jaams::eval
