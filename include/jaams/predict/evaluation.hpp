#pragma once
// `jaams eval`: how well a model package does on labelled data, in two ways:
//   - a labelled audio tree <dir>/<genre>/<file> (e.g. songs the model never met), run through the
//     very same Predictor as `jaams predict`;
//   - one split of a training run (RUN_DIR/splits.csv + RUN_DIR/config.yaml), scored on the
//     preprocessed images that split was made of, as the trainer scores them.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "jaams/eval/metrics.hpp"
#include "jaams/eval/pooling.hpp"
#include "jaams/models/package.hpp"
#include "jaams/predict/predictor.hpp"

namespace jaams::predict {

// Segment and track metrics; a track's probabilities are pooled with `pooling` (compute_metrics
// itself always uses the mean). Track ids must be unique per track.
eval::Metrics metrics_with_pooling(const std::vector<std::string>& classes,
                                   const std::vector<eval::SegmentPrediction>& predictions, eval::Pooling pooling);

struct LabelledFiles {
  std::vector<std::filesystem::path> files;  // genre folders in class order, files sorted by name
  std::vector<int> labels;                   // class index of each file
  std::vector<std::string> skipped_folders;  // sub-folders whose name is not a class
};

// The audio files of <dir>/<genre>/ for each genre among `classes`; other sub-folders are logged
// and listed in skipped_folders. Throws jaams::Error when `dir` is not a folder or holds no audio
// file of any class.
LabelledFiles list_labelled_tree(const std::filesystem::path& dir, const std::vector<std::string>& classes);

struct LabelledEvaluation {
  eval::Metrics metrics;
  LabelledFiles inputs;
  std::vector<FileResult> failures;  // files that could not be classified (left out of the metrics)
  double audio_seconds = 0.0;
};

// Runs `predictor` over labelled files (list_labelled_tree); `on_result` (may be empty) sees every
// file's result as it finishes, failures included. Pooling is the predictor's. Throws
// jaams::Error when no file could be classified.
LabelledEvaluation evaluate_labelled(Predictor& predictor, LabelledFiles inputs,
                                     const std::function<void(const FileResult&)>& on_result = {});

struct RunSplitEvaluation {
  eval::Metrics metrics;
  std::filesystem::path images_dir;  // the preprocessed folder the images came from
  std::size_t segments = 0;
};

// Scores split `split` (train | val | test) of the run in `run_dir` with `package`. The package's
// pipeline settings must equal the run's config; segments of genres the package does not know
// are left out (and logged). A batch size below 1 means default_batch_size. Throws jaams::Error naming the file for a
// missing or unusable config.yaml, splits.csv or preprocessed folder, or an empty split.
RunSplitEvaluation evaluate_run_split(const models::Package& package, const std::string& source,
                                      const std::filesystem::path& run_dir, const std::string& split,
                                      eval::Pooling pooling, int batch_size);

}  // namespace jaams::predict
