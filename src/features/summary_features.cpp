#include "jaams/features/summary_features.hpp"

#include <algorithm>
#include <cmath>

#include "chroma_filterbank.hpp"
#include "jaams/util/error.hpp"
#include "lanes.hpp"
#include "mel_filterbank.hpp"
#include "mfcc.hpp"
#include "piptrack.hpp"
#include "spectral.hpp"
#include "spectral_contrast.hpp"
#include "stft_f64.hpp"
#include "time_domain.hpp"

namespace jaams::features {

using detail::kLanes;

namespace {

constexpr double kContrastFmin = 200.0;
constexpr double kContrastQuantile = 0.02;
constexpr float kRollPercent = 0.85f;

const FeatureConfig& validated(const FeatureConfig& c) {
  validate(c);
  if (c.n_chroma != 12)
    throw Error("features.n_chroma: summary statistics need 12 chroma bins, got " + std::to_string(c.n_chroma));
  if (c.n_mels < SummaryFeatureExtractor::kMfcc)
    throw Error("features.n_mels: " + std::to_string(SummaryFeatureExtractor::kMfcc) +
                " MFCCs need at least as many mel bands, got " + std::to_string(c.n_mels));
  return c;
}

// Appends the mean and the population standard deviation of each row (in double, two passes like
// numpy): all means first, then all standard deviations.
void append_row_statistics(const Matrix& m, std::vector<float>& out) {
  std::vector<double> means(m.rows);
  for (int r = 0; r < m.rows; ++r) {
    const float* x = m.row(r);
    double sum = 0.0;
    for (int t = 0; t < m.cols; ++t) sum += x[t];
    means[r] = sum / m.cols;
    out.push_back(static_cast<float>(means[r]));
  }
  for (int r = 0; r < m.rows; ++r) {
    const float* x = m.row(r);
    double squares = 0.0;
    for (int t = 0; t < m.cols; ++t) {
      const double d = x[t] - means[r];
      squares += d * d;
    }
    out.push_back(static_cast<float>(std::sqrt(squares / m.cols)));
  }
}

std::vector<std::string> make_statistic_names() {
  std::vector<std::string> names;
  const auto rows = [&](const std::string& name, int n) {
    for (const char* stat : {"_mean", "_std"})
      for (int i = 0; i < n; ++i) names.push_back(name + stat + "_" + std::to_string(i));
  };
  const auto single = [&](const std::string& name) {
    names.push_back(name + "_mean");
    names.push_back(name + "_std");
  };
  rows("mfcc", SummaryFeatureExtractor::kMfcc);
  rows("mfcc_delta", SummaryFeatureExtractor::kMfcc);
  rows("chroma", 12);
  single("centroid");
  single("bandwidth");
  single("rolloff");
  rows("contrast", SummaryFeatureExtractor::kContrastBands + 1);
  single("zcr");
  single("rms");
  return names;
}

}  // namespace

struct SummaryFeatureExtractor::Impl {
  FeatureConfig config;
  detail::StftF64 stft;  // float64 inside, as librosa.stft: contrast needs it (see stft_f64.hpp)
  detail::MelFilterbank mel;
  detail::PitchPeaks peaks;
  detail::ChromaFilterbanks chroma_banks;
  detail::SpectralContrast contrast;
  detail::Dct dct;
  std::vector<float> bin_hz;
  std::vector<float> spectrogram;  // bin-major blocks of kLanes power frames, all kept for chroma
  std::vector<float> magnitude;    // one block
  std::vector<int> crossings;

