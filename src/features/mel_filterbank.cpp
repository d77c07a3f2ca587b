#include "mel_filterbank.hpp"

#include <algorithm>
#include <cmath>

#include "lanes.hpp"

namespace jaams::features::detail {

namespace {
constexpr double kFSp = 200.0 / 3;
constexpr double kMinLogHz = 1000.0;
constexpr double kMinLogMel = kMinLogHz / kFSp;
const double kLogStep = std::log(6.4) / 27.0;

JAAMS_FEATURES_KERNEL
void mel_kernel(const float* __restrict block, const float* __restrict w, int first_bin, int n, float* __restrict out) {
  Lanes sum = zero_lanes();
  const float* p = block + static_cast<std::size_t>(first_bin) * kLanes;
  for (int k = 0; k < n; ++k) sum += w[k] * load_lanes(p + static_cast<std::size_t>(k) * kLanes);
  store_lanes(out, sum);
}
}  // namespace

double hz_to_mel_slaney(double hz) {
  if (hz >= kMinLogHz) return kMinLogMel + std::log(hz / kMinLogHz) / kLogStep;
  return hz / kFSp;
}

double mel_to_hz_slaney(double mel) {
  if (mel >= kMinLogMel) return kMinLogHz * std::exp(kLogStep * (mel - kMinLogMel));
  return kFSp * mel;
}

MelFilterbank::MelFilterbank(double sample_rate, int n_fft, int n_mels, double fmin, double fmax) {
  const int bins = n_fft / 2 + 1;
  // numpy.fft.rfftfreq and numpy.linspace, computed the way numpy does.
  const double bin_hz = 1.0 / (n_fft * (1.0 / sample_rate));
  std::vector<double> fft_hz(bins);
  for (int k = 0; k < bins; ++k) fft_hz[k] = k * bin_hz;

  const int n_points = n_mels + 2;
  const double min_mel = hz_to_mel_slaney(fmin);
  const double max_mel = hz_to_mel_slaney(fmax);
  const double step = (max_mel - min_mel) / (n_points - 1);
  std::vector<double> mel_hz(n_points);
  for (int i = 0; i < n_points; ++i) mel_hz[i] = mel_to_hz_slaney(i == n_points - 1 ? max_mel : i * step + min_mel);

  filters_.resize(n_mels);
  for (int m = 0; m < n_mels; ++m) {
    const double lower_width = mel_hz[m + 1] - mel_hz[m];
    const double upper_width = mel_hz[m + 2] - mel_hz[m + 1];
    const double enorm = 2.0 / (mel_hz[m + 2] - mel_hz[m]);
    Filter& f = filters_[m];
    int first = -1;
    std::vector<float> w;
    for (int k = 0; k < bins; ++k) {
      const double lower = -(mel_hz[m] - fft_hz[k]) / lower_width;
      const double upper = (mel_hz[m + 2] - fft_hz[k]) / upper_width;
      // librosa stores the triangle as float32, then scales it by enorm in double.
      const auto tri = static_cast<float>(std::max(0.0, std::min(lower, upper)));
      const auto weight = static_cast<float>(static_cast<double>(tri) * enorm);
      if (weight != 0.0f) {
        if (first < 0) first = k;
        w.resize(k - first + 1, 0.0f);
        w[k - first] = weight;
      }
    }
    f.first_bin = std::max(first, 0);
    f.weights = std::move(w);  // empty for a filter narrower than a bin (librosa warns, gives 0)
  }
}

void MelFilterbank::apply(const float* block, int count, float* mel, int stride, int column) const {
  float acc[kLanes];
  for (int m = 0; m < n_mels(); ++m) {
    const Filter& f = filters_[m];
    mel_kernel(block, f.weights.data(), f.first_bin, static_cast<int>(f.weights.size()), acc);
    float* row = mel + static_cast<std::size_t>(m) * stride + column;
    for (int lane = 0; lane < count; ++lane) row[lane] = acc[lane];
  }
}

}  // namespace jaams::features::detail
