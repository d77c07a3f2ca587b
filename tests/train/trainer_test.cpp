#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "jaams/config/experiment_config.hpp"
#include "jaams/data/image_cache.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/data/splits.hpp"
#include "jaams/eval/run_files.hpp"
#include "jaams/train/cross_validation.hpp"
#include "jaams/models/package.hpp"
#include "jaams/train/trainer.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::train {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kGenres{"blues", "classical", "metal"};

struct Size {
  int height = 32;
  int width = 48;
};

// Settings shared by the synthetic dataset and the configs that train on it.
std::vector<std::string> base_overrides(const fs::path& root, const std::string& model, Size size = {}) {
  return {"data.root=" + root.string(),
          "data.genres=[blues, classical, metal]",
          "image.height=" + std::to_string(size.height),
          "image.width=" + std::to_string(size.width),
          "model.name=" + model,
          "training.batch_size=8",
          "training.threads=1",
          "training.device=cpu",
          "training.learning_rate=0.003"};
}

// A preprocessed folder as `jaams preprocess` writes it, with images a model can learn: each
// genre lights a different horizontal band, plus noise so that it is not trivial.
fs::path make_dataset(const fs::path& root, int tracks_per_genre, int segments, Size size = {}) {
  const auto cfg = config::load_experiment_config("", base_overrides(root, "cnn", size));
  const int kHeight = size.height, kWidth = size.width;
  std::vector<data::ManifestRow> rows;
  torch::manual_seed(7);
  for (std::size_t g = 0; g < kGenres.size(); ++g) {
    for (int t = 0; t < tracks_per_genre; ++t) {
      const std::string id = kGenres[g] + ".000" + std::to_string(10 + t);
      std::vector<image::Image> images;
      for (int s = 0; s < segments; ++s) {
        auto pixels = (torch::rand({kHeight, kWidth, 3}) * 120).to(torch::kUInt8);
        const int band = kHeight / 3;
        pixels.slice(0, int(g) * band, int(g) * band + band * 3 / 4) += 100;
        image::Image img{kHeight, kWidth, {}};
        img.rgb.assign(pixels.data_ptr<std::uint8_t>(), pixels.data_ptr<std::uint8_t>() + pixels.numel());
        images.push_back(img);
        rows.push_back({"images/mel/" + kGenres[g] + "/" + id + "." + std::to_string(s) + ".png", id, kGenres[g], s, 10.0 * s,
                        10.0, "mel"});
      }
      data::write_image_cache(data::cache_path(root, features::FeatureKind::mel, kGenres[g], id), images);
    }
  }
  data::write_manifest(root / "manifest.csv", rows);
  const nlohmann::json settings = {{"pipeline", pipeline::to_json(cfg.pipeline)}};
  write_file_atomic(root / "preprocess.json", settings.dump());
  return root;
}

config::ExperimentConfig config_for(const fs::path& root, const std::string& model, std::vector<std::string> extra = {},
                                    Size size = {}) {
  auto overrides = base_overrides(root, model, size);
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return config::load_experiment_config("", overrides);
}

std::vector<torch::Tensor> weights_of(const fs::path& package) {
  auto p = models::load_package(package);
  std::vector<torch::Tensor> out;
  for (const auto& t : p.model->parameters()) out.push_back(t.clone());
  return out;
}

