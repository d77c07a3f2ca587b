#pragma once
// The peaks librosa.piptrack finds in a power spectrogram (fmin=150, fmax=4000, threshold=0.1,
// ref=max of each frame), gathered frame block by frame block, and estimate_tuning on them.
#include <vector>

namespace jaams::features::detail {

class PitchPeaks {
 public:
  PitchPeaks(double sample_rate, int n_fft);

  void clear();
  // Adds the peaks of the frames in a bin-major block (lanes < count).
  void add_block(const float* block, int count);
  // librosa.estimate_tuning(S=power, sr, bins_per_octave, resolution=0.01) over all added frames.
  double estimate_tuning(int bins_per_octave) const;
  std::size_t size() const { return pitch_.size(); }

 private:
  double sample_rate_;
  int n_fft_;
  int n_bins_;
  int first_bin_;  // first bin with fmin <= f
  int end_bin_;    // one past the last bin with f < fmax
  std::vector<float> pitch_;
  std::vector<float> magnitude_;
};

}  // namespace jaams::features::detail
