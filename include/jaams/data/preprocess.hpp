#pragma once
// `jaams preprocess`: a dataset laid out as <root>/<genre>/<file> (GTZAN's layout) -> images.
//
// Output folder:
//   images/<kind>/<genre>/<track>.<segment>.png   8-bit RGB, for people and other tools
//   cache/<kind>/<genre>/<track>.u8               the same pixels, raw, for training (image_cache.hpp)
//   cache/<kind>/<genre>/<track>.f32              feature matrices, for models that read matrices:
//                                                 always for stats and compact_mel (no image
//                                                 kinds), for mel/centroid/chroma with `write_matrices`
//   raw/<kind>/<genre>/<track>.<segment>.npy      unscaled feature matrices (with `raw`)
//   tracks/<genre>/<track>.json                   written last per track: the track is complete
//   manifest.csv, failures.csv, preprocess.json   (settings used)
// Every file is written atomically, and a track counts as done only once its record exists, so
// re-running on the same output skips finished tracks and redoes interrupted ones.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "jaams/data/labels.hpp"
#include "jaams/data/manifest.hpp"
#include "jaams/features/feature_config.hpp"
#include "jaams/pipeline/pipeline_config.hpp"

namespace jaams::data {

// The report's nine GTZAN genres (jazz is left out).
const std::vector<std::string>& default_genres();

struct PreprocessOptions {
  std::filesystem::path input;
  std::filesystem::path output;
  std::vector<std::string> genres = default_genres();
  std::vector<features::FeatureKind> kinds = features::all_feature_kinds();
  pipeline::PipelineConfig pipeline;
  bool write_raw = false;
  bool write_matrices = false;  // also cache the matrices of the image kinds (models with matrix input)
  bool write_png = true;
  int threads = 0;  // 0: all cores
  bool fail_fast = false;
  // Non-empty: these files with their labels (data.labels) instead of <input>/<genre>/<file>.
  std::vector<LabelledFile> labelled;
};

struct FileFailure {
  std::filesystem::path path;
  std::string reason;
};

struct PreprocessSummary {
  std::size_t files = 0;      // audio files found
  std::size_t processed = 0;  // done in this run
  std::size_t skipped = 0;    // already complete from an earlier run
  std::vector<FileFailure> failures;
  std::size_t segments = 0;   // of processed + skipped tracks
  double audio_seconds = 0.0; // of processed tracks
  double wall_seconds = 0.0;
  bool stopped_early = false;  // fail_fast hit a failure
};

// Audio files of one genre folder, sorted by name. Entries with an audio ending are listed even
// when they are not regular files, so that they are reported rather than silently skipped.
std::vector<std::filesystem::path> list_audio_files(const std::filesystem::path& genre_dir);

// Throws jaams::Error for unusable options (missing input, output made with other settings).
PreprocessSummary run_preprocess(const PreprocessOptions& options);

// The manifest rows of a preprocessed folder (reads manifest.csv; errors name the file).
std::vector<ManifestRow> load_preprocessed_manifest(const std::filesystem::path& dir);

// Where a preprocessed track came from: its audio file (as preprocess was given it) and the start
// of each of its segments in seconds, from tracks/<genre>/<track>.json. Throws jaams::Error naming
// the record when it is missing or unreadable.
struct TrackSource {
  std::filesystem::path audio;
  std::vector<double> segment_starts;  // by segment index
};
TrackSource read_track_source(const std::filesystem::path& dir, const std::string& genre, const std::string& track_id);

std::filesystem::path cache_path(const std::filesystem::path& dir, features::FeatureKind kind, const std::string& genre,
                                 const std::string& track_id);
std::filesystem::path matrix_cache_path(const std::filesystem::path& dir, features::FeatureKind kind,
                                        const std::string& genre, const std::string& track_id);

}  // namespace jaams::data
