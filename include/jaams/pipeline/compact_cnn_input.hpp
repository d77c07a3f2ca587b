#pragma once
// The input of the music-pretrained compact_cnn (Choi et al. 2017; models/compact_cnn/README.md)
// made from one jaams segment, on jaams' own resampler, STFT and mel code:
//   segment at the pipeline's rate -> soxr to 12 kHz -> repeated (cyclically) to 29 s = 348000
//   samples, since the network's time pooling spans ~27.3 s and the original feature extractor
//   repeats shorter audio -> power STFT (n_fft 512, hop 256, periodic Hann, centred) -> 96 Slaney
//   mel bands 0..6000 Hz -> dB referenced to the maximum, floored at -80 dB.
// Result: a [96 x 1360] matrix, low bands first. This equals
//   librosa.power_to_db(librosa.feature.melspectrogram(y=y12k, sr=12000, n_fft=512, hop_length=256,
//                       n_mels=96, fmax=6000), ref=np.max)
// of the repeated 12-kHz signal. The network was trained with Kapre's framing ('SAME' padding,
// 208 zeros before the first frame instead of librosa's 256); the 48-sample shift is far below
// the hop and is accepted to keep one, librosa-checked STFT path.
#include <cstddef>
#include <vector>

#include "jaams/features/feature_extractor.hpp"
#include "jaams/features/matrix.hpp"

namespace jaams::pipeline {

inline constexpr int kCompactCnnSampleRate = 12000;
inline constexpr std::size_t kCompactCnnSamples = 348000;  // 29 s at 12 kHz
inline constexpr int kCompactCnnMels = 96;
inline constexpr int kCompactCnnFrames = 1360;

// The front end's feature parameters (what the tests compare with librosa).
features::FeatureConfig compact_cnn_feature_config();

class CompactCnnFrontEnd {
 public:
  // `sample_rate`: the rate of the segments given to melgram(). One per worker thread.
  explicit CompactCnnFrontEnd(int sample_rate);

  // [96 x 1360] dB. Throws jaams::Error for an empty or non-finite signal.
  features::Matrix melgram(const float* samples, std::size_t n);

 private:
  int sample_rate_;
  features::FeatureExtractor extractor_;
  std::vector<float> tiled_;
};

}  // namespace jaams::pipeline
