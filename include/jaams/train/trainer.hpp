#pragma once
// `jaams train`: one experiment config -> one run folder.
//
//   <run>/config.yaml       the effective config
//   <run>/splits.csv        which segment went to train/val/test
//   <run>/history.csv       per-epoch loss and accuracy (train, val)
//   <run>/checkpoint.pt     the last finished epoch (weights, Adam state, progress): --resume
//   <run>/model.jaams       the model package with the best validation accuracy
//   <run>/eval/<split>.json metrics of the best model on each split
//   <run>/run.json          the summary `jaams report` reads
//   <run>/frozen/<split>.f32 with data.load streaming, the frozen features of a model with a
//                           frozen stage (alexcnn, stats, transfer) while it trains; removed after
//
// Softmax + categorical cross-entropy, Adam, mini-batches from a background loader. For a
// given seed on the CPU the run is deterministic, and a resumed run ends with the same weights as
// an uninterrupted one (shuffling depends only on seed and epoch).
//
// Started as several ranks by torchrun or srun (process_group.hpp), it trains data-parallel:
// training.batch_size is the global batch, each rank takes its chunk of it, gradients are summed
// over the ranks, and rank 0 alone writes the run folder, which every rank must see (a shared
// file system) for --resume.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "jaams/config/experiment_config.hpp"
#include "jaams/eval/metrics.hpp"
#include "jaams/eval/run_files.hpp"

namespace jaams::train {

struct TrainOptions {
  bool resume = false;
  // Called after each finished epoch (tests use it to interrupt a run); return false to stop.
  std::function<bool(int epoch)> after_epoch;
};

struct TrainSummary {
  eval::RunInfo info;
  std::vector<eval::EpochRecord> history;
  double data_wait_share = 0.0;   // share of training step time spent waiting for batches
  double images_per_second = 0.0; // training throughput (forward + backward + update), of all ranks
  double allreduce_share = 0.0;   // distributed: share of step time in the gradient all-reduce
  bool finished = false;          // false when after_epoch stopped it early
  bool primary = true;            // false on the ranks other than 0 of a distributed run: no info, no files
};

TrainSummary run_training(const config::ExperimentConfig& config, const std::filesystem::path& run_dir,
                          const TrainOptions& options = {});

}  // namespace jaams::train
