#include "jaams/train/trainer.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "jaams/data/batch_loader.hpp"
#include "jaams/models/device.hpp"
#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/pipeline/pipeline_config.hpp"
#include "jaams/train/augmentation.hpp"
#include "jaams/train/calibration.hpp"
#include "jaams/train/experiment_data.hpp"
#include "jaams/train/inference.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/file_lock.hpp"
#include "jaams/util/error.hpp"
#include "jaams/util/progress.hpp"
#include "jaams/version.hpp"

namespace jaams::train {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kCheckpointFile = "checkpoint.pt";
constexpr const char* kPackageFile = "model.jaams";
constexpr int kEvalBatch = 64;
// Mixup's draws come from their own stream, apart from the per-segment augmentation.
constexpr std::uint64_t kMixupStream = 0x6d69'7875'7000ULL;

// The report's overfit check: a few samples, memorised. The same samples serve as val set.
void keep_only_first(data::InputSet& set, std::int64_t n, std::uint64_t seed) {
  auto order = data::epoch_order(set.size(), seed, -1);
  order.resize(static_cast<std::size_t>(std::min<std::int64_t>(n, set.size())));
  const auto index = torch::tensor(order, torch::kInt64);
  data::InputSet small;
  small.inputs = set.inputs.index_select(0, index);
  small.shapes = set.shapes;
  small.labels = set.labels.index_select(0, index);
  for (auto i : order) {
    small.track_ids.push_back(set.track_ids[i]);
    small.segments.push_back(set.segments[i]);
  }
  set = std::move(small);
}

nlohmann::json history_to_json(const std::vector<eval::EpochRecord>& history) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& h : history) {
    j.push_back({h.epoch, h.train_loss, h.train_accuracy, std::isnan(h.val_loss) ? -1.0 : h.val_loss,
                 std::isnan(h.val_accuracy) ? -1.0 : h.val_accuracy, h.seconds});
  }
  return j;
}

std::vector<eval::EpochRecord> history_from_json(const nlohmann::json& j) {
  std::vector<eval::EpochRecord> history;
  for (const auto& e : j) {
    eval::EpochRecord r;
    r.epoch = e[0];
    r.train_loss = e[1];
    r.train_accuracy = e[2];
    r.val_loss = e[3].get<double>() < 0 ? eval::kMissing : e[3].get<double>();
    r.val_accuracy = e[4].get<double>() < 0 ? eval::kMissing : e[4].get<double>();
    r.seconds = e[5];
    history.push_back(r);
  }
  return history;
}

struct EpochStats {
  double loss = 0.0;
  double accuracy = 0.0;
};

EpochStats evaluate(models::ClassifierImpl& model, const torch::Tensor& inputs, const torch::Tensor& labels, bool embedded) {
  if (inputs.size(0) == 0) return {eval::kMissing, eval::kMissing};
  const auto probs = class_probabilities(model, inputs, embedded, kEvalBatch);
  const auto loss = torch::nll_loss(torch::log(probs.clamp_min(1e-12)), labels).item<double>();
  const auto acc = probs.argmax(1).eq(labels).to(torch::kFloat).mean().item<double>();
  return {loss, acc};
}

}  // namespace

