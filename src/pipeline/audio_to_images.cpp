#include "jaams/pipeline/audio_to_images.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "jaams/features/summary_features.hpp"
#include "jaams/pipeline/compact_cnn_input.hpp"
#include "jaams/util/error.hpp"

namespace jaams::pipeline {

// A file whose loudest sample is below this (-100 dBFS) holds no music to classify.
constexpr float kSilencePeak = 1e-5f;

using features::FeatureKind;

AudioToImages::AudioToImages(const PipelineConfig& config, std::vector<FeatureKind> kinds, bool keep_features,
                             SegmentOutputs outputs)
    : config_(config), kinds_(std::move(kinds)), keep_features_(keep_features), outputs_(outputs), extractor_(config.features) {
  validate(config_);
  if (kinds_.empty()) throw Error("no feature kinds requested (choose from mel, centroid, chroma, stats, compact_mel)");
  const auto wants = [&](FeatureKind k) { return std::find(kinds_.begin(), kinds_.end(), k) != kinds_.end(); };
  if (wants(FeatureKind::stats)) summary_ = std::make_unique<features::SummaryFeatureExtractor>(config_.features);
  if (wants(FeatureKind::compact_mel)) compact_ = std::make_unique<CompactCnnFrontEnd>(config_.sample_rate);
}

AudioToImages::~AudioToImages() = default;
AudioToImages::AudioToImages(AudioToImages&&) noexcept = default;

std::pair<int, int> AudioToImages::matrix_shape(const PipelineConfig& config, FeatureKind kind) {
  const auto n = static_cast<std::size_t>(std::llround(config.segments.seconds * config.sample_rate));
  const int frames = static_cast<int>(1 + n / static_cast<std::size_t>(config.features.hop_length));
  switch (kind) {
    case FeatureKind::mel:
      return {config.features.n_mels, frames};
    case FeatureKind::centroid:
      return {1, frames};
    case FeatureKind::chroma:
      return {config.features.n_chroma, frames};
    case FeatureKind::stats:
      return {features::SummaryFeatureExtractor::kStatistics, 1};
    case FeatureKind::compact_mel:
      return {kCompactCnnMels, kCompactCnnFrames};
  }
  throw Error("unknown feature kind");
}

SegmentImages AudioToImages::images_for(const std::vector<float>& samples) {
  SegmentImages out;
  // One STFT for every image kind; stats and compact_mel run their own front ends.
  std::vector<FeatureKind> spectral;
  for (const auto kind : kinds_) {
    if (features::has_image(kind)) spectral.push_back(kind);
  }
  if (!spectral.empty()) out.features = extractor_.compute(samples.data(), samples.size(), spectral);
  out.images.resize(kinds_.size());
  out.matrices.resize(kinds_.size());
  for (std::size_t k = 0; k < kinds_.size(); ++k) {
    const FeatureKind kind = kinds_[k];
    if (kind == FeatureKind::stats) {
      features::Matrix m(features::SummaryFeatureExtractor::kStatistics, 1);
      m.data = summary_->statistics(samples.data(), samples.size());
      out.matrices[k] = std::move(m);
      continue;
    }
    if (kind == FeatureKind::compact_mel) {
      out.matrices[k] = compact_->melgram(samples.data(), samples.size());
      continue;
    }
    if (outputs_.images) out.images[k] = image::render(kind, out.features, config_.features, config_.image);
    if (outputs_.matrices) {
      const auto& f = out.features;
      out.matrices[k] = kind == FeatureKind::mel ? f.mel_db : kind == FeatureKind::chroma ? f.chroma : f.centroid;
    }
  }
  if (!keep_features_) out.features = {};
  return out;
}

FileSummary AudioToImages::process(const std::filesystem::path& path,
                                   const std::function<bool(SegmentImages&&)>& on_segment, std::size_t max_segments) {
  audio::SegmentStream stream(path, config_.sample_rate, config_.segments);
  FileSummary summary;
  summary.info = stream.info();
  audio::Segment segment;
  while ((max_segments == 0 || summary.segments < max_segments) && stream.next(segment)) {
    SegmentImages images = images_for(segment.samples);
    images.index = segment.index;
    images.start_seconds = segment.start_seconds;
    images.duration_seconds = double(segment.valid_samples) / config_.sample_rate;
    ++summary.segments;
    if (!on_segment(std::move(images))) break;
  }
  summary.seconds = double(stream.samples_read()) / config_.sample_rate;
  summary.peak = stream.peak();
  if (summary.segments > 0 && summary.peak < kSilencePeak) throw Error(path.string() + ": silent (peak below -100 dBFS)");
  if (summary.segments == 0) {
    std::ostringstream msg;
    msg.precision(3);
    msg << path.string() << ": too short: " << summary.seconds << " s of audio, a segment needs "
        << config_.segments.seconds * (config_.segments.remainder != audio::RemainderPolicy::drop ? config_.segments.pad_min_fraction : 1.0)
        << " s";
    throw Error(msg.str());
  }
  return summary;
}

const std::vector<std::string>& audio_extensions() {
  static const std::vector<std::string> exts{".wav", ".au", ".snd", ".aif", ".aiff", ".flac", ".ogg", ".oga", ".opus", ".mp3"};
  return exts;
}

bool has_audio_extension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto& exts = audio_extensions();
  return std::find(exts.begin(), exts.end(), ext) != exts.end();
}

}  // namespace jaams::pipeline
