// On-the-fly augmentation: masks, mixup, crops from the tracks' audio, reproducibility, resume,
// and that validation/test never see it.
#include "jaams/train/augmentation.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <set>
#include <string>

#include "jaams/audio/augment.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/eval/run_files.hpp"
#include "jaams/models/package.hpp"
#include "jaams/pipeline/audio_to_images.hpp"
#include "jaams/train/experiment_data.hpp"
#include "jaams/train/inference.hpp"
#include "jaams/train/trainer.hpp"
#include "test_support.hpp"

namespace jaams::train {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kGenres{"blues", "classical", "metal"};

// 3 genres x 3 tracks of 5 s (a tone per genre with a slow tremolo), preprocessed into 2-s
// segments every 2 s (2 per track) of 32 x 48 mel images and their matrices.
fs::path make_audio_dataset(const fs::path& root) {
  const fs::path audio = root / "audio";
  for (std::size_t g = 0; g < kGenres.size(); ++g) {
    fs::create_directories(audio / kGenres[g]);
    for (int t = 0; t < 3; ++t) {
      auto y = test::sine(220.0 * (1 + 2 * g) * (1 + 0.05 * t), 5.0, 22050, 0.4f);
      for (std::size_t i = 0; i < y.size(); ++i) y[i] *= static_cast<float>(0.6 + 0.4 * std::sin(i * 3e-4 * (t + 1)));
      test::write_audio(audio / kGenres[g] / (kGenres[g] + ".0000" + std::to_string(t) + ".wav"), y, 22050);
    }
  }
  return audio;
}

std::vector<std::string> overrides(const fs::path& data, const std::string& input, std::vector<std::string> extra) {
  std::vector<std::string> o{"data.root=" + data.string(),
                             "data.genres=[blues, classical, metal]",
                             "audio.segment_seconds=2",
                             "audio.hop_seconds=2",
                             "image.height=32",
                             "image.width=48",
                             "features.input=" + input,
                             "model.name=cnn",
                             "model.conv1=4",
                             "model.conv2=6",
                             "model.kernel=3",
                             "model.fc=16",
                             "training.batch_size=4",
                             "training.threads=1",
                             "training.loader_threads=2",
                             "training.device=cpu",
                             "training.epochs=3"};
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

struct Fixture : ::testing::Test {
  test::TempDir dir;
  fs::path audio = make_audio_dataset(dir.path());

  config::ExperimentConfig config(const std::string& input, std::vector<std::string> extra = {}) {
    auto o = overrides(audio, input, std::move(extra));
    o.push_back("data.cache=" + (dir / "cache").string());
    return config::load_experiment_config("", o);
  }
  // The training set of `c` as the trainer reads it, and the augmentation over it.
  struct Loaded {
    ExperimentData data;
    std::unique_ptr<AugmentedSamples> samples;
  };
  Loaded load(const config::ExperimentConfig& c) {
    Loaded l;
    l.data = prepare_data(c, dir / "prepare");
    l.samples = std::make_unique<AugmentedSamples>(c, l.data.layout, l.data.train, l.data.train_dir, l.data.classes);
    return l;
  }
};

TEST(SpecMasks, MaskWholeColumnsAndRowsNoWiderThanAsked) {
  config::AugmentConfig a;
  a.time_masks = 2;
  a.time_mask_width = 5;
  a.freq_masks = 1;
  a.freq_mask_width = 3;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto x = torch::arange(1, 1 + 1 * 16 * 40, torch::kFloat32).view({1, 16, 40});
    const float mean = x.mean().item<float>();
    Rng rng(seed);
    apply_spec_masks(x, a, rng);
    const auto masked = x.eq(mean);
    // A column is masked entirely or not at all (outside masked rows), and so is a row.
    const auto full_cols = masked.all(1).squeeze(0);  // [40]
    const auto full_rows = masked.all(2).squeeze(0);  // [16]
    const int cols = full_cols.sum().item<int>();
    const int rows = full_rows.sum().item<int>();
    EXPECT_LE(cols, 2 * 5) << "seed " << seed;
    EXPECT_LE(rows, 3) << "seed " << seed;
    // Every masked cell lies in a fully masked column or row.
    const auto explained = full_cols.view({1, 1, 40}) | full_rows.view({1, 16, 1});
    EXPECT_TRUE(torch::equal(masked, explained.expand_as(masked))) << "seed " << seed;
  }
  // Some seed masks something, and the same seed masks the same cells.
  auto a1 = torch::rand({1, 16, 40}), a2 = a1.clone();
  Rng r1(5), r2(5);
  apply_spec_masks(a1, a, r1);
  apply_spec_masks(a2, a, r2);
  EXPECT_TRUE(torch::equal(a1, a2));
}

TEST(SpecMasks, WidthsRangeFromZeroToTheMaximumAndMaskedCellsTakeTheMean) {
  config::AugmentConfig a;
  a.time_masks = 1;
  a.time_mask_width = 4;
  std::set<int> widths;
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    auto x = torch::arange(1, 1 + 8 * 30, torch::kFloat32).view({1, 8, 30});  // mean 120.5 is no cell's value
    Rng rng(seed);
    apply_spec_masks(x, a, rng);
    widths.insert(x.eq(120.5f).all(1).squeeze(0).sum().item<int>());
  }
  EXPECT_EQ(widths, (std::set<int>{0, 1, 2, 3, 4}));
}

