#pragma once
// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk=False, norm="slaney"): triangular
// filters on the Slaney mel scale, each scaled by 2 / (its width in Hz). A filter covers only the
// bins under its triangle, so it is kept as that span and its weights.
#include <vector>

namespace jaams::features::detail {

class MelFilterbank {
 public:
  MelFilterbank(double sample_rate, int n_fft, int n_mels, double fmin, double fmax);

  int n_mels() const { return static_cast<int>(filters_.size()); }
  // mel[m * stride + column + lane] = sum_k w[m][k] * block[k * kLanes + lane], lane < count.
  void apply(const float* block, int count, float* mel, int stride, int column) const;

 private:
  struct Filter {
    int first_bin = 0;
    std::vector<float> weights;
  };
  std::vector<Filter> filters_;
};

// librosa.hz_to_mel / mel_to_hz with htk=False (linear below 1 kHz, logarithmic above).
double hz_to_mel_slaney(double hz);
double mel_to_hz_slaney(double mel);

}  // namespace jaams::features::detail
