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
