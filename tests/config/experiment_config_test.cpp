#include <gtest/gtest.h>

#include <fstream>

#include "jaams/config/experiment_config.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/yaml_config.hpp"
#include "test_support.hpp"

namespace jaams::config {
namespace {

std::filesystem::path write_config(const test::TempDir& dir, const std::string& text) {
  const auto path = dir / "config.yaml";
  std::ofstream(path) << text;
  return path;
}

// The error a config file (with --set overrides) is rejected with.
std::string error_of(const std::filesystem::path& path, const std::vector<std::string>& overrides = {}) {
  return test::error_of([&] { load_experiment_config(path, overrides); });
}

TEST(ExperimentConfig, DefaultsAreTheReportsSettings) {
  const auto c = load_experiment_config("");
  EXPECT_EQ(c.pipeline.sample_rate, 22050);
  EXPECT_EQ(c.pipeline.segments.seconds, 10.0);
  EXPECT_EQ(c.pipeline.image.height, 288);
  EXPECT_EQ(c.pipeline.image.width, 432);
  EXPECT_EQ(c.pipeline.features.n_mels, 128);
  EXPECT_EQ(c.data.genres.size(), 9u);
  EXPECT_EQ(c.data.split, "track");
  EXPECT_EQ(c.kind, features::FeatureKind::mel);
}

TEST(ExperimentConfig, ReadsEveryShippedConfig) {
  for (const char* name : {"ann_mel", "cnn_mel", "alexcnn_mel", "cnn_centroid", "cnn_chroma"}) {
    const auto path = std::filesystem::path(JAAMS_SOURCE_DIR) / "configs" / (std::string(name) + ".yaml");
    SCOPED_TRACE(path.string());
    const auto c = load_experiment_config(path);
    EXPECT_FALSE(c.output.empty());
    EXPECT_EQ(c.model, std::string(name).substr(0, std::string(name).find('_')));
  }
}

TEST(ExperimentConfig, UnknownKeyIsRejectedWithItsDottedName) {
  test::TempDir dir;
  const auto path = write_config(dir, "audio:\n  sampel_rate: 16000\n");
  const auto msg = error_of(path);
  EXPECT_NE(msg.find("audio.sampel_rate"), std::string::npos) << msg;
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(error_of(write_config(dir, "trainin:\n  epochs: 3\n")).find("trainin"), std::string::npos);
}

TEST(ExperimentConfig, WrongTypeIsRejectedWithKeyAndValue) {
  test::TempDir dir;
  const auto msg = error_of(write_config(dir, "training:\n  epochs: ten\n"));
  EXPECT_NE(msg.find("training.epochs"), std::string::npos) << msg;
  EXPECT_NE(msg.find("ten"), std::string::npos) << msg;
  EXPECT_NE(error_of(write_config(dir, "data:\n  split: random\n")).find("data.split"), std::string::npos);
  EXPECT_NE(error_of(write_config(dir, "features:\n  kind: spectrum\n")).find("features.kind"), std::string::npos);
  EXPECT_NE(error_of(write_config(dir, "features:\n  n_fft: 0\n")).find("n_fft"), std::string::npos);
}

TEST(ExperimentConfig, OverridesWinOverTheFileAndCanRemoveKeys) {
  test::TempDir dir;
  const auto path = write_config(dir, "training:\n  epochs: 3\nmodel:\n  name: alexcnn\n  backbone_weights: x.pt\n");
  const auto c = load_experiment_config(path, {"training.epochs=7", "features.kind=chroma", "model.backbone_weights=",
                                               "model.random_backbone=true"});
  EXPECT_EQ(c.training.epochs, 7);
  EXPECT_EQ(c.kind, features::FeatureKind::chroma);
  EXPECT_FALSE(c.model_params.contains("backbone_weights"));
  EXPECT_EQ(c.model_params.at("random_backbone"), true);
  EXPECT_NE(error_of(path, {"epochs"}).find("KEY.PATH=VALUE"), std::string::npos);
}

TEST(ExperimentConfig, EffectiveConfigReadsBackToTheSameSettings) {
  test::TempDir dir;
  auto c = load_experiment_config("", {"training.epochs=4", "audio.hop_seconds=5", "model.name=ann", "model.hidden=50"});
  const auto saved = dir / "effective.yaml";
  std::ofstream(saved) << to_yaml(c);
  const auto back = load_experiment_config(saved);
  EXPECT_EQ(back.training.epochs, 4);
  EXPECT_EQ(back.pipeline.segments.hop_seconds, 5.0);
  EXPECT_EQ(back.model, "ann");
  EXPECT_EQ(back.model_params.at("hidden"), 50);
  EXPECT_EQ(to_yaml(back), to_yaml(c));
}

TEST(ExperimentConfig, MissingOrBrokenFileNamesTheFile) {
  test::TempDir dir;
  EXPECT_NE(error_of(dir / "nope.yaml").find("nope.yaml"), std::string::npos);
  const auto msg = error_of(write_config(dir, "audio: [unclosed\n"));
  EXPECT_NE(msg.find("config.yaml"), std::string::npos) << msg;
}

}  // namespace
}  // namespace jaams::config

