#include "spectral_contrast.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "jaams/util/error.hpp"
#include "lanes.hpp"

namespace jaams::features::detail {

namespace {

inline Lanes min_lanes(Lanes a, const Lanes& b) {
  for (int i = 0; i < kLanes; ++i) a[i] = b[i] < a[i] ? b[i] : a[i];
  return a;
}

// Keeps the q largest (descending) and the q smallest (ascending) values seen per lane: each new
// value is passed down both lists, swapping with every entry it beats (a sorting network per lane,
// no branches, q max and q min per list). largest / smallest: q blocks of kLanes floats.
JAAMS_FEATURES_KERNEL
void extremes_kernel(const float* __restrict magnitude, int n, int q, float* __restrict largest,
                     float* __restrict smallest) {
  for (int k = 0; k < n; ++k) {
    Lanes up = load_lanes(magnitude + static_cast<std::size_t>(k) * kLanes);
    Lanes down = up;
    for (int j = 0; j < q; ++j) {
      const Lanes top = load_lanes(largest + j * kLanes);
      store_lanes(largest + j * kLanes, max_lanes(top, up));
      up = min_lanes(top, up);
      const Lanes bottom = load_lanes(smallest + j * kLanes);
      store_lanes(smallest + j * kLanes, min_lanes(bottom, down));
      down = max_lanes(bottom, down);
    }
  }
}

// librosa.power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0) of a float64 matrix.
std::vector<double> power_to_db(const Matrix& s) {
  std::vector<double> db(s.data.size());
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < db.size(); ++i) {
    db[i] = 10.0 * std::log10(std::max(1e-10, static_cast<double>(s.data[i])));
    top = std::max(top, db[i]);
  }
  for (double& v : db) v = std::max(v, top - 80.0);
  return db;
}

}  // namespace

SpectralContrast::SpectralContrast(double sample_rate, int n_fft, int n_bands, double fmin, double quantile) {
  const int bins = n_fft / 2 + 1;
  const double bin_hz = 1.0 / (n_fft * (1.0 / sample_rate));  // numpy.fft.rfftfreq
  // Band edges octa = [0, fmin, 2 fmin, ..., fmin 2^n_bands].
  std::vector<double> octa(n_bands + 2, 0.0);
  for (int k = 1; k < n_bands + 2; ++k) octa[k] = fmin * std::pow(2.0, k - 1);
  for (int k = 0; k <= n_bands; ++k) {
    if (octa[k] >= 0.5 * sample_rate) {
      std::ostringstream what;
      what << "features.sample_rate: spectral contrast band " << k << " starts at " << octa[k]
           << " Hz, at or above Nyquist (" << 0.5 * sample_rate << " Hz); the sample rate must exceed "
           << 2.0 * octa[n_bands] << " Hz";
      throw Error(what.str());
    }
    int first = -1;
    int last = -1;
    for (int b = 0; b < bins; ++b) {
      const double f = b * bin_hz;
      if (f >= octa[k] && f <= octa[k + 1]) {
        if (first < 0) first = b;
        last = b;
      }
    }
    if (first < 0) {
      std::ostringstream what;
      what << "features.n_fft: spectral contrast band " << k << " [" << octa[k] << ", " << octa[k + 1]
           << "] Hz holds no FFT bin at n_fft=" << n_fft;
      throw Error(what.str());
    }
    if (k > 0) --first;                 // the bin below the band
    if (k == n_bands) last = bins - 1;  // everything above the top band
    const int in_band = last - first + 1;
    Band band;
    band.first_bin = first;
    band.n_bins = k < n_bands ? in_band - 1 : in_band;  // all but the top bin, for k < n_bands
    band.quantile_bins = std::max(1, static_cast<int>(std::nearbyint(quantile * in_band)));  // np.rint
    if (band.n_bins < band.quantile_bins) {
      std::ostringstream what;
      what << "features.n_fft: spectral contrast band " << k << " [" << octa[k] << ", " << octa[k + 1]
           << "] Hz holds too few FFT bins at n_fft=" << n_fft;
      throw Error(what.str());
    }
    bands_.push_back(band);
  }
}

void SpectralContrast::apply(const float* magnitude, int count, Matrix& peak, Matrix& valley, int column) {
  for (int r = 0; r < n_rows(); ++r) {
    const Band& band = bands_[r];
    const int q = band.quantile_bins;
    largest_.assign(static_cast<std::size_t>(q) * kLanes, -std::numeric_limits<float>::infinity());
    smallest_.assign(static_cast<std::size_t>(q) * kLanes, std::numeric_limits<float>::infinity());
    extremes_kernel(magnitude + static_cast<std::size_t>(band.first_bin) * kLanes, band.n_bins, q, largest_.data(),
                    smallest_.data());
    // np.mean of the sorted extremes, in float32, in ascending order.
    for (int lane = 0; lane < count; ++lane) {
      float low = 0.0f;
      float high = 0.0f;
      for (int j = 0; j < q; ++j) {
        low += smallest_[static_cast<std::size_t>(j) * kLanes + lane];
        high += largest_[static_cast<std::size_t>(q - 1 - j) * kLanes + lane];
      }
      valley.at(r, column + lane) = low / static_cast<float>(q);
      peak.at(r, column + lane) = high / static_cast<float>(q);
    }
  }
}

Matrix SpectralContrast::contrast_db(const Matrix& peak, const Matrix& valley) {
  const std::vector<double> peak_db = power_to_db(peak);
  const std::vector<double> valley_db = power_to_db(valley);
  Matrix out(peak.rows, peak.cols);
  for (std::size_t i = 0; i < out.data.size(); ++i) out.data[i] = static_cast<float>(peak_db[i] - valley_db[i]);
  return out;
}

}  // namespace jaams::features::detail
