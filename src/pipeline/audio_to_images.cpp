#include "jaams/pipeline/audio_to_images.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <sstream>

#include "jaams/util/error.hpp"

namespace jaams::pipeline {

// A file whose loudest sample is below this (-100 dBFS) holds no music to classify.
constexpr float kSilencePeak = 1e-5f;

AudioToImages::AudioToImages(const PipelineConfig& config, std::vector<features::FeatureKind> kinds, bool keep_features)
    : config_(config), kinds_(std::move(kinds)), keep_features_(keep_features), extractor_(config.features) {
  validate(config_);
  if (kinds_.empty()) throw Error("no image kinds requested (choose from mel, centroid, chroma)");
}

SegmentImages AudioToImages::images_for(const std::vector<float>& samples) {
  SegmentImages out;
  out.features = extractor_.compute(samples.data(), samples.size(), kinds_);
  out.images.reserve(kinds_.size());
  for (const auto kind : kinds_) out.images.push_back(image::render(kind, out.features, config_.features, config_.image));
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
        << config_.segments.seconds * (config_.segments.remainder == audio::RemainderPolicy::pad ? config_.segments.pad_min_fraction : 1.0)
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
