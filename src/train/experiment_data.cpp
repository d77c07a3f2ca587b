#include "jaams/train/experiment_data.hpp"

#include <spdlog/spdlog.h>

#include <torch/torch.h>

#include <fstream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>

#include "jaams/data/labels.hpp"
#include "jaams/data/preprocess.hpp"
#include "jaams/models/registry.hpp"
#include "jaams/util/error.hpp"

namespace jaams::train {
namespace fs = std::filesystem;

data::InputLayout input_layout(const config::ExperimentConfig& c) {
  const auto wanted = models::model_inputs(c.model, c.model_params, features::to_string(c.kind), c.input);
  data::InputLayout layout;
  layout.form = data::parse_input_form(wanted.form);
  layout.kinds.clear();
  for (const auto& k : wanted.kinds) layout.kinds.push_back(features::parse_feature_kind(k));
  data::validate(layout, c.source.empty() ? std::string("config") : c.source.string());
  return layout;
}

fs::path ensure_preprocessed(const config::ExperimentConfig& config, const data::InputLayout& layout, const fs::path& root,
                             const fs::path& cache_dir, bool may_write, const data::LabelTable* labels) {
  std::error_code ec;
  if (labels == nullptr && fs::exists(root / "manifest.csv", ec)) {
    std::ifstream in(root / "preprocess.json");
    nlohmann::json settings;
    try {
      settings = nlohmann::json::parse(in);
    } catch (const std::exception&) {
      throw Error((root / "preprocess.json").string() + ": missing or unreadable (is this a jaams preprocess folder?)");
    }
    if (settings.value("pipeline", nlohmann::json()) != pipeline::to_json(config.pipeline)) {
      throw Error(root.string() + ": preprocessed with other audio/features/image settings than " +
                  (config.source.empty() ? std::string("the defaults") : config.source.string()) +
                  " (compare its preprocess.json); re-run jaams preprocess with this config or point data.root at the audio");
    }
    return root;
  }
  if (labels == nullptr && !fs::is_directory(root, ec)) throw Error("data.root '" + root.string() + "': folder not found");
  if (!may_write) {
    if (!fs::exists(cache_dir / "manifest.csv", ec)) {
      throw Error(cache_dir.string() + ": no preprocessed data where rank 0 should have written it (is the run folder on a "
                  "file system every rank sees?)");
    }
    return ensure_preprocessed(config, layout, cache_dir, cache_dir);
  }
  spdlog::info("{}: raw audio, preprocessing into {}", labels ? labels->csv.string() : root.string(), cache_dir.string());
  data::PreprocessOptions o;
  o.input = root;
  o.output = cache_dir;
  o.genres = labels ? labels->genres : config.data.genres;
  if (labels) o.labelled = labels->files;
  o.kinds = layout.kinds;
  o.pipeline = config.pipeline;
  o.write_png = false;
  o.write_matrices = layout.form == data::InputForm::matrix;
  const auto summary = data::run_preprocess(o);
  if (!summary.failures.empty()) {
    spdlog::warn("{} file(s) could not be used, see {}", summary.failures.size(), (cache_dir / "failures.csv").string());
  }
  return cache_dir;
}

namespace {

// The rows of the layout's first kind (one per segment); the loader finds the other kinds' caches.
std::vector<data::ManifestRow> rows_of_kind(const fs::path& dir, features::FeatureKind kind, const std::vector<std::string>& classes) {
  std::vector<data::ManifestRow> rows;
  for (auto& row : data::load_preprocessed_manifest(dir)) {
    if (row.kind != features::to_string(kind)) continue;
    if (std::find(classes.begin(), classes.end(), row.genre) == classes.end()) continue;
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    throw Error(dir.string() + ": no " + std::string(features::to_string(kind)) +
                " segments of the configured genres (preprocess with --kinds including it)");
  }
  return rows;
}

// data.load: memory, stream, or auto: stream when the training inputs would take over 2 GiB.
// Augmented training makes its inputs anew from the audio and holds the cached ones in memory.
bool keep_on_disk(const config::ExperimentConfig& c, const data::InputSet& train) {
  if (!train.store || c.augment.any() || c.data.load == "memory") return false;
  if (c.data.load == "stream") return true;
  std::int64_t bytes = train.store->dtype() == torch::kUInt8 ? 1 : 4;
  for (auto d : train.sample_shape()) bytes *= d;
  return bytes * train.size() > (std::int64_t(2) << 30);
}

fs::path cache_for(const config::ExperimentConfig& c, const fs::path& run_dir, const std::string& label) {
  return (c.data.cache.empty() ? run_dir / "preprocessed" : c.data.cache) / label;
}

}  // namespace

ExperimentData prepare_data(const config::ExperimentConfig& c, const fs::path& run_dir, bool write_files) {
  ExperimentData d;
  d.classes = c.data.genres;
  d.layout = input_layout(c);
  const features::FeatureKind first_kind = d.layout.kinds.front();
  // Indexed on disk first (headers only); read into memory below unless they stay there.
  const bool stream = c.data.load != "memory";
  std::vector<data::SegmentAssignment> assignment;
  auto record = [&](const std::vector<data::ManifestRow>& rows, data::Subset subset) {
    for (const auto& r : rows) assignment.push_back({r.track_id, r.segment, subset});
  };

  if (c.data.split == "folders") {
    const std::pair<const fs::path*, data::Subset> roots[] = {
        {&c.data.train_root, data::Subset::train}, {&c.data.val_root, data::Subset::val}, {&c.data.test_root, data::Subset::test}};
    for (const auto& [root, subset] : roots) {
      if (root->empty()) continue;
      const std::string label(data::to_string(subset));
      const fs::path dir = ensure_preprocessed(c, d.layout, *root, cache_for(c, run_dir, label), write_files);
      const auto rows = rows_of_kind(dir, first_kind, d.classes);
      record(rows, subset);
      if (subset == data::Subset::train) d.train_dir = dir;
      data::InputSet set = data::load_input_set(dir, d.layout, rows, d.classes, stream);
      (subset == data::Subset::train ? d.train : subset == data::Subset::val ? d.val : d.test) = std::move(set);
    }
  } else {
    std::optional<data::LabelTable> labels;
    if (!c.data.labels.empty()) {
      labels = data::read_label_table(c.data.labels, c.data.genres);
      d.classes = labels->genres;
    } else if (c.data.root.empty()) {
      throw Error((c.source.empty() ? std::string("config") : c.source.string()) + ": data.root is not set");
    }
    const fs::path dir = labels ? ensure_preprocessed(c, d.layout, c.data.labels.parent_path(), cache_for(c, run_dir, "all"),
                                                      write_files, &*labels)
                                : ensure_preprocessed(c, d.layout, c.data.root, cache_for(c, run_dir, "all"), write_files);
    d.train_dir = dir;
    const auto rows = rows_of_kind(dir, first_kind, d.classes);
    data::SplitConfig split;
    // data.split: csv is the `folders` protocol with each track's side from the CSV's split column.
    const bool from_csv = c.data.split == "csv";
    split.protocol = from_csv ? data::SplitProtocol::folders : data::parse_split_protocol(c.data.split);
    split.seed = c.data.split_seed;
    split.train = c.data.train_fraction;
    split.val = c.data.val_fraction;
    split.test = c.data.test_fraction;
    split.filtered_lists_dir = c.data.filtered_lists;
    split.folds = c.data.folds;
    split.fold = c.data.fold;
    std::map<std::string, data::Subset> sides;
    std::map<std::string, std::string> artists;
    if (labels) {
      if (from_csv && !labels->has_split) throw Error(labels->csv.string() + ": data.split is 'csv' but the CSV has no split column");
      for (const auto& f : labels->files) {
        if (f.split) sides.emplace(f.track_id, *f.split);
        if (!f.artist.empty()) artists.emplace(f.track_id, f.artist);
      }
    }
    auto result = data::split_dataset(rows, split, sides);
    if (!artists.empty() && !from_csv) {
      const auto moved = data::keep_artists_together(result.segments, artists);
      spdlog::info("split '{}': artist-safe, {} artist(s) were on two sides and had all their tracks moved to one", c.data.split,
                   moved);
    }
    const auto subsets = data::subsets_for_rows(rows, result.segments);
    std::vector<data::ManifestRow> parts[3];
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (subsets[i]) parts[static_cast<int>(*subsets[i])].push_back(rows[i]);
    }
    for (auto subset : data::kSubsets) record(parts[static_cast<int>(subset)], subset);
    d.train = data::load_input_set(dir, d.layout, parts[0], d.classes, stream);
    d.val = data::load_input_set(dir, d.layout, parts[1], d.classes, stream);
    d.test = data::load_input_set(dir, d.layout, parts[2], d.classes, stream);
  }
  if (d.train.size() == 0) throw Error("no training images: check data.root, data.genres and the split");
  if (c.data.load == "stream" && c.augment.any()) {
    spdlog::info("data.load: stream: inputs read into memory anyway (augmented training holds them)");
  }
  if (!keep_on_disk(c, d.train)) {
    for (auto* set : {&d.train, &d.val, &d.test}) data::load_into_memory(*set);
  }
  // A class without training data would still get an output and make every metric meaningless.
  const auto per_class = torch::bincount(d.train.labels, {}, static_cast<int64_t>(d.classes.size()));
  for (std::size_t k = 0; k < d.classes.size(); ++k) {
    if (per_class[static_cast<int64_t>(k)].item<int64_t>() == 0) {
      throw Error("data.genres: genre '" + d.classes[k] + "' has no training data (check data.root and the split)");
    }
  }
  if (write_files) data::write_splits(run_dir / "splits.csv", assignment);
  d.description = std::to_string(d.train.size()) + "/" + std::to_string(d.val.size()) + "/" + std::to_string(d.test.size()) +
                  " train/val/test " + data::kinds_label(d.layout) +
                  (d.layout.form == data::InputForm::image ? " images" : " matrices") + ", split '" + c.data.split + "'";
  return d;
}

}  // namespace jaams::train
