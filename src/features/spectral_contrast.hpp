#pragma once
// librosa.feature.spectral_contrast(S=|X|, sr, n_fft, fmin, n_bands, quantile, linear=False) on
// bin-major blocks of magnitude frames. Band k covers [fmin 2^(k-1), fmin 2^k] Hz (band 0:
// [0, fmin]; the last band also every bin above), widened by the bin below it (k > 0) and, but for
// the last band, narrowed by its top bin; with q = max(1, rint(quantile * (bins before the
// narrowing))), its valley is the mean of its q smallest magnitudes and its peak the mean of its q
// largest. contrast = power_to_db(peak) - power_to_db(valley), each power_to_db with ref 1,
// amin 1e-10, top_db 80 over ALL frames and bands of its matrix (librosa's defaults).
#include <vector>

#include "jaams/features/matrix.hpp"

namespace jaams::features::detail {

class SpectralContrast {
 public:
  // Throws jaams::Error when a band starts at or above Nyquist or holds no bin.
  SpectralContrast(double sample_rate, int n_fft, int n_bands, double fmin, double quantile);

  int n_rows() const { return static_cast<int>(bands_.size()); }
  // peak / valley rows of frames [column, column + count) of a block; count <= kLanes.
  void apply(const float* magnitude, int count, Matrix& peak, Matrix& valley, int column);
  // power_to_db(peak) - power_to_db(valley), as librosa computes it (in float64).
  static Matrix contrast_db(const Matrix& peak, const Matrix& valley);

 private:
  struct Band {
    int first_bin = 0;
    int n_bins = 0;
    int quantile_bins = 1;  // q
  };
  std::vector<Band> bands_;
  std::vector<float> largest_, smallest_;  // q blocks of kLanes: descending / ascending
};

}  // namespace jaams::features::detail
