// The stages under the features, each against librosa's own matrices (tests/fixtures/librosa),
// so a parity failure of the whole says which stage broke: the STFT power, the mel and chroma
// filter banks, and the cepstral steps.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "features/chroma_filterbank.hpp"
#include "features/lanes.hpp"
#include "features/mel_filterbank.hpp"
#include "features/mfcc.hpp"
#include "features/stft.hpp"
#include "features/stft_f64.hpp"
#include "librosa_fixtures.hpp"
#include "npy.hpp"

namespace jaams::features {
namespace {

using detail::kLanes;

// |STFT|^2 of `y` [bins x frames], frame blocks unpacked from the bin-major lanes.
Matrix stft_power(const std::vector<float>& y, int n_fft, int hop) {
  detail::Stft stft(n_fft, hop);
  const int frames = static_cast<int>(stft.frame_count(y.size()));
  const int bins = stft.n_bins();
  Matrix out(bins, frames);
  std::vector<float> block(static_cast<std::size_t>(bins) * kLanes);
  for (int first = 0; first < frames; first += kLanes) {
    const int count = std::min(kLanes, frames - first);
    stft.power_block(y.data(), y.size(), static_cast<std::size_t>(first), count, block.data());
    for (int k = 0; k < bins; ++k)
      for (int lane = 0; lane < count; ++lane)
        out.at(k, first + lane) = block[static_cast<std::size_t>(k) * kLanes + lane];
  }
  return out;
}

// StftF64's |X|^2 of `y` [bins x frames].
Matrix stft_f64_power(const std::vector<float>& y, int n_fft, int hop) {
  detail::StftF64 stft(n_fft, hop);
  const int frames = static_cast<int>(stft.frame_count(y.size()));
  const int bins = stft.n_bins();
  Matrix out(bins, frames);
  std::vector<float> power(static_cast<std::size_t>(bins) * kLanes);
  std::vector<float> magnitude(power.size());
  for (int first = 0; first < frames; first += kLanes) {
    const int count = std::min(kLanes, frames - first);
    stft.block(y.data(), y.size(), static_cast<std::size_t>(first), count, power.data(), magnitude.data());
    for (int k = 0; k < bins; ++k)
      for (int lane = 0; lane < kLanes; ++lane) {
        const std::size_t i = static_cast<std::size_t>(k) * kLanes + lane;
        if (lane >= count) {
          EXPECT_EQ(power[i], 0.0f) << "lane past the last frame";
          continue;
        }
        EXPECT_EQ(power[i], magnitude[i] * magnitude[i]);
        out.at(k, first + lane) = power[i];
      }
  }
  return out;
}

// The worst relative error over the bins at least `floor` times the largest.
double worst_relative(const Matrix& a, const test::NpyArray& b, double floor) {
  const double peak = *std::max_element(b.values.begin(), b.values.end());
  double worst = 0.0;
  for (std::size_t i = 0; i < b.values.size(); ++i)
    if (b.values[i] >= floor * peak) worst = std::max(worst, std::abs(a.data[i] - b.values[i]) / b.values[i]);
  return worst;
}

void expect_stft_parity(int n_fft, int hop, std::size_t begin, std::size_t end, const std::string& name) {
  const std::vector<float> chord_chirp = test::pcm16_fixture("chord_chirp");
  const std::vector<float> y(chord_chirp.begin() + begin, chord_chirp.begin() + end);
  const test::NpyArray ref = test::read_npy(test::librosa_fixture(name));
  // float32 FFTs: within float32 rounding of the largest bin (not of each small one).
  const test::Deviation d = test::deviation(stft_power(y, n_fft, hop), ref, name);
  EXPECT_LE(d.relative_to_max, 1e-5) << name;
  // librosa evaluates in float64, as StftF64 does: every bin within float32 rounding of itself,
  // down to 1e-12 of the largest (120 dB below it).
  const double f64 = worst_relative(stft_f64_power(y, n_fft, hop), ref, 1e-12);
  EXPECT_LE(f64, 1e-5) << name << " (float64 STFT)";
  std::printf("%-19s Stft max err %.2e of the largest power; StftF64 %.2e of each bin\n", name.c_str(),
              d.relative_to_max, f64);
}

TEST(LibrosaStages, StftPower256Points) { expect_stft_parity(256, 64, 30000, 31000, "stft_power_256.npy"); }

TEST(LibrosaStages, StftPower2048Points) { expect_stft_parity(2048, 512, 30000, 33000, "stft_power_2048.npy"); }

// The bank's weights, read back by applying it to one-hot spectra (bin k in lane k % kLanes).
TEST(LibrosaStages, MelFilterbankRows) {
  const int bins = 1025;
  detail::MelFilterbank bank(22050, 2048, 128, 0.0, 11025.0);
  Matrix weights(128, bins);
  std::vector<float> block(static_cast<std::size_t>(bins) * kLanes);
  std::vector<float> mel(static_cast<std::size_t>(128) * kLanes);
  for (int first = 0; first < bins; first += kLanes) {
    std::fill(block.begin(), block.end(), 0.0f);
    const int count = std::min(kLanes, bins - first);
    for (int lane = 0; lane < count; ++lane) block[static_cast<std::size_t>(first + lane) * kLanes + lane] = 1.0f;
    bank.apply(block.data(), count, mel.data(), kLanes, 0);
    for (int m = 0; m < 128; ++m)
      for (int lane = 0; lane < count; ++lane)
        weights.at(m, first + lane) = mel[static_cast<std::size_t>(m) * kLanes + lane];
  }
  const int rows[] = {0, 1, 2, 10, 40, 64, 100, 126, 127};  // MEL_ROWS of the fixture script
  Matrix kept(9, bins);
  for (int i = 0; i < 9; ++i) std::copy(weights.row(rows[i]), weights.row(rows[i]) + bins, kept.row(i));
  const test::Deviation d = test::deviation(kept, test::read_npy(test::librosa_fixture("filters_mel_rows.npy")), "mel");
  EXPECT_LE(d.relative_to_max, 1e-6);
  std::printf("mel filter bank  max err %.2e of the largest weight\n", d.relative_to_max);
}

TEST(LibrosaStages, ChromaFilterbank) {
  detail::ChromaFilterbank bank(22050, 2048, 12, 0.23);  // CHROMA_TUNING of the fixture script
  Matrix weights(12, 1025);
  for (int c = 0; c < 12; ++c)
    for (int k = 0; k < 1025; ++k) weights.at(c, k) = bank.weight(c, k);
  const test::Deviation d =
      test::deviation(weights, test::read_npy(test::librosa_fixture("filters_chroma.npy")), "chroma");
  EXPECT_LE(d.relative_to_max, 1e-6);
  std::printf("chroma bank      max err %.2e of the largest weight\n", d.relative_to_max);
}

// scipy.fft.dct(type=2, norm="ortho") is orthonormal: its first rows of a constant column are
// sqrt(n) * value then zeros, and a cosine column gives one coefficient.
TEST(CepstralStages, OrthonormalDct) {
  const int n = 128;
  detail::Dct dct(n, 20);
  Matrix in(n, 2);
  for (int m = 0; m < n; ++m) {
    in.at(m, 0) = -100.0f;
    in.at(m, 1) = static_cast<float>(std::cos(M_PI * 5 * (2.0 * m + 1.0) / (2.0 * n)));
  }
  const Matrix out = dct.apply(in);
  ASSERT_EQ(out.rows, 20);
  EXPECT_NEAR(out.at(0, 0), -100.0 * std::sqrt(128.0), 1e-3);
  for (int c = 1; c < 20; ++c) EXPECT_NEAR(out.at(c, 0), 0.0, 1e-3) << c;
  for (int c = 0; c < 20; ++c) EXPECT_NEAR(out.at(c, 1), c == 5 ? std::sqrt(n / 2.0) : 0.0, 1e-4) << c;
}

// savgol deriv 1, polyorder 1, mode interp: a line gives its slope everywhere (edges included); a
// parabola's interior gives its exact derivative, and its edges the slope of the fitted line.
TEST(CepstralStages, DeltaInterp) {
  const int frames = 30;
  Matrix x(2, frames);
  for (int t = 0; t < frames; ++t) {
    x.at(0, t) = 3.0f + 0.5f * t;
    x.at(1, t) = 0.25f * t * t;
  }
  const Matrix d = detail::delta_interp(x, 9);
  for (int t = 0; t < frames; ++t) EXPECT_NEAR(d.at(0, t), 0.5, 1e-6) << t;
  for (int t = 4; t < frames - 4; ++t) EXPECT_NEAR(d.at(1, t), 0.5 * t, 1e-5) << t;
  for (int t = 0; t < 4; ++t) {
    EXPECT_NEAR(d.at(1, t), 0.5 * 4, 1e-5) << t;  // the line through frames 0..8 has slope 2
    EXPECT_NEAR(d.at(1, frames - 1 - t), 0.5 * (frames - 5), 1e-5) << t;
  }
}

}  // namespace
}  // namespace jaams::features
