// Waveform augmentation: noise at the requested SNR, gain, crops and pitch shifts by resampling.
#include "jaams/audio/augment.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <numeric>

#include "test_support.hpp"

namespace jaams::audio {
namespace {

std::vector<float> music_like(std::size_t n) {
  std::vector<float> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double t = double(i) / 22050.0;
    x[i] = static_cast<float>(0.4 * std::sin(2 * M_PI * 220 * t) + 0.2 * std::sin(2 * M_PI * 1330 * t) * std::sin(3 * t));
  }
  return x;
}

double snr_db(const std::vector<float>& clean, const std::vector<float>& noisy) {
  std::vector<float> noise(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) noise[i] = noisy[i] - clean[i];
  return 10.0 * std::log10(signal_power(clean) / signal_power(noise));
}

// Power of `x` in [lo, hi) Hz by a plain DFT over a few bins (enough for a spectral tilt check).
double band_power(const std::vector<float>& x, double lo, double hi, int rate) {
  const std::size_t n = x.size();
  double total = 0.0;
  for (std::size_t k = std::size_t(lo * n / rate); k < std::size_t(hi * n / rate); k += 7) {
    std::complex<double> acc = 0;
    for (std::size_t i = 0; i < n; ++i) acc += double(x[i]) * std::polar(1.0, -2 * M_PI * double(k) * double(i) / double(n));
    total += std::norm(acc);
  }
  return total;
}

TEST(Augment, NoiseIsAddedAtTheRequestedSnr) {
  const auto clean = music_like(22050 * 2);
  for (const auto color : {NoiseColor::white, NoiseColor::pink}) {
    for (const double snr : {0.0, 10.0, 23.5, 40.0}) {
      auto noisy = clean;
      Rng rng(7);
      add_noise(noisy, snr, color, rng);
      EXPECT_NEAR(snr_db(clean, noisy), snr, 0.5) << "color " << int(color) << " snr " << snr;
      EXPECT_NE(noisy, clean);
    }
  }
}

TEST(Augment, PinkNoiseHasLessPowerHighUpThanWhiteNoise) {
  const std::vector<float> silence_plus_dc(8192, 0.5f);
  auto white = silence_plus_dc, pink = silence_plus_dc;
  Rng a(3), b(3);
  add_noise(white, 0.0, NoiseColor::white, a);
  add_noise(pink, 0.0, NoiseColor::pink, b);
  for (auto* x : {&white, &pink}) {
    for (auto& v : *x) v -= 0.5f;
  }
  // White noise: equal power per Hz, so the 4-8 kHz band holds about as much as 0.5-1 kHz x 8;
  // pink noise: equal power per octave, so the two octaves hold about the same.
  const double white_ratio = band_power(white, 4000, 8000, 22050) / band_power(white, 500, 1000, 22050);
  const double pink_ratio = band_power(pink, 4000, 8000, 22050) / band_power(pink, 500, 1000, 22050);
  EXPECT_GT(white_ratio, 4.0);
  EXPECT_LT(pink_ratio, 2.0);
}

TEST(Augment, NoiseIsReproducibleForASeedAndSilenceStaysSilent) {
  const auto clean = music_like(4096);
  auto a = clean, b = clean, c = clean;
  Rng r1(11), r2(11), r3(12);
  add_noise(a, 10, NoiseColor::white, r1);
  add_noise(b, 10, NoiseColor::white, r2);
  add_noise(c, 10, NoiseColor::white, r3);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<float> silent(4096, 0.0f);
  Rng r4(1);
  add_noise(silent, 10, NoiseColor::pink, r4);
  EXPECT_EQ(signal_power(silent), 0.0);
}

TEST(Augment, GainScalesByDecibels) {
  std::vector<float> x{1.0f, -0.5f, 0.25f};
  apply_gain(x, -6.0206);
  EXPECT_NEAR(x[0], 0.5f, 1e-4);
  EXPECT_NEAR(x[1], -0.25f, 1e-4);
}

TEST(Augment, ASegmentIsCutInsideTheTrackAndZeroPastItsEnds) {
  std::vector<float> track(1000);
  std::iota(track.begin(), track.end(), 1.0f);
  const auto middle = read_segment(track, 200, 100);
  ASSERT_EQ(middle.size(), 100u);
  EXPECT_EQ(middle.front(), 201.0f);
  EXPECT_EQ(middle.back(), 300.0f);
  const auto tail = read_segment(track, 950, 100);
  EXPECT_EQ(tail[49], 1000.0f);
  EXPECT_EQ(tail[50], 0.0f);
  const auto head = read_segment(track, -10, 20);
  EXPECT_EQ(head[9], 0.0f);
  EXPECT_EQ(head[10], 1.0f);
}

TEST(Augment, ResamplingShiftsThePitchBySemitones) {
  const int rate = 22050;
  const auto tone = test::sine(440.0, 3.0, rate);
  const double up = std::pow(2.0, 2.0 / 12.0);  // two semitones
  const auto shifted = read_segment(tone, 0, rate, up);
  ASSERT_EQ(shifted.size(), std::size_t(rate));
  // Count upward zero crossings over the middle of the second: 440 * 2^(2/12) = 493.9 Hz.
  int crossings = 0;
  for (int i = rate / 4; i < 3 * rate / 4; ++i) crossings += shifted[i - 1] < 0 && shifted[i] >= 0;
  EXPECT_NEAR(crossings * 2.0, 440.0 * up, 3.0);
}

}  // namespace
}  // namespace jaams::audio