namespace jaams::config {
namespace {

TEST(ExperimentConfigInputs, AKeyGivenTwiceIsAnErrorNamingItAndItsLine) {
  test::TempDir dir;
  auto message = error_of(write_config(dir, "training:\n  epochs: 1\n  epochs: 2\n"));
  EXPECT_NE(message.find("'training.epochs' is given twice"), std::string::npos) << message;
  EXPECT_NE(message.find("line 3"), std::string::npos) << message;
  message = error_of(write_config(dir, "training:\n  epochs: 1\ndata:\n  split: track\ntraining:\n  seed: 3\n"));
  EXPECT_NE(message.find("'training' is given twice"), std::string::npos) << message;
}

TEST(ExperimentConfigInputs, AGenreListedTwiceIsAnError) {
  test::TempDir dir;
  const auto message = error_of(write_config(dir, "data:\n  genres: [blues, blues, rock]\n"));
  EXPECT_NE(message.find("data.genres"), std::string::npos) << message;
  EXPECT_NE(message.find("'blues' is listed twice"), std::string::npos) << message;
}

TEST(ExperimentConfigInputs, FeatureInputAndKFoldKeysAreChecked) {
  test::TempDir dir;
  EXPECT_EQ(load_experiment_config("", {"features.input=matrix"}).input, "matrix");
  EXPECT_NE(error_of("", {"features.input=pixels"}).find("features.input"), std::string::npos);
  EXPECT_NE(error_of("", {"features.kind=stats"}).find("features.input: matrix"), std::string::npos);
  EXPECT_NE(error_of("", {"data.folds=1"}).find("data.folds"), std::string::npos);
  EXPECT_NE(error_of("", {"data.folds=3", "data.fold=4"}).find("data.fold"), std::string::npos);
  // The shipped split lists are found at run time (no path baked in at build time).
  EXPECT_TRUE(std::filesystem::exists(load_experiment_config("").data.filtered_lists / "gtzan_filtered_train.txt"));
}

}  // namespace
}  // namespace jaams::config

namespace jaams::config {
namespace {

TEST(ExperimentConfig, BootstrapResamplesAreAnEvalSetting) {
  test::TempDir dir;
  EXPECT_EQ(load_experiment_config("").eval.bootstrap, 1000);
  EXPECT_EQ(load_experiment_config(write_config(dir, "eval:\n  bootstrap: 250\n")).eval.bootstrap, 250);
  EXPECT_EQ(load_experiment_config("", {"eval.bootstrap=0"}).eval.bootstrap, 0);
  EXPECT_NE(error_of(write_config(dir, "eval:\n  bootstrap: -1\n")).find("eval.bootstrap"), std::string::npos);
  EXPECT_NE(error_of(write_config(dir, "eval:\n  bootstrp: 5\n")).find("eval.bootstrp"), std::string::npos);
  // It changes no weight, so a resumed run may change it.
  EXPECT_TRUE(resume_conflicts(load_experiment_config(""), load_experiment_config("", {"eval.bootstrap=10"})).empty());
  EXPECT_EQ(load_experiment_config(write_config(dir, to_yaml(load_experiment_config("", {"eval.bootstrap=7"}))))
                .eval.bootstrap,
            7);
}

}  // namespace
}  // namespace jaams::config

namespace jaams::config {
namespace {
// A negative count names the key that has it, not a neighbour checked in the same place.
TEST(ExperimentConfigInputs, ANegativeTrainingCountNamesItsOwnKey) {
  const std::pair<const char*, const char*> cases[] = {{"training.loader_threads=-1", "training.loader_threads"},
                                                       {"training.overfit=-1", "training.overfit"},
                                                       {"training.threads=-1", "training.threads"},
                                                       {"training.patience=-1", "training.patience"},
                                                       {"training.dist_timeout=0", "training.dist_timeout"}};
  for (const auto& [set, key] : cases) {
    const auto msg = test::error_of([&] { load_experiment_config("", {set}); });
    EXPECT_NE(msg.find(key), std::string::npos) << set << ": " << msg;
  }
}

TEST(ExperimentConfigInputs, TheCsvSplitNeedsALabelsFileAndTheLoadModeIsAChoice) {
  EXPECT_NE(test::error_of([] { load_experiment_config("", {"data.split=csv"}); }).find("data.labels"), std::string::npos);
  EXPECT_NE(test::error_of([] { load_experiment_config("", {"data.load=mmap"}); }).find("data.load"), std::string::npos);
  EXPECT_NE(test::error_of([] { load_experiment_config("", {"training.dist_backend=mpi"}); }).find("training.dist_backend"),
            std::string::npos);
  // With a labels CSV and no genres the classes are left to the CSV.
  EXPECT_TRUE(load_experiment_config("", {"data.labels=x.csv"}).data.genres.empty());
  EXPECT_EQ(load_experiment_config("", {}).data.genres.size(), 9u);
}
}  // namespace
}  // namespace jaams::config
