#include "jaams/predict/evaluation.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "jaams/config/experiment_config.hpp"
#include "jaams/data/image_set.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/data/splits.hpp"
#include "jaams/train/experiment_data.hpp"
#include "jaams/train/inference.hpp"
#include "jaams/util/error.hpp"

namespace jaams::predict {
namespace fs = std::filesystem;

eval::Metrics metrics_with_pooling(const std::vector<std::string>& classes,
                                   const std::vector<eval::SegmentPrediction>& predictions, eval::Pooling pooling) {
  eval::Metrics m = eval::compute_metrics(classes, predictions);
  if (pooling == eval::Pooling::mean) return m;
  // Same segment matrix; the track matrix is rebuilt with the requested pooling.
  std::unordered_map<std::string, std::size_t> index;
  std::vector<int> labels;
  std::vector<std::vector<std::vector<float>>> probs;
  for (const auto& p : predictions) {
    auto [it, inserted] = index.try_emplace(p.track_id, labels.size());
    if (inserted) {
      labels.push_back(p.label);
      probs.emplace_back();
    }
    probs[it->second].push_back(p.probabilities);
  }
  std::vector<std::vector<long>> track_confusion(classes.size(), std::vector<long>(classes.size(), 0));
  std::vector<eval::TrackOutcome> per_track = std::move(m.per_track);  // same first-appearance order
  for (std::size_t t = 0; t < labels.size(); ++t) {
    const auto predicted = eval::argmax(eval::pool(probs[t], pooling));
    ++track_confusion[static_cast<std::size_t>(labels[t])][predicted];
    per_track[t].predicted = static_cast<int>(predicted);
  }
  eval::Metrics pooled = eval::metrics_from_confusion(classes, m.confusion, std::move(track_confusion));
  pooled.per_track = std::move(per_track);
  return pooled;
}

LabelledFiles list_labelled_tree(const fs::path& dir, const std::vector<std::string>& classes) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw Error(dir.string() + ": not a folder (expected <dir>/<genre>/<audio file>)");
  LabelledFiles out;
  std::vector<std::string> folders;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_directory(type_ec)) folders.push_back(it->path().filename().string());
  }
  if (ec) throw Error(dir.string() + ": cannot list folder: " + ec.message());
  std::sort(folders.begin(), folders.end());
  for (const auto& name : folders) {
    if (std::find(classes.begin(), classes.end(), name) != classes.end()) continue;
    out.skipped_folders.push_back(name);
    spdlog::warn("{}: '{}' is not one of the model's classes, skipped", (dir / name).string(), name);
  }
  for (std::size_t c = 0; c < classes.size(); ++c) {
    if (std::find(folders.begin(), folders.end(), classes[c]) == folders.end()) continue;
    for (auto& p : data::list_audio_files(dir / classes[c])) {
      out.files.push_back(std::move(p));
      out.labels.push_back(static_cast<int>(c));
    }
  }
  if (out.files.empty()) {
    std::string names;
    for (const auto& c : classes) names += (names.empty() ? "" : ", ") + c;
    throw Error(dir.string() + ": no audio files in folders named after the model's classes (" + names + ")");
  }
  return out;
}

LabelledEvaluation evaluate_labelled(Predictor& predictor, LabelledFiles inputs,
                                     const std::function<void(const FileResult&)>& on_result) {
  LabelledEvaluation ev;
  ev.inputs = std::move(inputs);
  if (ev.inputs.labels.size() != ev.inputs.files.size())
    throw std::invalid_argument("evaluate_labelled: one label per file");
  // Results arrive in completion order; keep them by input index so metrics never depend on it.
  std::vector<FileResult> results(ev.inputs.files.size());
  predictor.run(ev.inputs.files, [&](FileResult&& r) {
    if (on_result) on_result(r);
    ev.audio_seconds += r.audio_seconds;
    const std::size_t i = r.input_index;
    results[i] = std::move(r);
  });
  std::vector<eval::SegmentPrediction> predictions;
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    if (!r.ok()) {
      ev.failures.push_back(std::move(r));
      continue;
    }
    for (auto& s : r.segments)
      predictions.push_back({r.path.string(), ev.inputs.labels[i], std::move(s.probabilities)});
  }
  if (predictions.empty())
    throw Error("none of the " + std::to_string(results.size()) + " labelled files could be classified");
  ev.metrics = metrics_with_pooling(predictor.classes(), predictions, predictor.options().pooling);
  eval::set_calibration(ev.metrics, predictions, predictor.settings().temperature);
  return ev;
}

