#pragma once
// The three image kinds of the report, from ONE short-time Fourier transform per segment.
//
//   mel_db   [n_mels x frames]      power_to_db(melspectrogram(y, sr), ref=np.max)
//   centroid [1 x frames]           spectral_centroid(y, sr)   (Hz, from the magnitude spectrogram)
//   chroma   [n_chroma x frames]    chroma_stft(y, sr)         (tuning estimated, inf-norm per frame)
//
// frames = 1 + n / hop_length (centred frames). Rows are ordered low to high frequency / pitch
// class C, C#, ..., B.
#include <cstddef>
#include <memory>
#include <vector>

#include "jaams/features/feature_config.hpp"
#include "jaams/features/matrix.hpp"

namespace jaams::features {

struct Features {
  Matrix mel_db;
  Matrix centroid;
  Matrix chroma;
  double tuning = 0.0;  // the tuning used for chroma, in fractions of a chroma bin
};

class FeatureExtractor {
 public:
  // Validates the config and builds the filter banks and FFT plan once.
  explicit FeatureExtractor(const FeatureConfig& config);
  ~FeatureExtractor();
  FeatureExtractor(FeatureExtractor&&) noexcept;
  FeatureExtractor& operator=(FeatureExtractor&&) noexcept;

  const FeatureConfig& config() const;

  // Computes only the kinds asked for (the STFT once regardless). Not thread-safe (scratch
  // buffers are reused); give each worker thread its own extractor.
  Features compute(const float* samples, std::size_t n, const std::vector<FeatureKind>& kinds);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jaams::features