TEST(Mixup, MixesPairsWithOneLambdaAndPermutesTheLabels) {
  const auto x = torch::randn({6, 1, 4, 5});
  const auto y = torch::tensor({0, 1, 2, 0, 1, 2}, torch::kInt64);
  Rng rng(3);
  const auto m = mix_batch(x, y, 0.4, rng);
  ASSERT_GE(m.lambda, 0.0);
  ASSERT_LE(m.lambda, 1.0);
  // x_mixed[i] = l * x[i] + (1 - l) * x[j] for the j whose label other_labels[i] is.
  for (int i = 0; i < 6; ++i) {
    bool found = false;
    for (int j = 0; j < 6 && !found; ++j) {
      found = y[j].item<int64_t>() == m.other_labels[i].item<int64_t>() &&
              torch::allclose(m.inputs[i], x[i] * m.lambda + x[j] * (1 - m.lambda), 1e-5, 1e-6);
    }
    EXPECT_TRUE(found) << "row " << i;
  }
  // Images in bytes come out as floats in [0, 1].
  const auto bytes = torch::full({2, 3, 2, 2}, 255, torch::kUInt8);
  Rng rng2(4);
  const auto mb = mix_batch(bytes, torch::tensor({0, 1}, torch::kInt64), 0.4, rng2);
  EXPECT_TRUE(torch::allclose(mb.inputs, torch::ones({2, 3, 2, 2})));
}

TEST(BetaDistribution, HasTheMeanAndSpreadOfBeta) {
  Rng rng(9);
  double sum = 0, sq = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const double v = rng.beta(0.4, 0.4);
    ASSERT_GE(v, 0.0);
    ASSERT_LE(v, 1.0);
    sum += v;
    sq += v * v;
  }
  const double mean = sum / n, var = sq / n - mean * mean;
  EXPECT_NEAR(mean, 0.5, 0.01);
  EXPECT_NEAR(var, 0.25 / (2 * 0.4 + 1), 0.01);  // ab / ((a+b)^2 (a+b+1))
}

TEST_F(Fixture, CropsComeFromInsideTheTrackAndChangeEveryEpoch) {
  const auto c = config("matrix", {"augment.crop=true"});
  auto l = load(c);
  const std::set<std::string> train_tracks(l.data.train.track_ids.begin(), l.data.train.track_ids.end());
  ASSERT_EQ(l.samples->tracks(), train_tracks.size());  // each track decoded once
  auto converter = l.samples->make_converter();
  const auto length = static_cast<std::size_t>(2 * 22050);
  for (std::int64_t i = 0; i < l.samples->size(); ++i) {
    const auto cut = l.samples->segment_audio(i, 1);
    const auto& track = l.samples->track_audio(i);
    ASSERT_EQ(cut.samples.size(), length);
    ASSERT_GE(cut.start, 0);
    ASSERT_LE(cut.start + std::ptrdiff_t(length), std::ptrdiff_t(track.size())) << "sample " << i;
    EXPECT_TRUE(std::equal(cut.samples.begin(), cut.samples.end(), track.begin() + cut.start));
    // The input is the audio-to-image path applied to that cut.
    const auto expected = converter->images_for(cut.samples).matrices.front().data;
    const auto x = l.samples->sample(i, 1, *converter);
    ASSERT_EQ(x.numel(), std::int64_t(expected.size()));
    EXPECT_TRUE(std::equal(expected.begin(), expected.end(), x.data_ptr<float>()));
  }
  // Reproducible for (seed, epoch, segment); other epochs cut elsewhere.
  int moved = 0;
  for (std::int64_t i = 0; i < l.samples->size(); ++i) {
    EXPECT_EQ(l.samples->segment_audio(i, 1).start, l.samples->segment_audio(i, 1).start);
    moved += l.samples->segment_audio(i, 1).start != l.samples->segment_audio(i, 2).start;
  }
  EXPECT_GT(moved, l.samples->size() / 2);
}

