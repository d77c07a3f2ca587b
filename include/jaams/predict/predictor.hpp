#pragma once
// Batch genre prediction with a model package: audio files in, one result per file out.
//
//   worker threads (one AudioToImages each)          scorer (the calling thread)
//   file -> segments -> images ──► bounded queue ──► batches of `batch_size` segments, drawn from
//                                                    many files -> model->forward on the device
//                                                    -> softmax -> per-file pooling -> on_result
//
// Memory does not grow with the length of a file: AudioToImages streams segments, the queue
// holds at most `queue_segments` images, and a finished segment leaves only its class
// probabilities behind (a one-hour file keeps 360 rows of a few floats).
#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "jaams/data/image_set.hpp"
#include "jaams/eval/pooling.hpp"
#include "jaams/features/feature_config.hpp"
#include "jaams/models/package.hpp"
#include "jaams/pipeline/pipeline_config.hpp"

namespace jaams::predict {

struct PredictOptions {
  int threads = 0;                              // decode/feature worker threads; 0: all cores
  int batch_size = 0;                           // segments per forward pass (mixed across files); 0: default_batch_size
  std::string device = "auto";                  // where load_predictor puts the model: auto | cpu | cuda | cuda:N
  int top_k = 3;                                // ranked genres reported per row (clamped to the number of classes)
  eval::Pooling pooling = eval::Pooling::mean;  // segment probabilities -> track probabilities
  std::size_t max_segments = 0;                 // score at most this many segments per file; 0: all
  std::size_t queue_segments = 0;               // images waiting for the scorer; 0: 2 * batch_size
  bool tags = false;                            // also the model's tag probabilities (transfer models)
  bool embeddings = false;                      // also each segment's embedding (ClassifierImpl::penultimate)
};

// Throws jaams::Error naming the bad option.
void validate(const PredictOptions& options);

// 32 on a GPU; 1 on the CPU, where larger batches only add memory (the convolutions' temporary
// buffers grow with the batch: about 650 MB at 32, 300 MB at 4, 240 MB at 1 for the report's CNN
// on 288x432 images) without scoring faster (40 demo clips: 2.48 s at batch 1, 2.57 s at 4).
int default_batch_size(torch::Device device);

// The most segments one model call takes. Memory grows with the batch: the batch buffer, a queue
// twice its size, and the convolutions' temporaries (about 13 MB more per 288x432 segment for the
// report's CNN on the CPU, from the figures above); 100,000 asked for a 37 GB allocation.
inline constexpr int kMaxBatchSize = 256;

// `requested` (0: default_batch_size), clamped to kMaxBatchSize with a warning naming `source`.
int checked_batch_size(int requested, torch::Device device, const std::string& source);

struct SegmentResult {
  int index = 0;
  double start_seconds = 0.0;
  double duration_seconds = 0.0;     // audio in the segment, without zero padding
  std::vector<float> probabilities;  // one per class, sums to 1
  std::vector<float> embedding;      // with PredictOptions::embeddings: the model's penultimate activations
};

struct FileResult {
  std::size_t input_index = 0;  // position in the list given to run()
  std::filesystem::path path;
  std::string error;                    // empty when the file was classified
  std::vector<float> probabilities;     // pooled over the segments; empty on error
  std::vector<SegmentResult> segments;  // in time order; empty on error
  double audio_seconds = 0.0;           // audio decoded (after resampling), also known for most failures
  double file_seconds = 0.0;            // under max_segments: the length the file's header gives
                                        // (decoding stopped early); 0 otherwise
  std::vector<float> tags;              // with PredictOptions::tags: mean tag probabilities over the segments
  std::vector<float> embedding;         // with PredictOptions::embeddings: mean of the segments' embeddings

  bool ok() const { return error.empty(); }
  // The file's length, also when only part of it was decoded.
  double length_seconds() const { return std::max(audio_seconds, file_seconds); }
};

// What a package says about how its model sees audio; checked against its model.
struct PackageSettings {
  std::vector<std::string> classes;
  features::FeatureKind kind = features::FeatureKind::mel;  // the first of layout.kinds
  data::InputLayout layout;  // what the model reads (images of one kind, or matrices)
  pipeline::PipelineConfig pipeline;
  std::vector<std::string> tag_names;  // the model's optional tag outputs
  double temperature = 1.0;            // fitted on the validation split after training (1: none)
};

// Reads and checks the package metadata: known image kind, complete pipeline settings, one class
// name per model output, image size equal to the model's. Throws jaams::Error naming `source`
// (the package file) and the setting otherwise.
PackageSettings package_settings(const models::Package& package, const std::string& source);

class Predictor {
 public:
  // The model stays where the package was loaded; a batch size of 0 becomes default_batch_size.
  // Throws jaams::Error (see package_settings, and for bad options).
  Predictor(models::Package package, const std::string& source, PredictOptions options);

  const std::vector<std::string>& classes() const { return settings_.classes; }
  const PackageSettings& settings() const { return settings_; }
  const PredictOptions& options() const { return options_; }
  const models::ModelSpec& spec() const { return package_.spec; }
  const nlohmann::json& meta() const { return package_.meta; }
  torch::Device device() const;

  // The length of the model's embeddings (PredictOptions::embeddings), from one example input.
  // Throws jaams::Error naming the package when its model has no penultimate layer.
  std::size_t embedding_size();

  // Classifies every file of `files`. `on_result` is called on the calling thread as each file
  // finishes, in order of completion (which differs from the input order when several threads
  // work); a file that cannot be decoded, is too short or silent gives a result with `error` set
  // and the run goes on. An exception thrown by `on_result` or by the model stops the workers
  // and is rethrown.
  void run(const std::vector<std::filesystem::path>& files, const std::function<void(FileResult&&)>& on_result);

  // One file, same path as run().
  FileResult predict_file(const std::filesystem::path& path);

 private:
  models::Package package_;
  std::string source_;
  PredictOptions options_;
  PackageSettings settings_;
};

// resolve_device(options.device) + load_package + Predictor.
Predictor load_predictor(const std::filesystem::path& package_path, const PredictOptions& options);

// The `k` most probable classes, best first (ties: lower class index first).
std::vector<std::size_t> top_classes(const std::vector<float>& probabilities, std::size_t k);

}  // namespace jaams::predict
