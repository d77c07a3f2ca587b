// FeatureExtractor against librosa 0.11 (tests/fixtures/librosa, made by
// scripts/make_librosa_fixtures.py): the images jaams trains on must be the ones librosa gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "jaams/features/feature_extractor.hpp"
#include "librosa_fixtures.hpp"
#include "npy.hpp"
#include "test_support.hpp"

namespace jaams::features {
namespace {

using test::gtzan_segment;
using test::kFrames;
using test::pcm16_fixture;

std::filesystem::path fixture(const std::string& name) { return test::librosa_fixture(name); }

void expect_librosa_parity(const std::string& signal, const std::vector<float>& y) {
  FeatureExtractor extractor(FeatureConfig{});
  const Features f = extractor.compute(y.data(), y.size(), all_feature_kinds());

  const test::NpyArray tuning = test::read_npy(fixture(signal + "_tuning.npy"));
  EXPECT_NEAR(f.tuning, tuning.values.at(0), 1e-9) << signal << ": estimated tuning";

  const test::NpyArray mel = test::read_npy(fixture(signal + "_mel_db.npy"));
  ASSERT_EQ(mel.shape, (std::vector<std::size_t>{128, kFrames}));
  ASSERT_EQ(f.mel_db.rows, 128);
  ASSERT_EQ(f.mel_db.cols, kFrames);
  double mel_err = 0.0;
  for (std::size_t i = 0; i < mel.values.size(); ++i)
    mel_err = std::max(mel_err, std::abs(f.mel_db.data[i] - mel.values[i]));
  EXPECT_LE(mel_err, 0.05) << signal << ": max |mel_db - librosa| in dB";

  const test::NpyArray centroid = test::read_npy(fixture(signal + "_centroid.npy"));
  ASSERT_EQ(centroid.shape, (std::vector<std::size_t>{1, kFrames}));
  ASSERT_EQ(f.centroid.cols, kFrames);
  double centroid_err = 0.0;
  for (int t = 0; t < kFrames; ++t) {
    const double ref = centroid.values[t];
    const double err = std::abs(f.centroid.at(0, t) - ref) / std::max(std::abs(ref), 1.0);
    centroid_err = std::max(centroid_err, err);
    if (ref == 0.0) {
      EXPECT_EQ(f.centroid.at(0, t), 0.0f) << signal << ": silent frame " << t;
    }
  }
  EXPECT_LE(centroid_err, 0.005) << signal << ": max relative centroid error";

  const test::NpyArray chroma = test::read_npy(fixture(signal + "_chroma.npy"));
  ASSERT_EQ(chroma.shape, (std::vector<std::size_t>{12, kFrames}));
  ASSERT_EQ(f.chroma.rows, 12);
  double chroma_err = 0.0;
  for (std::size_t i = 0; i < chroma.values.size(); ++i)
    chroma_err = std::max(chroma_err, std::abs(f.chroma.data[i] - chroma.values[i]));
  EXPECT_LE(chroma_err, 0.01) << signal << ": max |chroma - librosa|";

  std::printf("%-12s tuning %+.2f  max err: mel %.2e dB, centroid %.2e (rel), chroma %.2e\n", signal.c_str(), f.tuning,
              mel_err, centroid_err, chroma_err);
}

TEST(LibrosaParity, SharpToneWithSilence) { expect_librosa_parity("tone_sharp", pcm16_fixture("tone_sharp")); }

TEST(LibrosaParity, FlatChordChirpAndNoise) { expect_librosa_parity("chord_chirp", pcm16_fixture("chord_chirp")); }

TEST(LibrosaParity, GtzanBlues) {
  JAAMS_REQUIRE_GTZAN_MINI();
  expect_librosa_parity("blues00000", gtzan_segment("blues/blues.00000.wav"));
}

TEST(LibrosaParity, GtzanMetal) {
  JAAMS_REQUIRE_GTZAN_MINI();
  expect_librosa_parity("metal00003", gtzan_segment("metal/metal.00003.wav"));
}

// With the tuning given instead of estimated, chroma is the filter bank product alone.
TEST(LibrosaParity, ChromaWithGivenTuning) {
  const std::string signal = "chord_chirp";
  const std::vector<float> y = pcm16_fixture(signal);
  FeatureConfig config;
  config.estimate_tuning = false;
  config.tuning = test::read_npy(fixture(signal + "_tuning.npy")).values.at(0);
  FeatureExtractor extractor(config);
  const Features f = extractor.compute(y.data(), y.size(), {FeatureKind::chroma});
  EXPECT_EQ(f.tuning, config.tuning);
  EXPECT_TRUE(f.mel_db.empty());
  EXPECT_TRUE(f.centroid.empty());
  const test::NpyArray chroma = test::read_npy(fixture(signal + "_chroma.npy"));
  ASSERT_EQ(f.chroma.data.size(), chroma.values.size());
  for (std::size_t i = 0; i < chroma.values.size(); ++i) ASSERT_NEAR(f.chroma.data[i], chroma.values[i], 0.01) << i;
}

// The front end of music-pretrained networks (12 kHz, 512-point STFT, hop 256, 96 mels up to
// 6 kHz) is the same mel code with another config.
FeatureConfig front_end_12k() {
  FeatureConfig config;
  config.sample_rate = 12000;
  config.n_fft = 512;
  config.hop_length = 256;
  config.n_mels = 96;
  config.fmax = 6000.0;
  return config;
}

void expect_mel_12k_parity(const std::string& signal, const std::vector<float>& y) {
  FeatureExtractor extractor(front_end_12k());
  const Features f = extractor.compute(y.data(), y.size(), {FeatureKind::mel});
  ASSERT_EQ(f.mel_db.rows, 96);
  ASSERT_EQ(f.mel_db.cols, 1 + static_cast<int>(y.size()) / 256);
  const test::Deviation d = test::deviation(f.mel_db, test::read_npy(fixture(signal + "_12k_mel_db.npy")), signal);
  EXPECT_LE(d.max_abs, 0.05) << signal << ": max |mel_db - librosa| in dB at 12 kHz";
  std::printf("%-12s 12-kHz mel max err %.2e dB\n", signal.c_str(), d.max_abs);
}

TEST(LibrosaParity, Mel12kHzFrontEndSynthetic) {
  const test::NpyArray y12 = test::read_npy(fixture("chord_chirp_12k.npy"));
  ASSERT_EQ(y12.shape, (std::vector<std::size_t>{60000}));
  const std::vector<float> y(y12.values.begin(), y12.values.end());  // float32 values, exact
  expect_mel_12k_parity("chord_chirp", y);
}

// The real clip cannot be stored, so it is brought to 12 kHz here exactly as the fixture script
// did: np.interp at i * 22050 / 12000 in float64 (slope * (x - x0) + y0), rounded to float32.
TEST(LibrosaParity, Mel12kHzFrontEndGtzanBlues) {
  JAAMS_REQUIRE_GTZAN_MINI();
  const std::vector<float> y22 = gtzan_segment("blues/blues.00000.wav", 5 * 22050);
  std::vector<float> y(60000);
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double x = static_cast<double>(i) * (22050.0 / 12000.0);
    const auto j = static_cast<std::size_t>(x);
    const double y0 = y22[j];
    const double slope = j + 1 < y22.size() ? static_cast<double>(y22[j + 1]) - y0 : 0.0;
    y[i] = static_cast<float>(slope * (x - static_cast<double>(j)) + y0);
  }
  expect_mel_12k_parity("blues00000", y);
}

}  // namespace
}  // namespace jaams::features
