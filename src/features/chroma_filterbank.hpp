#pragma once
// librosa.filters.chroma(sr, n_fft, n_chroma, tuning) with its defaults (ctroct=5, octwidth=2,
// norm=2, base_c=True), and the chroma of a block of power frames normalised like
// chroma_stft (norm=np.inf per frame; an all-zero frame stays zero).
#include <vector>

namespace jaams::features::detail {

class ChromaFilterbank {
 public:
  ChromaFilterbank(double sample_rate, int n_fft, int n_chroma, double tuning);

  int n_chroma() const { return n_chroma_; }
  double tuning() const { return tuning_; }
  // Weight of FFT bin k for pitch class c (row 0 = C).
  float weight(int chroma, int bin) const { return weights_[static_cast<std::size_t>(bin) * n_chroma_ + chroma]; }

  // chroma[c * stride + column + lane] for lane < count.
  void apply(const float* block, int count, float* chroma, int stride, int column) const;

 private:
  int n_chroma_ = 0;
  int n_bins_ = 0;
  double tuning_ = 0.0;
  std::vector<float> weights_;  // [bin][chroma]: a bin's weights are contiguous
};

}  // namespace jaams::features::detail
