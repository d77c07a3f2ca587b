// The whole method through the real binary on a small composed dataset:
// synth -> preprocess -> train -> eval -> predict -> report.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

using test::run_jaams;

using test::slurp;

TEST(PipelineCli, SynthPreprocessTrainEvalPredictReport) {
  test::TempDir dir;
  const std::string d = dir.path().string();
  // Small images and short clips keep this under a minute; the path is the one users run.
  const std::string small = " --set image.height=72 --set image.width=108 --set audio.segment_seconds=4 --set audio.hop_seconds=4";

  run_jaams("synth --out " + d + "/audio --per-genre 4 --seconds 8 --seed 3");
  run_jaams("synth --out " + d + "/again --per-genre 4 --seconds 8 --seed 3");
  EXPECT_EQ(slurp(dir / "audio/metal/metal.00002.wav"), slurp(dir / "again/metal/metal.00002.wav"));

  const auto pre = run_jaams("preprocess --input " + d + "/audio --output " + d + "/images --kinds mel" + small);
  EXPECT_NE(pre.find("36 files"), std::string::npos) << pre;
  EXPECT_NE(pre.find("72 segments"), std::string::npos) << pre;

  const auto train = run_jaams("--quiet train --config " JAAMS_SOURCE_DIR "/configs/cnn_mel.yaml --data " + d + "/images --output " + d +
                         "/runs/cnn_mel --set training.epochs=3 --set training.batch_size=8" + small);
  EXPECT_NE(train.find("segment accuracy train"), std::string::npos) << train;
  ASSERT_TRUE(fs::exists(dir / "runs/cnn_mel/model.jaams"));

  const auto eval = run_jaams("eval --run " + d + "/runs/cnn_mel --split test --output " + d + "/eval");
  EXPECT_NE(eval.find("Segment accuracy"), std::string::npos) << eval;
  EXPECT_NE(slurp(dir / "eval/metrics.md").find("Precision"), std::string::npos);
  // Every accuracy with its interval; the probabilities' calibration before and after the
  // temperature the trainer fitted on the validation split.
  EXPECT_NE(eval.find("Segment accuracy: "), std::string::npos) << eval;
  EXPECT_NE(eval.find("[95% CI "), std::string::npos) << eval;
  EXPECT_NE(eval.find("Calibration (15 bins, segments): ECE "), std::string::npos) << eval;
  EXPECT_NE(eval.find("after temperature"), std::string::npos) << eval;
  const auto no_ci = run_jaams("eval --run " + d + "/runs/cnn_mel --split test --bootstrap 0 --output " + d + "/eval0");
  EXPECT_EQ(no_ci.find("[95% CI "), std::string::npos) << no_ci;

  const auto predict = run_jaams("predict --model " + d + "/runs/cnn_mel/model.jaams " + d + "/audio/disco " + d + "/audio/blues/blues.00000.wav");
  EXPECT_EQ(std::count(predict.begin(), predict.end(), '\n') >= 6, true) << predict;
  EXPECT_NE(predict.find("disco.00003.wav"), std::string::npos) << predict;

  const auto report = run_jaams("report " + d + "/runs/cnn_mel --output " + d + "/report");
  EXPECT_NE(report.find("| cnn_mel | cnn | mel |"), std::string::npos) << report;
  const auto html = slurp(dir / "report/report.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
}

TEST(PipelineCli, BadArgumentsExitWithStatusTwo) {
  run_jaams("train --no-such-flag", 2);
  run_jaams("predict", 2);
  run_jaams("report /nonexistent/run", 2);
}

}  // namespace
}  // namespace jaams
