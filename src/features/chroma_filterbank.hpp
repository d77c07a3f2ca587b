#pragma once
// librosa.filters.chroma(sr, n_fft, n_chroma, tuning) with its defaults (ctroct=5, octwidth=2,
// norm=2, base_c=True), and the chroma of a block of power frames normalised like
// chroma_stft (norm=np.inf per frame; an all-zero frame stays zero).
#include <map>
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

// The banks of one sample rate, n_fft and n_chroma, built on first use per tuning: estimated
// tunings take at most 1 / resolution + 1 = 101 values, so each bank is built once.
class ChromaFilterbanks {
 public:
  ChromaFilterbanks(double sample_rate, int n_fft, int n_chroma)
      : sample_rate_(sample_rate), n_fft_(n_fft), n_chroma_(n_chroma) {}
  const ChromaFilterbank& get(double tuning);

 private:
  double sample_rate_;
  int n_fft_;
  int n_chroma_;
  std::map<double, ChromaFilterbank> banks_;
};

}  // namespace jaams::features::detail