TEST_F(Fixture, WithoutWaveformChangesTheCachedInputIsUsed) {
  const auto l = load(config("image"));
  auto converter = l.samples->make_converter();
  for (std::int64_t i = 0; i < l.samples->size(); ++i) {
    EXPECT_TRUE(torch::equal(l.samples->sample(i, 1, *converter), l.data.train.inputs[i]));
  }
  // The unchanged audio through the same path gives the cached image back (same route as preprocess).
  const auto c = config("image", {"augment.shift_seconds=0.0", "augment.gain_db=0.0", "augment.noise=0"});
  EXPECT_FALSE(c.augment.any());
}

TEST_F(Fixture, NoiseAndGainKeepTheRequestedRanges) {
  const auto c = config("image", {"augment.noise=1", "augment.noise_snr_min=12", "augment.noise_snr_max=12",
                                  "augment.noise_color=white"});
  const auto l = load(c);
  for (std::int64_t i = 0; i < l.samples->size(); ++i) {
    const auto noisy = l.samples->segment_audio(i, 3);
    const auto& track = l.samples->track_audio(i);
    std::vector<float> clean(track.begin() + noisy.start, track.begin() + noisy.start + noisy.samples.size());
    std::vector<float> noise(clean.size());
    for (std::size_t k = 0; k < clean.size(); ++k) noise[k] = noisy.samples[k] - clean[k];
    EXPECT_NEAR(10 * std::log10(audio::signal_power(clean) / audio::signal_power(noise)), 12.0, 0.5);
  }
}

TEST_F(Fixture, AnAugmentedRunResumesToTheSameWeightsAndIsEvaluatedOnFixedSegments) {
  const auto c = config("image", {"augment.crop=true", "augment.gain_db=3", "augment.noise=0.5", "augment.time_masks=1",
                                  "augment.time_mask_width=6", "augment.freq_masks=1", "augment.freq_mask_width=4",
                                  "augment.mixup=0.3", "augment.pitch_semitones=1", "training.epochs=4"});
  const auto straight = run_training(c, dir / "straight");
  ASSERT_TRUE(straight.finished);
  TrainOptions interrupt;
  interrupt.after_epoch = [](int epoch) { return epoch < 2; };
  EXPECT_FALSE(run_training(c, dir / "resumed", interrupt).finished);
  TrainOptions resume;
  resume.resume = true;
  ASSERT_TRUE(run_training(c, dir / "resumed", resume).finished);
  auto a = models::load_package(dir / "straight" / "model.jaams");
  auto b = models::load_package(dir / "resumed" / "model.jaams");
  const auto pa = a.model->parameters(), pb = b.model->parameters();
  ASSERT_EQ(pa.size(), pb.size());
  for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << "parameter " << i;

  // The run's metrics come from the fixed, unaugmented segments: scoring the cached inputs of each
  // split with the package gives exactly them.
  const auto data = prepare_data(c, dir / "rescore");
  for (const auto& [name, set] : {std::pair{"train", &data.train}, {"val", &data.val}, {"test", &data.test}}) {
    if (set->size() == 0) continue;
    const auto probs = class_probabilities(*a.model, set->inputs, false, 16);
    const auto accuracy = probs.argmax(1).eq(set->labels).to(torch::kFloat64).mean().item<double>();
    EXPECT_DOUBLE_EQ(accuracy, eval::read_split_metrics(dir / "straight", name).segment_accuracy) << name;
  }
}

TEST_F(Fixture, ModelsWithAFrozenStageRefuseAugmentation) {
  auto c = config("image", {"augment.crop=true", "image.height=96", "image.width=96"});
  c.model = "alexcnn";
  c.model_params = {{"random_backbone", true}, {"conv", 4}, {"fc", 8}};
  const auto message = test::error_of([&] { run_training(c, dir / "alex"); });
  EXPECT_NE(message.find("augment"), std::string::npos) << message;
  EXPECT_NE(message.find("alexcnn"), std::string::npos) << message;
}

TEST(AugmentConfig, RangesAreCheckedAndNamed) {
  const auto bad = [](const std::string& o) { return test::error_of([&] { config::load_experiment_config("", {o}); }); };
  EXPECT_NE(bad("augment.noise=1.5").find("augment.noise"), std::string::npos);
  EXPECT_NE(bad("augment.noise_snr_min=40").find("augment.noise_snr_min"), std::string::npos);
  EXPECT_NE(bad("augment.noise_color=brown").find("augment.noise_color"), std::string::npos);
  EXPECT_NE(bad("augment.time_masks=-1").find("augment.time_masks"), std::string::npos);
  EXPECT_NE(bad("augment.mixup=-0.1").find("augment.mixup"), std::string::npos);
  EXPECT_NE(bad("augment.shift_seconds=11").find("augment.shift_seconds"), std::string::npos);
  EXPECT_NE(bad("augment.cropp=true").find("augment.cropp"), std::string::npos);
  const auto c = config::load_experiment_config("");
  EXPECT_FALSE(c.augment.any());  // the report's runs are unchanged
}

}  // namespace
}  // namespace jaams::train