TEST(Trainer, LossDecreasesAndTheModelLearnsALearnableTask) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 10, 2);
  const auto summary = run_training(config_for(data, "cnn", {"training.epochs=6"}), dir / "run");
  ASSERT_TRUE(summary.finished);
  ASSERT_EQ(summary.history.size(), 6u);
  EXPECT_LT(summary.history.back().train_loss, summary.history.front().train_loss * 0.7);
  EXPECT_GE(summary.info.accuracy.at("test").segment, 0.9);
  EXPECT_GE(summary.info.accuracy.at("test").track, 0.9);
  // The run folder holds everything the report and eval read.
  for (const char* f : {"config.yaml", "splits.csv", "history.csv", "checkpoint.pt", "model.jaams", "run.json",
                        "eval/train.json", "eval/val.json", "eval/test.json"}) {
    EXPECT_TRUE(fs::exists(dir / "run" / f)) << f;
  }
  const auto info = eval::read_run_info(dir / "run");
  EXPECT_EQ(info.model, "cnn");
  EXPECT_EQ(info.classes, kGenres);
  // Every accuracy comes with its interval, and the probabilities with their calibration.
  const auto test = eval::read_split_metrics(dir / "run", "test");
  ASSERT_TRUE(test.track_accuracy_ci.valid());
  EXPECT_LE(test.track_accuracy_ci.low, test.track_accuracy);
  EXPECT_GE(test.track_accuracy_ci.high, test.track_accuracy);
  EXPECT_EQ(test.bootstrap_resamples, 1000);
  EXPECT_EQ(test.per_track.size(), test.tracks);
  EXPECT_FALSE(std::isnan(test.calibration.ece));
  // The temperature fitted on the validation split is in the package and in the metrics.
  const auto meta = models::read_package_meta(dir / "run" / "model.jaams");
  ASSERT_TRUE(meta.contains("temperature"));
  EXPECT_GT(meta["temperature"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(test.temperature, meta["temperature"].get<double>());
  EXPECT_LE(meta["calibration"]["nll_after"].get<double>(), meta["calibration"]["nll_before"].get<double>());
}

TEST(Trainer, NoTrackIsOnTwoSidesOfTheDefaultSplit) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 10, 3);
  run_training(config_for(data, "ann", {"training.epochs=1", "model.hidden=8"}), dir / "run");
  std::map<std::string, std::set<data::Subset>> sides;
  for (const auto& a : data::read_splits(dir / "run" / "splits.csv")) sides[a.track_id].insert(a.subset);
  EXPECT_EQ(sides.size(), 30u);
  for (const auto& [track, subsets] : sides) EXPECT_EQ(subsets.size(), 1u) << track;
}

TEST(Trainer, ResumedRunEndsWithTheSameWeightsAsAStraightRun) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 6, 2);
  const auto cfg = config_for(data, "cnn", {"training.epochs=4"});
  run_training(cfg, dir / "straight");

  TrainOptions interrupt;
  interrupt.after_epoch = [](int epoch) { return epoch < 2; };  // as if killed after epoch 2
  EXPECT_FALSE(run_training(cfg, dir / "resumed", interrupt).finished);
  TrainOptions resume;
  resume.resume = true;
  const auto summary = run_training(cfg, dir / "resumed", resume);
  ASSERT_TRUE(summary.finished);
  EXPECT_EQ(summary.history.size(), 4u);

  // Same best package and same last checkpoint, bit for bit.
  const auto a = weights_of(dir / "straight" / "model.jaams");
  const auto b = weights_of(dir / "resumed" / "model.jaams");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << "parameter " << i;
  EXPECT_EQ(eval::read_history(dir / "straight").size(), eval::read_history(dir / "resumed").size());
}

// data.load: stream reads each batch from the preprocess cache instead of one tensor of the
// split: the same batches, so the same run bit for bit.
TEST(Trainer, StreamingFromTheCacheGivesTheRunOfInputsInMemory) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 6, 2);
  for (const std::string model : {"cnn", "ann"}) {
    const auto memory = run_training(config_for(data, model, {"training.epochs=3", "data.load=memory"}), dir / (model + "-memory"));
    const auto stream = run_training(config_for(data, model, {"training.epochs=3", "data.load=stream"}), dir / (model + "-stream"));
    ASSERT_TRUE(stream.finished);
    const auto a = weights_of(dir / (model + "-memory") / "model.jaams");
    const auto b = weights_of(dir / (model + "-stream") / "model.jaams");
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i], b[i])) << model << " parameter " << i;
    for (std::size_t e = 0; e < memory.history.size(); ++e) {
      EXPECT_EQ(memory.history[e].train_loss, stream.history[e].train_loss) << model << " epoch " << e + 1;
      EXPECT_DOUBLE_EQ(memory.history[e].val_accuracy, stream.history[e].val_accuracy) << model << " epoch " << e + 1;
    }
    EXPECT_EQ(memory.info.accuracy.at("test").segment, stream.info.accuracy.at("test").segment) << model;
  }
}

