// The models that read feature matrices (stats, transfer with and without stats, the cnn on the
// mel matrix) through the real binary: train from a raw audio root, evaluate, predict, and check
// that a file scores the same alone as inside a batch of others.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <sstream>

#include "test_support.hpp"

namespace jaams {
namespace {
namespace fs = std::filesystem;

using test::run_jaams;

// path -> pooled probabilities, from JSON lines written with --segments (per-class probabilities).
std::map<std::string, std::vector<double>> track_probabilities(const fs::path& jsonl) {
  std::map<std::string, std::vector<double>> out;
  std::istringstream in(test::slurp(jsonl));
  std::string line;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    if (j["row"] != "track" || !j["error"].is_null()) continue;
    std::vector<double> p;
    for (const auto& item : j["probabilities"].items()) p.push_back(item.value().get<double>());
    out[j["path"].get<std::string>()] = p;
  }
  return out;
}

class FeatureModelsCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    // 9 genres x 3 clips of 20 s: two 10-s segments each with hop 10 s.
    run_jaams("synth --out " + (dir_->path() / "audio").string() + " --per-genre 3 --seconds 20 --seed 5");
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  // Trains `config` on the synthetic audio, evaluates its test split, then predicts the blues
  // folder in one batch and one of its files alone; returns the run folder.
  static fs::path train_eval_predict(const std::string& config, const std::string& name, const std::string& extra = "") {
    const std::string d = dir_->path().string();
    const std::string run_dir = d + "/runs/" + name;
    const auto train = run_jaams("--quiet train --config " JAAMS_SOURCE_DIR "/configs/" + config + " --data " + d +
                           "/audio --output " + run_dir + " --set audio.hop_seconds=10 --set training.epochs=15 " + extra);
    EXPECT_NE(train.find("segment accuracy train"), std::string::npos) << train;
    EXPECT_TRUE(fs::exists(run_dir + "/model.jaams"));
    const auto eval = run_jaams("eval --run " + run_dir + " --split test --output " + run_dir + "/eval-cli");
    EXPECT_NE(eval.find("Segment accuracy"), std::string::npos) << eval;

    const std::string model = run_dir + "/model.jaams";
    run_jaams("predict --model " + model + " --segments --batch-size 8 -o " + run_dir + "/batch.jsonl " + d + "/audio/blues " + d +
        "/audio/metal");
    const std::string alone_file = d + "/audio/blues/blues.00001.wav";
    run_jaams("predict --model " + model + " --segments --batch-size 1 -o " + run_dir + "/alone.jsonl " + alone_file);
    const auto batch = track_probabilities(run_dir + "/batch.jsonl");
    const auto alone = track_probabilities(run_dir + "/alone.jsonl");
    EXPECT_EQ(batch.size(), 6u);
    EXPECT_EQ(alone.size(), 1u);
    const auto a = alone.find(alone_file), b = batch.find(alone_file);
    EXPECT_TRUE(a != alone.end() && b != batch.end());
    if (a != alone.end() && b != batch.end()) {
      EXPECT_EQ(a->second.size(), 9u);
      double sum = 0.0;
      for (std::size_t c = 0; c < a->second.size(); ++c) {
        EXPECT_NEAR(a->second[c], b->second[c], 1e-5) << name << " class " << c;
        sum += a->second[c];
      }
      EXPECT_NEAR(sum, 1.0, 1e-4);
    }
    return run_dir;
  }

  static test::TempDir* dir_;
};

test::TempDir* FeatureModelsCli::dir_ = nullptr;

TEST_F(FeatureModelsCli, StatsTrainsEvaluatesAndPredicts) {
  const auto run_dir = train_eval_predict("stats.yaml", "stats");
  const auto info = nlohmann::json::parse(test::slurp(run_dir / "run.json"));
  EXPECT_EQ(info.value("kind", ""), "stats") << info.dump();
  // The composed genres differ in tempo, timbre and harmony: the statistics separate them well.
  EXPECT_GT(info["accuracy"]["train"]["segment"].get<double>(), 0.9) << info.dump();
  // A model without tag outputs refuses --tags clearly.
  const auto refused = run_jaams("predict --model " + (run_dir / "model.jaams").string() + " --tags " +
                               (dir_->path() / "audio/metal/metal.00000.wav").string(),
                           2);
  EXPECT_NE(refused.find("no tag outputs"), std::string::npos) << refused;
}

TEST_F(FeatureModelsCli, TransferWithStatsTrainsEvaluatesPredictsAndTags) {
  const auto run_dir = train_eval_predict("transfer_stats.yaml", "transfer_stats");
  const auto info = nlohmann::json::parse(test::slurp(run_dir / "run.json"));
  EXPECT_EQ(info.value("kind", ""), "compact_mel+stats") << info.dump();
  const std::string d = dir_->path().string();
  const auto csv = run_jaams("predict --model " + (run_dir / "model.jaams").string() + " --tags " + d + "/audio/metal/metal.00000.wav");
  EXPECT_NE(csv.find(",tags"), std::string::npos) << csv;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), ';'), 4) << csv;  // the 5 strongest tags
}

// data.load: stream with a frozen stage: compact_cnn's batch-norm fit recomputes instead of
// caching, and the frozen features go through <run>/frozen/ on disk. The run must be the one
// made with everything in memory, epoch for epoch.
TEST_F(FeatureModelsCli, StreamedFrozenFeaturesGiveTheRunHeldInMemory) {
  const std::string d = dir_->path().string();
  std::map<std::string, std::string> history;
  for (const std::string load : {"memory", "stream"}) {
    const std::string run_dir = d + "/runs/transfer_stats-" + load;
    const auto log = run_jaams("train --config " JAAMS_SOURCE_DIR "/configs/transfer_stats.yaml --data " + d + "/audio --output " +
                               run_dir + " --set audio.hop_seconds=10 --set training.epochs=4 --set data.load=" + load);
    EXPECT_EQ(log.find("batch by batch") != std::string::npos, load == "stream") << log;
    EXPECT_FALSE(fs::exists(run_dir + "/frozen"));
    // history.csv without its last column (seconds)
    std::istringstream in(test::slurp(run_dir + "/history.csv"));
    for (std::string line; std::getline(in, line);) history[load] += line.substr(0, line.rfind(',')) + "\n";
  }
  EXPECT_EQ(history["memory"], history["stream"]);
  EXPECT_GT(history["memory"].size(), 100u);
}

TEST_F(FeatureModelsCli, TransferAloneTrains) { train_eval_predict("transfer.yaml", "transfer"); }

TEST_F(FeatureModelsCli, CnnOnTheMelMatrixTrainsEvaluatesAndPredicts) {
  const auto run_dir = train_eval_predict("cnn_mel_matrix.yaml", "cnn_matrix", "--set training.epochs=3 --set training.batch_size=8");
  const auto info = nlohmann::json::parse(test::slurp(run_dir / "run.json"));
  EXPECT_EQ(info.value("kind", ""), "mel") << info.dump();
  const auto meta = test::slurp(run_dir / "config.yaml");
  EXPECT_NE(meta.find("input: matrix"), std::string::npos) << meta;
}

}  // namespace
}  // namespace jaams
