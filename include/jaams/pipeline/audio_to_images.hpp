#pragma once
// THE audio-to-image path. preprocess, train (on raw audio), eval and predict all call this, so
// an image is made the same way wherever it is used:
//   file -> decode -> mono -> resample -> 10-s segments -> one STFT -> features -> images.
// Segments are streamed: memory does not grow with the length of the file.
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "jaams/audio/decoder.hpp"
#include "jaams/features/feature_extractor.hpp"
#include "jaams/image/render.hpp"
#include "jaams/pipeline/pipeline_config.hpp"

namespace jaams::features {
class SummaryFeatureExtractor;
}

namespace jaams::pipeline {

class CompactCnnFrontEnd;

// What a segment is turned into, per requested kind.
struct SegmentOutputs {
  bool images = true;     // the rendered image of each image kind (mel, centroid, chroma)
  bool matrices = false;  // the feature matrix of each kind; always made for stats and compact_mel
};

struct SegmentImages {
  int index = 0;
  double start_seconds = 0.0;
  double duration_seconds = 0.0;  // audio in the segment, without zero padding
  std::vector<image::Image> images;       // one per requested kind, in the order asked for (empty if none)
  std::vector<features::Matrix> matrices; // one per requested kind (empty unless made, see SegmentOutputs)
  features::Features features;            // the matrices behind the images (kept only when asked)
};

struct FileSummary {
  audio::AudioInfo info;
  std::size_t segments = 0;
  double seconds = 0.0;  // audio decoded, in seconds
  float peak = 0.0f;
};

class AudioToImages {
 public:
  // One per worker thread: it owns an FFT plan and scratch buffers.
  AudioToImages(const PipelineConfig& config, std::vector<features::FeatureKind> kinds, bool keep_features = false,
                SegmentOutputs outputs = {});
  ~AudioToImages();
  AudioToImages(AudioToImages&&) noexcept;

  const PipelineConfig& config() const { return config_; }
  const std::vector<features::FeatureKind>& kinds() const { return kinds_; }

  // Streams `path` segment by segment into `on_segment` (return false to stop early); at most
  // `max_segments` segments when non-zero. Throws jaams::Error naming the file when it cannot be
  // decoded, is too short for one segment, or is silent; the silence verdict comes after the last
  // segment, so a caller keeps what it was given for a file only once process() has returned.
  FileSummary process(const std::filesystem::path& path, const std::function<bool(SegmentImages&&)>& on_segment,
                      std::size_t max_segments = 0);

  // Images (and matrices) for one segment of samples (exactly one segment long).
  SegmentImages images_for(const std::vector<float>& samples);

  // The shape [rows, cols] of `kind`'s matrix for one segment under `config`.
  static std::pair<int, int> matrix_shape(const PipelineConfig& config, features::FeatureKind kind);

 private:
  PipelineConfig config_;
  std::vector<features::FeatureKind> kinds_;
  bool keep_features_;
  SegmentOutputs outputs_;
  features::FeatureExtractor extractor_;
  std::unique_ptr<features::SummaryFeatureExtractor> summary_;  // only when stats are asked for
  std::unique_ptr<CompactCnnFrontEnd> compact_;                 // only when compact_mel is asked for
};

// The file endings jaams reads as audio (lower case, with the dot).
const std::vector<std::string>& audio_extensions();
bool has_audio_extension(const std::filesystem::path& path);

}  // namespace jaams::pipeline
