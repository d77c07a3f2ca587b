#include "jaams/features/feature_extractor.hpp"

#include <algorithm>
#include <cmath>

#include "chroma_filterbank.hpp"
#include "jaams/util/error.hpp"
#include "lanes.hpp"
#include "mel_filterbank.hpp"
#include "piptrack.hpp"
#include "spectral.hpp"
#include "stft.hpp"
#include "time_domain.hpp"

namespace jaams::features {

using detail::kLanes;

struct FeatureExtractor::Impl {
  FeatureConfig config;
  detail::Stft stft;
  detail::MelFilterbank mel;
  detail::PitchPeaks peaks;
  std::vector<float> bin_hz;
  detail::ChromaFilterbanks chroma_banks;  // one per tuning used
  std::vector<float> spectrogram;          // bin-major blocks of kLanes frames

  explicit Impl(const FeatureConfig& c)
      : config((validate(c), c)),
        stft(c.n_fft, c.hop_length),
        mel(c.sample_rate, c.n_fft, c.n_mels, c.fmin, c.effective_fmax()),
        peaks(c.sample_rate, c.n_fft),
        chroma_banks(c.sample_rate, c.n_fft, c.n_chroma) {
    bin_hz = detail::rfft_frequencies(c.sample_rate, c.n_fft);
  }
};

FeatureExtractor::FeatureExtractor(const FeatureConfig& config) : impl_(std::make_unique<Impl>(config)) {}
FeatureExtractor::~FeatureExtractor() = default;
FeatureExtractor::FeatureExtractor(FeatureExtractor&&) noexcept = default;
FeatureExtractor& FeatureExtractor::operator=(FeatureExtractor&&) noexcept = default;

const FeatureConfig& FeatureExtractor::config() const { return impl_->config; }

Features FeatureExtractor::compute(const float* samples, std::size_t n, const std::vector<FeatureKind>& kinds) {
  Impl& im = *impl_;
  if (n == 0 || samples == nullptr) throw Error("features: cannot compute features of an empty signal");
  if (!detail::all_finite(samples, n)) throw Error("features: the signal has NaN or infinite samples");

  const auto wants = [&](FeatureKind k) { return std::find(kinds.begin(), kinds.end(), k) != kinds.end(); };
  const bool want_mel = wants(FeatureKind::mel);
  const bool want_centroid = wants(FeatureKind::centroid);
  const bool want_chroma = wants(FeatureKind::chroma);
  const bool estimate = want_chroma && im.config.estimate_tuning;

  Features out;
  if (!want_mel && !want_centroid && !want_chroma) return out;

  const int frames = static_cast<int>(im.stft.frame_count(n));
  const int bins = im.stft.n_bins();
  const int blocks = (frames + kLanes - 1) / kLanes;
  const std::size_t block_size = static_cast<std::size_t>(bins) * kLanes;
  // Chroma needs the tuning, which needs every frame: keep the whole spectrogram then.
  im.spectrogram.resize(want_chroma ? block_size * blocks : block_size);

  if (want_mel) out.mel_db = Matrix(im.config.n_mels, frames);
  if (want_centroid) out.centroid = Matrix(1, frames);
  im.peaks.clear();

  float centroid[kLanes];
  for (int b = 0; b < blocks; ++b) {
    const int first = b * kLanes;
    const int count = std::min(kLanes, frames - first);
    float* block = im.spectrogram.data() + (want_chroma ? block_size * b : 0);
    im.stft.power_block(samples, n, static_cast<std::size_t>(first), count, block);
    if (want_mel) im.mel.apply(block, count, out.mel_db.data.data(), frames, first);
    if (want_centroid) {
      detail::spectral_centroid_block(block, im.bin_hz.data(), bins, centroid);
      std::copy(centroid, centroid + count, out.centroid.row(0) + first);
    }
    if (estimate) im.peaks.add_block(block, count);
  }

  if (want_mel)
    detail::power_to_db_max_ref(out.mel_db.data.data(), out.mel_db.data.size(), im.config.amin, im.config.top_db);

  if (want_chroma) {
    out.tuning = estimate ? im.peaks.estimate_tuning(im.config.n_chroma) : im.config.tuning;
    const detail::ChromaFilterbank& bank = im.chroma_banks.get(out.tuning);
    out.chroma = Matrix(im.config.n_chroma, frames);
    for (int b = 0; b < blocks; ++b) {
      const int first = b * kLanes;
      bank.apply(im.spectrogram.data() + block_size * b, std::min(kLanes, frames - first), out.chroma.data.data(),
                 frames, first);
    }
  }
  return out;
}

}  // namespace jaams::features
