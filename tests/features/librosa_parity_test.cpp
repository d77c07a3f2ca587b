// FeatureExtractor against librosa 0.11 (tests/fixtures/librosa, made by
// scripts/make_librosa_fixtures.py): the images jaams trains on must be the ones librosa gives.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "jaams/features/feature_extractor.hpp"
#include "npy.hpp"
#include "test_support.hpp"

namespace jaams::features {
namespace {

constexpr std::size_t kSegment = 220500;  // 10 s at 22050 Hz
constexpr int kFrames = 431;

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(JAAMS_FIXTURES_DIR) / "librosa" / name;
}

std::vector<float> pcm16_fixture(const std::string& signal) {
  const test::NpyArray pcm = test::read_npy(fixture(signal + "_pcm16.npy"));
  std::vector<float> y(pcm.values.size());
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(pcm.values[i]) / 32768.0f;
  return y;
}

// The first 10 s of a gtzan-mini clip, read as librosa.load / soundfile read 16-bit PCM.
std::vector<float> gtzan_segment(const std::string& relative) {
  const auto path = test::gtzan_mini() / relative;
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (f == nullptr) throw std::runtime_error(path.string() + ": " + sf_strerror(nullptr));
  std::vector<float> y(kSegment);
  const sf_count_t got = sf_readf_float(f, y.data(), static_cast<sf_count_t>(kSegment));
  sf_close(f);
  if (info.channels != 1 || info.samplerate != 22050 || got != static_cast<sf_count_t>(kSegment))
    throw std::runtime_error(path.string() + ": expected at least 10 s of 22050-Hz mono");
  return y;
}

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
    if (ref == 0.0) EXPECT_EQ(f.centroid.at(0, t), 0.0f) << signal << ": silent frame " << t;
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

}  // namespace
}  // namespace jaams::features
