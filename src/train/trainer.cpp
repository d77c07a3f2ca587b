#include "jaams/train/trainer.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <cstring>
#include <cmath>
#include <map>
#include <optional>
#include <thread>

#include "jaams/data/batch_loader.hpp"
#include "jaams/data/image_cache.hpp"
#include "jaams/models/device.hpp"
#include "jaams/models/package.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/pipeline/pipeline_config.hpp"
#include "jaams/train/augmentation.hpp"
#include "jaams/train/calibration.hpp"
#include "jaams/train/experiment_data.hpp"
#include "jaams/train/inference.hpp"
#include "jaams/train/process_group.hpp"
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
constexpr const char* kFrozenFeaturesDir = "frozen";
constexpr int kEvalBatch = 64;
// Mixup's draws come from their own stream, apart from the per-segment augmentation.
constexpr std::uint64_t kMixupStream = 0x6d69'7875'7000ULL;

// The report's overfit check: a few samples, memorised. The same samples serve as val set.
void keep_only_first(data::InputSet& set, std::int64_t n, std::uint64_t seed) {
  auto order = data::epoch_order(set.size(), seed, -1);
  order.resize(static_cast<std::size_t>(std::min<std::int64_t>(n, set.size())));
  const auto index = torch::tensor(order, torch::kInt64);
  data::InputSet small;
  small.inputs = set.gather(order);
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

// Loss and accuracy over a split: `inputs` (embedded or in memory) or, when undefined, the set's
// own inputs read from disk batch by batch. In a distributed run each rank scores its slice and
// the sums are added up, so every rank sees the same figures (and takes the same best-epoch
// decisions).
EpochStats evaluate(models::ClassifierImpl& model, const data::InputSet& set, const torch::Tensor& inputs, bool embedded,
                    ProcessGroup* group) {
  const std::int64_t n = set.size();
  const auto [begin, end] = group ? rank_slice(n, group->rank(), group->size()) : std::make_pair(std::int64_t(0), n);
  std::vector<double> sums{0.0, 0.0, double(end - begin)};  // loss sum, correct, count
  for (std::int64_t start = begin; start < end; start += kEvalBatch) {
    const std::int64_t stop = std::min(end, start + kEvalBatch);
    const auto x = inputs.defined() ? inputs.slice(0, start, stop) : set.rows(start, stop);
    const auto probs = class_probabilities(model, x, embedded, kEvalBatch);
    const auto y = set.labels.slice(0, start, stop);
    sums[0] += torch::nll_loss(torch::log(probs.clamp_min(1e-12)), y, {}, at::Reduction::Sum).item<double>();
    sums[1] += probs.argmax(1).eq(y).sum().item<double>();
  }
  if (group) sums = group->sum(sums);
  if (sums[2] == 0) return {eval::kMissing, eval::kMissing};
  return {sums[0] / sums[2], sums[1] / sums[2]};
}

// Each rank's loss is its part of the global batch's mean, so the gradients summed over the ranks
// are the gradient of the global batch, as one process would compute it. A rank without samples
// in the last, short batch adds zeros.
void sum_gradients(ProcessGroup& group, const std::vector<torch::Tensor>& parameters) {
  std::vector<torch::Tensor> grads;
  for (auto p : parameters) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad());
  }
  group.sum(grads);
}

// The parameters and buffers of rank 0 on every rank: the same start whatever each rank loaded.
void broadcast_model(ProcessGroup& group, models::ClassifierImpl& model) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> tensors = model.parameters();
  for (const auto& b : model.buffers()) tensors.push_back(b);
  group.broadcast_from_rank0(tensors);
}

models::ClassifierImpl::RowReader rows_of(const data::InputSet& set) {
  return [&set](std::int64_t begin, std::int64_t end) { return set.rows(begin, end); };
}
models::ClassifierImpl::RowReader rows_of(const torch::Tensor& inputs) {
  return [&inputs](std::int64_t begin, std::int64_t end) { return inputs.slice(0, begin, end); };
}