TrainSummary run_training(const config::ExperimentConfig& c, const fs::path& run_dir, const TrainOptions& options) {
  const auto& t = c.training;
  const torch::Device device = resolve_device(t.device);
  const int threads = t.threads > 0 ? t.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  fs::create_directories(run_dir);
  // One training per run folder: a second would clean up the first's files and mix checkpoints.
  const FileLock run_lock = lock_folder(run_dir, "run folder '" + run_dir.string() + "'");
  remove_atomic_temps(run_dir);
  const fs::path checkpoint_path = run_dir / kCheckpointFile;
  const fs::path package_path = run_dir / kPackageFile;
  if (options.resume && !fs::exists(checkpoint_path)) {
    throw Error(checkpoint_path.string() + ": nothing to resume (no checkpoint); start without --resume");
  }
  if (!options.resume && fs::exists(checkpoint_path)) {
    throw Error(run_dir.string() + ": already holds a run; use --resume to continue it or choose another --output");
  }
  if (options.resume) {
    // Resuming on other data, another split or another model would mix two experiments in one run.
    const auto saved = config::load_experiment_config(run_dir / "config.yaml");
    const auto differ = config::resume_conflicts(saved, c);
    if (!differ.empty()) {
      std::string keys;
      for (const auto& k : differ) keys += (keys.empty() ? "" : ", ") + k;
      throw Error(run_dir.string() + ": cannot resume with other settings than the run was started with (" + keys +
                  "); only training.epochs, patience, threads and device may change");
    }
  }
  write_file_atomic(run_dir / "config.yaml", config::to_yaml(c));

  ExperimentData data = prepare_data(c, run_dir);
  if (t.overfit > 0) {
    keep_only_first(data.train, t.overfit, t.seed);
    data.val = data.train;
    data.test = data::InputSet{};
    spdlog::info("overfit check: {} training samples, reused as validation", data.train.size());
  }
  spdlog::info("{} ({} classes)", data.description, data.classes.size());

  models::ModelSpec spec;
  spec.name = c.model;
  spec.num_classes = static_cast<int>(data.classes.size());
  spec.params = c.model_params;
  if (data.layout.form == data::InputForm::image) {
    spec.height = static_cast<int>(data.train.inputs.size(2));
    spec.width = static_cast<int>(data.train.inputs.size(3));
  } else {
    spec.input = "matrix";
    for (std::size_t k = 0; k < data.layout.kinds.size(); ++k) {
      spec.parts.push_back({features::to_string(data.layout.kinds[k]), data.train.shapes[k].first, data.train.shapes[k].second});
    }
    spec.height = spec.parts.size() == 1 ? spec.parts.front().rows : 1;
    spec.width = spec.parts.size() == 1 ? spec.parts.front().cols : static_cast<int>(spec.matrix_size());
  }
  torch::manual_seed(t.seed);
  auto model = models::make_model(spec);
  model->to(device);
  const bool random_backbone = spec.name == "alexcnn" && spec.params.value("random_backbone", false);
  if (random_backbone) spdlog::warn("alexcnn with a RANDOM (untrained) AlexNet backbone: results say nothing about transfer learning");

  torch::optim::Adam optimizer(model->trainable_parameters(),
                               torch::optim::AdamOptions(t.learning_rate).weight_decay(t.weight_decay));

  // Inputs made anew each epoch cannot go through a frozen stage computed once.
  std::unique_ptr<AugmentedSamples> augmented;
  if (c.augment.any() && t.overfit > 0) {
    spdlog::info("overfit check: augmentation off (the check is whether the network can memorise fixed samples)");
  } else if (c.augment.any()) {
    if (model->has_frozen_stage()) {
      throw Error("augment: model '" + c.model +
                  "' computes its frozen features once, so its inputs cannot change per epoch; augmentation is for the "
                  "models that learn from their input (ann, cnn, pcnn, crnn)");
    }
    augmented = std::make_unique<AugmentedSamples>(c, data.layout, data.train, data.train_dir, data.classes);
  }

  // Statistics of the training set a model freezes (batch-norm statistics of a pretrained
  // backbone); deterministic, so a resumed run fits the same values its checkpoint holds.
  model->fit_frozen_stage(data.train.inputs, kEvalBatch);
  // The frozen stage never changes: run it once per sample instead of once per epoch.
  const bool frozen = model->has_frozen_stage();
  torch::Tensor train_x = data.train.inputs, val_x = data.val.inputs, test_x = data.test.inputs;
  if (frozen) {
    const auto t0 = Clock::now();
    train_x = embed_all(*model, data.train.inputs, kEvalBatch);
    val_x = data.val.size() ? embed_all(*model, data.val.inputs, kEvalBatch) : val_x;
    test_x = data.test.size() ? embed_all(*model, data.test.inputs, kEvalBatch) : test_x;
    spdlog::info("frozen features computed once for {} segments in {:.1f} s", train_x.size(0) + val_x.size(0) + test_x.size(0),
                 std::chrono::duration<double>(Clock::now() - t0).count());
    model->fit_head_inputs(train_x);
  }

  nlohmann::json meta = {{"classes", data.classes},
                         {"kind", features::to_string(data.layout.kinds.front())},
                         {"input", {{"form", data::to_string(data.layout.form)}, {"kinds", data::kinds_label(data.layout)}}},
                         {"pipeline", pipeline::to_json(c.pipeline)},
                         {"random_backbone", random_backbone},
                         {"split", c.data.split},
                         {"trained_on", data.description}};

  TrainSummary summary;
  int start_epoch = 1;
  double best_val = -1.0;
  int best_epoch = 0;
  int since_best = 0;
  double train_seconds = 0.0;
  if (options.resume) {
    const auto state = models::load_checkpoint(checkpoint_path, *model, optimizer);
    start_epoch = state.at("epoch").get<int>() + 1;
    best_val = state.at("best_val");
    best_epoch = state.at("best_epoch");
    since_best = state.at("since_best");
    train_seconds = state.at("train_seconds");
    summary.history = history_from_json(state.at("history"));
    spdlog::info("resuming {} after epoch {}", run_dir.string(), start_epoch - 1);
  }

  double wait_seconds = 0.0, step_seconds = 0.0;
  std::int64_t images_seen = 0;
  const bool has_val = val_x.size(0) > 0;
  bool stopped = false;
  for (int epoch = start_epoch; epoch <= t.epochs; ++epoch) {
    if (t.patience > 0 && since_best >= t.patience) break;
    const auto epoch_start = Clock::now();
    model->train();
    auto order = data::epoch_order(train_x.size(0), t.seed, epoch);
    std::unique_ptr<data::BatchSource> loader;
    if (augmented) {
      loader = std::make_unique<AugmentedBatchLoader>(*augmented, std::move(order), t.batch_size, epoch,
                                                      std::max(1, t.loader_threads), 4, device.is_cuda());
    } else {
      loader = std::make_unique<data::BatchLoader>(train_x, data.train.labels, std::move(order), t.batch_size, 4,
                                                   device.is_cuda());
    }
    Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(t.epochs), loader->batches(), "batches");
    torch::Tensor x, y;
    double loss_sum = 0.0;
    std::int64_t correct = 0, seen = 0;
    for (std::int64_t batch = 0; loader->next(x, y); ++batch) {
      const auto step_start = Clock::now();
      x = x.to(device, /*non_blocking=*/true);
      y = y.to(device, /*non_blocking=*/true);
      optimizer.zero_grad();
      torch::Tensor logits, loss;
      if (augmented && c.augment.mixup > 0) {
        Rng rng(augment_seed(t.seed ^ kMixupStream, epoch, batch));
        const auto mixed = mix_batch(x, y, c.augment.mixup, rng);
        logits = model->forward(mixed.inputs);
        loss = mixed.lambda * torch::nn::functional::cross_entropy(logits, y) +
               (1.0 - mixed.lambda) * torch::nn::functional::cross_entropy(logits, mixed.other_labels);
      } else {
        logits = frozen ? model->head(x) : model->forward(x);
        loss = torch::nn::functional::cross_entropy(logits, y);
      }
      loss.backward();
      optimizer.step();
      const auto n = y.size(0);
      loss_sum += loss.item<double>() * n;
      correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
      seen += n;
      step_seconds += std::chrono::duration<double>(Clock::now() - step_start).count();
      char status[64];
      std::snprintf(status, sizeof status, "loss %.4f acc %.3f", loss_sum / seen, double(correct) / seen);
      progress.advance(1, status);
    }
    wait_seconds += loader->wait_seconds();
    images_seen += seen;

    eval::EpochRecord record;
    record.epoch = epoch;
    record.train_loss = loss_sum / std::max<std::int64_t>(1, seen);
    record.train_accuracy = double(correct) / std::max<std::int64_t>(1, seen);
    const auto val = evaluate(*model, val_x, data.val.labels, frozen);
    record.val_loss = val.loss;
    record.val_accuracy = val.accuracy;
    record.seconds = std::chrono::duration<double>(Clock::now() - epoch_start).count();
    train_seconds += record.seconds;
    summary.history.push_back(record);
    spdlog::info("epoch {:>3}: train loss {:.4f} acc {:.4f} | val loss {:.4f} acc {:.4f} | {:.1f} s", epoch, record.train_loss,
                 record.train_accuracy, record.val_loss, record.val_accuracy, record.seconds);

    // Best = highest val accuracy (the report's criterion); without a val set, the latest epoch.
    const double score = has_val ? record.val_accuracy : epoch;
    if (score > best_val) {
      best_val = score;
      best_epoch = epoch;
      since_best = 0;
      models::save_package(package_path, *model, spec, meta);
    } else {
      ++since_best;
    }
    eval::write_history(run_dir, summary.history);
    models::save_checkpoint(checkpoint_path, *model, optimizer,
                            {{"epoch", epoch},
                             {"best_val", best_val},
                             {"best_epoch", best_epoch},
                             {"since_best", since_best},
                             {"train_seconds", train_seconds},
                             {"history", history_to_json(summary.history)}});
    // Memorised as the model is used: in eval mode (batch-norm running statistics, no dropout) on
    // the same samples, which are the validation set here.
    if (t.overfit > 0 && record.val_accuracy == 1.0) {
      spdlog::info("overfit check passed: {} samples memorised after {} epochs", data.train.size(), epoch);
      break;
    }
    if (options.after_epoch && !options.after_epoch(epoch)) {
      stopped = true;
      break;
    }
  }
  summary.data_wait_share = step_seconds + wait_seconds > 0 ? wait_seconds / (step_seconds + wait_seconds) : 0.0;
  summary.images_per_second = step_seconds > 0 ? images_seen / step_seconds : 0.0;
  if (stopped) return summary;
  if (step_seconds > 0) {
    spdlog::info("training: {:.1f} images/s, {:.1f}% of step time waiting for data", summary.images_per_second,
                 100.0 * summary.data_wait_share);
  }

  // Final evaluation with the best model, on every split.
  auto best = models::load_package(package_path, device);
  eval::RunInfo& info = summary.info;
  info.name = run_dir.filename().string();
  info.model = c.model;
  info.kind = data::kinds_label(data.layout);
  info.split = c.data.split;
  info.random_backbone = random_backbone;
  info.jaams_version = kVersion;
  info.classes = data.classes;
  info.epochs_run = static_cast<int>(summary.history.size());
  info.best_epoch = best_epoch;
  info.train_seconds = train_seconds;
  const std::pair<const char*, std::pair<const data::InputSet*, const torch::Tensor*>> splits[] = {
      {"train", {&data.train, &train_x}}, {"val", {&data.val, &val_x}}, {"test", {&data.test, &test_x}}};
  std::map<std::string, std::vector<eval::SegmentPrediction>> predictions;
  for (const auto& [name, sets] : splits) {
    const auto& [set, inputs] = sets;
    if (set->size() > 0)
      predictions[name] = to_predictions(class_probabilities(*best.model, *inputs, frozen, kEvalBatch), *set);
  }
  const double temperature = calibrate_package(package_path, best, predictions["val"]);
  for (const auto& [name, sets] : splits) {
    if (sets.first->size() == 0) continue;
    auto metrics = eval::compute_metrics(data.classes, predictions[name]);
    eval::set_confidence_intervals(metrics, c.eval.bootstrap);
    eval::set_calibration(metrics, predictions[name], temperature);
    eval::write_split_metrics(run_dir, name, metrics);
    info.accuracy[name] = {metrics.segment_accuracy, metrics.track_accuracy};
  }
  eval::write_run_info(run_dir, info);
  summary.finished = true;
  return summary;
}

}  // namespace jaams::train
