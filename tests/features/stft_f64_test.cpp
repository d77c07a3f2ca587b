// StftF64 and its FFT against a direct float64 DFT, for power-of-two sizes and the others
// (Bluestein).
#include "features/stft_f64.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <vector>

#include "features/lanes.hpp"
#include "jaams/features/summary_features.hpp"
#include "test_support.hpp"

namespace jaams::features {
namespace {

using detail::kLanes;

std::vector<std::complex<double>> direct_dft(const std::vector<std::complex<double>>& x) {
  const std::size_t n = x.size();
  std::vector<std::complex<double>> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    std::complex<double> sum = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      const double angle = -2.0 * M_PI * static_cast<double>((j * k) % n) / static_cast<double>(n);
      sum += x[j] * std::complex<double>(std::cos(angle), std::sin(angle));
    }
    out[k] = sum;
  }
  return out;
}

TEST(LanesFft, MatchesTheDirectDftInEveryLane) {
  for (int size : {2, 4, 8, 64, 512}) {
    detail::LanesFft fft(size);
    std::mt19937 rng(size);
    std::normal_distribution<double> normal;
    std::vector<double> re(static_cast<std::size_t>(size) * kLanes);
    std::vector<double> im(re.size());
    for (std::size_t i = 0; i < re.size(); ++i) re[i] = normal(rng), im[i] = normal(rng);
    std::vector<std::vector<std::complex<double>>> expected(kLanes);
    for (int lane = 0; lane < kLanes; ++lane) {
      std::vector<std::complex<double>> x(size);
      for (int j = 0; j < size; ++j) x[j] = {re[j * kLanes + lane], im[j * kLanes + lane]};
      expected[lane] = direct_dft(x);
    }
    fft.forward(re.data(), im.data());
    for (int lane = 0; lane < kLanes; ++lane)
      for (int k = 0; k < size; ++k) {
        EXPECT_NEAR(re[k * kLanes + lane], expected[lane][k].real(), 1e-10 * size) << size << " " << lane << " " << k;
        EXPECT_NEAR(im[k * kLanes + lane], expected[lane][k].imag(), 1e-10 * size) << size << " " << lane << " " << k;
      }
  }
}

// Every frame of a signal (the padded ends included), for n_fft whose half is a power of two
// (radix 2) and not (Bluestein), against a float64 DFT of the windowed frame.
void expect_stft_matches_direct_dft(int n_fft, int hop) {
  std::mt19937 rng(n_fft);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> y(5 * n_fft + 7);
  for (float& v : y) v = uniform(rng);
  detail::StftF64 stft(n_fft, hop);
  const int frames = static_cast<int>(stft.frame_count(y.size()));
  ASSERT_EQ(frames, 1 + static_cast<int>(y.size()) / hop);
  const int bins = stft.n_bins();
  ASSERT_EQ(bins, n_fft / 2 + 1);
  std::vector<float> power(static_cast<std::size_t>(bins) * kLanes);
  std::vector<float> magnitude(power.size());
  double worst = 0.0;
  for (int first = 0; first < frames; first += kLanes) {
    const int count = std::min(kLanes, frames - first);
    stft.block(y.data(), y.size(), static_cast<std::size_t>(first), count, power.data(), magnitude.data());
    for (int lane = 0; lane < count; ++lane) {
      std::vector<std::complex<double>> x(n_fft);
      const long start = static_cast<long>(first + lane) * hop - n_fft / 2;
      for (int i = 0; i < n_fft; ++i) {
        const long at = start + i;
        const double w = 0.5 - 0.5 * std::cos(2.0 * M_PI * i / n_fft);
        x[i] = at >= 0 && at < static_cast<long>(y.size()) ? w * y[at] : 0.0;
      }
      const auto spectrum = direct_dft(x);
      for (int k = 0; k < bins; ++k) {
        const double expected = std::abs(spectrum[k]);
        const double got = magnitude[static_cast<std::size_t>(k) * kLanes + lane];
        worst = std::max(worst, std::abs(got - expected) / std::max(expected, 1e-3));
      }
    }
  }
  EXPECT_LE(worst, 1e-6) << "n_fft " << n_fft << ": worst relative magnitude error";
}

TEST(StftF64, PowerOfTwoSizesMatchTheDirectDft) {
  expect_stft_matches_direct_dft(64, 16);
  expect_stft_matches_direct_dft(256, 100);
}

TEST(StftF64, OtherSizesMatchTheDirectDft) {
  expect_stft_matches_direct_dft(60, 15);     // m = 30
  expect_stft_matches_direct_dft(1000, 250);  // m = 500
}

// A config whose n_fft is not a power of two runs the whole summary through Bluestein's
// transform; its chroma agrees with FeatureExtractor's (FFTW, any size).
TEST(StftF64, SummaryFeaturesOfANonPowerOfTwoFft) {
  FeatureConfig config;
  config.n_fft = 2000;
  config.hop_length = 500;
  SummaryFeatureExtractor extractor(config);
  const std::vector<float> y = test::sine(523.25, 3.0, 22050, 0.4f);
  const Descriptors d = extractor.descriptors(y.data(), y.size());
  EXPECT_EQ(d.mfcc.cols, 1 + static_cast<int>(y.size()) / 500);
  for (float v : SummaryFeatureExtractor::statistics(d)) EXPECT_TRUE(std::isfinite(v));
  for (int t = 5; t < d.chroma.cols - 5; ++t) EXPECT_EQ(d.chroma.at(0, t), 1.0f) << t;  // C
}

}  // namespace
}  // namespace jaams::features
