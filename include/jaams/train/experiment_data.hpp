#pragma once
// From an experiment config to the three image sets a run trains, validates and tests on.
//
// `data.root` may be a folder made by `jaams preprocess` (it has manifest.csv) or a raw audio root
// (<genre>/<file>); a raw root is preprocessed first with the same code path, into `data.cache`
// (default: <run>/preprocessed), and later runs reuse what is there. The split protocol decides
// which segments go where; the assignment is written to <run>/splits.csv.
#include <filesystem>
#include <string>
#include <vector>

#include "jaams/config/experiment_config.hpp"
#include "jaams/data/labels.hpp"
#include "jaams/data/image_set.hpp"
#include "jaams/data/splits.hpp"

namespace jaams::train {

struct ExperimentData {
  std::vector<std::string> classes;
  data::InputLayout layout;  // what the model reads
  data::InputSet train, val, test;
  std::filesystem::path train_dir;  // the preprocessed folder the training set was read from
  std::string description;  // one line for the log: where the images came from and the split sizes
};

// Returns the preprocessed folder for `root`: `root` itself when it already is one (its settings
// must equal the config's), else the cache folder after preprocessing `root` into it. With
// `may_write` false the cache must already be there (another process made it). With `labels`
// the audio files are the table's (data.labels) rather than <root>/<genre>/<file>.
std::filesystem::path ensure_preprocessed(const config::ExperimentConfig& config, const data::InputLayout& layout,
                                          const std::filesystem::path& root, const std::filesystem::path& cache_dir,
                                          bool may_write = true, const data::LabelTable* labels = nullptr);

// The inputs the configured model reads (models::model_inputs of the config).
data::InputLayout input_layout(const config::ExperimentConfig& config);

// Loads the configured data, preprocessing raw audio first, and writes <run_dir>/splits.csv.
// `write_files` false (the other ranks of a distributed run) only reads: rank 0 has preprocessed
// and written already.
ExperimentData prepare_data(const config::ExperimentConfig& config, const std::filesystem::path& run_dir, bool write_files = true);

}  // namespace jaams::train
