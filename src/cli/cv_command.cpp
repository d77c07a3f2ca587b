// jaams cv --config FILE --folds K [--repeats R] --output DIR: repeated stratified K-fold
// cross-validation by track, each fold an ordinary run folder, resumable.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "jaams/config/experiment_config.hpp"
#include "jaams/train/cross_validation.hpp"
#include "jaams/util/atomic_file.hpp"
#include "jaams/util/error.hpp"

namespace jaams::cli {
namespace {

struct CvCliOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string data;
  std::string output;
  int folds = 5;
  int repeats = 1;
};

void run_cv_command(const CvCliOptions& cli) {
  std::vector<std::string> overrides = cli.overrides;
  if (!cli.data.empty()) overrides.push_back("data.root=" + cli.data);
  const config::ExperimentConfig base = config::load_experiment_config(cli.config, overrides);
  if (base.data.split == "folders")
    throw Error("cv: data.split 'folders' fixes the test set; cross-validation deals the tracks of data.root into folds");
  train::CrossValidationOptions o;
  o.folds = cli.folds;
  o.repeats = cli.repeats;
  o.output = cli.output;
  require_writable_folder(o.output, "--output '" + cli.output + "'");
  const train::CrossValidationSummary s = train::run_cross_validation(base, o);
  std::cout << train::summary_text(s) << std::flush;
  spdlog::info("wrote {}", (o.output / "summary.json").string());
  set_exit_status(kExitOk);
}

void setup_cv(CLI::App& app) {
  auto opts = std::make_shared<CvCliOptions>();
  auto* cmd = app.add_subcommand("cv", "Repeated stratified K-fold cross-validation by track, with a summary");
  cmd->add_option("-c,--config", opts->config, "Experiment config (YAML)")->required();
  cmd->add_option("--folds", opts->folds, "K: folds of tracks, each the test set once")
      ->check(CLI::Range(2, 1000))
      ->capture_default_str();
  cmd->add_option("--repeats", opts->repeats, "R: repeats, each with its own split seed (data.split_seed + r - 1)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("-o,--output", opts->output, "Folder for the fold runs (r<R>_f<K>) and summary.json")->required();
  cmd->add_option("--set", opts->overrides, "Override a config key, e.g. --set training.epochs=5 (repeatable)");
  cmd->add_option("--data", opts->data, "Shorthand for --set data.root=DIR");
  cmd->footer(
      "Finished folds are kept: run the same command again to continue an interrupted cross-validation\n"
      "(an interrupted fold resumes from its checkpoint).\n"
      "Exit status: 0 done, 2 bad arguments or config, 3 training failed.");
  cmd->callback([opts] { run_cv_command(*opts); });
}

RegisterCommand registration(25, setup_cv);

}  // namespace
}  // namespace jaams::cli
