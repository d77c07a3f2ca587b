// Properties any correct mel / centroid / chroma implementation has, checked on signals whose
// answer is known without a reference implementation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "jaams/features/feature_extractor.hpp"
#include "jaams/features/tuning.hpp"
#include "jaams/util/error.hpp"
#include "test_support.hpp"

namespace jaams::features {
namespace {

constexpr int kSr = 22050;

Features features_of(const std::vector<float>& y, const FeatureConfig& config = {}) {
  FeatureExtractor extractor(config);
  return extractor.compute(y.data(), y.size(), all_feature_kinds());
}

// Slaney mel scale: linear below 1 kHz, logarithmic above.
double hz_to_mel(double hz) {
  return hz < 1000.0 ? hz * 3.0 / 200.0 : 15.0 + std::log(hz / 1000.0) / (std::log(6.4) / 27.0);
}

TEST(FeatureShapes, TenSecondSegmentGives431Frames) {
  const auto y = test::sine(440.0, 10.0, kSr);
  ASSERT_EQ(y.size(), 220500u);
  const Features f = features_of(y);
  EXPECT_EQ(f.mel_db.rows, 128);
  EXPECT_EQ(f.mel_db.cols, 431);
  EXPECT_EQ(f.mel_db.data.size(), 128u * 431u);
  EXPECT_EQ(f.centroid.rows, 1);
  EXPECT_EQ(f.centroid.cols, 431);
  EXPECT_EQ(f.chroma.rows, 12);
  EXPECT_EQ(f.chroma.cols, 431);
}

TEST(FeatureShapes, FramesFollowHopAndLength) {
  FeatureConfig config;
  config.hop_length = 256;
  config.n_mels = 64;
  FeatureExtractor extractor(config);
  for (std::size_t n : {1u, 255u, 256u, 1000u, 2048u, 5000u}) {
    const std::vector<float> y(n, 0.1f);
    const Features f = extractor.compute(y.data(), y.size(), all_feature_kinds());
    const int frames = static_cast<int>(1 + n / 256);
    EXPECT_EQ(f.mel_db.cols, frames) << n;
    EXPECT_EQ(f.mel_db.rows, 64) << n;
    EXPECT_EQ(f.centroid.cols, frames) << n;
    EXPECT_EQ(f.chroma.cols, frames) << n;
  }
}

TEST(FeatureShapes, OnlyRequestedKindsAreComputed) {
  const auto y = test::sine(440.0, 2.0, kSr);
  FeatureExtractor extractor(FeatureConfig{});
  const Features f = extractor.compute(y.data(), y.size(), {FeatureKind::centroid});
  EXPECT_TRUE(f.mel_db.empty());
  EXPECT_TRUE(f.chroma.empty());
  EXPECT_EQ(f.centroid.cols, 87);
  // The same extractor gives the same values whichever other kinds are asked for.
  const Features all = extractor.compute(y.data(), y.size(), all_feature_kinds());
  EXPECT_EQ(all.centroid.data, f.centroid.data);
}

TEST(MelSpectrogram, DbIsRelativeToMaxAndClippedAtTopDb) {
  const auto y = test::sine(440.0, 10.0, kSr);
  const Features f = features_of(y);
  const auto [lo, hi] = std::minmax_element(f.mel_db.data.begin(), f.mel_db.data.end());
  // ref=np.max: the loudest band is 0 dB (up to librosa's float32 rounding, which gives
  // 3.8e-6 dB here too).
  EXPECT_NEAR(*hi, 0.0f, 1e-4);
  EXPECT_GE(*lo, -80.0f);
  EXPECT_LT(*lo, -79.0f);  // a pure tone leaves most bands far below: they sit on the floor
}

TEST(MelSpectrogram, PeakBandContains440Hz) {
  const auto y = test::sine(440.0, 10.0, kSr);
  const Features f = features_of(y);
  // 128 Slaney bands between 0 and 11025 Hz: band m spans centre points m .. m + 2.
  const double max_mel = hz_to_mel(kSr / 2.0);
  const double step = max_mel / 129.0;
  const double mel_440 = hz_to_mel(440.0);
  for (int t = 10; t < 420; t += 50) {
    int best = 0;
    for (int m = 1; m < 128; ++m)
      if (f.mel_db.at(m, t) > f.mel_db.at(best, t)) best = m;
    EXPECT_LE(best * step, mel_440) << "frame " << t;
    EXPECT_GE((best + 2) * step, mel_440) << "frame " << t;
  }
}

TEST(MelSpectrogram, LouderSignalGivesSameDbImage) {
  // ref=np.max: scaling the signal does not change the image.
  const auto quiet = test::sine(1000.0, 3.0, kSr, 0.01f);
  const auto loud = test::sine(1000.0, 3.0, kSr, 0.8f);
  const Features a = features_of(quiet);
  const Features b = features_of(loud);
  for (std::size_t i = 0; i < a.mel_db.data.size(); ++i) ASSERT_NEAR(a.mel_db.data[i], b.mel_db.data[i], 0.01) << i;
}

TEST(SpectralCentroid, SineCentroidIsItsFrequency) {
  for (double hz : {440.0, 1000.0, 3000.0}) {
    const auto y = test::sine(hz, 10.0, kSr);
    const Features f = features_of(y);
    for (int t = 4; t < 427; ++t) ASSERT_NEAR(f.centroid.at(0, t), hz, 0.01 * hz) << hz << " Hz, frame " << t;
  }
}

TEST(SpectralCentroid, SilenceGivesZero) {
  const std::vector<float> y(22050, 0.0f);
  const Features f = features_of(y);
  for (float c : f.centroid.data) EXPECT_EQ(c, 0.0f);
  for (float c : f.chroma.data) EXPECT_EQ(c, 0.0f);
  for (float db : f.mel_db.data) ASSERT_NEAR(db, 0.0f, 1e-4);  // all at amin: 0 dB relative to itself
  EXPECT_EQ(f.tuning, 0.0);
}

TEST(Chroma, SineAt440PeaksAtAInEveryFrame) {
  const auto y = test::sine(440.0, 10.0, kSr);
  const Features f = features_of(y);
  for (int t = 0; t < f.chroma.cols; ++t) {
    int best = 0;
    for (int c = 1; c < 12; ++c)
      if (f.chroma.at(c, t) > f.chroma.at(best, t)) best = c;
    ASSERT_EQ(best, 9) << "frame " << t;       // C, C#, D, D#, E, F, F#, G, G#, A
    ASSERT_FLOAT_EQ(f.chroma.at(9, t), 1.0f);  // inf-norm: the peak is 1
  }
}

TEST(Chroma, PitchClassFollowsTheNote) {
  // C5 (523.25 Hz) -> index 0, E4 (329.63 Hz) -> 4, G3 (196 Hz) -> 7.
  const std::pair<double, int> notes[] = {{523.2511, 0}, {329.6276, 4}, {195.9977, 7}};
  for (const auto& [hz, expected] : notes) {
    const Features f = features_of(test::sine(hz, 3.0, kSr));
    const int t = f.chroma.cols / 2;
    int best = 0;
    for (int c = 1; c < 12; ++c)
      if (f.chroma.at(c, t) > f.chroma.at(best, t)) best = c;
    EXPECT_EQ(best, expected) << hz << " Hz";
  }
}

TEST(Tuning, InTuneSineEstimatesNearZeroAndDetunedSineItsOffset) {
  // piptrack interpolates a parabola through the Hann window's power peak, which reads a few
  // cents sharp (librosa gives +0.02 for a 440-Hz sine too): allow 5 cents.
  EXPECT_NEAR(features_of(test::sine(440.0, 5.0, kSr)).tuning, 0.0, 0.05);
  // 30 cents sharp = +0.3 of a semitone bin.
  EXPECT_NEAR(features_of(test::sine(440.0 * std::pow(2.0, 0.3 / 12.0), 5.0, kSr)).tuning, 0.3, 0.05);
  EXPECT_NEAR(features_of(test::sine(440.0 * std::pow(2.0, -0.2 / 12.0), 5.0, kSr)).tuning, -0.2, 0.05);
}

TEST(Tuning, FixedTuningIsUsedWhenEstimationIsOff) {
  FeatureConfig config;
  config.estimate_tuning = false;
  config.tuning = -0.25;
  EXPECT_EQ(features_of(test::sine(440.0 * std::pow(2.0, 0.3 / 12.0), 3.0, kSr), config).tuning, -0.25);
}

TEST(Tuning, PitchTuningHistogram) {
  // Offsets in the middle of a histogram bin (whose left edge is the result), so float rounding
  // cannot move them across an edge.
  const auto cents = [](double c) { return static_cast<float>(std::pow(2.0, c / 1200.0)); };
  // 25.5 cents sharp of A440 equal temperament, whatever the octave or note.
  const float sharp = cents(25.5);
  EXPECT_NEAR(pitch_tuning({440.0f * sharp, 220.0f * sharp, 880.0f * sharp, 261.6256f * sharp}), 0.25, 1e-9);
  // The fullest bin wins; residuals above half a bin count as below the next note.
  const float flat = cents(-10.5);
  EXPECT_NEAR(pitch_tuning({440.0f * flat, 440.0f * flat, 440.0f * sharp}), -0.11, 1e-9);
  EXPECT_NEAR(pitch_tuning({440.0f * cents(70.5), 440.0f * cents(-29.5)}), -0.30, 1e-9);
  EXPECT_EQ(pitch_tuning({}), 0.0);
  EXPECT_EQ(pitch_tuning({0.0f, -3.0f}), 0.0);
  // Coarser resolution: 0.05-wide bins.
  EXPECT_NEAR(pitch_tuning({440.0f * cents(27.5)}, 0.05), 0.25, 1e-9);
}

TEST(FeatureExtractorInput, RejectsEmptyAndNonFiniteSignals) {
  FeatureExtractor extractor(FeatureConfig{});
  std::vector<float> y(1000, 0.1f);
  EXPECT_THROW(extractor.compute(y.data(), 0, all_feature_kinds()), Error);
  y[500] = std::nanf("");
  EXPECT_THROW(extractor.compute(y.data(), y.size(), all_feature_kinds()), Error);
  y[500] = INFINITY;
  EXPECT_THROW(extractor.compute(y.data(), y.size(), all_feature_kinds()), Error);
}

TEST(FeatureExtractorInput, ExtractorIsReusableAndMovable) {
  const auto a = test::sine(440.0, 2.0, kSr);
  const auto b = test::sine(1000.0, 2.0, kSr);
  FeatureExtractor first(FeatureConfig{});
  const Features fa = first.compute(a.data(), a.size(), all_feature_kinds());
  first.compute(b.data(), b.size(), all_feature_kinds());
  FeatureExtractor moved(std::move(first));
  const Features again = moved.compute(a.data(), a.size(), all_feature_kinds());
  EXPECT_EQ(fa.mel_db.data, again.mel_db.data);
  EXPECT_EQ(fa.chroma.data, again.chroma.data);
  EXPECT_EQ(fa.centroid.data, again.centroid.data);
}

}  // namespace
}  // namespace jaams::features
