#pragma once
// `jaams cv`: repeated stratified K-fold cross-validation by track. Every fold is an ordinary run
// folder, DIR/r<repeat>_f<fold>, trained with data.split: kfold (data.folds = K, data.fold = f)
// and split seed data.split_seed + repeat - 1, so each repeat deals the tracks into other folds
// and every track is tested exactly once per repeat. Finished folds (run.json present) are
// skipped and an interrupted one resumes from its checkpoint, so re-running an interrupted
// cross-validation finishes it with the same result as an uninterrupted one.
//
// The summary (DIR/summary.json) gives per fold and overall: segment and track accuracy, macro
// F1, per-class recall (segment level), mean and std over the folds, the pooled confusion
// matrices, and 95% bootstrap intervals over the tracks (a track's unit holds its outcomes in
// every repeat, so repeats never count as extra tracks).
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "jaams/config/experiment_config.hpp"
#include "jaams/eval/metrics.hpp"
#include "jaams/train/trainer.hpp"

namespace jaams::train {

struct CrossValidationOptions {
  int folds = 5;
  int repeats = 1;
  std::filesystem::path output;
  // Passed to every fold's training (tests interrupt a fold with it); `fold_done` is told each
  // finished fold.
  TrainOptions train;
  std::function<void(int repeat, int fold)> fold_done;
};

struct FoldResult {
  int repeat = 0;
  int fold = 0;
  std::filesystem::path run_dir;
  eval::Metrics test;  // the fold's eval/test.json
};

struct MeanStd {
  double mean = 0.0;
  double std = 0.0;  // sample standard deviation over the folds (0 for one fold)
};

struct CrossValidationSummary {
  std::vector<std::string> classes;
  int folds = 0;
  int repeats = 0;
  std::vector<FoldResult> runs;  // repeat-major, fold-minor
  MeanStd segment_accuracy, track_accuracy, macro_f1;
  eval::Metrics pooled;  // all folds' test predictions together (confusions summed over repeats)
  eval::Interval segment_accuracy_ci, track_accuracy_ci;
  bool complete = false;  // false when a fold was interrupted (TrainOptions::after_epoch)
};

// The fold's run folder: DIR/r<repeat>_f<fold>.
std::filesystem::path fold_run_dir(const std::filesystem::path& output, int repeat, int fold);

// The config of one fold: `base` with the kfold split, its fold, the repeat's split seed, the run
// folder as output, and (when `base` sets none) one preprocessing cache DIR/preprocessed shared by
// every fold.
config::ExperimentConfig fold_config(const config::ExperimentConfig& base, const CrossValidationOptions& options,
                                     int repeat, int fold);

// Trains the folds that are not finished and summarises them all (summary.json written when every
// fold is done). Throws jaams::Error for folds < 2 or repeats < 1, and whatever training throws.
CrossValidationSummary run_cross_validation(const config::ExperimentConfig& base, const CrossValidationOptions& options);

// Summary of finished fold runs (all of the same classes).
CrossValidationSummary summarise_folds(std::vector<FoldResult> runs, int folds, int repeats, int bootstrap_resamples);

nlohmann::json to_json(const CrossValidationSummary& summary);
// The table `jaams cv` prints: a row per fold, then mean +- std, the pooled accuracies with
// their intervals and the per-class recall.
std::string summary_text(const CrossValidationSummary& summary);

}  // namespace jaams::train