// The frozen stage's output for every segment of `set`, streamed into one matrix cache file
// ([1 x features] per segment, flattened), batch by batch.
void write_features(models::ClassifierImpl& model, const data::InputSet& set, const fs::path& file) {
  auto writer = data::SegmentCacheWriter::matrices(file);
  for (std::int64_t start = 0; start < set.size(); start += kEvalBatch) {
    const auto features =
        embed_all(model, set.rows(start, std::min(set.size(), start + kEvalBatch)), kEvalBatch).to(torch::kFloat32).flatten(1).contiguous();
    const auto width = static_cast<int>(features.size(1));
    for (std::int64_t i = 0; i < features.size(0); ++i) {
      features::Matrix row(1, width);
      std::memcpy(row.data.data(), features[i].data_ptr<float>(), sizeof(float) * std::size_t(width));
      writer.add(row);
    }
  }
  writer.commit();
}

// Joins the process group when a launcher started this process as one rank of several.
std::unique_ptr<ProcessGroup> join_group(const config::TrainingConfig& t, torch::Device& device) {
  const DistributedEnv env = distributed_env_from_environment();
  if (!env.active()) return nullptr;
  if (t.batch_size % env.world_size != 0) {
    throw Error("training.batch_size: " + std::to_string(t.batch_size) + " is the global batch and must be a multiple of the " +
                std::to_string(env.world_size) + " ranks");
  }
  // One GPU per rank on each machine unless the config names one.
  if (device.is_cuda() && t.device.find(':') == std::string::npos) device = torch::Device(torch::kCUDA, env.local_rank);
  auto group = ProcessGroup::join(env, t.dist_backend, device, std::chrono::seconds(t.dist_timeout));
  spdlog::info("distributed training: rank {} of {} ({}, {}), {} samples per rank and step", env.rank, env.world_size,
               group->backend(), device.str(), t.batch_size / env.world_size);
  return group;
}

}  // namespace