namespace {

// Where the run's images of `subset` live: the preprocessed folder of data.root (or of the
// subset's own root for the `folders` protocol), or the cache the trainer made beside the run.
fs::path images_folder(const config::ExperimentConfig& c, const data::InputLayout& layout, const fs::path& run_dir,
                       data::Subset subset) {
  const bool folders = c.data.split == "folders";
  const fs::path root = folders ? (subset == data::Subset::train ? c.data.train_root
                                   : subset == data::Subset::val ? c.data.val_root
                                                                 : c.data.test_root)
                                : c.data.root;
  // The same cache location the trainer uses (train::prepare_data).
  const fs::path cache = (c.data.cache.empty() ? run_dir / "preprocessed" : c.data.cache) /
                         (folders ? std::string(data::to_string(subset)) : std::string("all"));
  std::error_code ec;
  if (!root.empty() && fs::exists(root, ec)) return train::ensure_preprocessed(c, layout, root, cache);
  // The audio may have moved since training; the images made from it are enough.
  if (fs::exists(cache / "manifest.csv", ec)) return train::ensure_preprocessed(c, layout, cache, cache);
  throw Error((run_dir / "config.yaml").string() + ": data " +
              (root.empty() ? std::string("(no root set)") : "'" + root.string() + "'") +
              " not found, and no preprocessed images in " + cache.string());
}

}  // namespace

RunSplitEvaluation evaluate_run_split(const models::Package& package, const std::string& source,
                                      const fs::path& run_dir, const std::string& split, eval::Pooling pooling,
                                      int batch_size) {
  const PackageSettings settings = package_settings(package, source);
  const data::Subset subset = data::parse_subset(split);
  const fs::path config_path = run_dir / "config.yaml";
  std::error_code ec;
  if (!fs::exists(config_path, ec))
    throw Error(run_dir.string() + ": no config.yaml (is this a folder made by jaams train?)");
  const config::ExperimentConfig c = config::load_experiment_config(config_path);
  if (pipeline::to_json(c.pipeline) != pipeline::to_json(settings.pipeline)) {
    throw Error(source + ": made with other audio/features/image settings than the run " + run_dir.string() +
                " (compare its config.yaml with the package's pipeline)");
  }
  const auto assignment = data::read_splits(run_dir / "splits.csv");
  std::set<std::pair<std::string, int>> wanted;
  for (const auto& a : assignment) {
    if (a.subset == subset) wanted.emplace(a.track_id, a.segment);
  }

  RunSplitEvaluation ev;
  ev.images_dir = images_folder(c, settings.layout, run_dir, subset);
  const auto& classes = settings.classes;
  std::vector<data::ManifestRow> rows;
  std::set<std::string> unknown;
  const std::string kind = features::to_string(settings.kind);
  for (auto& row : data::load_preprocessed_manifest(ev.images_dir)) {
    if (row.kind != kind || !wanted.count({row.track_id, row.segment})) continue;
    if (std::find(classes.begin(), classes.end(), row.genre) == classes.end()) {
      unknown.insert(row.genre);
      continue;
    }
    rows.push_back(std::move(row));
  }
  for (const auto& g : unknown)
    spdlog::warn("{}: genre '{}' is not one of the model's classes, skipped", ev.images_dir.string(), g);
  if (rows.empty()) {
    throw Error(run_dir.string() + ": no " + kind + " images of split '" + split + "' in " + ev.images_dir.string() +
                " (splits.csv lists " + std::to_string(wanted.size()) + " segments of it)");
  }
  const data::InputSet set = data::load_input_set(ev.images_dir, settings.layout, rows, classes);
  if (settings.layout.form == data::InputForm::image &&
      (set.inputs.size(2) != package.spec.height || set.inputs.size(3) != package.spec.width)) {
    throw Error(ev.images_dir.string() + ": images are " + std::to_string(set.inputs.size(2)) + "x" +
                std::to_string(set.inputs.size(3)) + ", the model reads " + std::to_string(package.spec.height) + "x" +
                std::to_string(package.spec.width));
  }
  if (settings.layout.form == data::InputForm::matrix && set.inputs.size(1) != package.spec.matrix_size()) {
    throw Error(ev.images_dir.string() + ": matrices of " + std::to_string(set.inputs.size(1)) + " values, the model reads " +
                std::to_string(package.spec.matrix_size()));
  }
  if (batch_size < 1) batch_size = default_batch_size(package.model->device());
  const torch::Tensor probs = train::class_probabilities(*package.model, set.inputs, /*embedded=*/false, batch_size);
  ev.segments = static_cast<std::size_t>(set.size());
  const auto predictions = train::to_predictions(probs, set);
  ev.metrics = metrics_with_pooling(classes, predictions, pooling);
  eval::set_calibration(ev.metrics, predictions, settings.temperature);
  return ev;
}

}  // namespace jaams::predict
