#pragma once
// The one config schema every subcommand reads (configs/*.yaml are commented examples):
//
//   audio:    sample_rate, segment_seconds, hop_seconds, remainder, pad_min_fraction
//   features: kind (the image kind a model trains on), input (image | matrix: the rendered image or
//             the feature matrix), kinds (what preprocess makes),
//             n_fft, hop_length, n_mels, fmin, fmax, amin, top_db, n_chroma, tuning
//   image:    height, width, colormap
//   data:     root or labels, genres, split, split_seed, fractions, filtered_lists, train/val/test roots, cache
//   model:    name + that model's sizes
//   training: epochs, batch_size, learning_rate, weight_decay, seed, device, threads, patience, ...
//   augment:  on-the-fly augmentation of the training segments (all off by default)
//   eval:     bootstrap (resamples behind every 95% confidence interval)
//   output:   the run folder
//
// Keys absent from a file keep the defaults below; unknown keys and wrong types are rejected with
// the file and the dotted key named. `--set a.b=v` overrides are applied before reading.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "jaams/features/feature_config.hpp"
#include "jaams/pipeline/pipeline_config.hpp"

namespace jaams::config {

struct DataConfig {
  // A preprocessed folder (has manifest.csv) or an audio root laid out as <genre>/<file>.
  std::filesystem::path root;
  // A CSV of path,genre[,track,artist,split] rows (data/labels.hpp) instead of <genre>/<file> folders.
  std::filesystem::path labels;
  std::vector<std::string> genres;  // default: the report's nine, or with `labels` the CSV's genres
  std::string split = "track";      // track | paper | filtered | folders | kfold | csv (the labels' split column)
  std::uint64_t split_seed = 42;
  double train_fraction = 0.6;
  double val_fraction = 0.2;
  double test_fraction = 0.2;
  int folds = 5;                    // kfold: K folds of tracks, stratified by genre
  int fold = 1;                     // kfold: the fold (1..K) that is the test set; the rest trains
  std::filesystem::path filtered_lists;              // folder with gtzan_filtered_{train,valid,test}.txt
  std::filesystem::path train_root, val_root, test_root;  // for split: folders
  // memory: every split's inputs in one tensor; stream: read from the preprocess cache batch by
  // batch (memory no longer grows with the dataset); auto: stream when the training inputs
  // would take over 2 GiB. Augmented training reads them into memory.
  std::string load = "auto";
  std::filesystem::path cache;  // where raw audio roots are preprocessed to (default: <root>/.jaams-cache or beside the run)
};

struct TrainingConfig {
  int epochs = 30;
  int batch_size = 32;
  double learning_rate = 1e-3;
  double weight_decay = 0.0;
  std::uint64_t seed = 1;
  std::string device = "auto";  // auto | cpu | cuda | cuda:N
  int threads = 0;              // torch intra-op threads; 0: all cores
  int loader_threads = 2;       // background batch assembly
  int patience = 0;             // early stopping after this many epochs without a better val accuracy; 0: off
  int overfit = 0;              // >0: train on this many samples until memorised (sanity check)
  // Data-parallel training, when started by torchrun or srun (train/process_group.hpp):
  std::string dist_backend = "auto";  // auto (nccl on CUDA, gloo on the CPU) | gloo | nccl
  int dist_timeout = 1800;            // seconds a collective may wait for the other ranks
};

// On-the-fly augmentation of training segments; validation, test, eval and predict never see it.
// Every draw depends only on (training.seed, epoch, segment), so a run is reproducible and a
// resumed run augments exactly as an uninterrupted one. Waveform changes (crop, shift, gain,
// noise, pitch) need the training tracks' audio, which is decoded once and held in memory; the
// augmented segment then goes through the same audio-to-image path as preprocess.
struct AugmentConfig {
  bool crop = false;             // each epoch, every training segment is cut at a random start in its track
  double shift_seconds = 0.0;    // without crop: segments start up to this much earlier or later
  double gain_db = 0.0;          // random gain, uniform in [-gain_db, +gain_db]
  double noise = 0.0;            // probability that a segment gets additive noise
  double noise_snr_min = 10.0;   // dB, the noise's SNR is uniform in [min, max]
  double noise_snr_max = 30.0;
  std::string noise_color = "mixed";  // white | pink | mixed (each noisy segment picks one)
  double pitch_semitones = 0.0;  // random resampling by up to this many semitones (tempo moves too)
  int time_masks = 0;            // SpecAugment: masks of whole columns (time) of the model's input
  int time_mask_width = 0;       //   each up to this many columns wide
  int freq_masks = 0;            // masks of whole rows (frequency)
  int freq_mask_width = 0;       //   each up to this many rows high
  double mixup = 0.0;            // Beta(alpha, alpha) mixing of pairs within a batch; 0: off

  bool changes_audio() const { return crop || shift_seconds > 0 || gain_db > 0 || noise > 0 || pitch_semitones > 0; }
  bool masks() const { return (time_masks > 0 && time_mask_width > 0) || (freq_masks > 0 && freq_mask_width > 0); }
  bool any() const { return changes_audio() || masks() || mixup > 0; }
};

struct EvalConfig {
  int bootstrap = 1000;  // resamples of the tracks for each 95% confidence interval; 0: no intervals
};

struct ExperimentConfig {
  std::filesystem::path source;  // the file it came from ("" for defaults)
  pipeline::PipelineConfig pipeline;
  features::FeatureKind kind = features::FeatureKind::mel;
  std::string input = "image";  // image | matrix (for the report's models; stats/transfer read matrices)
  std::vector<features::FeatureKind> preprocess_kinds = features::all_feature_kinds();
  DataConfig data;
  std::string model = "cnn";
  nlohmann::json model_params = nlohmann::json::object();  // checked by the model registry
  TrainingConfig training;
  AugmentConfig augment;
  EvalConfig eval;
  std::filesystem::path output;
};

// Reads `path` (empty: defaults only), applies `overrides` ("a.b=v"), validates. Relative paths in
// the file are taken relative to the current folder, as users type them on the command line.
ExperimentConfig load_experiment_config(const std::filesystem::path& path, const std::vector<std::string>& overrides = {});

// The effective config as YAML text, saved with every run, and as JSON.
std::string to_yaml(const ExperimentConfig& config);
nlohmann::json to_json(const ExperimentConfig& config);

// The dotted keys whose values differ between a run's saved config and the one it is resumed
// with, leaving out what a resume may change (training.epochs, patience, threads, device, output).
std::vector<std::string> resume_conflicts(const ExperimentConfig& before, const ExperimentConfig& now);

}  // namespace jaams::config
