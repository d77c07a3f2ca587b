#include "piptrack.hpp"

#include <algorithm>
#include <cmath>

#include "jaams/features/tuning.hpp"
#include "lanes.hpp"

namespace jaams::features::detail {

namespace {
// librosa.piptrack defaults, which estimate_tuning (and so chroma_stft) uses.
constexpr double kFmin = 150.0;
constexpr double kFmax = 4000.0;
constexpr float kThreshold = 0.1f;

JAAMS_FEATURES_KERNEL
void block_max(const float* __restrict block, int n_bins, float* __restrict out) {
  Lanes m = zero_lanes();
  for (int k = 0; k < n_bins; ++k) m = max_lanes(m, load_lanes(block + static_cast<std::size_t>(k) * kLanes));
  store_lanes(out, m);
}

// np.remainder for float32: the result takes the divisor's sign.
float remainder_like_numpy(float a, float b) {
  float r = std::fmod(a, b);
  if (r != 0.0f && ((b < 0.0f) != (r < 0.0f))) r += b;
  return r;
}
}  // namespace

PitchPeaks::PitchPeaks(double sample_rate, int n_fft)
    : sample_rate_(sample_rate), n_fft_(n_fft), n_bins_(n_fft / 2 + 1) {
  const double fmin = std::max(kFmin, 0.0);
  const double fmax = std::min(kFmax, sample_rate / 2.0);
  const double bin_hz = 1.0 / (n_fft * (1.0 / sample_rate));  // numpy.fft.rfftfreq
  first_bin_ = n_bins_;
  end_bin_ = 0;
  for (int k = 0; k < n_bins_; ++k) {
    const double f = k * bin_hz;
    if (fmin <= f && f < fmax) {
      first_bin_ = std::min(first_bin_, k);
      end_bin_ = k + 1;
    }
  }
  // A local maximum needs a lower neighbour; the top bin (Nyquist) never passes f < fmax.
  first_bin_ = std::max(first_bin_, 1);
  end_bin_ = std::min(end_bin_, n_bins_ - 1);
}

void PitchPeaks::clear() {
  pitch_.clear();
  magnitude_.clear();
}

void PitchPeaks::add_block(const float* block, int count) {
  float peak[kLanes];
  block_max(block, n_bins_, peak);
  for (int lane = 0; lane < count; ++lane) {
    const float ref = kThreshold * peak[lane];
    const auto at = [&](int k) { return block[static_cast<std::size_t>(k) * kLanes + lane]; };
    // piptrack looks for local maxima of S * (S > ref).
    const auto thresholded = [&](int k) {
      const float s = at(k);
      return s > ref ? s : 0.0f;
    };
    for (int k = first_bin_; k < end_bin_; ++k) {
      const float s = at(k);
      if (!(s > ref) || !(s > thresholded(k - 1)) || !(s >= thresholded(k + 1))) continue;
      const float next = at(k + 1);
      const float prev = at(k - 1);
      // librosa's numba stencil: x[1] + x[-1] in float32, the rest promoted to float64.
      const double a = static_cast<double>(next + prev) - 2.0 * static_cast<double>(s);
      const double b = static_cast<double>(next - prev) / 2.0;
      const float shift = std::abs(b) >= std::abs(a) ? 0.0f : static_cast<float>(-b / a);
      const float gradient = (next - prev) / 2.0f;  // np.gradient, float32
      const float dskew = (0.5f * gradient) * shift;
      const auto pitch = static_cast<float>((static_cast<double>(k) + shift) * sample_rate_ / n_fft_);
      if (!(pitch > 0.0f)) continue;
      pitch_.push_back(pitch);
      magnitude_.push_back(s + dskew);
    }
  }
}

double PitchPeaks::estimate_tuning(int bins_per_octave) const {
  if (pitch_.empty()) return 0.0;
  // np.median of float32: the middle value, or the float32 mean of the two middle values.
  std::vector<float> m = magnitude_;
  const std::size_t half = m.size() / 2;
  std::nth_element(m.begin(), m.begin() + half, m.end());
  float median = m[half];
  if (m.size() % 2 == 0) {
    const float below = *std::max_element(m.begin(), m.begin() + half);
    median = (below + median) / 2.0f;
  }
  std::vector<float> selected;
  selected.reserve(half + 1);
  for (std::size_t i = 0; i < pitch_.size(); ++i)
    if (magnitude_[i] >= median) selected.push_back(pitch_[i]);
  return pitch_tuning(selected, 0.01, bins_per_octave);
}

}  // namespace jaams::features::detail

namespace jaams::features {

double pitch_tuning(const std::vector<float>& frequencies, double resolution, int bins_per_octave) {
  const int n_bins = static_cast<int>(std::ceil(1.0 / resolution));
  if (n_bins < 1) return 0.0;
  // numpy.linspace(-0.5, 0.5, n_bins + 1)
  std::vector<double> edges(n_bins + 1);
  const double step = 1.0 / n_bins;
  for (int i = 0; i < n_bins; ++i) edges[i] = i * step + -0.5;
  edges[n_bins] = 0.5;

  std::vector<int> counts(n_bins, 0);
  bool any = false;
  for (const float f : frequencies) {
    if (!(f > 0.0f)) continue;
    any = true;
    // float32 throughout, as numpy evaluates it for a float32 array.
    const float octaves = std::log2(f / 27.5f);
    float residual = detail::remainder_like_numpy(static_cast<float>(bins_per_octave) * octaves, 1.0f);
    if (residual >= 0.5f) residual -= 1.0f;
    const double r = residual;
    // np.histogram: [edge_i, edge_i+1), the last bin closed.
    if (r < edges.front() || r > edges.back()) continue;
    auto bin = static_cast<int>(std::upper_bound(edges.begin(), edges.end(), r) - edges.begin()) - 1;
    bin = std::min(bin, n_bins - 1);
    ++counts[bin];
  }
  if (!any) return 0.0;
  const auto best = std::max_element(counts.begin(), counts.end()) - counts.begin();
  return edges[best];
}

}  // namespace jaams::features
