#pragma once
// The classic MIR descriptors of one segment and their summary statistics, from ONE short-time
// Fourier transform per segment (shared by mel/MFCC, centroid, bandwidth, roll-off, contrast and
// chroma) plus the time signal, as librosa 0.11 gives them with its defaults. The STFT is
// evaluated in float64 like librosa.stft's (FeatureExtractor's float32 one is as good for mel and
// chroma, but spectral contrast's valleys sit in the quietest bins, below its rounding).
//
//   mfcc       [20 x frames]        feature.mfcc(y, sr, n_mfcc=20): DCT-II (ortho) of
//                                   power_to_db(melspectrogram(y, sr), ref=1.0, amin, top_db)
//   mfcc_delta [20 x frames]        feature.delta(mfcc, width=9, order=1, mode="interp")
//   chroma     [n_chroma x frames]  feature.chroma_stft(y, sr)  (FeatureExtractor's chroma code)
//   centroid   [1 x frames]         feature.spectral_centroid(y, sr)  (Hz)
//   bandwidth  [1 x frames]         feature.spectral_bandwidth(y, sr)  (Hz, p=2)
//   rolloff    [1 x frames]         feature.spectral_rolloff(y, sr)  (Hz, roll_percent=0.85)
//   contrast   [7 x frames]         feature.spectral_contrast(y, sr)  (dB; fmin 200, 6 bands)
//   zcr        [1 x frames]         feature.zero_crossing_rate(y, frame_length=n_fft, hop_length)
//   rms        [1 x frames]         feature.rms(y, frame_length=n_fft, hop_length)
//
// frames = 1 + n / hop_length (centred frames); the STFT parameters, the mel bank, amin, top_db
// and the chroma tuning come from FeatureConfig.
//
// statistics() reduces each descriptor row to its mean and population (ddof=0) standard deviation
// over frames, in this order (128 values):
//   mfcc means (20), mfcc stds (20), mfcc_delta means (20), mfcc_delta stds (20),
//   chroma means (12), chroma stds (12), centroid mean, std, bandwidth mean, std,
//   rolloff mean, std, contrast means (7), contrast stds (7), zcr mean, std, rms mean, std.
// statistic_names() names them the same way: "mfcc_mean_0", ..., "mfcc_delta_std_19",
// "chroma_mean_0" (C) ... "chroma_std_11" (B), "centroid_mean", ..., "rms_std".
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "jaams/features/feature_config.hpp"
#include "jaams/features/matrix.hpp"

namespace jaams::features {

struct Descriptors {
  Matrix mfcc;
  Matrix mfcc_delta;
  Matrix chroma;
  Matrix centroid;
  Matrix bandwidth;
  Matrix rolloff;
  Matrix contrast;
  Matrix zcr;
  Matrix rms;
  double tuning = 0.0;  // the tuning used for chroma, in fractions of a chroma bin
};

class SummaryFeatureExtractor {
 public:
  static constexpr int kMfcc = 20;
  static constexpr int kDeltaWidth = 9;     // frames; a segment needs at least this many
  static constexpr int kContrastBands = 6;  // 7 contrast rows
  static constexpr int kStatistics = 128;

  // Validates the config (and that chroma has 12 bins, n_mels >= 20 and the contrast bands
  // 200 Hz * 2^k fit below Nyquist: sample_rate > 12800) and builds the banks and FFT tables once.
  // Throws jaams::Error naming the field otherwise.
  explicit SummaryFeatureExtractor(const FeatureConfig& config);
  ~SummaryFeatureExtractor();
  SummaryFeatureExtractor(SummaryFeatureExtractor&&) noexcept;
  SummaryFeatureExtractor& operator=(SummaryFeatureExtractor&&) noexcept;

  const FeatureConfig& config() const;

  // All descriptors of samples[0, n). Throws jaams::Error on an empty or non-finite signal or
  // one shorter than kDeltaWidth frames ((kDeltaWidth - 1) * hop_length samples). Not
  // thread-safe (scratch buffers are reused); give each worker thread its own extractor.
  Descriptors descriptors(const float* samples, std::size_t n);
  // The kStatistics values described above, of descriptors(samples, n).
  std::vector<float> statistics(const float* samples, std::size_t n);
  static std::vector<float> statistics(const Descriptors& d);

  static const std::vector<std::string>& statistic_names();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jaams::features
