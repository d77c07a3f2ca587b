#include "jaams/pipeline/compact_cnn_input.hpp"

#include <algorithm>

#include "jaams/audio/resampler.hpp"
#include "jaams/util/error.hpp"

namespace jaams::pipeline {

features::FeatureConfig compact_cnn_feature_config() {
  features::FeatureConfig c;
  c.sample_rate = kCompactCnnSampleRate;
  c.n_fft = 512;
  c.hop_length = 256;
  c.n_mels = kCompactCnnMels;
  c.fmin = 0.0;
  c.fmax = 6000.0;
  c.amin = 1e-10;
  c.top_db = 80.0;
  return c;
}

CompactCnnFrontEnd::CompactCnnFrontEnd(int sample_rate)
    : sample_rate_(sample_rate), extractor_(compact_cnn_feature_config()), tiled_(kCompactCnnSamples) {
  if (sample_rate < 1000) throw Error("compact_cnn front end: sample rate must be >= 1000 Hz");
}

features::Matrix CompactCnnFrontEnd::melgram(const float* samples, std::size_t n) {
  if (samples == nullptr || n == 0) throw Error("compact_cnn front end: empty signal");
  // One-shot resampling of the segment alone: its input never depends on neighbouring segments,
  // so a segment scores the same in training, alone or in any batch.
  const std::vector<float> y =
      sample_rate_ == kCompactCnnSampleRate
          ? std::vector<float>(samples, samples + n)
          : audio::resample(std::vector<float>(samples, samples + n), sample_rate_, kCompactCnnSampleRate);
  if (y.empty()) throw Error("compact_cnn front end: the segment is too short to resample");
  for (std::size_t filled = 0; filled < kCompactCnnSamples;) {
    const std::size_t take = std::min(y.size(), kCompactCnnSamples - filled);
    std::copy(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(take), tiled_.begin() + static_cast<std::ptrdiff_t>(filled));
    filled += take;
  }
  features::Features f = extractor_.compute(tiled_.data(), tiled_.size(), {features::FeatureKind::mel});
  return std::move(f.mel_db);
}

}  // namespace jaams::pipeline
