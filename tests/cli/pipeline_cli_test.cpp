// The whole method through the real binary on a small composed dataset:
// synth -> preprocess -> train -> eval -> predict -> report.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

std::string run(const std::string& args, int expected_status = 0) {
  std::string out;
  const int status = test::run_command(test::jaams_binary() + " " + args, &out);
  EXPECT_EQ(status, expected_status) << args << "\n" << out;
  return out;
}

using test::slurp;

TEST(PipelineCli, SynthPreprocessTrainEvalPredictReport) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  // Small images and short clips keep this under a minute; the path is the one users run.
  const std::string small = " --set image.height=72 --set image.width=108 --set audio.segment_seconds=4 --set audio.hop_seconds=4";

  run("synth --out " + d + "/audio --per-genre 4 --seconds 8 --seed 3");
  run("synth --out " + d + "/again --per-genre 4 --seconds 8 --seed 3");
  EXPECT_EQ(slurp(dir / "audio/metal/metal.00002.wav"), slurp(dir / "again/metal/metal.00002.wav"));

  const auto pre = run("preprocess --input " + d + "/audio --output " + d + "/images --kinds mel" + small);
  EXPECT_NE(pre.find("36 files"), std::string::npos) << pre;
  EXPECT_NE(pre.find("72 segments"), std::string::npos) << pre;

  const auto train = run("--quiet train --config " JAAMS_SOURCE_DIR "/configs/cnn_mel.yaml --data " + d + "/images --output " + d +
                         "/runs/cnn_mel --set training.epochs=3 --set training.batch_size=8" + small);
  EXPECT_NE(train.find("segment accuracy train"), std::string::npos) << train;
  ASSERT_TRUE(fs::exists(dir / "runs/cnn_mel/model.jaams"));

  const auto eval = run("eval --run " + d + "/runs/cnn_mel --split test --output " + d + "/eval");
  EXPECT_NE(eval.find("Segment accuracy"), std::string::npos) << eval;
  EXPECT_NE(slurp(dir / "eval/metrics.md").find("Precision"), std::string::npos);

  const auto predict = run("predict --model " + d + "/runs/cnn_mel/model.jaams " + d + "/audio/disco " + d + "/audio/blues/blues.00000.wav");
  EXPECT_EQ(std::count(predict.begin(), predict.end(), '\n') >= 6, true) << predict;
  EXPECT_NE(predict.find("disco.00003.wav"), std::string::npos) << predict;

  const auto report = run("report " + d + "/runs/cnn_mel --output " + d + "/report");
  EXPECT_NE(report.find("| cnn_mel | cnn | mel |"), std::string::npos) << report;
  const auto html = slurp(dir / "report/report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
}

TEST(PipelineCli, BadArgumentsExitWithStatusTwo) {
  run("train --no-such-flag", 2);
  run("predict", 2);
  run("report /nonexistent/run", 2);
}

}  // namespace
}  // namespace jaams