TEST(Trainer, SameSeedSameRun) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 4, 2);
  const auto cfg = config_for(data, "ann", {"training.epochs=2", "model.hidden=16"});
  const auto first = run_training(cfg, dir / "a");
  const auto second = run_training(cfg, dir / "b");
  for (std::size_t i = 0; i < first.history.size(); ++i) {
    EXPECT_EQ(first.history[i].train_loss, second.history[i].train_loss);
    EXPECT_EQ(first.history[i].val_accuracy, second.history[i].val_accuracy);
  }
}

TEST(Trainer, OverfitModeMemorisesAHandfulOfSamples) {
  test::TempDir dir;
  const Size small{32, 48};
  const Size alexnet{96, 96};  // AlexNet features need at least 95x95
  make_dataset(dir / "small", 4, 2, small);
  make_dataset(dir / "large", 4, 2, alexnet);
  for (const std::string model : {"ann", "cnn", "alexcnn", "pcnn", "crnn"}) {
    SCOPED_TRACE(model);
    // The run stops once the samples are memorised; the deeper crnn needs more single-batch epochs.
    std::vector<std::string> extra{"training.epochs=150", "training.overfit=6", "training.patience=0"};
    if (model == "alexcnn") extra.push_back("model.random_backbone=true");
    const Size size = model == "alexcnn" ? alexnet : small;
    const auto root = dir / (model == "alexcnn" ? "large" : "small");
    const auto summary = run_training(config_for(root, model, extra, size), dir / ("overfit-" + model));
    EXPECT_EQ(summary.history.back().val_accuracy, 1.0);  // memorised in eval mode, on the same samples
    EXPECT_EQ(summary.info.accuracy.at("train").segment, 1.0);
  }
}

TEST(Trainer, RefusesToOverwriteARunAndToResumeNothing) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 3, 1);
  const auto cfg = config_for(data, "ann", {"training.epochs=1", "model.hidden=4"});
  TrainOptions resume;
  resume.resume = true;
  EXPECT_THROW(run_training(cfg, dir / "run", resume), Error);
  run_training(cfg, dir / "run");
  EXPECT_THROW(run_training(cfg, dir / "run"), Error);
}

TEST(Trainer, PreprocessedFolderWithOtherSettingsIsRefused) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 3, 1);
  auto cfg = config_for(data, "ann", {"training.epochs=1", "features.n_mels=64"});
  try {
    run_training(cfg, dir / "run");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("other audio/features/image settings"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace jaams::train

namespace jaams::train {
namespace {

TEST(TrainerInputs, AGenreWithoutTrainingDataIsRefusedByName) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 4, 1);
  const auto message = test::error_of(
      [&] { run_training(config_for(data, "cnn", {"data.genres=[blues, classical, jazz]", "training.epochs=1"}), dir / "run"); });
  EXPECT_NE(message.find("'jazz' has no training data"), std::string::npos) << message;
}

TEST(TrainerInputs, AResumeWithOtherDataOrModelSettingsIsRefusedByKey) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 4, 1);
  const auto other = make_dataset(dir / "other", 5, 1);
  TrainOptions interrupt;
  interrupt.after_epoch = [](int epoch) { return epoch < 1; };
  run_training(config_for(data, "cnn", {"training.epochs=3"}), dir / "run", interrupt);
  TrainOptions resume;
  resume.resume = true;
  auto message = test::error_of([&] { run_training(config_for(other, "cnn", {"training.epochs=3"}), dir / "run", resume); });
  EXPECT_NE(message.find("data.root"), std::string::npos) << message;
  message = test::error_of(
      [&] { run_training(config_for(data, "cnn", {"training.epochs=3", "model.fc=32", "data.split_seed=9"}), dir / "run", resume); });
  EXPECT_NE(message.find("data.split_seed, model.fc"), std::string::npos) << message;
  // More epochs is what a resume is for.
  EXPECT_TRUE(run_training(config_for(data, "cnn", {"training.epochs=4"}), dir / "run", resume).finished);
}