TrainSummary run_training(const config::ExperimentConfig& c, const fs::path& run_dir, const TrainOptions& options) {
  const auto& t = c.training;
  torch::Device device = resolve_device(t.device);
  const int threads = t.threads > 0 ? t.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  torch::set_num_threads(threads);
  const std::unique_ptr<ProcessGroup> group = join_group(t, device);
  // Rank 0 alone writes the run folder; the other ranks only read what it wrote (the checkpoint).
  const bool primary = !group || group->rank() == 0;
  std::optional<FileLock> run_lock;
  if (primary) {
    fs::create_directories(run_dir);
    // One training per run folder: a second would clean up the first's files and mix checkpoints.
    run_lock.emplace(lock_folder(run_dir, "run folder '" + run_dir.string() + "'"));
    remove_atomic_temps(run_dir);
  }
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
  if (primary) write_file_atomic(run_dir / "config.yaml", config::to_yaml(c));

  // Rank 0 preprocesses raw audio (and writes splits.csv) while the others wait, then they read.
  if (!primary) group->barrier();
  ExperimentData data = prepare_data(c, run_dir, primary);
  if (primary && group) group->barrier();
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
    const auto shape = data.train.sample_shape();
    spec.height = static_cast<int>(shape[1]);
    spec.width = static_cast<int>(shape[2]);
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

  if (data.train.store) spdlog::info("data.load: inputs read from {} batch by batch", data.train_dir.string());

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
  const bool streamed = data.train.store != nullptr;
  model->fit_frozen_stage(data.train.size(), rows_of(data.train), kEvalBatch, /*bounded_memory=*/streamed);
  // The frozen stage never changes: run it once per sample instead of once per epoch.
  const bool frozen = model->has_frozen_stage();
  torch::Tensor train_x = data.train.inputs, val_x = data.val.inputs, test_x = data.test.inputs;
  if (frozen) {
    const auto t0 = Clock::now();
    if (streamed) {
      // Larger than memory: the features go to <run>/frozen/<split>.f32 and are read from there
      // like the inputs were. Rank 0 writes them while the other ranks wait.
      for (auto [name, set] : {std::pair{"train", &data.train}, {"val", &data.val}, {"test", &data.test}}) {
        if (set->size() == 0) continue;
        const fs::path file = run_dir / kFrozenFeaturesDir / (std::string(name) + ".f32");
        if (primary) write_features(*model, *set, file);
        if (group) group->barrier();
        set->store = data::SegmentStore::open_matrix_file(file, model->embedding_shape());
      }
    } else {
      train_x = embed_all(*model, data.train.inputs, kEvalBatch);
      val_x = data.val.size() ? embed_all(*model, data.val.inputs, kEvalBatch) : val_x;
      test_x = data.test.size() ? embed_all(*model, data.test.inputs, kEvalBatch) : test_x;
    }
    spdlog::info("frozen features computed once for {} segments in {:.1f} s", data.train.size() + data.val.size() + data.test.size(),
                 std::chrono::duration<double>(Clock::now() - t0).count());
    model->fit_head_inputs(data.train.size(), train_x.defined() ? rows_of(train_x) : rows_of(data.train));
  }

  nlohmann::json meta = {{"classes", data.classes},
                         {"kind", features::to_string(data.layout.kinds.front())},
                         {"input", {{"form", data::to_string(data.layout.form)}, {"kinds", data::kinds_label(data.layout)}}},
                         {"pipeline", pipeline::to_json(c.pipeline)},
                         {"random_backbone", random_backbone},
                         {"split", c.data.split},
                         {"trained_on", data.description}};

  TrainSummary summary;
  summary.primary = primary;
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
  if (group) broadcast_model(*group, *model);

  double wait_seconds = 0.0, step_seconds = 0.0, reduce_seconds = 0.0;
  std::int64_t images_seen = 0;
  const bool has_val = data.val.size() > 0;
  bool stopped = false;
  for (int epoch = start_epoch; epoch <= t.epochs; ++epoch) {
    if (t.patience > 0 && since_best >= t.patience) break;
    const auto epoch_start = Clock::now();
    model->train();
    const std::int64_t n_train = data.train.size();
    auto order = data::epoch_order(n_train, t.seed, epoch);
    // Distributed: this rank's chunk of every global batch (training.batch_size is the global batch).
    const int world = group ? group->size() : 1;
    if (group) order = rank_share(order, t.batch_size, group->rank(), world);
    const int local_batch = t.batch_size / world;
    const std::int64_t global_batches = (n_train + t.batch_size - 1) / t.batch_size;
    std::unique_ptr<data::BatchSource> loader;
    if (augmented) {
      loader = std::make_unique<AugmentedBatchLoader>(*augmented, std::move(order), local_batch, epoch,
                                                      std::max(1, t.loader_threads), 4, device.is_cuda());
    } else if (data.train.store) {
      loader = std::make_unique<data::BatchLoader>(data.train.store, data.train.labels, std::move(order), local_batch, 4,
                                                   device.is_cuda());
    } else {
      loader = std::make_unique<data::BatchLoader>(train_x, data.train.labels, std::move(order), local_batch, 4,
                                                   device.is_cuda());
    }
    Progress progress("epoch " + std::to_string(epoch) + "/" + std::to_string(t.epochs), global_batches, "batches");
    torch::Tensor x, y;
    double loss_sum = 0.0;
    std::int64_t correct = 0, seen = 0;
    for (std::int64_t batch = 0; batch < global_batches; ++batch) {
      // A rank may have nothing of the last, short batch; it still joins the all-reduce.
      const bool has_samples = loader->next(x, y);
      const auto step_start = Clock::now();
      optimizer.zero_grad();
      // The loss is the global batch's mean: per-rank sums over the global count add up to it.
      const double global_count = double(std::min<std::int64_t>(t.batch_size, n_train - batch * t.batch_size));
      auto mean_loss = [&](const torch::Tensor& logits, const torch::Tensor& labels) {
        if (!group) return torch::nn::functional::cross_entropy(logits, labels);
        return torch::nn::functional::cross_entropy(
                   logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum)) /
               global_count;
      };
      torch::Tensor logits, loss;
      if (has_samples) {
        x = x.to(device, /*non_blocking=*/true);
        y = y.to(device, /*non_blocking=*/true);
        if (augmented && c.augment.mixup > 0) {
          Rng rng(augment_seed(t.seed ^ kMixupStream, epoch, batch));
          const auto mixed = mix_batch(x, y, c.augment.mixup, rng);
          logits = model->forward(mixed.inputs);
          loss = mixed.lambda * mean_loss(logits, y) + (1.0 - mixed.lambda) * mean_loss(logits, mixed.other_labels);
        } else {
          logits = frozen ? model->head(x) : model->forward(x);
          loss = mean_loss(logits, y);
        }
        loss.backward();
      }
      if (group) {
        const auto reduce_start = Clock::now();
        sum_gradients(*group, model->trainable_parameters());
        reduce_seconds += std::chrono::duration<double>(Clock::now() - reduce_start).count();
      }
      optimizer.step();
      if (has_samples) {
        const auto n = y.size(0);
        loss_sum += loss.item<double>() * (group ? global_count : n);
        correct += logits.argmax(1).eq(y).sum().item<std::int64_t>();
        seen += n;
      }
      step_seconds += std::chrono::duration<double>(Clock::now() - step_start).count();
      char status[64];
      std::snprintf(status, sizeof status, "loss %.4f acc %.3f", loss_sum / seen, double(correct) / seen);
      progress.advance(1, status);
    }
    wait_seconds += loader->wait_seconds();
    if (group) {
      const auto totals = group->sum(std::vector<double>{loss_sum, double(correct), double(seen)});
      loss_sum = totals[0];
      correct = static_cast<std::int64_t>(totals[1]);
      seen = static_cast<std::int64_t>(totals[2]);
    }
    images_seen += seen;  // of all ranks

    eval::EpochRecord record;
    record.epoch = epoch;
    record.train_loss = loss_sum / std::max<std::int64_t>(1, seen);
    record.train_accuracy = double(correct) / std::max<std::int64_t>(1, seen);
    const auto val = evaluate(*model, data.val, val_x, frozen, group.get());
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
      if (primary) models::save_package(package_path, *model, spec, meta);
    } else {
      ++since_best;
    }
    if (primary) {
      eval::write_history(run_dir, summary.history);
      models::save_checkpoint(checkpoint_path, *model, optimizer,
                              {{"epoch", epoch},
                               {"best_val", best_val},
                               {"best_epoch", best_epoch},
                               {"since_best", since_best},
                               {"train_seconds", train_seconds},
                               {"history", history_to_json(summary.history)}});
    }
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
  summary.allreduce_share = step_seconds > 0 ? reduce_seconds / step_seconds : 0.0;
  if (stopped) return summary;
  // The other ranks are done once training is: rank 0 alone evaluates and writes the results.
  if (!primary) {
    summary.finished = true;
    return summary;
  }
  if (step_seconds > 0) {
    spdlog::info("training: {:.1f} images/s, {:.1f}% of step time waiting for data", summary.images_per_second,
                 100.0 * summary.data_wait_share);
    if (group) {
      spdlog::info("distributed: {} ranks, images/s above counts all of them; {:.1f}% of step time in the gradient all-reduce",
                   group->size(), 100.0 * summary.allreduce_share);
    }
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
    if (set->size() == 0) continue;
    const auto probs = inputs->defined() ? class_probabilities(*best.model, *inputs, frozen, kEvalBatch)
                                         : class_probabilities(*best.model, *set, frozen, kEvalBatch);
    predictions[name] = to_predictions(probs, *set);
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
  std::error_code ec;
  fs::remove_all(run_dir / kFrozenFeaturesDir, ec);  // the package holds all the run needs from them
  summary.finished = true;
  return summary;
}

}  // namespace jaams::train
