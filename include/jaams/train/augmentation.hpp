#pragma once
// On-the-fly augmentation of the training set (config section `augment`, see
// config::AugmentConfig): each epoch, every training segment is made anew, from its track's audio
// (crop, shift, gain, noise, pitch) through the same audio-to-image path as preprocess, or from its
// cached input when only masks are asked for; then SpecAugment-style masks. Nothing is written
// to disk. Mixup mixes whole batches and lives in the trainer's step (mix_batch).
//
// Determinism: a segment's draws depend only on (training.seed, epoch, segment), never on which
// loader thread computes it or when.
#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "jaams/config/experiment_config.hpp"
#include "jaams/data/batch_loader.hpp"
#include "jaams/data/image_set.hpp"
#include "jaams/util/random.hpp"

namespace jaams::pipeline {
class AudioToImages;
}

namespace jaams::train {

// Masks on one input sample [C, H, W] (rows: frequency, columns: time), in place: `time_masks`
// bands of whole columns, each of a width drawn uniformly from [0, time_mask_width], and likewise
// rows. Masked cells take the sample's mean value (SpecAugment's zero after normalisation).
void apply_spec_masks(torch::Tensor sample, const config::AugmentConfig& augment, Rng& rng);

// Mixup (Zhang et al. 2018): inputs become lambda * x + (1 - lambda) * x[perm] with lambda drawn
// from Beta(alpha, alpha) and perm a shuffle of the batch; uint8 images become float [0, 1].
struct MixedBatch {
  torch::Tensor inputs;
  torch::Tensor other_labels;  // labels[perm]
  double lambda = 1.0;
};
MixedBatch mix_batch(const torch::Tensor& inputs, const torch::Tensor& labels, double alpha, Rng& rng);

// The seed of one segment's augmentation in one epoch.
std::uint64_t augment_seed(std::uint64_t seed, int epoch, std::int64_t sample);

// The training set as augmentation sees it: the cached inputs, plus (for waveform changes) every
// training track decoded once at the pipeline's sample rate.
class AugmentedSamples {
 public:
  // `train` is the training set read from the preprocessed folder `dir`. Throws jaams::Error when
  // a track's audio cannot be found or decoded (naming the file), or for a layout the masks
  // cannot read (several matrices).
  AugmentedSamples(const config::ExperimentConfig& config, const data::InputLayout& layout, const data::InputSet& train,
                   const std::filesystem::path& dir, const std::vector<std::string>& classes);
  ~AugmentedSamples();

  // The augmented input of training sample `index` in `epoch`: uint8 [3, H, W] or float [D], as
  // the cached inputs are. `converter` comes from make_converter() (one per thread).
  torch::Tensor sample(std::int64_t index, int epoch, pipeline::AudioToImages& converter) const;
  std::unique_ptr<pipeline::AudioToImages> make_converter() const;

  // The waveform of sample `index` in `epoch` before it becomes an input, and where in its track
  // it starts (samples; before any pitch shift's resampling). Needs waveform augmentation.
  struct Cut {
    std::vector<float> samples;
    std::ptrdiff_t start = 0;
  };
  Cut segment_audio(std::int64_t index, int epoch) const;
  // The decoded track sample `index` comes from.
  const std::vector<float>& track_audio(std::int64_t index) const;

  const torch::Tensor& labels() const { return labels_; }
  std::int64_t size() const { return labels_.size(0); }
  std::size_t tracks() const { return audio_.size(); }

 private:
  Cut augmented_audio(std::int64_t index, Rng& rng) const;

  config::ExperimentConfig config_;
  data::InputLayout layout_;
  torch::Tensor inputs_, labels_;
  std::vector<std::pair<int, int>> shapes_;
  std::vector<std::vector<float>> audio_;  // by track
  std::vector<int> track_of_;              // by sample
  std::vector<double> start_of_;           // by sample: the fixed segment's start, seconds
};

// Batches of augmented samples, computed by `workers` threads ahead of the trainer (at most
// `prefetch` batches ahead). Batches come in `order`, whatever thread finished first.
class AugmentedBatchLoader : public data::BatchSource {
 public:
  AugmentedBatchLoader(const AugmentedSamples& samples, std::vector<std::int64_t> order, int batch_size, int epoch,
                       int workers, int prefetch = 4, bool pin_memory = false);
  ~AugmentedBatchLoader() override;

  bool next(torch::Tensor& inputs, torch::Tensor& labels) override;
  double wait_seconds() const override { return wait_seconds_; }
  std::size_t batches() const override { return batches_; }

 private:
  void work(std::size_t worker);
  torch::Tensor make_batch(std::size_t batch, pipeline::AudioToImages& converter) const;

  const AugmentedSamples& samples_;
  std::vector<std::int64_t> order_;
  std::size_t batch_size_, batches_, prefetch_;
  int epoch_;
  bool pin_memory_;
  std::size_t next_batch_ = 0;  // what next() hands out next
  std::size_t claimed_ = 0;     // batches taken by workers so far
  std::map<std::size_t, std::pair<torch::Tensor, torch::Tensor>> ready_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::exception_ptr error_;
  double wait_seconds_ = 0.0;
  std::vector<std::thread> threads_;
};

}  // namespace jaams::train