TEST(TrainerInputs, KFoldRunsTestEveryTrackOnceAndKeepTheLastEpoch) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 6, 1);
  std::size_t tested = 0;
  for (int fold = 1; fold <= 3; ++fold) {
    const auto summary = run_training(
        config_for(data, "cnn", {"data.split=kfold", "data.folds=3", "data.fold=" + std::to_string(fold), "training.epochs=2"}),
        dir / ("run" + std::to_string(fold)));
    ASSERT_TRUE(summary.finished);
    EXPECT_EQ(summary.info.best_epoch, 2) << "no validation set: the last epoch is the model";
    EXPECT_FALSE(models::read_package_meta(dir / ("run" + std::to_string(fold)) / "model.jaams").contains("temperature"))
        << "no validation set: no temperature is fitted";
    const auto test_metrics = eval::read_split_metrics(dir / ("run" + std::to_string(fold)), "test");
    tested += test_metrics.tracks;
  }
  EXPECT_EQ(tested, 18u);
}


TEST(CrossValidation, AnInterruptedCvEndsWithTheSameSummaryAsAStraightOne) {
  test::TempDir dir;
  const auto data = make_dataset(dir / "data", 6, 2);
  const auto base = config_for(data, "cnn", {"training.epochs=2", "eval.bootstrap=200"});
  CrossValidationOptions o;
  o.folds = 3;
  o.repeats = 2;
  o.output = dir / "straight";
  const auto straight = run_cross_validation(base, o);
  ASSERT_TRUE(straight.complete);
  ASSERT_EQ(straight.runs.size(), 6u);
  EXPECT_TRUE(fs::exists(dir / "straight" / "r2_f3" / "run.json"));
  EXPECT_TRUE(fs::exists(dir / "straight" / "summary.json"));
  // Every track is tested once per repeat, and the repeats deal the folds differently.
  std::map<std::string, int> tested;
  std::set<std::string> fold1[2];
  for (const auto& r : straight.runs)
    for (const auto& t : r.test.per_track) {
      ++tested[t.track_id];
      if (r.fold == 1) fold1[r.repeat - 1].insert(t.track_id);
    }
  EXPECT_EQ(tested.size(), 18u);
  for (const auto& [id, n] : tested) EXPECT_EQ(n, 2) << id;
  EXPECT_NE(fold1[0], fold1[1]);
  EXPECT_EQ(straight.pooled.tracks, 36u);
  ASSERT_TRUE(straight.track_accuracy_ci.valid());
  EXPECT_LE(straight.track_accuracy_ci.low, straight.pooled.track_accuracy);
  EXPECT_GE(straight.track_accuracy_ci.high, straight.pooled.track_accuracy);

  // Stopped in the first epoch of the third fold, then run again.
  o.output = dir / "interrupted";
  int epochs = 0;
  o.train.after_epoch = [&](int) { return ++epochs != 5; };
  const auto partial = run_cross_validation(base, o);
  EXPECT_FALSE(partial.complete);
  EXPECT_EQ(partial.runs.size(), 2u);
  EXPECT_FALSE(fs::exists(dir / "interrupted" / "summary.json"));
  EXPECT_TRUE(fs::exists(dir / "interrupted" / "r1_f3" / "checkpoint.pt"));
  o.train.after_epoch = nullptr;
  const auto resumed = run_cross_validation(base, o);
  ASSERT_TRUE(resumed.complete);
  EXPECT_EQ(to_json(resumed), to_json(straight));
  EXPECT_NE(summary_text(resumed).find("mean +- std over 6 folds"), std::string::npos) << summary_text(resumed);
}

}  // namespace
}  // namespace jaams::train