  explicit Impl(const FeatureConfig& c)
      : config(validated(c)),
        stft(c.n_fft, c.hop_length),
        mel(c.sample_rate, c.n_fft, c.n_mels, c.fmin, c.effective_fmax()),
        peaks(c.sample_rate, c.n_fft),
        chroma_banks(c.sample_rate, c.n_fft, c.n_chroma),
        contrast(c.sample_rate, c.n_fft, kContrastBands, kContrastFmin, kContrastQuantile),
        dct(c.n_mels, kMfcc) {
    bin_hz = detail::rfft_frequencies(c.sample_rate, c.n_fft);
  }
};

SummaryFeatureExtractor::SummaryFeatureExtractor(const FeatureConfig& config) : impl_(std::make_unique<Impl>(config)) {}
SummaryFeatureExtractor::~SummaryFeatureExtractor() = default;
SummaryFeatureExtractor::SummaryFeatureExtractor(SummaryFeatureExtractor&&) noexcept = default;
SummaryFeatureExtractor& SummaryFeatureExtractor::operator=(SummaryFeatureExtractor&&) noexcept = default;

const FeatureConfig& SummaryFeatureExtractor::config() const { return impl_->config; }

Descriptors SummaryFeatureExtractor::descriptors(const float* samples, std::size_t n) {
  Impl& im = *impl_;
  const FeatureConfig& c = im.config;
  if (n == 0 || samples == nullptr) throw Error("features: cannot compute descriptors of an empty signal");
  if (!detail::all_finite(samples, n)) throw Error("features: the signal has NaN or infinite samples");
  const int frames = static_cast<int>(im.stft.frame_count(n));
  if (frames < kDeltaWidth)
    throw Error("features: MFCC deltas need at least " + std::to_string(kDeltaWidth) + " frames (" +
                std::to_string((kDeltaWidth - 1) * c.hop_length) + " samples), got " + std::to_string(n) + " samples");

  const int bins = im.stft.n_bins();
  const int blocks = (frames + kLanes - 1) / kLanes;
  const std::size_t block_size = static_cast<std::size_t>(bins) * kLanes;
  im.spectrogram.resize(block_size * blocks);
  im.magnitude.resize(block_size);

  Descriptors out;
  Matrix mel(c.n_mels, frames);
  out.centroid = Matrix(1, frames);
  out.bandwidth = Matrix(1, frames);
  out.rolloff = Matrix(1, frames);
  Matrix peak(im.contrast.n_rows(), frames);
  Matrix valley(im.contrast.n_rows(), frames);
  im.peaks.clear();

  // One pass over the STFT: every spectral descriptor of a block while it is in cache.
  float centroid[kLanes];
  float per_frame[kLanes];
  for (int b = 0; b < blocks; ++b) {
    const int first = b * kLanes;
    const int count = std::min(kLanes, frames - first);
    float* block = im.spectrogram.data() + block_size * b;
    im.stft.block(samples, n, static_cast<std::size_t>(first), count, block, im.magnitude.data());
    im.mel.apply(block, count, mel.data.data(), frames, first);
    detail::spectral_centroid_block(block, im.bin_hz.data(), bins, centroid);
    std::copy(centroid, centroid + count, out.centroid.row(0) + first);
    detail::spectral_bandwidth_block(im.magnitude.data(), im.bin_hz.data(), bins, centroid, per_frame);
    std::copy(per_frame, per_frame + count, out.bandwidth.row(0) + first);
    detail::spectral_rolloff_block(im.magnitude.data(), im.bin_hz.data(), bins, kRollPercent, per_frame);
    std::copy(per_frame, per_frame + count, out.rolloff.row(0) + first);
    im.contrast.apply(im.magnitude.data(), count, peak, valley, first);
    if (c.estimate_tuning) im.peaks.add_block(block, count);
  }

  detail::power_to_db_unit_ref(mel.data.data(), mel.data.size(), c.amin, c.top_db);
  out.mfcc = im.dct.apply(mel);
  out.mfcc_delta = detail::delta_interp(out.mfcc, kDeltaWidth);
  out.contrast = detail::SpectralContrast::contrast_db(peak, valley);

  out.tuning = c.estimate_tuning ? im.peaks.estimate_tuning(c.n_chroma) : c.tuning;
  const detail::ChromaFilterbank& bank = im.chroma_banks.get(out.tuning);
  out.chroma = Matrix(c.n_chroma, frames);
  for (int b = 0; b < blocks; ++b) {
    const int first = b * kLanes;
    bank.apply(im.spectrogram.data() + block_size * b, std::min(kLanes, frames - first), out.chroma.data.data(), frames,
               first);
  }

  out.zcr = Matrix(1, frames);
  detail::zero_crossing_rate(samples, n, c.n_fft, c.hop_length, im.crossings, out.zcr.row(0));
  out.rms = Matrix(1, frames);
  detail::rms(samples, n, c.n_fft, c.hop_length, out.rms.row(0));
  return out;
}

std::vector<float> SummaryFeatureExtractor::statistics(const Descriptors& d) {
  for (const Matrix* m : {&d.mfcc_delta, &d.chroma, &d.centroid, &d.bandwidth, &d.rolloff, &d.contrast, &d.zcr, &d.rms})
    if (m->cols != d.mfcc.cols || m->cols == 0)
      throw Error("features: summary statistics need descriptors of one non-zero number of frames");
  std::vector<float> out;
  out.reserve(kStatistics);
  for (const Matrix* m :
       {&d.mfcc, &d.mfcc_delta, &d.chroma, &d.centroid, &d.bandwidth, &d.rolloff, &d.contrast, &d.zcr, &d.rms})
    append_row_statistics(*m, out);
  if (out.size() != static_cast<std::size_t>(kStatistics))
    throw Error("features: descriptors give " + std::to_string(out.size()) + " statistics, expected " +
                std::to_string(kStatistics));
  return out;
}

std::vector<float> SummaryFeatureExtractor::statistics(const float* samples, std::size_t n) {
  return statistics(descriptors(samples, n));
}

const std::vector<std::string>& SummaryFeatureExtractor::statistic_names() {
  static const std::vector<std::string> names = make_statistic_names();
  return names;
}

}  // namespace jaams::features
